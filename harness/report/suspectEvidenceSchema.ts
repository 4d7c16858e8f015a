// The suspect evidence's schema: what the agents saw at their looks after the measured phase, as the
// sample stream stores it ({ k: 'evidence' }). Collectors write it and rank nothing; the judge
// ranks it into suspects (analysis/rankSuspects.ts), for `seep run` and `seep judge` alike, so a
// report rebuilt from a stream ranks as the run did.
import type { LeakTrace, ProcessRef } from './runReportSchema.ts';

export interface CountPoint {
  count: number;
  bytes: number;
}

/** One type, constructor, allocation site or open resource, counted at the three looks. */
export interface GrowthEvidence {
  kind: 'constructor' | 'allocation-site' | 'type' | 'handle';
  name: string;
  /** V8 node type of a constructor ('object', 'closure', 'native', ...): ranks a class above internals */
  nodeType?: string;
  /** after the warmup (the first look), after the extra steps, after the settle */
  baseline: CountPoint;
  measured: CountPoint;
  settle: CountPoint;
  /** traceback, creation stack or retainer path, outermost first */
  where: string[];
  /** why `where` is empty when a trace was looked for: its search was cut short or not started ("... cut short at 12 s") */
  noWhere?: string;
  trace?: LeakTrace;
  /** the process it grew in most, when the tree has more than one with an agent */
  process?: ProcessRef;
}

/** A warning as the agent recorded it: Node's process 'warning' event, Python's warnings and asyncio's "Unclosed ..." */
export interface WarningRecord {
  /** Node: the warning's name; Python: its category ('ResourceWarning', 'Unclosed') */
  name: string;
  message: string;
  /** Node: the stack where it was raised; Python: where the object it is about was allocated */
  stack: string[];
  /** Python: the user's line among them; Node's MaxListenersExceededWarning: the emitter's class */
  site?: string;
  emitter?: string;
  event?: string;
  count?: number;
  /** Python: the class of the object it is about */
  type?: string;
}

/**
 * Where new objects hang from: Node's growth points (the oldest object that dominates what was
 * added, named by the first name the developer wrote above it) and Python's containers (a module
 * list, a class attribute) whose length grew.
 */
export interface HolderEvidence {
  /** as the developer wrote it: 'server.mjs: kept', 'jobs._SESSIONS', 'OrderService._cache' */
  name: string;
  /** from that name to one object added under it */
  trace: LeakTrace;
  /** objects added under it between the first and the last look (Node) or entries added (Python) */
  count: number;
  /** what those retain */
  bytes: number;
  /** the growth evidence it holds, by name (`GrowthEvidence.name`), with how many of the new ones are under it */
  holds: { name: string; count: number; bytes: number }[];
  process?: ProcessRef;
}

export interface SuspectEvidence {
  runtime: 'node' | 'python';
  /** the steps between the first look and the later ones: growth per step is divided by it */
  steps: number;
  growth: GrowthEvidence[];
  holders: HolderEvidence[];
  warnings: WarningRecord[];
  /** how many of `warnings` came before the first look (in the warmup): the rest are new */
  warningsBefore: number;
  /** CLI scenarios: resources still open when a measured invocation exited, by what and where they were opened */
  openAtExit?: { name: string; count: number; where: string[] }[];
}
