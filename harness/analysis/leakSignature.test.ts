import { describe, expect, it } from 'vitest';
import type { Check, Suspect } from '../report/runReportSchema.ts';
import { checkSignature, normalisePlace, suspectLabel, suspectSignature } from './leakSignature.ts';
import { scenarioLeaks } from './scenarioLeaks.ts';

// Two runs of one leak differ in the folder the checkout sits in, the lines above the holder, the
// list index of the newest entry, how many steps ran and how fast it grew.
function sessionsHolder(o: { dir: string; line: number; index: number; count: number; perStep: number }): Suspect {
  return {
    runtime: 'python', kind: 'holder', name: 'jobs._SESSIONS', countDelta: o.count, perIteration: o.perStep, bytesDelta: o.count * 20_000,
    where: [],
    trace: {
      references: [{ kind: 'module-variable', user: true, owner: 'jobs', name: '_SESSIONS', site: `${o.dir}/jobs.py:${o.line}` }],
      leaking: 'requests.sessions.Session',
      madeAt: [`${o.dir}/jobs.py:${o.line + 22}  session = requests.Session() (${o.count})`],
    },
    holds: [{
      runtime: 'python', kind: 'type', name: 'requests.sessions.Session', countDelta: o.count, perIteration: o.perStep, bytesDelta: 0, where: [],
      trace: {
        references: [{ kind: 'module-variable', user: true, owner: 'jobs', name: '_SESSIONS', site: `${o.dir}/jobs.py:${o.line}` }, { kind: 'element', user: false, owner: 'list', name: `[${o.index}]` }],
        leaking: 'requests.sessions.Session',
        madeAt: [`${o.dir}/jobs.py:${o.line + 22}  session = requests.Session() (${o.count})`],
      },
    }],
  };
}

const nodeHolder = (name: string, leaking: string, index: number, address: string): Suspect => ({
  runtime: 'node', kind: 'holder', name: `orders.mjs: ${name}`, countDelta: 40, perIteration: 1, bytesDelta: 40 * 16_384, where: [],
  trace: {
    references: [
      { kind: 'module-variable', user: true, owner: 'orders.mjs', name, site: 'orders.mjs:4' },
      { kind: 'internal', user: false, owner: `system / Context @${address}`, name: 'context' },
      { kind: 'element', user: false, owner: 'Array', name: `[${index}]` },
    ],
    leaking,
  },
});

describe('leak signatures', () => {
  it('take out what differs between two runs of one leak: folders, lines, addresses, indices, counts, pids and ports', () => {
    expect(normalisePlace('/home/ci/work/app/jobs.py:25  jobs._SESSIONS')).toBe('jobs.py jobs._SESSIONS');
    expect(normalisePlace('file:///tmp/x-1/server.mjs:12:5')).toBe('server.mjs');
    expect(normalisePlace('session = requests.Session() (15)')).toBe('session = requests.Session()');
    expect(normalisePlace("list[32] > collections.OrderedDict['https://']")).toBe('list[] > collections.OrderedDict[]');
    expect(normalisePlace('<socket fd=14 laddr=127.0.0.1:40213> at 0x7f3a2c1b9d30 pid 4121')).toBe('<socket fd=# laddr=#.#.#.#:#> at 0x# pid #');
    // numbers inside a name stay: they are the name
    expect(normalisePlace('urllib3.util.retry.Retry Float64Array http2')).toBe('urllib3.util.retry.Retry Float64Array http2');
  });

  it('are the same for one leak on two machines, at two rates and after different numbers of steps', () => {
    const a = sessionsHolder({ dir: '/home/ann/src/app', line: 25, index: 32, count: 15, perStep: 1 });
    const b = sessionsHolder({ dir: '/builds/ci-7781/app', line: 31, index: 199, count: 200, perStep: 2 });
    expect(suspectSignature(a)).toMatch(/^[0-9a-f]{12}$/);
    expect(suspectSignature(b)).toBe(suspectSignature(a));
    expect(suspectSignature(b.holds![0]!)).toBe(suspectSignature(a.holds![0]!));
    expect(suspectSignature(nodeHolder('kept', 'Buffer', 41, '0x1f2e'))).toBe(suspectSignature(nodeHolder('kept', 'Buffer', 7, '0x9a9a')));
  });

  it('differ between two leaks: another type leaking, or the same type under another name', () => {
    const kept = suspectSignature(nodeHolder('kept', 'Buffer', 1, '0x1'));
    expect(suspectSignature(nodeHolder('kept', 'Order', 1, '0x1'))).not.toBe(kept);
    expect(suspectSignature(nodeHolder('resent', 'Buffer', 1, '0x1'))).not.toBe(kept);
    const holder = sessionsHolder({ dir: '/a', line: 1, index: 1, count: 15, perStep: 1 });
    // what the holder keeps is signed apart from the holder: a different shape of trace
    expect(suspectSignature(holder.holds![0]!)).not.toBe(suspectSignature(holder));
    expect(checkSignature({ id: 'leak.fds', resource: 'fds' }, 'scenarios/a.scenario.mjs')).not.toBe(checkSignature({ id: 'leak.fds', resource: 'fds' }, 'scenarios/b.scenario.mjs'));
  });

  it('say what leaks and who holds it', () => {
    expect(suspectLabel(sessionsHolder({ dir: '/a', line: 1, index: 1, count: 15, perStep: 1 }))).toBe('requests.sessions.Session held by jobs._SESSIONS');
    const order: Suspect = { ...nodeHolder('prices', 'Order', 1, '0x1'), kind: 'constructor', name: 'Order' };
    expect(suspectLabel(order)).toBe('Order held by orders.mjs: prices');
  });
});

