// A 7-day soak at 1 Hz through the whole pipeline, sampler aside: 604,800 synthetic samples of 6
// live series (rss, cpu, fds, sockets, threads, children: 3.6 million values) plus boundary reads
// every 5 minutes, a load interval and a seep-RSS sample every 5 seconds, go to the sample stream
// and the fixed-size aggregates; the report so far is built at the end of every simulated day (as
// the live view would), then the final report and its HTML, then `seep report`'s rebuild from the
// stream. seep's RSS must stay under 150 MB and flat from day 1 to day 7.
import { planAlerts, planBudgets } from '../scenario/runPlan.ts';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { METRICS, SCHEMA_VERSION, type Metric, type Report, type Sample } from '../report/schema.ts';
import { createSampleStream, encodeSample, streamFile } from '../series/sampleStream.ts';
import { createRunAggregate } from '../observations/runAggregate.ts';
import { encodeHead } from '../observations/streamHead.ts';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderRun } from '../reporters/renderRun.ts';
import { runOutcome } from '../verdict/verdict.ts';
import { formatBytes } from '../scenario/units.ts';
import { seededRandom } from '../eval/seededRandom.ts';
import { printTarget } from './benchTarget.ts';

const DAY_S = 86_400;
const DAYS = 7;
const LIMIT = 150e6;

const SEEP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli/seep.js');

