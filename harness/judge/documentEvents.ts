// An observations document as the events of a sample stream: the head, a boundary sample per read,
// the type-growth reads, the warnings as the lines Python prints for them, the suspects from the
// three looks, and the tail. Fed to the run aggregate (observations/runAggregate.ts), they are judged
// and reported by the code that judges and reports `seep run`. Pure.
import { METRICS, type Leftover, type Metric, type Sample, type Suspect } from '../report/schema.ts';
import { planBudgets } from '../scenario/runPlan.ts';
import { encodeHead, type StreamTail } from '../observations/streamHead.ts';
import { encodeSample, phaseCode, type StreamEvent } from '../series/sampleStream.ts';
import { growthFromCounts, rankSuspects } from '../analysis/suspects.ts';
import { pythonWarningCandidates } from '../analysis/pythonWarnings.ts';
import { handleTypeDiff } from '../runner/identityDiff.ts';
import { heapFigures, type HeapFigures } from '../agents/runtimeHeap.ts';
import type { ObservationsDocument } from './observationsDocument.ts';

type Warning = ObservationsDocument['warnings'][number];

/** The line Python's warnings module prints for a warning (warnings.formatwarning), which the leak-warning table matches. */
export function warningLine(w: Warning): string {
  const where = w.filename ? `${w.filename}:${w.lineno}: ` : '';
  // asyncio's "Unclosed client session" is a message, not a warning category
  const category = w.category === 'Unclosed' ? '' : `${w.category}: `;
  return `${where}${category}${w.message.split('\n')[0]}`;
}

/** Ranked suspects from the three looks (fuite's rule, suspects.ts), with the referrer chains found in the process. */
export function documentSuspects(doc: ObservationsDocument): Suspect[] | null {
  if (!doc.looks) return null;
  const runtime = doc.target.runtime ?? 'python';
  const maps = doc.looks.types.map((c) => new Map(Object.entries(c))) as [Map<string, number>, Map<string, number>, Map<string, number>];
  const growth = growthFromCounts<number>(maps, (n) => ({ count: n, bytes: 0 }), (name) => ({ runtime, kind: 'type', name, where: doc.looks!.referrers[name] ?? [] }));
  const firstNew = doc.warnings.findIndex((w) => w.phase !== 'warmup');
  const warnings = pythonWarningCandidates(doc.warnings, firstNew < 0 ? doc.warnings.length : firstNew);
  return rankSuspects(growth, warnings, doc.steps.measured);
}

type Boundary = ObservationsDocument['boundaries'][number];

function figuresOf(doc: ObservationsDocument, b: Boundary | undefined): HeapFigures | null {
  return b?.heap ? heapFigures(doc.target.runtime ?? 'python', b.heap) : null;
}

function sampleOf(doc: ObservationsDocument, b: Boundary): Sample {
  const values = Object.fromEntries(METRICS.map((m) => [m, b.values[m] ?? null])) as Record<Metric, number | null>;
  // as the runtime heap collector sets them (runner/evidenceCollectors.ts), from the same figures
  const h = figuresOf(doc, b);
  if (h) {
    values.heapUsed ??= h.used;
    values.heapCommitted ??= h.committed;
    values.heapBlocks ??= h.blocks;
    values.handles ??= h.handles;
  }
  return { t: b.t, iteration: b.iteration, phase: b.phase, values, tcp: b.tcp ?? {}, pids: b.pids ?? [] };
}

/** Handle types with more open after the settle than at the baseline, as a run's agents report them. */
function handleLeftovers(doc: ObservationsDocument): Leftover[] | undefined {
  const last = (phase: string) => figuresOf(doc, doc.boundaries.filter((b) => b.phase === phase).at(-1))?.handlesByType;
  const base = last('warmup');
  const end = last('settle');
  return base && end ? handleTypeDiff(base, end) : undefined;
}

export function documentEvents(doc: ObservationsDocument): StreamEvent[] {
  const head = {
    name: doc.name,
    file: doc.file,
    startedAt: doc.startedAt,
    target: { kind: doc.target.kind, ...(doc.target.runtime ? { runtime: doc.target.runtime } : {}), ...(doc.target.command ? { command: doc.target.command } : {}) },
    budgets: planBudgets(doc.budgets),
    alerts: [],
    durationMs: 0,
    measure: { steps: doc.steps.measured },
    warmup: { steps: doc.steps.warmup },
    sampleHz: 0,
  };
  const timed: StreamEvent[] = [];
  let pids = '';
  for (const b of doc.boundaries) {
    const s = sampleOf(doc, b);
    const key = s.pids.join(',');
    timed.push(encodeSample(s, 'b', key !== pids));
    pids = key;
  }
  for (const r of doc.types?.reads ?? []) {
    timed.push({ k: 'types', t: r.t, i: r.iteration, p: phaseCode(r.phase), r: doc.types!.runtime, c: r.changes, ms: r.ms });
  }
  for (const w of doc.warnings) timed.push({ k: 'out', t: w.t, s: 'stderr', x: warningLine(w) + '\n' });
  // stable: a boundary read and the type read made with it keep their order
  timed.sort((a, b) => ('t' in a ? a.t : 0) - ('t' in b ? b.t : 0));
  const endT = Math.max(0, ...doc.boundaries.map((b) => b.t));
  const suspects = documentSuspects(doc);
  const handles = handleLeftovers(doc);
  const tail: StreamTail = {
    finishedAt: doc.finishedAt,
    steps: doc.steps,
    orphans: doc.orphans,
    newSinceBaseline: { ...doc.newSinceBaseline, ...(handles && !doc.newSinceBaseline.handles ? { handles } : {}) },
    fileSizes: {},
    probeErrors: doc.probeErrors,
  };
  if (doc.error !== undefined) tail.error = doc.error;
  return [
    { k: 'head', v: 1, head: encodeHead(head) },
    ...timed,
    ...(suspects ? [{ k: 'suspects' as const, t: endT, suspects }] : []),
    { k: 'stopping', t: endT },
    { k: 'end', t: endT, tail: tail as unknown as Record<string, unknown> },
  ];
}
