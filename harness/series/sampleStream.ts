// The append-only record of a run: one JSON line per sample or event, written as they happen, so
// a power cut or a SIGKILL of seep loses at most the last flush interval, never the run. Lines are
// buffered and written together at least every `flushMs` (1 s by default): a write per 1 Hz sample
// is cheap, but a write per output line of a chatty target is not. No fsync: the page cache
// survives seep's own death, which is the common case; a kernel crash may lose a few more seconds.
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { METRICS, type Metric, type Phase, type Sample, type TcpState } from '../report/sampleSchema.ts';
import type { AgentlessProcess, AttachedTarget, Attribution, DiskPath, LatencyFigures, Leftover, RuntimeVersion, ScenarioReport, Suspect, WarningGroup } from '../report/runReportSchema.ts';
import type { SuspectEvidence } from '../report/suspectEvidenceSchema.ts';
import { fileSlug } from '../scenario/fileSlug.ts';

/** a note of the run: a problem of observing (the report's probe errors), or how it measured (its notes) */
export type NoteKind = 'problem' | 'info';

export const STREAM_SUFFIX = '.samples.ndjson';

/** A phase as a stream line writes it. */
export type PhaseCode = 'w' | 'm' | 's';

const PHASE_CODE: Record<Phase, PhaseCode> = { warmup: 'w', measured: 'm', settle: 's' };
const CODE_PHASE: Record<string, Phase> = { w: 'warmup', m: 'measured', s: 'settle' };

/** A sample on disk: values in METRICS order, tcp only when any, pids only when they changed. */
export interface SampleLine {
  k: 'b' | 't';
  t: number;
  i: number | null;
  p: string;
  v: (number | null)[];
  c?: Partial<Record<TcpState, number>>;
  /** the pids of the tree, written when the set differs from the previous line's */
  P?: number[];
  /** RSS per pid (aligned with the current pid set), when the tree has more than one process */
  R?: number[];
}

export type StreamEvent =
  | { k: 'head'; v: number; head: Record<string, unknown> }
  | SampleLine
  /**
   * a load slice: n answers, e failures, p50/p99 latency; since issue 28 also d its length (ms), a
   * the rate asked (req/s, absent: as fast as it goes), ok the successes, x the transport errors
   * [refused, reset, timeout, other] and s the answers by status class [1xx, 2xx, 3xx, 4xx, 5xx];
   * with seep's checkpoints recorded, `c` is its answers clear of them and `m` the measured phase's
   * answers so far, all and clear (drivers/latencySplit.ts); `cn` the connections it ran with and `w`
   * the time they waited for answers (latencies summed, ms)
   */
  | { k: 'load'; t: number; n: number; e: number; p50: number; p99: number; d?: number; g?: number; a?: number; ok?: number; x?: number[]; s?: number[]; c?: LatencyFigures; m?: { all: LatencyFigures; clean: LatencyFigures }; cn?: number; w?: number }
  /**
   * a checkpoint: from its start at t, ms long, of which gc the forced GC (drivers see it as a pause of
   * the target); reused: no GC forced, the heap read is the one the last full GC left (the target's own, or one
   * seep forced at an earlier checkpoint), and no per-type read
   */
  | { k: 'pause'; t: number; ms: number; gc: number; reused?: true }
  | { k: 'seep'; t: number; rss: number }
  | { k: 'cmd'; pid: number; cmd: string; root?: boolean }
  | { k: 'exit'; t: number; pid: number; code: number | null; signal: string | null; restart: boolean }
  | { k: 'alert'; t: number; level: 'warning' | 'critical'; message: string }
  | { k: 'out'; t: number; s: 'stdout' | 'stderr'; x: string }
  /** what the run said as it went: a problem of observing, or (info) how it measured, which is no problem */
  | { k: 'note'; t: number; message: string; info?: true }
  | { k: 'stepError'; t: number; message: string }
  /** the kernel's OOM killer acted in the target's memory cgroup; usage is the cgroup's peak */
  | { k: 'oom'; t: number; usage: number | null }
  /** suspects as streams before the evidence event ranked them: read, no longer written */
  | { k: 'suspects'; t: number; suspects: Suspect[] }
  /** what the agents' looks after the measured phase saw, for the judge to rank */
  | { k: 'evidence'; t: number; evidence: SuspectEvidence }
  /** what moved per type or allocation site at a boundary read (observations/typeGrowthRows.ts) */
  | TypeGrowthLine
  /** the paths on disk read at a boundary, and what the temp dir held at the end (observations/diskRows.ts) */
  | DiskLine
  | TempLeftLine
  | { k: 'attribution'; t: number; attribution: Attribution }
  /** the runtime heap of each process read at a boundary (phase code as a sample's), after its GC */
  | { k: 'heaps'; t: number; p: string; procs: ProcessHeapRead[] }
  /** every warning the agents counted so far, by group (runner/warningCountsCollector.ts), at a boundary read */
  | { k: 'warns'; t: number; p: string; g: AgentWarningGroup[] }
  /** processes of a known runtime in the tree with no agent answering, as of the end of the measured phase */
  | { k: 'agentless'; t: number; procs: AgentlessProcess[]; more: number }
  /** a step's request reset as worker `pid` of the tree exited, retried once on a new connection */
  | { k: 'retry'; t: number; pid: number; request: string; error: string }
  /** the first step begins: what came before (starting the target, its readiness, setup) was its start-up */
  | { k: 'firstStep'; t: number }
  /** a deployed service's replicas, each judged from its series in Prometheus (runner/prometheusEvidence.ts) */
  | { k: 'replicas'; t: number; replicas: ScenarioReport[] }
  /**
   * the target as started: its command and runtime, known only once it runs (a service's runtime from
   * its command); of a service seep attached to, what was resolved of it (pid, URL, cgroup), in an
   * event of its own as soon as it is, so that a run whose target then never gets ready names it.
   * A later event adds to what an earlier one said
   */
  | { k: 'target'; t: number; command?: string[]; runtime?: 'node' | 'python'; runtimeVersion?: RuntimeVersion; attached?: AttachedTarget }
  /** seep is stopping the target: what it prints from here on is its shutdown */
  | { k: 'stopping'; t: number }
  | { k: 'end'; t: number; tail: Record<string, unknown> }
  /** after the end, once the verdict is known: files a collector kept in the run folder (a failed run's heap snapshots) */
  | { k: 'artifacts'; t: number; files: string[] }
  /** after the end: problems a collector had, listed last among the report's probe errors */
  | { k: 'lateErrors'; t: number; errors: string[] };