/** Runs `seep report <runDir>` and follows its high-water RSS (VmHWM) until it exits. */
async function rebuildInChild(runDir: string): Promise<{ ms: number; peak: number; code: number | null }> {
  const t = performance.now();
  // the same V8 flag as the seep command's shebang (harness/cli/seep.ts)
  const child = spawn(process.execPath, ['--max-semi-space-size=4', SEEP, 'report', runDir], { stdio: 'ignore' });
  let peak = 0;
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch {
      // exited between polls: the last read stands
    }
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearInterval(poll);
  return { ms: performance.now() - t, peak, code };
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export default async function soakPipeline(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'seep-soak-bench-'));
  const runDir = path.join(dir, 'run');
  try {
    const rand = seededRandom(7);
    const stream = createSampleStream(streamFile(runDir, 'bench-soak'));
    const agg = createRunAggregate();
    const emit = (e: Parameters<typeof stream.write>[0]) => {
      stream.write(e);
      agg.add(e);
    };
    const startedAt = new Date(Date.UTC(2026, 0, 1));
    emit({ k: 'head', v: 1, head: encodeHead({
      name: 'bench: 7-day soak', file: 'bench.scenario.ts', startedAt: startedAt.toISOString(),
      target: { kind: 'service', command: ['python3', 'server.py'] }, budgets: planBudgets({ rssSlope: '5MB/h', latencyP99: '200ms', peakRss: '1GB' }),
      alerts: planAlerts({ rss: { warning: '400MB', critical: '500MB' } }), durationMs: DAYS * DAY_S * 1000, warmup: { ms: 30 * 60_000 }, sampleHz: 1,
    }) });
    let peak = process.memoryUsage.rss();
    const startRss = peak;
    console.log(`start: seep RSS ${mb(peak)} (node, tsx and the harness loaded)`);
    const perDay: number[] = [];
    const t0 = performance.now();
    let base = 0;
    const values = Object.fromEntries(METRICS.map((m) => [m, null])) as Record<Metric, number | null>;
    for (let s = 0; s < DAYS * DAY_S; s++) {
      const t = s * 1000;
      const phase = t < 30 * 60_000 ? 'warmup' : 'measured';
      // 2 MB/h of growth under a GC sawtooth: a slow leak a week-long soak exists to find
      values.rss = 180e6 + (2e6 * s) / 3600 + (s % 300) * 40_000 + rand() * 1e6;
      values.cpu = 20 + rand() * 10;
      values.fds = 40 + Math.floor(rand() * 4);
      values.sockets = 12 + Math.floor(rand() * 3);
      values.threads = 8;
      values.children = 2;
      const sample: Sample = { t, iteration: null, phase, values: { ...values }, tcp: {}, pids: [100, 101, 102] };
      emit(encodeSample(sample, 't', s === 0));
      if (s % 300 === 0 || s === 30 * 60 - 1) emit(encodeSample({ ...sample, iteration: s, phase: s < 30 * 60 ? 'warmup' : 'measured' }, 'b', false));
      if (s % 5 === 0) {
        emit({ k: 'load', t, n: 500, e: rand() < 0.01 ? 1 : 0, p50: 4 + rand(), p99: 20 + rand() * 5 });
        emit({ k: 'seep', t, rss: process.memoryUsage.rss() });
      }
      if (s % 10_000 === 0) peak = Math.max(peak, process.memoryUsage.rss());
      if ((s + 1) % DAY_S === 0) {
        const live = agg.report({ live: true });
        JSON.stringify(live);
        const rss = process.memoryUsage.rss();
        peak = Math.max(peak, rss);
        perDay.push(rss);
        base ||= rss;
        const m = process.memoryUsage();
        console.log(`day ${perDay.length}: seep RSS ${mb(rss)} (peak so far ${mb(peak)}; V8 heap ${mb(m.heapUsed)} used of ${mb(m.heapTotal)}), stream ${formatBytes(stream.bytes())}, ${((performance.now() - t0) / 1000).toFixed(1)} s in`);
      }
    }
    const tFinal = performance.now();
    emit({ k: 'end', t: DAYS * DAY_S * 1000, tail: { finishedAt: new Date(startedAt.getTime() + DAYS * DAY_S * 1000).toISOString(), steps: { warmup: 0, measured: 0 }, orphans: [], newSinceBaseline: { processes: [], sockets: [], fds: [] }, fileSizes: {}, probeErrors: [] } });
    stream.close();
    const scenario = agg.report();
    const report: Report = {
      schemaVersion: SCHEMA_VERSION, seepVersion: 'bench', runId: 'bench', startedAt: scenario.startedAt, finishedAt: scenario.finishedAt,
      host: { hostname: os.hostname(), platform: process.platform, arch: process.arch, cpus: os.cpus().length, totalMemBytes: os.totalmem(), node: process.version },
      ...runOutcome([scenario]), scenarios: [scenario],
    };
    await renderRun(report, runDir);
    const finalMs = performance.now() - tFinal;
    peak = Math.max(peak, process.memoryUsage.rss());
    const size = statSync(stream.file).size;
    const slope = scenario.checks.find((c) => c.id === 'budget.rssSlope');

    // `seep report` after a crash is its own process: measured as one, the tail cut as a SIGKILL would
    const { truncate } = await import('node:fs/promises');
    const cut = statSync(stream.file).size - 40;
    await truncate(stream.file, cut);
    const rebuild = await rebuildInChild(runDir);

    console.log(`samples: ${agg.totals().samples} (${DAYS * DAY_S} timed x 6 series = ${(DAYS * DAY_S * 6 / 1e6).toFixed(2)} million values), timed points kept: ${scenario.series.timed.t.length}, load points kept: ${scenario.series.load!.t.length}`);
    console.log(`stream on disk: ${formatBytes(size)} (${(size / (DAYS * DAY_S)).toFixed(0)} B per second of soak)`);
    console.log(`final report (checks, JSON, HTML): ${(finalMs / 1000).toFixed(2)} s; rebuild from the stream by \`seep report\` after a cut: ${(rebuild.ms / 1000).toFixed(2)} s, its peak RSS ${mb(rebuild.peak)} (exit ${rebuild.code})`);
    console.log(`rssSlope check: ${slope?.message ?? 'missing'}`);
    console.log(`flat: day 7 / day 1 RSS = ${(perDay.at(-1)! / perDay[0]!).toFixed(2)}`);
    printTarget({ what: 'seep peak RSS over a 7-day soak pipeline', limit: `< ${mb(LIMIT)}`, anchor: `RSS at the start ${mb(startRss)}`, measured: mb(peak), ratio: `${(peak / startRss).toFixed(2)}x the start`, pass: peak < LIMIT });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
