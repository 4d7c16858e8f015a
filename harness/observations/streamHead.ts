// What a sample stream says about its scenario before the first sample: enough to judge the run
// from the stream alone (budgets, alerts, warmup), so `seep report` can rebuild it after a crash
// without the scenario file, which may have changed since.
import type { Leftover, ObserverCost, ScenarioReport } from '../report/runReportSchema.ts';
import type { AlertSpec, Budgets } from '../scenario/types.ts';
import { planAlerts, planBudgets, type AlertLevel, type BudgetPlan } from '../scenario/runPlan.ts';

export interface StreamHead {
  name: string;
  file: string;
  startedAt: string;
  target: ScenarioReport['target'];
  /** the plan's budgets and alert levels, as numbers: the stream is judged without parsing anything */
  budgets: BudgetPlan;
  alerts: AlertLevel[];
  /** a soak's length; 0 for a counted run (see measure) */
  durationMs: number;
  /** how the measured phase ends: a count of steps or a time (streams written before counted runs
   * streamed have none: a time, durationMs) */
  measure?: { steps: number } | { ms: number };
  /** the warmup as written: a number of steps or a time */
  warmup: { steps: number } | { ms: number };
  sampleHz: number;
  /** the stream has a 'firstStep' event: output before it is the target's start-up (older streams have none) */
  marksStart?: boolean;
  /** a soak whose scenario sends load: a measured phase without any is then a failure to drive it (older streams do not say) */
  asksLoad?: boolean;
}

/** What the runner knows only at the end; absent when seep died first. */
export interface StreamTail {
  finishedAt: string;
  error?: string;
  interrupted?: boolean;
  /** abortOnFail: the check that was already certain to fail */
  stoppedEarly?: string;
  steps: { warmup: number; measured: number };
  orphans: Leftover[];
  /** handles: by type, from the agent (streams written before handles were counted have none) */
  newSinceBaseline: { processes: Leftover[]; sockets: Leftover[]; fds: Leftover[]; handles?: Leftover[] };
  fileSizes: Record<string, number | null>;
  /** budgets.files naming a folder: the entries it held (streams written before folders were summed have none) */
  fileEntries?: Record<string, number>;
  probeErrors: string[];
  /** the observer effect (streams written before it was measured have none) */
  observerCost?: ObserverCost;
}

type Json = Record<string, unknown>;

const toJson = (p: string | RegExp) => (typeof p === 'string' ? p : { re: p.source, flags: p.flags });

/** RegExps in forbid and allow do not survive JSON: they are written as { re, flags }. */
export function encodeHead(head: StreamHead): Json {
  return { ...head, budgets: { ...head.budgets, forbid: head.budgets.forbid.map(toJson), allow: head.budgets.allow.map(toJson) } } as unknown as Json;
}

const toPattern = (p: unknown): string | RegExp => (typeof p === 'string' ? p : new RegExp((p as { re: string }).re, (p as { flags: string }).flags));

export function decodeHead(json: Json): StreamHead {
  const head = json as unknown as StreamHead & { budgets: BudgetPlan | (Budgets & { counts?: undefined }); alerts?: AlertLevel[] | AlertSpec };
  if (head.budgets.counts === undefined) {
    // a stream written before budgets were planned once carries them as the user wrote them
    const written = head.budgets as unknown as Budgets;
    const forbid = written.output?.forbid?.map(toPattern);
    const budgets = planBudgets(forbid ? { ...written, output: { forbid } } : written);
    return { ...head, budgets, alerts: planAlerts(head.alerts as AlertSpec | undefined) };
  }
  const planned = head.budgets as BudgetPlan;
  // streams written before disk was judged have no disk budgets
  const disk = planned.disk ?? { allow: [] };
  return { ...head, budgets: { ...planned, disk, forbid: planned.forbid.map(toPattern), allow: (planned.allow ?? []).map(toPattern) }, alerts: Array.isArray(head.alerts) ? head.alerts : [] };
}