/** What moved per type or allocation site at one boundary read (observations/typeGrowthRows.ts
 * folds them): `c` is each name's change since the baseline (empty at the baseline). */
export interface TypeGrowthLine {
  k: 'types';
  t: number;
  i: number;
  p: PhaseCode;
  r: 'node' | 'python';
  c: Record<string, number>;
  /** Node: of the names in c, the sampled bytes each gave back since the baseline, where any (allocationSites.cjs givenBackSince) */
  g?: Record<string, number>;
  /** Node: of the names in c, the live samples behind each one's bytes (V8 scales each sample by its odds) */
  n?: Record<string, number>;
  /** how long the read took in the target, ms */
  ms: number;
}

/** A warning group as the agents count it (agents/python/seep_warning_counts.py), summed over the tree. */
export type AgentWarningGroup = Omit<WarningGroup, 'atFirstRead' | 'atBaseline' | 'atMeasuredEnd' | 'total' | 'perStep'> & { count: number };

/** The paths on disk read at one boundary (observations/diskRows.ts folds them). */
export interface DiskLine {
  k: 'disk';
  t: number;
  i: number;
  p: PhaseCode;
  /** files: path -> bytes */
  f: Record<string, number>;
  /** folders: path -> [bytes, entries created in it] */
  d: Record<string, [number, number]>;
  /** the paths first followed on this line: how they were found, the device they are on, and whether they are allowed */
  n?: Record<string, { how: DiskPath['how']; dev: number; allowed?: true }>;
  /** free bytes per file system (by device number) of the followed paths and the temp dir */
  fs?: Record<string, number>;
  /** the temp dir seep gave the target, and its device, on the first line */
  tmp?: { dir: string; dev: number };
  /** the working directories watched, when the set changed */
  wd?: string[];
}

/** What was left in the target's temp dir once it had stopped, before seep removed it. */
export interface TempLeftLine {
  k: 'tempLeft';
  t: number;
  left: Leftover[];
}

/** One process's heap figures at a boundary, as its agent gave them. */
export interface ProcessHeapRead {
  pid: number;
  role: 'root' | 'worker';
  h: Record<string, number | null>;
}

