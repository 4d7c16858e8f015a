// The few facts every summary leads with (Markdown table, terminal lines): the worst check, how
// much RSS grew, and the fitted RSS slope; for a soak, latency, recycled workers and alerts.
// Read from the report only, and the numbers as the analysis wrote them: nothing is re-derived here.
import type { Check, RemoteTarget, ScenarioReport } from '../report/runReportSchema.ts';
import { seriesName } from '../probes/seriesName.ts';
import { formatDuration, formatSigned, formatValue } from './formatValue.ts';

/** How far past its limit a failed check is: observed / limit, when both are numbers. */
function ratio(c: Check): number {
  if (c.limitValue === undefined) return c.pass ? 0 : 1;
  // a zero limit (no forbidden lines, no orphans): count each unit over it as one limit's worth
  if (c.limitValue === 0) return c.observed + 1;
  if (c.atLeast) return c.observed > 0 ? c.limitValue / c.observed : Infinity;
  return c.observed / c.limitValue;
}

/** Every scenario, each followed by the replicas it judged from Prometheus (a deployed service's), as the views list them. */
export function withReplicas(scenarios: ScenarioReport[]): ScenarioReport[] {
  return scenarios.flatMap((s) => [s, ...(s.replicas ?? [])]);
}

/**
 * How close a passing check came to failing, 0 (nowhere near) to 1 (at its limit): the share of its
 * allowance it used. A count back to its baseline used none of it (its limit is the baseline, so
 * observed / limit would read it as at the limit: `leak.fds: 22 fds (limit 22 fds)` summarised
 * passes); an inconclusive trend is half way, whatever its slope; a floor is used as the rate falls
 * towards it; a check with nothing measured, none.
 */
function closeness(c: Check): number {
  if (c.measured === false) return 0;
  if (c.trend && c.limitValue === undefined) {
    if (c.trend.verdict === 'inconclusive') return 0.5;
    return c.detectable && c.detectable.slope > 0 ? Math.min(0.49, Math.max(0, c.trend.slope) / c.detectable.slope / 2) : 0;
  }
  if (c.limitValue === undefined) return 0;
  if (c.atLeast) return c.observed > 0 ? Math.min(1, c.limitValue / c.observed) : 1;
  // a count's limit is a level (baseline + allowance); a growth budget's is the growth, as its observed is
  if (c.baselineValue !== undefined && c.limitLine === c.limitValue) {
    const room = c.limitValue - c.baselineValue;
    const used = c.observed - c.baselineValue;
    return room > 0 ? Math.max(0, used / room) : used > 0 ? 1 : 0;
  }
  if (c.limitValue <= 0) return 0;
  return Math.max(0, c.observed / c.limitValue);
}

/** The failed check furthest past its limit; with none failed, the passing check nearest its limit. */
export function worstCheck(s: ScenarioReport): Check | null {
  const failed = s.checks.filter((c) => !c.pass);
  const score = failed.length ? ratio : closeness;
  // a check that passes on known leaks only is far past its limit, and not what a pass is near
  const pool = failed.length ? failed : s.checks.filter((c) => !c.known);
  let worst: Check | null = null;
  for (const c of pool) if (worst === null || score(c) > score(worst)) worst = c;
  return worst;
}

export function describeCheck(c: Check): string {
  const limit = c.limit ?? (c.limitValue === undefined ? undefined : formatValue(c.limitValue, c.unit));
  // a trend check is its slope: "leak.heap: +36.9 blocks/iteration (leak)"
  if (c.trend && limit === undefined) return `${c.id}: ${formatSigned(c.trend.slope, `${c.trend.unit}/${c.trend.per}`)} (${c.trend.verdict})`;
  return `${c.id}: ${formatValue(c.observed, c.unit)}${limit === undefined ? '' : ` (${c.atLeast ? 'at least' : 'limit'} ${limit})`}`;
}

/** RSS growth from the post-warmup baseline, as the analysis measured it: budget.rssGrowth's figure. */
export function rssGrowth(s: ScenarioReport): number | null {
  return s.headlines.rssGrowth?.growth ?? null;
}

export function rssSlope(s: ScenarioReport): string | null {
  const trend = s.checks.find((c) => c.resource === 'rss' && c.trend)?.trend;
  if (!trend) return null;
  return `${formatSigned(trend.slope, `${trend.unit}/${trend.per}`)} (${trend.verdict})`;
}

/** "step time 12.1 ms → 18.4 ms, +0.13 ms/iteration (leak: no plateau, ...)": the trend every report carries. */
export function stepTimeText(s: ScenarioReport): string | null {
  const f = s.headlines.stepTime;
  if (!f) return null;
  const t = f.trend;
  const budget = s.checks.find((c) => c.id === 'budget.stepTime');
  const gate = budget ? '' : t.verdict === 'leak' ? '; set budgets.stepTime to gate on it' : '';
  return `step time ${formatValue(f.first, 'ms')} → ${formatValue(f.last, 'ms')}, ${formatSigned(t.slope, `${t.unit}/${t.per}`)} (${t.verdict === 'leak' ? 'slows with no plateau' : t.verdict})${gate}`;
}

