import { describe, expect, it } from 'vitest';
import type { Check, CheckId, Suspect, TypeTrend } from '../report/runReportSchema.ts';
import { corroborateSuspects } from './corroboratedSuspects.ts';

const s = (name: string, over: Partial<Suspect> = {}): Suspect => ({ runtime: 'node', kind: 'constructor', name, countDelta: 30, perIteration: 1, bytesDelta: 1000, where: [], ...over });
const check = (id: CheckId, pass: boolean, over: Partial<Check> = {}): Check => ({ id, resource: 'heap', kind: 'leak', observed: 0, unit: '', pass, message: '', ...over });
const trend = (name: string, leaks: boolean, unit = 'objects'): TypeTrend => ({
  name, leaks, afterSettle: 312, where: [],
  trend: { slope: 31.2, unit, verdict: leaks ? 'leak' : 'inconclusive' } as TypeTrend['trend'],
});

describe('corroborateSuspects: what a failing check names ranks first', () => {
  const ranked = [s('Socket'), s('ReadableState'), s('Url'), s('Timeout'), s('Worker'), s('Timeout created at app.mjs:76:17', { kind: 'handle' })];

  it('a handle type leak.handles left over (Timeout +30): its constructor and its creation sites', () => {
    const handles = check('leak.handles', false, { leftovers: [{ kind: 'handle', id: 'Timeout', detail: '+30' }] });
    expect(corroborateSuspects(ranked, [handles], 'node').map((x) => x.name).slice(0, 3)).toEqual(['Timeout', 'Timeout created at app.mjs:76:17', 'Socket']);
  });

  it("a thread a step: Node's Worker; nothing moves when the check passed", () => {
    expect(corroborateSuspects(ranked, [check('leak.threads', false)], 'node')[0]!.name).toBe('Worker');
    expect(corroborateSuspects(ranked, [check('leak.threads', true)], 'node')).toEqual(ranked);
  });

  it("leak.types' series: a Node site names its constructor; a Python type the looks missed is added", () => {
    const nodeTypes = check('leak.types', false, { typeTrends: [trend('(anonymous) app.mjs:43 in Url', true, 'B'), trend('Socket net.js:1', false, 'B')] });
    expect(corroborateSuspects(ranked, [nodeTypes], 'node')[0]!.name).toBe('Url');
    const py = [s('dict', { runtime: 'python', kind: 'type' })];
    const got = corroborateSuspects(py, [check('leak.types', false, { typeTrends: [trend('bs4.element.Tag', true)] })], 'python');
    expect(got.map((x) => x.name)).toEqual(['bs4.element.Tag', 'dict']);
    expect(got[0]).toMatchObject({ kind: 'type', perIteration: 31.2, countDelta: 312 });
  });
});