export function phaseCode(phase: Phase): PhaseCode {
  return PHASE_CODE[phase];
}

export function phaseOfCode(code: string): Phase {
  return CODE_PHASE[code] ?? 'measured';
}

export function streamFile(runDir: string, slug: string): string {
  return path.join(runDir, `${slug}${STREAM_SUFFIX}`);
}

/** A new run's stream in the run folder, named for its scenario: -2, -3 ... after a name already taken there. */
export function newStreamFile(runDir: string, name: string): string {
  const slug = fileSlug(name, 80);
  for (let n = 1; ; n++) {
    const file = streamFile(runDir, n === 1 ? slug : `${slug}-${n}`);
    if (!existsSync(file)) return file;
  }
}

export function encodeSample(s: Sample, kind: 'b' | 't', pidsChanged: boolean, perPidRss?: number[]): SampleLine {
  const line: SampleLine = { k: kind, t: s.t, i: s.iteration, p: PHASE_CODE[s.phase], v: METRICS.map((m) => s.values[m]) };
  if (Object.keys(s.tcp).length > 0) line.c = s.tcp;
  if (pidsChanged) line.P = s.pids;
  if (perPidRss && perPidRss.length > 1) line.R = perPidRss;
  return line;
}

export function decodeSample(line: SampleLine, pids: number[]): Sample {
  const values = {} as Record<Metric, number | null>;
  METRICS.forEach((m, j) => (values[m] = line.v[j] ?? null));
  return { t: line.t, iteration: line.i, phase: CODE_PHASE[line.p] ?? 'measured', values, tcp: line.c ?? {}, pids };
}

export interface SampleStreamWriter {
  readonly file: string;
  write(event: StreamEvent): void;
  /** writes what is buffered now */
  flush(): void;
  /** bytes written so far (flushed) */
  bytes(): number;
  close(): void;
}

export function createSampleStream(
  file: string,
  opts: { flushMs?: number; maxBufferBytes?: number; onFailure?: (err: Error) => void } = {},
): SampleStreamWriter {
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, 'a');
  const maxBuffer = opts.maxBufferBytes ?? 16 * 1024;
  let chunks: string[] = [];
  let buffered = 0;
  let written = 0;
  let closed = false;
  let failed = false;
  const flush = () => {
    if (chunks.length === 0) return;
    const data = Buffer.from(chunks.join(''));
    chunks = [];
    buffered = 0;
    if (failed) return;
    // Synchronous on purpose: lines reach the file in order, and a write of a second's worth of
    // lines takes microseconds; an async write queue would be one more thing to bound.
    try {
      for (let off = 0; off < data.length; ) off += writeSync(fd, data, off);
      written += data.length;
    } catch (err) {
      // a full disk, a removed mount: what reached the file stays readable (a cut last line is
      // skipped by the reader); nothing more is written, and the run is told once
      failed = true;
      opts.onFailure?.(new Error(`${file}: cannot write the sample stream: ${(err as Error).message}`));
    }
  };
  const timer = setInterval(flush, opts.flushMs ?? 1000);
  timer.unref();
  return {
    file,
    write(event) {
      if (closed) throw new Error(`sample stream ${file} is closed`);
      const line = JSON.stringify(event) + '\n';
      chunks.push(line);
      buffered += line.length;
      if (buffered >= maxBuffer) flush();
    },
    flush,
    bytes: () => written,
    close() {
      if (closed) return;
      clearInterval(timer);
      flush();
      closeSync(fd);
      closed = true;
    },
  };
}

/**
 * Reads a stream back line by line, in constant memory. A last line cut short by a crash is
 * skipped and counted; a bad line elsewhere is an error, since it means the file was damaged.
 */
export async function readSampleStream(file: string, onEvent: (e: StreamEvent) => void): Promise<{ lines: number; truncatedTail: boolean }> {
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lines = 0;
  let pendingBad: { n: number; message: string } | null = null;
  for await (const text of rl) {
    lines++;
    if (pendingBad) throw new Error(`${file}:${pendingBad.n}: not a JSON line: ${pendingBad.message}`);
    if (text === '') continue;
    let event: StreamEvent;
    try {
      event = JSON.parse(text) as StreamEvent;
    } catch (err) {
      pendingBad = { n: lines, message: (err as Error).message };
      continue;
    }
    onEvent(event);
  }
  return { lines, truncatedTail: pendingBad !== null };
}