/** p99 latency under load: the budget check's number against its limit, else the median and worst interval. */
export function latencyP99(s: ScenarioReport): string | null {
  const figures = s.headlines.latencyP99;
  const worstText = figures ? `worst interval ${formatValue(figures.worst, 'ms')}` : '';
  const check = s.checks.find((c) => c.id === 'budget.latencyP99');
  if (check) {
    const limit = check.limit ?? (check.limitValue === undefined ? '' : formatValue(check.limitValue, check.unit));
    return `${formatValue(check.observed, check.unit)}${limit ? ` ${check.pass ? '≤' : '>'} ${limit}` : ''}${worstText ? ` (${worstText})` : ''}`;
  }
  if (!figures) return null;
  return `median ${formatValue(figures.median, 'ms')}, ${worstText}`;
}

/** Recycled workers and the largest peak one reached: where a pre-fork server's worker leak shows. */
export function recycledWorkers(s: ScenarioReport): { count: number; maxPeak: number; pid: number } | null {
  const recycled = (s.processes ?? []).filter((p) => p.end === 'recycled');
  if (recycled.length === 0) return null;
  const top = recycled.reduce((a, b) => (b.peakRss > a.peakRss ? b : a));
  return { count: recycled.length, maxPeak: top.peakRss, pid: top.pid };
}

/** "2 warning, 1 critical; last at 5h 24m: RSS ... crossed ..." from the alerts the report kept. */
export function alertSummary(s: ScenarioReport): string | null {
  const alerts = s.alerts ?? [];
  if (alerts.length === 0) return null;
  const count = (level: string) => alerts.filter((a) => a.level === level).length;
  const levels = [`${count('warning')} warning`, `${count('critical')} critical`].filter((x) => !x.startsWith('0 ')).join(', ');
  const last = alerts.at(-1)!;
  return `${levels}; last at ${formatDuration(last.t)}: ${last.message}`;
}

const SIGNAL: Partial<Record<Check['resource'], string>> = { heap: 'heap', rss: 'RSS' };

/** "≥ 12 KB/iteration on heap": what a leak check stated it could have caught, as the analysis computed it. */
export function detectableText(c: Check): string | null {
  const d = c.detectable;
  if (!d) return null;
  return `≥ ${formatValue(d.slope, `${d.unit}/${d.per}`)} on ${SIGNAL[c.resource] ?? c.resource}`;
}

/** "would have caught ≥ 12 KB/iteration on heap, ≥ 180 KB/iteration on RSS (99% power)", from the passing leak checks. */
export function wouldHaveCaught(s: ScenarioReport): string | null {
  const stated = s.checks.filter((c) => c.pass && c.detectable);
  if (stated.length === 0) return null;
  const power = Math.round(stated[0]!.detectable!.power * 100);
  return `would have caught ${stated.map((c) => detectableText(c)).join(', ')} (${power}% of the time)`;
}

/** "calibration: planted 16 KiB/iteration → caught by leak.heap", or why it missed or did not run. */
export function calibrationText(s: ScenarioReport): string | null {
  return s.calibration ? `calibration: ${s.calibration.message}` : null;
}

/** "python 3.11.2 (/usr/bin/python3.11, as its agent in pid 4242 said)": the interpreter the target ran, not the one on seep's PATH. */
export function runtimeText(s: ScenarioReport): string | null {
  const r = s.target.runtimeVersion;
  if (!r) return null;
  return `${r.name} ${r.version} (${r.executable}, ${r.from === 'agent' ? `as its agent in pid ${r.pid} said` : `/proc/${r.pid}/exe`})`;
}

/** "attached to pid 4242 (from /run/app.pid) at http://127.0.0.1:8080: agent not injected (attached process)", for a service seep did not start. */
export function attachedText(s: ScenarioReport): string | null {
  const r = s.target.remote;
  if (r) return remoteText(r);
  const a = s.target.attached;
  if (!a) return null;
  const pid = a.pid === null ? 'a pid not read' : `pid ${a.pid}`;
  return `attached to ${pid}${a.pidFile ? ` (from ${a.pidFile})` : ''}${a.url ? ` at ${a.url}` : ''}: agent ${a.agent}${a.cgroup ? `; cgroup ${a.cgroup}` : ''}`;
}

/** A target seen only through Prometheus: the series judged, or the deployed service the scenario drove. */
function remoteText(r: RemoteTarget): string {
  const from = `from Prometheus at ${r.prometheus}`;
  const limit = r.limit ? `; limit ${r.limit.written} (${r.limit.from})` : '';
  if (r.sum) return `the replicas' sum ${from}: ${r.query}${limit}`;
  if (r.labels) {
    const how = r.life?.startedBy === 'drop' ? 'it dropped back to its start' : 'its process start time changed';
    const life = r.life ? `, life ${r.life.index} of ${r.life.of} (${r.life.index === 1 ? 'until its process restarted' : `restarted: ${how}`})` : '';
    return `series ${seriesName(r.labels)} ${from}${life}${limit}`;
  }
  return `deployed service${r.url ? ` at ${r.url}` : ''}, its replicas judged from their series ${from}: ${r.query}`;
}

