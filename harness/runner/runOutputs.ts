// What consumes a run, behind one interface, as k6's outputs are (output/types.go: Start,
// AddMetricSamples, Stop): the engine hands every event of the run to each output in order and knows
// none of them by name. The sample stream (crash-safe, on disk) and the run's aggregate (the report's
// source) take every event; the live report and the Prometheus endpoint read the aggregate on their
// own clock.
import { formatBytes } from '../scenario/units.ts';
import type { ScenarioReport } from '../report/runReportSchema.ts';
import type { SampleStreamWriter, StreamEvent } from '../series/sampleStream.ts';
import type { MetricsEndpoint, Values as MetricValues } from '../observations/metricsEndpoint.ts';
import type { RunAggregate } from '../assembly/runAggregate.ts';

export interface RunOutput {
  start?(): void;
  /** every event of the run, the head first; after the end only what the verdict decided (kept artifacts) */
  add?(e: StreamEvent): void;
  stop?(): void;
}

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

/** All outputs as one: events fan out in order; stop is called on each even if one throws. */
export function allOutputs(outputs: RunOutput[]): Required<RunOutput> {
  return {
    start: () => outputs.forEach((o) => o.start?.()),
    add: (e) => outputs.forEach((o) => o.add?.(e)),
    stop: () => outputs.forEach((o) => o.stop?.()),
  };
}
