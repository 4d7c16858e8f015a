// What runtimes and libraries print when they find a leaked resource. Each is a leak by default,
// with no budget: a scenario allows one it knows to be harmless (`output: { allow: [...] }`) and adds
// its own (`output: { forbid: [...] }`). The one table; the README lists it.
//
// Python targets seep starts run with PYTHONWARNINGS=default (drivers/spawnTarget.ts), so the
// ResourceWarnings Python hides by default outside __main__ are printed.

export interface LeakWarning {
  /** a short stable name, used in the check's message and the report */
  name: string;
  pattern: RegExp;
  /** what leaked, for the message */
  means: string;
  /**
   * a hygiene warning: it fails only when the resource it is about grew (fds, sockets or handles
   * not back to baseline), else it is listed with its rate and passes; `output.forbid` fails on it
   */
  hygiene?: true;
}

/** A ResourceWarning raised in an installed dependency's file (not aiohttp's: its leak warnings fail wherever they come from). */
export const DEPENDENCY_RESOURCE_WARNING = 'ResourceWarning in an installed dependency';

// A line is counted once, under the first entry it matches: the specific ones come first (asyncio's
// "unclosed event loop" is printed as a ResourceWarning too).
export const LEAK_WARNINGS: readonly LeakWarning[] = [
  // aiohttp: ClientSession.__del__ / BaseConnector.__del__ of a session or connector never closed
  { name: 'Unclosed client session', pattern: /\bUnclosed client session\b/, means: 'an aiohttp ClientSession never closed' },
  { name: 'Unclosed connector', pattern: /\bUnclosed connector\b/, means: 'an aiohttp connector never closed' },
  // asyncio: BaseEventLoop.__del__ (its repr follows: the warning's source line, which Python prints
  // under it, says "unclosed event loop {self!r}" and is not counted again) and Task.__del__
  { name: 'unclosed event loop', pattern: /\bunclosed event loop <\w/, means: 'an asyncio event loop never closed' },
  { name: 'Task was destroyed but it is pending', pattern: /\bTask was destroyed but it is pending\b/, means: 'an asyncio task dropped while still pending' },
  // CPython, printed as "<file>:<line>: ResourceWarning: ..." from a file of an installed package: an
  // object the package leaves to be closed when freed (a scandir iterator a generator stops early)
  // costs nothing if its descriptor does not stay open; the fds, sockets and handles checks say so
  {
    name: DEPENDENCY_RESOURCE_WARNING,
    pattern: /[\\/](?:site-packages|dist-packages|node_modules)[\\/](?!aiohttp[\\/])[^:\n]*:\d+: ResourceWarning: (unclosed|subprocess \d+ is still running)/,
    means: "an installed dependency's object closed only when freed",
    hygiene: true,
  },
  // CPython: a socket, file, subprocess or transport collected while still open
  { name: 'ResourceWarning', pattern: /\bResourceWarning: (unclosed|subprocess \d+ is still running)/, means: 'a socket, file, subprocess or transport collected while still open' },
  // Node: EventEmitter past its listener limit (events.js _addListener)
  { name: 'MaxListenersExceededWarning', pattern: /\bMaxListenersExceededWarning\b/, means: 'listeners added to an emitter and never removed' },
];
