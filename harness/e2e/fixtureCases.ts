// The bundled fixtures and what seep must say about each: shared by the leaky and the fixed tests,
// which live in two files so that vitest runs them side by side.
import path from 'node:path';
import { tempDir } from '../testing/tempDir.ts';

/** The env of a run of one variant; the CLI's history file is per variant, as both run at once. */
export function variantEnv(variant: 'leaky' | 'fixed'): Record<string, string> {
  return { VARIANT: variant, FINANCE_CLI_HISTORY: historyFile(variant) };
}

// in a folder of the test file's own, gone after it: a leaky history left behind grew 2.6 MB a day
const historyDir = tempDir('seep-e2e-history-');

function historyFile(variant: 'leaky' | 'fixed'): string {
  return path.join(historyDir, `finance-cli-${variant}.history`);
}

// `suspect`: one of the top three suspects must have this name, with `where` (retainer path or
// traceback) matching: the name of what leaks and who holds it, with no change to the target's code.
export interface SuspectExpectation {
  name: RegExp;
  where?: RegExp;
}

export const CASES: { scenario: string; leakyFails: string[]; suspect?: SuspectExpectation | SuspectExpectation[] }[] = [
  {
    scenario: 'scenarios/crew.scenario.ts',
    leakyFails: ['budget.rssGrowth'],
    suspect: { name: /^crew\.(Crew|Agent)$/, where: /crew\.py:\d+\s+crew\._CREW_REGISTRY/ },
  },
  {
    scenario: 'scenarios/export-service.scenario.ts',
    // leaked upstream sessions hold sockets (fds) in the service and a thread each in its upstream child
    leakyFails: ['budget.rssGrowth', 'budget.sockets', 'leak.fds', 'leak.threads'],
    suspect: { name: /^http\.client\.HTTPConnection$/, where: /server\.py:\d+\s+__main__\._UPSTREAM_SESSIONS/ },
  },
  {
    scenario: 'scenarios/finance-cli.scenario.ts',
    leakyFails: [`budget.files:${historyFile('leaky')}`, 'budget.orphans', 'budget.output.forbid:ResourceWarning'],
    // the line that opened the socket, not where it was collected
    suspect: { name: /^ResourceWarning: unclosed <socket\.socket at .*cli\.py:\d+$/, where: /sock = socket\.socket\(/ },
  },
  {
    scenario: 'scenarios/node-service.scenario.ts',
    leakyFails: ['budget.output.forbid:MaxListenersExceededWarning', 'leak.rss'],
    // the request state is held (by the Map, and by the listener closures that the emitter's 'tick'
    // array keeps); the closures themselves are named with that array in their retainer path
    suspect: [{ name: /^RequestState$/ }, { name: /^onTick\(\)$/, where: /\btick\b/ }],
  },
  // a socket-only leak: memory stays flat, the socket check alone catches it
  { scenario: 'scenarios/socket-leak.scenario.ts', leakyFails: ['leak.fds', 'leak.sockets'], suspect: { name: /^socket\.socket$/ } },
  // a double-forked daemon in a new session: found by the run cookie, reported, killed
  { scenario: 'scenarios/escaper.scenario.ts', leakyFails: ['budget.orphans'] },
];

// 103 CLI invocations at ~0.5 s each (two Python start-ups per invocation) is the slowest case
export const TIMEOUT_MS = 240_000;

