import { describe, expect, it } from 'vitest';
import type { Suspect } from '../report/runReportSchema.ts';
import { holdersFirst, rankSuspects, typeGrowthCheck, type GrowthCandidate } from './suspects.ts';
import { growthFromCounts } from '../agents/growthEvidence.ts';

const pt = (count: number, bytes = count * 32) => ({ count, bytes });
function node(name: string, nodeType: string, b: number, m: number, s: number): GrowthCandidate {
  return { runtime: 'node', kind: 'constructor', name, nodeType, baseline: pt(b), measured: pt(m), settle: pt(s), where: [] };
}

describe('rankSuspects', () => {
  it('keeps only what grew by about the iteration count and stayed after the settle (fuite + memlab)', () => {
    const got = rankSuspects(
      [
        node('RequestState', 'object', 10, 60, 60), // +1 per iteration, kept
        node('Buffered', 'object', 10, 60, 12), // grew, then freed in the settle
        node('Cache', 'object', 10, 30, 30), // grew, but less than once per iteration
      ],
      [],
      50,
    );
    expect(got.map((s) => s.name)).toEqual(['RequestState']);
    expect(got[0]).toMatchObject({ countDelta: 50, perIteration: 1, bytesDelta: 50 * 32 });
  });

  it('counts lumped strings only when they bring real bytes per iteration', () => {
    const str = (bytesPerIt: number): GrowthCandidate => ({ runtime: 'node', kind: 'constructor', name: '(string)', nodeType: 'string', baseline: pt(0, 0), measured: pt(30, 30 * bytesPerIt), settle: pt(30, 30 * bytesPerIt), where: [] });
    expect(rankSuspects([str(40)], [], 30)).toEqual([]);
    expect(rankSuspects([str(4096)], [], 30).map((s) => s.name)).toEqual(['(string)']);
  });

  it('ranks a user class above closures, VM internals and plain Arrays that grow as much', () => {
    const got = rankSuspects(
      [
        node('system / Context', 'hidden', 0, 100, 100),
        node('(object elements)', 'array', 0, 100, 100),
        node('Array', 'object', 0, 100, 100),
        node('onTick', 'closure', 0, 100, 100),
        node('RequestState', 'object', 0, 100, 100),
      ],
      [],
      100,
    );
    expect(got[0]!.name).toBe('RequestState');
    expect(got[1]!.name).toBe('onTick');
  });

  it('Python: an allocation site outranks types; builtin containers come last; small sites are noise', () => {
    const site = (name: string, bytesPerIt: number): GrowthCandidate => ({
      runtime: 'python', kind: 'allocation-site', name, baseline: pt(0, 0), measured: pt(40, 40 * bytesPerIt), settle: pt(40, 40 * bytesPerIt), where: [name],
    });
    const type = (name: string): GrowthCandidate => ({ runtime: 'python', kind: 'type', name, baseline: pt(0), measured: pt(40), settle: pt(40), where: [] });
    const got = rankSuspects([type('dict'), type('crew.Crew'), site('crew.py:27', 4096), site('email/utils.py:162', 52)], [], 40);
    expect(got.map((s) => s.name)).toEqual(['crew.py:27', 'crew.Crew', 'dict']);
  });

  it('lists warnings after what grows, and reports nothing for a fixed twin', () => {
    const got = rankSuspects([node('RequestState', 'object', 5, 5, 5)], [{ runtime: 'python', name: 'ResourceWarning at cli.py:44', occurrences: 3, total: 3, where: ['cli.py:44'] }], 3);
    expect(got).toEqual([{ runtime: 'python', kind: 'warning', name: 'ResourceWarning at cli.py:44', countDelta: 3, perIteration: 1, bytesDelta: 0, where: ['cli.py:44'] }]);
    expect(rankSuspects([node('RequestState', 'object', 5, 6, 5)], [], 30)).toEqual([]);
  });

  it('growthFromCounts treats a key missing at a point as zero', () => {
    const m = (e: [string, number][]) => new Map(e);
    const got = growthFromCounts([m([]), m([['A', 10]]), m([['A', 10], ['B', 1]])], (v) => pt(v), (key) => ({ kind: 'type', name: key, where: [] }));
    expect(got.find((c) => c.name === 'A')).toMatchObject({ baseline: pt(0), measured: pt(10), settle: pt(10) });
    expect(got.find((c) => c.name === 'B')).toMatchObject({ measured: pt(0), settle: pt(1) });
  });
});

