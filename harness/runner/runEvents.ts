// Where a run's events go: every one to the append-only sample stream and to the run's aggregate,
// which builds the report from them and nothing else (so `seep report` rebuilds from the stream the
// report the run wrote), and to the live report and the Prometheus endpoint where they are asked for.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ScenarioReport, Verdict } from '../report/runReportSchema.ts';
import type { MetricsEndpoint } from '../observations/metricsEndpoint.ts';
import { createRunAggregate, type RunAggregate } from '../assembly/runAggregate.ts';
import { encodeHead, type StreamHead } from '../observations/streamHead.ts';
import type { NoteKind, StreamEvent } from '../series/sampleStream.ts';
import { allOutputs, runOutputs } from './runOutputs.ts';

export interface RunEvents {
  /** the run's aggregate: what the run has seen so far, for the parts that act on it (alerts, early stop, restarts) */
  readonly agg: RunAggregate;
  /** the run folder (a temporary one, removed at the end, when the caller gave none) */
  readonly runDir: string;
  emit(e: StreamEvent): void;
  /** a problem of observing; with 'info', how the run measured, which is no problem (the report's notes) */
  note(message: string, kind?: NoteKind): void;
  /** starts the outputs that work on a clock of their own (the live report, the metrics endpoint) */
  start(): void;
  /** the verdict of the events so far; once the end is in, the report's */
  verdict(): Verdict;
  /** stops every output and builds the report */
  finish(): Promise<ScenarioReport>;
}

export interface RunEventsOptions {
  runDir?: string;
  onLive?: (s: ScenarioReport) => Promise<void>;
  metrics?: MetricsEndpoint;
  liveEveryMs: number;
  now(): number;
  /** the stream cannot be written (a full disk): the run ends as an error naming the file */
  onStreamFailure(message: string): void;
}

/** Opens the outputs (runOutputs.ts: the stream first) and writes the head. */
export async function openRunEvents(head: StreamHead, opts: RunEventsOptions): Promise<RunEvents> {
  // with no run folder (the eval's corpus runs), the stream goes to a temp folder removed at the end
  const tempRunDir = opts.runDir ? null : await mkdtemp(path.join(os.tmpdir(), 'seep-run-'));
  const runDir = opts.runDir ?? tempRunDir!;
  const agg = createRunAggregate();
  const opened = runOutputs.flatMap((open) => open({ ...opts, runDir, head, agg, note: (m) => note(m) }));
  // the file the events are kept in, named in the report as its source
  const kept = opened.find((o) => o.file !== undefined)?.file;
  const outputs = allOutputs([...opened, agg]);
  const emit = (e: StreamEvent) => outputs.add(e);
  const note = (message: string, kind: NoteKind = 'problem') => emit({ k: 'note', t: opts.now(), message, ...(kind === 'info' ? { info: true as const } : {}) });
  emit({ k: 'head', v: 1, head: encodeHead(head) });
  return {
    agg,
    runDir,
    emit,
    note,
    start: () => outputs.start(),
    verdict: () => agg.verdict(),
    async finish() {
      await outputs.stop();
      const report = agg.report(kept === undefined ? {} : { source: path.relative(runDir, kept) });
      if (tempRunDir) await rm(tempRunDir, { recursive: true, force: true });
      return report;
    },
  };
}