describe('the leaks behind the failing checks', () => {
  const types: Check = { id: 'leak.types', resource: 'heap', kind: 'leak', observed: 4, unit: 'types', pass: false, message: '4 types grew' };
  const fds: Check = { id: 'leak.fds', resource: 'fds', kind: 'leak', observed: 15, unit: 'fds', pass: false, message: '15 fds left over' };
  const session = sessionsHolder({ dir: '/a', line: 25, index: 3, count: 15, perStep: 1 });
  // counted apart by type, traced by nothing, made by the same `requests.Session()` the holder's sessions were
  const policy: Suspect = {
    runtime: 'python', kind: 'type', name: 'http.cookiejar.DefaultCookiePolicy', countDelta: 15, perIteration: 1, bytesDelta: 0, where: [],
    trace: { references: [], leaking: 'http.cookiejar.DefaultCookiePolicy', madeAt: ['/a/jobs.py:47  session = requests.Session() (15)'] },
  };
  const record: Suspect = {
    runtime: 'python', kind: 'holder', name: 'jobs.JobLog.entries', countDelta: 15, perIteration: 1, bytesDelta: 35_000, where: [],
    trace: { references: [{ kind: 'class-attribute', user: true, owner: 'jobs.JobLog', name: 'entries', site: '/a/jobs.py' }], leaking: 'jobs.JobRecord' },
  };
  const dict: Suspect = { runtime: 'python', kind: 'type', name: 'dict', countDelta: 45, perIteration: 3, bytesDelta: 0, where: [] };

  it('are the holders, each with what belongs to it; builtin containers are no leak of their own', () => {
    const found = scenarioLeaks([types], [session, policy, record, dict], 'scenarios/jobs.scenario.mjs');
    expect(found.leaks.map((l) => l.label)).toEqual(['requests.sessions.Session held by jobs._SESSIONS', 'jobs.JobRecord held by jobs.JobLog.entries']);
    expect(found.leaks.map((l) => l.signature)).toEqual([suspectSignature(session), suspectSignature(record)]);
    expect(found.checks[0]!.leaks).toEqual(found.leaks.map((l) => l.signature));
    expect(found.leaks[0]!.rates).toEqual([{ value: 1, unit: 'objects', per: 'iteration' }, { value: 20_000, unit: 'B', per: 'iteration' }]);
    // every suspect signed, the held ones too
    expect(found.suspects.every((s) => /^[0-9a-f]{12}$/.test(s.signature ?? ''))).toBe(true);
    expect(found.suspects[0]!.holds![0]!.signature).toBe(suspectSignature(session.holds![0]!));
  });

  it('is the check itself where no suspect explains it, and nothing while every check passes', () => {
    const found = scenarioLeaks([fds, { ...types, pass: true }], [session], 'scenarios/jobs.scenario.mjs');
    expect(found.leaks).toHaveLength(1);
    expect(found.leaks[0]).toMatchObject({ resource: 'fds', label: 'leak.fds of scenarios/jobs.scenario.mjs', checks: ['leak.fds'], signature: checkSignature(fds, 'scenarios/jobs.scenario.mjs') });
    expect(scenarioLeaks([{ ...fds, pass: true }], [session], 'x').leaks).toEqual([]);
    // a budget is not a leak, nor a check that had no data
    expect(scenarioLeaks([{ ...fds, kind: 'budget', id: 'budget.fds' }, { ...types, measured: false }], [session], 'x').leaks).toEqual([]);
  });
});