describe('holdersFirst', () => {
  const s = (name: string, where: string[], over: Partial<Suspect> = {}): Suspect => ({ runtime: 'node', kind: 'constructor', name, countDelta: 30, perIteration: 1, bytesDelta: 0, where, ...over });

  it("moves the suspect whose instances hold the others ahead of them (the express interval's Timeout, measured 4th)", () => {
    const timers = ['(root).2', 'system / Context.timerListMap', 'TimersList._idleNext', 'Timeout._idleNext', 'Timeout._onTimeout', '(anonymous)().context', 'system / Context.res'];
    const got = holdersFirst([
      s('Socket', [...timers, 'ServerResponse._onPendingData', 'native_bind().bound_argument_0', 'Socket']),
      s('ReadableState', [...timers, 'Socket._readableState', 'ReadableState'], { perIteration: 2 }),
      s('Url', [...timers, 'ServerResponse.req', 'IncomingMessage._parsedUrl', 'Url']),
      s('Array', ['(root)', 'Array'], { nodeType: 'object' } as Partial<Suspect>),
      { runtime: 'node', kind: 'warning', name: 'MaxListenersExceededWarning', countDelta: 1, perIteration: 0, bytesDelta: 0, where: [] },
      s('Timeout', ['(root).2', 'TimersList._idleNext', 'Timeout._idleNext', 'Timeout']),
    ]);
    // the outermost growing suspect on the path holds it: Timeout, not Socket (which holds ReadableState too)
    expect(got.map((x) => x.name)).toEqual(['Timeout', 'Socket', 'ReadableState', 'Array', 'MaxListenersExceededWarning', 'Url']);
  });

  it('Python: a FileHandler ahead of its stream, RLock and Formatter; a weak reference holds nothing', () => {
    const py = (name: string, where: string[]) => s(name, where, { runtime: 'python', kind: 'type' });
    const handler = ['django_reports.py:36  django_reports.log', 'logging.Logger.handlers', 'list[54]'];
    const got = holdersFirst([
      py('_io.BufferedWriter', [...handler, 'logging.FileHandler.stream', '_io.TextIOWrapper.buffer', '_io.BufferedWriter']),
      py('_io.TextIOWrapper', [...handler, 'logging.FileHandler.stream', '_io.TextIOWrapper']),
      py('_thread.RLock', [...handler, 'logging.FileHandler.lock', '_thread.RLock']),
      py('logging.FileHandler', [...handler, 'logging.FileHandler']),
      py('weakref.ReferenceType', ['logging.py:843  logging._handlerList', 'list[1]', 'weakref.ReferenceType']),
    ]);
    // a weak reference is no informative suspect: it keeps its place
    expect(got.map((x) => x.name)).toEqual(['logging.FileHandler', '_io.BufferedWriter', '_io.TextIOWrapper', '_thread.RLock', 'weakref.ReferenceType']);
  });

  it('leaves the order alone when no path passes through another growing suspect (or none grew once per step)', () => {
    const ranked = [s('Session', ['(root)', 'Map.table', 'Session']), s('Entry', ['(root)', 'Session.history', 'Entry'], { perIteration: 0.5 })];
    expect(holdersFirst(ranked)).toEqual(ranked);
  });
});

describe('typeGrowthCheck: suspects and verdict agree', () => {
  const suspect = (name: string, perIteration: number, over: Partial<Suspect> = {}): Suspect => ({
    runtime: 'python', kind: 'type', name, countDelta: perIteration * 20, perIteration, bytesDelta: 0, where: [], ...over,
  });

  it('fails on a type that grew once per step and stayed, naming it, its rate and who holds it', () => {
    const c = typeGrowthCheck([suspect('crew.Agent', 1, { where: ['crew.py:28 crew._CREW_REGISTRY', 'dict', 'crew.Agent'] })])!;
    expect(c).toMatchObject({ id: 'leak.types', resource: 'heap', kind: 'leak', pass: false, observed: 1 });
    expect(c.message).toMatch(/crew\.Agent \+1\.0\/step \(held by crew\.py:28 crew\._CREW_REGISTRY > dict > crew\.Agent\)/);
  });

  it('leaves builtin containers, internal nodes and warnings to explain, and passes when nothing grew', () => {
    const c = typeGrowthCheck([suspect('dict', 3), suspect('(string)', 5, { runtime: 'node', kind: 'constructor' }), suspect('ResourceWarning: unclosed', 1, { kind: 'warning' })])!;
    expect(c).toMatchObject({ pass: true, observed: 0 });
    expect(typeGrowthCheck([])).toMatchObject({ pass: true });
    // no looks taken (no agent, or the attribution did not run): no claim either way
    expect(typeGrowthCheck(undefined)).toBeNull();
  });
});

describe('suspects only when they grew', () => {
  it('leaves out a warning raised before the measured steps only', () => {
    const ranked = rankSuspects([], [
      { runtime: 'python', name: 'DeprecationWarning: x at app.py:3', occurrences: 0, total: 1, where: [] },
      { runtime: 'python', name: 'ResourceWarning: unclosed file at app.py:9', occurrences: 30, total: 33, where: [] },
    ], 30);
    expect(ranked.map((s) => s.name)).toEqual(['ResourceWarning: unclosed file at app.py:9']);
  });
});
