// What consumes a run, behind one interface, as k6's outputs are (output/types.go: Start,
// AddMetricSamples, Stop): the engine hands every event of the run to each output in order and knows
// none of them by name. The sample stream (crash-safe, on disk) and the run's aggregate (the report's
// source) take every event; the live report and the Prometheus endpoint read the aggregate on their
// own clock. The one place that knows them by name is the list below (runOutputs), opened as the
// evidence collectors are (runCollectors.ts); the aggregate is not in it: it is the report's builder,
// which runEvents.ts holds itself.
import { formatBytes } from '../scenario/units.ts';
import type { ScenarioReport } from '../report/runReportSchema.ts';
import { createSampleStream, newStreamFile, type SampleStreamWriter, type StreamEvent } from '../series/sampleStream.ts';
import type { StreamHead } from '../observations/streamHead.ts';
import type { MetricsEndpoint, Values as MetricValues } from '../observations/metricsEndpoint.ts';
import type { RunAggregate } from '../assembly/runAggregate.ts';
import { stopEach } from './stopEach.ts';

export interface RunOutput {
  start?(): void;
  /** every event of the run, the head first; after the end only what the verdict decided (kept artifacts) */
  add?(e: StreamEvent): void;
  stop?(): void;
  /** the file this output keeps every event in (the sample stream's), for the report's `source` */
  readonly file?: string;
}

/** What a run offers its outputs. */
export interface OutputRun {
  /** the run folder */
  runDir: string;
  head: StreamHead;
  /** the run's aggregate, which the live report and the metrics endpoint read */
  agg: RunAggregate;
  /** called with the report so far every liveEveryMs, for the live HTML view */
  onLive?: (s: ScenarioReport) => Promise<void>;
  liveEveryMs: number;
  metrics?: MetricsEndpoint;
  now(): number;
  /** a problem of an output, for the report's notes */
  note(message: string): void;
  /** the stream cannot be written (a full disk): the run ends as an error naming the file */
  onStreamFailure(message: string): void;
}

/** The outputs of a run, in the order each event reaches them (the aggregate after them). */
export const runOutputs: readonly ((run: OutputRun) => RunOutput[])[] = [
  ({ runDir, head, onStreamFailure, note }) => [sampleStreamOutput(createSampleStream(newStreamFile(runDir, head.name), { onFailure: (err) => onStreamFailure(err.message) }), note)],
  ({ onLive, liveEveryMs, agg, note }) => (onLive ? [liveReportOutput(liveEveryMs, onLive, () => agg.report({ live: true }), note)] : []),
  ({ metrics, head, agg, now }) => {
    // a soak's time left; a counted run has none
    const remainingMs = head.measure && 'ms' in head.measure ? () => Math.max(0, head.durationMs - now()) : () => null;
    return metrics ? [metricsOutput(metrics, head.name, () => metricsValues(agg, now(), remainingMs()))] : [];
  },
];

/** Output a week of chatty target writes is kept in the stream up to this; past it, counted only. */
export const OUTPUT_STREAM_CAP = 64 * 1024 * 1024;

/** The append-only sample stream: every event, and target output up to OUTPUT_STREAM_CAP (`capped` says when it is reached). */
export function sampleStreamOutput(stream: SampleStreamWriter, capped: (message: string) => void): RunOutput {
  let outBytes = 0;
  return {
    add(e) {
      if (e.k === 'out') {
        outBytes += e.x.length;
        if (outBytes > OUTPUT_STREAM_CAP) {
          if (outBytes - e.x.length <= OUTPUT_STREAM_CAP) capped(`target output past ${formatBytes(OUTPUT_STREAM_CAP)} is counted but not kept in the sample stream`);
          return;
        }
      }
      stream.write(e);
    },
    stop: () => stream.close(),
    file: stream.file,
  };
}

/** The report so far, every `everyMs`, for the live HTML view; one at a time, failures noted. */
export function liveReportOutput(everyMs: number, onLive: (s: ScenarioReport) => Promise<void>, report: () => ScenarioReport, note: (m: string) => void): RunOutput {
  let timer: NodeJS.Timeout | null = null;
  let live: Promise<void> | null = null;
  return {
    start() {
      timer = setInterval(() => {
        if (live) return;
        live = onLive(report())
          .catch((err: unknown) => note(`live report failed: ${(err as Error).message}`))
          .finally(() => (live = null));
      }, everyMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}

/** The run's current values on the Prometheus endpoint while it runs. */
export function metricsOutput(endpoint: MetricsEndpoint, name: string, values: () => MetricValues): RunOutput {
  let unwatch: (() => void) | undefined;
  return {
    start: () => (unwatch = endpoint.watch(name, values)),
    stop: () => unwatch?.(),
  };
}

/** What the endpoint shows of a run at `nowMs`; `remainingMs` is a soak's time left (null in a counted run). */
export function metricsValues(agg: RunAggregate, nowMs: number, remainingMs: number | null): MetricValues {
  const last = agg.last();
  const totals = agg.totals();
  const lastLoad = agg.lastLoad();
  return {
    targetRss: last?.values.rss, targetCpu: last?.values.cpu, targetFds: last?.values.fds, targetSockets: last?.values.sockets,
    targetThreads: last?.values.threads, targetProcesses: last ? last.pids.length : null, seepRss: process.memoryUsage.rss(),
    elapsed: nowMs / 1000, remaining: remainingMs === null ? null : remainingMs / 1000, samples: totals.samples,
    requests: totals.requests, errors: totals.errors, latencyP99: lastLoad ? lastLoad.p99 / 1000 : null,
    restarts: agg.restarts(), alerts: totals.alerts, stepErrors: totals.stepErrors,
  };
}

/** All outputs as one: events fan out in order; stop is called on each even if one throws (stopEach.ts). */
export function allOutputs(outputs: RunOutput[]): Required<Pick<RunOutput, 'start' | 'add'>> & { stop(): Promise<void> } {
  return {
    start: () => outputs.forEach((o) => o.start?.()),
    add: (e) => outputs.forEach((o) => o.add?.(e)),
    stop: () => stopEach(outputs.map((o) => () => o.stop?.())),
  };
}
