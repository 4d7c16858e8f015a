// The observations document `seep judge` reads: what a test process measured of itself (the pytest
// plugin, agents/python/seep_pytest.py), in the one shape defined here and validated here, so a
// wrong field exits 2 naming it. It says what the sample stream says of a run (boundary reads, type
// growth, warnings, identities) in plain JSON, and is judged through the same aggregate and judge
// as `seep run` (documentEvents.ts), so the two never disagree on the same series.
import { z } from 'zod';
import { METRICS, TCP_STATES } from '../report/schema.ts';
import { budgetsSchema } from '../scenario/scenarioSchema.ts';

export const DOCUMENT_VERSION = 1;

const phase = z.enum(['warmup', 'measured', 'settle']);
const count = z.number().int().min(0);
const ms = z.number().min(0);
const value = z.number().finite().nullable();
const counts = z.record(z.string(), z.number().int());
const leftover = z.strictObject({ kind: z.enum(['process', 'socket', 'fd', 'thread', 'file', 'handle']), id: z.string(), detail: z.string() });

const boundary = z.strictObject({
  /** ms since the test started */
  t: ms,
  /** 0-based, warmup first; the settle reads carry the last iteration */
  iteration: count,
  phase,
  /** any of the sample metrics (schema.ts METRICS); a metric not given was not read */
  values: z.partialRecord(z.enum(METRICS), value),
  tcp: z.partialRecord(z.enum(TCP_STATES), count).optional(),
  pids: z.array(z.number().int()).optional(),
  /**
   * the agent's answer to 'memory' in the process (agents/python/seep_agent.py op_memory): its heap
   * and handle figures become the heap, blocks and handles values as a run's boundary reads make them
   */
  heap: z.record(z.string(), z.unknown()).optional(),
});

/** A warning the test process raised (ResourceWarning, asyncio's "Unclosed client session", ...). */
const warning = z.strictObject({
  t: ms,
  phase,
  category: z.string(),
  message: z.string(),
  filename: z.string().default(''),
  lineno: count.default(0),
  /** the line to fix: where the leaked object was allocated, else where the warning was raised */
  site: z.string().default(''),
  allocated: z.array(z.string()).default([]),
});

export const observationsDocumentSchema = z.strictObject({
  seepObservations: z.literal(DOCUMENT_VERSION),
  /** the test's name (pytest's node id) */
  name: z.string().min(1),
  /** the test file, relative to the project root */
  file: z.string().default(''),
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }),
  target: z.strictObject({
    kind: z.enum(['service', 'module', 'cli']),
    runtime: z.enum(['python', 'node']).optional(),
    command: z.array(z.string()).optional(),
  }),
  /** as a scenario writes them: '50MB', 'baseline+2', ... */
  budgets: budgetsSchema.default({}),
  steps: z.strictObject({ warmup: count, measured: count }),
  /** one read after every step (after a forced GC), then the settle reads */
  boundaries: z.array(boundary),
  /** what moved per type since the baseline at each boundary read (the agent's typeGrowth op) */
  types: z.strictObject({
    runtime: z.enum(['python', 'node']),
    reads: z.array(z.strictObject({ t: ms, iteration: count, phase, changes: counts, ms })),
  }).optional(),
  warnings: z.array(warning).default([]),
  /** gc counts per type at the three looks: the baseline, after the measured steps, after the settle */
  looks: z.strictObject({
    types: z.tuple([counts, counts, counts]),
    /** referrer chains found in the process for the types that grew, outermost first */
    referrers: z.record(z.string(), z.array(z.string())).default({}),
  }).optional(),
  /** identities present after the settle that were not there at the baseline */
  newSinceBaseline: z.strictObject({
    processes: z.array(leftover).default([]),
    sockets: z.array(leftover).default([]),
    fds: z.array(leftover).default([]),
    handles: z.array(leftover).optional(),
  }).default({ processes: [], sockets: [], fds: [] }),
  orphans: z.array(leftover).default([]),
  probeErrors: z.array(z.string()).default([]),
  /** the test could not be judged: a step threw, the target did not start */
  error: z.string().optional(),
});

export type ObservationsDocument = z.output<typeof observationsDocumentSchema>;

export interface DocumentProblem {
  field: string;
  message: string;
}

export function validateObservations(value: unknown): { ok: true; doc: ObservationsDocument } | { ok: false; problems: DocumentProblem[] } {
  const r = observationsDocumentSchema.safeParse(value);
  if (r.success) return { ok: true, doc: r.data };
  const problems = r.error.issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => ({ field: base ? `${base}.${k}` : k, message: 'unknown key' }));
    return [{ field: base || '(document)', message: issue.message.replace(/^Invalid input: /, '') }];
  });
  return { ok: false, problems };
}
