// Watches the target's stdout and stderr: splits chunks into lines, keeps a bounded tail, and counts
// lines matching the scenario's forbidden patterns. Memory stays bounded whatever the target writes:
// the tail is a ring, examples are capped, and a line is cut at MAX_LINE characters.
import { StringDecoder } from 'node:string_decoder';
import type { OutputLine, OutputSummary } from '../report/runReportSchema.ts';

export type Stream = 'stdout' | 'stderr';

export interface OutputWatcherOptions {
  forbid: (string | RegExp)[];
  /** known leak warnings, counted by name (scenario/leakWarnings.ts) */
  warnings?: readonly { name: string; pattern: RegExp }[];
  /** lines matching one of these are never counted as a leak warning */
  allow?: (string | RegExp)[];
  /** lines kept for the report; default 200 */
  tailLines?: number;
  /** the stream marks the first step (started()): until then lines are the target's start-up */
  marksStart?: boolean;
}

export interface OutputWatcher {
  feed(stream: Stream, chunk: string | Buffer, t: number): void;
  /** Ends both streams: a last line without a newline counts too. Call when the target exits. */
  end(t: number): void;
  summary(): OutputSummary;
  counts(): Record<string, number>;
  /** seep is stopping the target: lines from now on are its shutdown, not counted as leak warnings */
  stopping(): void;
  /** the first step begins: lines before it were the target's start-up, reported apart and not counted as leak warnings */
  started(): void;
}

/**
 * A warning Python raises while its interpreter finalizes has no frame left to name, so it says
 * `sys:1:`: a process of the tree exiting (a worker gunicorn recycles under --max-requests closes its
 * copy of the listening socket that way), counted with the shutdown's, not as a leak per step.
 */
const AT_INTERPRETER_EXIT = /^sys:1: /;

/** A line longer than this is cut; the rest, up to the next newline, is dropped. */
export const MAX_LINE = 8192;
const EXAMPLES_PER_PATTERN = 5;

interface Pattern {
  key: string;
  test: (line: string) => boolean;
}

/** The key is the pattern as written: the string itself, or '/re/flags' for a RegExp. */
function compile(p: string | RegExp): Pattern {
  if (typeof p === 'string') return { key: p, test: (line) => line.includes(p) };
  // A /g or /y RegExp keeps lastIndex between test() calls and would skip every other match.
  const re = new RegExp(p.source, p.flags.replace(/[gy]/g, ''));
  return { key: String(p), test: (line) => re.test(line) };
}

interface StreamState {
  decoder: StringDecoder;
  pending: string;
  /** the pending line passed MAX_LINE; drop input until its newline */
  overflowed: boolean;
}