/**
 * "observing cost 4.1 ms per step beside a step of 12.3 ms (each of 55 boundaries: forced GC 2.0 ms,
 * /proc read 1.5 ms, agents 0.6 ms)": what seep's observation added to the target, as measured.
 */
export function observerText(s: ScenarioReport): string | null {
  const o = s.observerCost;
  if (!o) return null;
  const ms = (x: number | null | undefined): string => (x === null || x === undefined ? 'n/a' : formatValue(x, 'ms'));
  const parts = `forced GC ${ms(o.gcMs)}, /proc read ${ms(o.readMs)}, agents ${ms(o.agentMs)}`;
  const c = o.cadence;
  // a soak: per hour of its measured phase, and what its checkpoints added to the load's p99
  if (o.perHourMs !== undefined && o.perHourMs !== null) {
    const added = o.addedP99Ms === undefined || o.addedP99Ms === null || !s.latency ? ''
      : `; they added ${formatSigned(o.addedP99Ms, 'ms')} to p99 latency (${ms(s.latency.all.p99)}, ${ms(s.latency.clean.p99)} clear of them)`;
    const share = `${((o.perHourMs / 3_600_000) * 100).toFixed(1)}%`;
    // its checkpoints under way take the heap the last full GC left (the target's own, or the one
    // seep forced a little before), when there was one lately
    const forced = o.forcedGcs === undefined || o.forcedGcs === o.boundaries ? ''
      : ` (${o.forcedGcs} forced a GC, ${o.boundaries - o.forcedGcs} read the heap a recent full GC left)`;
    const stretched = c && c.everyMs !== undefined && c.plannedMs !== undefined && c.everyMs > c.plannedMs
      ? `; a checkpoint every ${formatDuration(c.everyMs)} (${formatDuration(c.plannedMs)} planned), so observing took ${Math.round(c.share * 100)}% of the time`
      : '';
    return `observing took ${formatDuration(o.perHourMs)} of the target's time per hour (${share}; each of ${o.boundaries} checkpoint${o.boundaries === 1 ? '' : 's'}${forced}: ${parts})${added}${stretched}`;
  }
  if (o.perStepMs === null) return null;
  const every = c && c.everySteps !== undefined && c.everySteps > 1
    ? `; a boundary every ${c.everySteps} steps, so observing took ${Math.round(c.share * 100)}% of the wall time`
    : '';
  return `observing cost ${ms(o.perStepMs)} per step beside a step of ${ms(o.stepMs)} (each of ${o.boundaries} boundar${o.boundaries === 1 ? 'y' : 'ies'}: ${parts})${every}`;
}

/**
 * A soak under load: the measured phase's latency, all answers and those clear of seep's checkpoints
 * (its forced GC and reads), so that what seep caused is told apart from what the target does.
 */
export function latencySplitText(s: ScenarioReport): string | null {
  const l = s.latency;
  if (!l || l.all.requests === 0) return null;
  const ms = (x: number | null): string => (x === null ? 'n/a' : formatValue(x, 'ms'));
  const all = `p50 ${ms(l.all.p50)}, p99 ${ms(l.all.p99)} over ${l.all.requests} answers`;
  return `${all}; clear of seep's ${l.checkpoints} checkpoints (forced GC and reads, ${formatDuration(l.checkpointMs)} in all): p50 ${ms(l.clean.p50)}, p99 ${ms(l.clean.p99)} over ${l.clean.requests}`;
}

/**
 * "asked 30.0 req/s, achieved 16.2 (54%); 972 answers: 2xx 324, 3xx 324, 4xx 324, 5xx 0; 950 without
 * an answer (refused 0, reset 950, timeout 0, other 0)": a soak's load, as its measured phase recorded it.
 */
export function loadText(s: ScenarioReport): string | null {
  const l = s.load;
  if (!l) return null;
  const parts: string[] = [];
  if (l.askedRate !== undefined && l.achievedRate !== undefined) {
    parts.push(`asked ${l.askedRate.toFixed(1)} req/s, achieved ${l.achievedRate.toFixed(1)} (${Math.round((100 * l.achievedRate) / Math.max(1e-9, l.askedRate))}%)`);
  } else parts.push(`${(l.requests / Math.max(1e-9, l.ms / 1000)).toFixed(1)} req/s, no rate asked`);
  const classes = l.statuses ? `: ${Object.entries(l.statuses).filter(([c, n]) => n > 0 || c === '2xx' || c === '5xx').map(([c, n]) => `${c} ${n}`).join(', ')}` : '';
  parts.push(`${l.requests.toLocaleString('en-US')} answer${l.requests === 1 ? '' : 's'}${classes}`);
  if (l.transport) {
    const t = l.transport;
    const failed = t.refused + t.reset + t.timeout + t.other;
    parts.push(failed === 0 ? 'no transport error' : `${failed.toLocaleString('en-US')} without an answer (refused ${t.refused}, reset ${t.reset}, timeout ${t.timeout}, other ${t.other})`);
  } else parts.push(`${l.failures.toLocaleString('en-US')} failed`);
  return parts.join('; ');
}
