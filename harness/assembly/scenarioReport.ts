// A scenario's report, assembled from the folded run (observations/runFold.ts) and its judgement
// (analysis/judgeRun.ts): the one place a ScenarioReport is built from a run, live, at its end, and
// when `seep report` rebuilds it from the stream. It computes nothing the judge did not: headlines,
// suspects and leaks come from analysis/, the rest is what was observed, said in the schema.
import type { ScenarioReport } from '../report/runReportSchema.ts';
import type { JudgedRun } from '../analysis/judgeRun.ts';
import { headlines } from '../analysis/memoryChecks.ts';
import { latencyHeadline } from '../analysis/soakChecks.ts';
import { stepTimeHeadline } from '../analysis/stepTime.ts';
import { KEEP_ALERTS } from '../observations/alertEvents.ts';
import type { FoldedRun } from '../observations/foldedRun.ts';
import { emptyObserverCost } from '../observations/latencyFold.ts';
import type { StreamHead } from '../observations/streamHead.ts';

export function scenarioReport(run: FoldedRun & { head: StreamHead }, judged: JudgedRun): ScenarioReport {
  const { head: h, tail, observations: obs } = run;
  const startedMs = Date.parse(h.startedAt);
  const finishedAt = tail?.finishedAt ?? new Date(startedMs + run.lastT).toISOString();
  const cs = judged.checks;
  const report: ScenarioReport = {
    name: h.name,
    file: h.file,
    verdict: judged.verdict,
    startedAt: h.startedAt,
    finishedAt,
    durationMs: Date.parse(finishedAt) - startedMs,
    target: run.started ? { ...h.target, ...run.started } : h.target,
    iterations: tail ? { ...tail.steps } : { warmup: 0, measured: obs.measuredIterations },
    checks: cs,
    ...(judged.leaks.length > 0 ? { leaks: judged.leaks } : {}),
    headlines: stepTimeHeadline(latencyHeadline(headlines(obs), obs.load?.p99s ?? []), obs),
    series: obs.series,
    suspects: judged.suspects,
    ...(obs.typeGrowth ? { typeGrowth: obs.typeGrowth } : {}),
    ...(obs.disk ? { disk: obs.disk } : {}),
    output: obs.output,
    ...(obs.warningCounts ? { warningCounts: obs.warningCounts } : {}),
    ...(obs.load?.measured ? { load: obs.load.measured } : {}),
  };
  if (judged.error) report.error = judged.error;
  if (judged.cutShort) report.cutShort = judged.cutShort;
  if (run.attribution) report.attribution = run.attribution;
  if (run.replicas) report.replicas = run.replicas;
  if (run.processes.seen > 1 || run.processes.summary.ended > 0) report.processes = run.processes.list;
  if (run.processHeaps.list.length > 1) report.processHeaps = run.processHeaps.list;
  // a service seen through Prometheus restarts where seep cannot see: its series' lives say so
  if (run.restarts > 0 || (h.target.kind === 'service' && !h.target.remote)) report.restarts = run.restarts;
  if (run.alerts.total > 0) report.alerts = run.alerts.list;
  const probeErrors = probeErrorsOf(run);
  if (probeErrors.length > 0) report.probeErrors = probeErrors;
  const notes = notesOf(run);
  if (notes.length > 0) report.notes = notes;
  if (tail?.observerCost) report.observerCost = tail.observerCost;
  // a soak's share: its checkpoints per hour of the measured phase, and what they added to p99
  if (run.soakShare) {
    report.observerCost = { ...(report.observerCost ?? emptyObserverCost()), perHourMs: run.soakShare.perHourMs, addedP99Ms: run.soakShare.addedP99Ms };
    if (run.soakShare.latency) report.latency = run.soakShare.latency;
  }
  if (run.artifacts.length > 0) report.artifacts = run.artifacts;
  const agentless = agentlessPart(run);
  if (agentless) report.agentless = agentless;
  if (run.startup) report.startup = run.startup;
  if (run.retries) report.retries = run.retries;
  return report;
}

/** The processes no agent answered in, and what that leaves the checks without. */
function agentlessPart(run: FoldedRun): ScenarioReport['agentless'] {
  const { processes, more } = run.agentless;
  if (processes.length === 0) return undefined;
  const anyAgent = run.observations.series.boundaries.values.handles.some((v) => v !== null) || run.processHeaps.list.length > 0;
  const unmeasured = anyAgent
    ? 'their runtime heap, per-type growth and handles are not in leak.heap, leak.types and leak.handles, which sum the processes whose agents answered, and no suspect is looked for in them'
    : 'no process of the tree had an agent answering: leak.heap, leak.types and leak.handles are not measured and no suspects are named (RSS, fds, sockets, threads and children are read from /proc as always)';
  return { processes, more, unmeasured };
}

/** What kept the run from observing all it meant to, and how it ended early, deduplicated. */
function probeErrorsOf(run: FoldedRun): string[] {
  const { tail } = run;
  const out = [...(tail?.probeErrors ?? []), ...run.notes];
  if (tail?.stoppedEarly) out.unshift(`stopped early: ${tail.stoppedEarly}`);
  if (tail?.interrupted) out.unshift('interrupted: the run was stopped early by a signal');
  out.push(...run.lateErrors);
  return [...new Set(out)];
}

/** How the run measured, which a reader weighs but which is no problem: sums over a changing tree, workers recycled, alerts not listed. */
function notesOf(run: FoldedRun): string[] {
  const { alerts } = run;
  const out = [...run.infoNotes];
  const recycled = run.processes.summary;
  if (recycled.recycled > 0) out.push(`${recycled.recycled} worker(s) recycled; the largest reached ${Math.round(recycled.maxRecycledPeak / 1e6)} MB before it was replaced`);
  const heapChanges = run.processHeaps.changes;
  if (heapChanges.started + heapChanges.gone > 0) {
    out.push(`the runtime heap is summed over the processes whose agents answered at each boundary: ${heapChanges.gone} of those read at the baseline were gone by the end and ${heapChanges.started} started after it (recycled or replaced workers), so the summed heap does not cover the same processes throughout; see the heap per process`);
  }
  if (alerts.dropped > 0) {
    out.push(`${alerts.dropped} of ${alerts.total} alerts (${alerts.tally.warning.count} warning, ${alerts.tally.critical.count} critical) are not listed: the report keeps the first ${KEEP_ALERTS} and the latest ${KEEP_ALERTS}`);
  }
  return [...new Set(out)];
}