export function createOutputWatcher(opts: OutputWatcherOptions): OutputWatcher {
  const patterns = opts.forbid.map(compile);
  const warnings = (opts.warnings ?? []).map((w) => ({ ...compile(w.pattern), key: w.name }));
  const allowed = (opts.allow ?? []).map(compile);
  const warningCounts: Record<string, number> = {};
  // What a target prints at exit is counted apart (its shutdown, or a process of it finalizing):
  // a pipe left to the interpreter to close is one line whatever the run did, while a pending task
  // per step destroyed at exit is one per step.
  let stopping = false;
  const shutdownCounts: Record<string, number> = {};
  // What a target prints while it starts (a dev server's unclosed bind socket) says nothing of what a
  // step keeps: counted apart until the first step, and only when seep marks one (older streams do not).
  const markedStart = opts.marksStart === true;
  let startingUp = markedStart;
  const startupCounts: Record<string, number> = {};
  const startupExamples: Record<string, string[]> = {};
  const warningExamples: Record<string, string[]> = {};
  for (const w of warnings) {
    warningCounts[w.key] = 0;
    warningExamples[w.key] = [];
  }
  const tailLines = opts.tailLines ?? 200;
  const tail: OutputLine[] = [];
  let tailStart = 0; // ring buffer: the oldest line sits at tailStart once the tail is full
  let totalLines = 0;
  const forbidCounts: Record<string, number> = {};
  const forbidExamples: Record<string, string[]> = {};
  for (const p of patterns) {
    forbidCounts[p.key] = 0;
    forbidExamples[p.key] = [];
  }
  const streams: Record<Stream, StreamState> = {
    stdout: { decoder: new StringDecoder('utf8'), pending: '', overflowed: false },
    stderr: { decoder: new StringDecoder('utf8'), pending: '', overflowed: false },
  };

  function addLine(stream: Stream, raw: string, t: number): void {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    totalLines += 1;
    const line: OutputLine = { stream, t, text };
    for (const p of patterns) {
      if (!p.test(text)) continue;
      forbidCounts[p.key]! += 1;
      const examples = forbidExamples[p.key]!;
      if (examples.length < EXAMPLES_PER_PATTERN) examples.push(text);
      line.forbidden ??= p.key;
    }
    if (warnings.length > 0 && !allowed.some((a) => a.test(text))) {
      for (const w of warnings) {
        if (!w.test(text)) continue;
        if (stopping || AT_INTERPRETER_EXIT.test(text)) shutdownCounts[w.key] = (shutdownCounts[w.key] ?? 0) + 1;
        else if (startingUp) startupCounts[w.key] = (startupCounts[w.key] ?? 0) + 1;
        else warningCounts[w.key]! += 1;
        const examples = startingUp ? (startupExamples[w.key] ??= []) : warningExamples[w.key]!;
        if (examples.length < EXAMPLES_PER_PATTERN) examples.push(text);
        line.forbidden ??= w.key;
        break; // once per line, under the first (most specific) warning it matches
      }
    }
    if (tailLines <= 0) return;
    if (tail.length < tailLines) tail.push(line);
    else {
      tail[tailStart] = line;
      tailStart = (tailStart + 1) % tailLines;
    }
  }

  function take(stream: Stream, text: string, t: number): void {
    const s = streams[stream];
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      const piece = text.slice(from, nl);
      from = nl + 1;
      if (s.overflowed) {
        s.overflowed = false;
        s.pending = '';
        continue;
      }
      addLine(stream, s.pending + piece.slice(0, MAX_LINE - s.pending.length), t);
      s.pending = '';
    }
    if (s.overflowed) return;
    // Never hold more than one line's worth, however large the chunk.
    s.pending += text.slice(from, from + MAX_LINE + 1 - s.pending.length);
    if (s.pending.length > MAX_LINE) {
      addLine(stream, s.pending.slice(0, MAX_LINE), t);
      s.pending = '';
      s.overflowed = true;
    }
  }

  return {
    feed(stream, chunk, t) {
      const s = streams[stream];
      take(stream, typeof chunk === 'string' ? chunk : s.decoder.write(chunk), t);
    },
    end(t) {
      for (const stream of ['stdout', 'stderr'] as const) {
        const s = streams[stream];
        take(stream, s.decoder.end(), t);
        if (s.pending !== '' && !s.overflowed) addLine(stream, s.pending, t);
        s.pending = '';
        s.overflowed = false;
      }
    },
    summary() {
      const ordered = tail.length < tailLines ? tail.slice() : [...tail.slice(tailStart), ...tail.slice(0, tailStart)];
      return {
        tail: ordered,
        totalLines,
        forbidCounts: { ...forbidCounts },
        forbidExamples: Object.fromEntries(Object.entries(forbidExamples).map(([k, v]) => [k, v.slice()])),
        ...(warnings.length > 0
          ? {
            warningCounts: { ...warningCounts },
            warningExamples: Object.fromEntries(Object.entries(warningExamples).map(([k, v]) => [k, v.slice()])),
            shutdownWarningCounts: { ...shutdownCounts },
            ...(markedStart ? { startupWarningCounts: { ...startupCounts }, startupWarningExamples: Object.fromEntries(Object.entries(startupExamples).map(([k, v]) => [k, v.slice()])) } : {}),
          }
          : {}),
      };
    },
    counts() {
      return { ...forbidCounts };
    },
    stopping() {
      stopping = true;
    },
    started() {
      startingUp = false;
    },
  };
}
