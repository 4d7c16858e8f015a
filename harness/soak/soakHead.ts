// What a sample stream says about its scenario before the first sample: enough to judge the run
// from the stream alone (budgets, alerts, warmup), so `seep report` can rebuild it after a crash
// without the scenario file, which may have changed since.
import type { Leftover, ScenarioReport } from '../report/schema.ts';
import type { AlertSpec, Budgets } from '../scenario/types.ts';

export interface SoakHead {
  name: string;
  file: string;
  startedAt: string;
  target: ScenarioReport['target'];
  budgets: Budgets;
  alerts?: AlertSpec;
  durationMs: number;
  /** the warmup as written: a number of steps or a time */
  warmup: { steps: number } | { ms: number };
  sampleHz: number;
}

/** What the runner knows only at the end; absent when seep died first. */
export interface SoakTail {
  finishedAt: string;
  error?: string;
  interrupted?: boolean;
  /** abortOnFail: the check that was already certain to fail */
  stoppedEarly?: string;
  steps: { warmup: number; measured: number };
  orphans: Leftover[];
  newSinceBaseline: { processes: Leftover[]; sockets: Leftover[]; fds: Leftover[] };
  fileSizes: Record<string, number | null>;
  probeErrors: string[];
}

type Json = Record<string, unknown>;

/** RegExps in output.forbid do not survive JSON: they are written as { re, flags }. */
export function encodeHead(head: SoakHead): Json {
  const forbid = head.budgets.output?.forbid.map((p) => (typeof p === 'string' ? p : { re: p.source, flags: p.flags }));
  const budgets = forbid ? { ...head.budgets, output: { forbid } } : head.budgets;
  return { ...head, budgets } as unknown as Json;
}

export function decodeHead(json: Json): SoakHead {
  const head = json as unknown as SoakHead;
  const forbid = (head.budgets.output?.forbid as unknown[] | undefined)?.map((p) =>
    typeof p === 'string' ? p : new RegExp((p as { re: string }).re, (p as { flags: string }).flags));
  return forbid ? { ...head, budgets: { ...head.budgets, output: { forbid } } } : head;
}
