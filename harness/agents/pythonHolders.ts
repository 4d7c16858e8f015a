// Python's holders and creation lines for the suspect evidence, without tracemalloc: the program's
// own containers (module globals, class attributes, module-level instances' attributes) whose length
// grew between the looks, with the lines that add to them (seep_containers.py), and, for the classes
// that grew through the measured phase, where their new instances were made (the agent follows
// their constructors from the first look on: the line that makes what a module list keeps).
import type { ProcessRef, TraceReference } from '../report/runReportSchema.ts';
import type { HolderEvidence } from '../report/suspectEvidenceSchema.ts';
import { PER_ITERATION_SLACK } from './growthEvidence.ts';

type Ask = (what: string, op: string, params?: object) => Promise<unknown>;
/** an op whose failure is no problem to report (what grew since a baseline the engine may not have taken) */
type TryAsk = (op: string, params?: object) => Promise<unknown>;

/** classes followed: the ones that moved most through the measured phase (of more candidates, the agent follows the first this many it can) */
const MAX_FOLLOWED = 10;
const MAX_CANDIDATES = 40;
/**
 * builtins are never followed (their __init__ is C, and a dict or list grows beside everything);
 * the rest are cheap to follow (one frame walk per new instance of a class that grows)
 */
const BUILTIN = /^[a-z_]+$/;

interface Container {
  name: string;
  kind: TraceReference['kind'];
  type: string;
  declared: string;
  grew: number;
  bytes: number;
  holds: { name: string; count: number }[];
  sites: string[];
  process?: ProcessRef;
}

export interface PythonFollow {
  /** at the first look: remember the containers' lengths; follow the classes that grew since the baseline */
  atFirstLook(): Promise<void>;
  /** after the last look: the containers that grew once per step, and where the followed classes were made */
  holders(steps: number): Promise<HolderEvidence[]>;
  madeAt(): Promise<Map<string, string[]>>;
}

export function pythonFollow(ask: Ask, tryAsk: TryAsk): PythonFollow {
  let followed: string[] = [];
  return {
    async atFirstLook() {
      await ask('agent containers (baseline)', 'containers', { action: 'baseline' });
      // what moved since the engine's baseline: the measured phase's growth (typeGrowth, read at every boundary)
      // (no baseline, as when the engine's per-type reads failed or a collector runs alone: nothing to follow)
      const moved = (await tryAsk('typeGrowth', { action: 'read', minChange: 2, limit: 40 })) as { changes: Record<string, number> } | null;
      const names = Object.entries(moved?.changes ?? {}).filter(([n, d]) => d > 0 && !BUILTIN.test(n)).sort((a, b) => b[1] - a[1]).slice(0, MAX_CANDIDATES).map(([n]) => n);
      if (names.length === 0) return;
      const r = (await ask('agent followCreations', 'followCreations', { types: names, max: MAX_FOLLOWED })) as { followed: string[] } | null;
      followed = r?.followed ?? [];
    },
    async holders(steps) {
      if (steps <= 0) return [];
      // each process of a pre-fork tree grows by its share of the steps: the rule is applied to their sum
      const r = (await ask('agent containers (read)', 'containers', { action: 'read', minGrowth: 2 })) as { containers: Container[] } | null;
      return (r?.containers ?? []).filter((c) => c.grew >= PER_ITERATION_SLACK * steps).map((c) => holderOf(c));
    },
    async madeAt() {
      const out = new Map<string, string[]>();
      if (followed.length === 0) return out;
      const r = (await ask('agent creations', 'creations', { types: followed })) as { types: Record<string, { line: string; count: number }[]> } | null;
      for (const [name, sites] of Object.entries(r?.types ?? {})) out.set(name, sites.map((s) => `${s.line} (${s.count})`));
      return out;
    },
  };
}

function holderOf(c: Container): HolderEvidence {
  const dot = c.name.lastIndexOf('.');
  const owner = c.name.slice(0, dot);
  const ref: TraceReference = { kind: c.kind, owner, name: c.name.slice(dot + 1), user: true, site: c.declared };
  return {
    name: c.name,
    trace: { references: [ref], leaking: c.holds[0]?.name ?? c.type, ...(c.sites.length > 0 ? { addedAt: c.sites } : {}), ...(c.process ? { process: c.process } : {}) },
    count: c.grew,
    bytes: c.bytes,
    holds: c.holds.map((h) => ({ name: h.name, count: h.count, bytes: 0 })),
    ...(c.process ? { process: c.process } : {}),
  };
}
