// The known leak warnings, pattern by pattern, as real runtimes print them (aiohttp, not installed
// here, by its messages' exact text): each is counted under its name and fails leak.warnings with no
// budget; an allowed line is not counted; a clean program passes.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createOutputWatcher } from '../probes/outputWatcher.ts';
import path from 'node:path';
import { DEPENDENCY_RESOURCE_WARNING, LEAK_WARNINGS } from '../scenario/leakWarnings.ts';
import type { Check, WarningGroup } from '../report/runReportSchema.ts';
import { warningCheck } from './warningCheck.ts';
import { outputChecks } from './leftoverChecks.ts';
import { planBudgets } from '../scenario/runPlan.ts';
import type { Observations } from '../observations/observations.ts';

/** stderr of a real program, with warnings as seep's Python targets get them (PYTHONWARNINGS=default) */
function stderrOf(argv: string[]): string {
  return spawnSync(argv[0]!, argv.slice(1), { env: { ...process.env, PYTHONWARNINGS: 'default' }, encoding: 'utf8', timeout: 20_000 }).stderr;
}

function judge(text: string, allow: (string | RegExp)[] = []) {
  const w = createOutputWatcher({ forbid: [], warnings: LEAK_WARNINGS, allow });
  w.feed('stderr', text, 0);
  w.end(1);
  const output = w.summary();
  return { output, check: warningCheck({ output } as Observations)! };
}

const PY = '/usr/bin/python3';
const DEPENDENCY_SITE = path.join(import.meta.dirname, '../../fixtures/dependency-warnings/site-packages');
const CASES: [string, () => string][] = [
  ['ResourceWarning', () => stderrOf([PY, '-c', 'import socket, gc\ns = socket.socket()\ndel s\ngc.collect()'])],
  // raised in a file of an installed package (a scandir iterator a generator stopped early)
  [DEPENDENCY_RESOURCE_WARNING, () => stderrOf([PY, '-c', `import site; site.addsitedir(${JSON.stringify(DEPENDENCY_SITE)})\nimport dirscan\ndirscan.has_entry(${JSON.stringify(DEPENDENCY_SITE)}, 'dirscan')`])],
  ['ResourceWarning', () => stderrOf([PY, '-c', "import subprocess\np = subprocess.Popen(['sleep', '0.5'])\ndel p"])],
  ['unclosed event loop', () => stderrOf([PY, '-c', 'import asyncio, gc\nloop = asyncio.new_event_loop()\ndel loop\ngc.collect()'])],
  ['Task was destroyed but it is pending', () => stderrOf([PY, '-c', [
    'import asyncio, gc',
    'async def wait(): await asyncio.sleep(10)',
    'loop = asyncio.new_event_loop()',
    'task = loop.create_task(wait())',
    'loop.run_until_complete(asyncio.sleep(0))',
    'loop.close()',
    'del task',
    'gc.collect()',
  ].join('\n')])],
  // aiohttp 3.8 client.py ClientSession.__del__ and connector.py BaseConnector.__del__, via the
  // default loop exception handler
  ['Unclosed client session', () => 'Unclosed client session\nclient_session: <aiohttp.client.ClientSession object at 0x7f3a2c1b5d50>\n'],
  ['Unclosed connector', () => "Unclosed connector\nconnections: ['[(<aiohttp.client_proto.ResponseHandler object at 0x7f3a2c0e1a60>, 412.9)]']\nconnector: <aiohttp.connector.TCPConnector object at 0x7f3a2c1b5e10>\n"],
  ['MaxListenersExceededWarning', () => stderrOf([process.execPath, '-e', "const e = new (require('node:events'))(); for (let i = 0; i < 11; i++) e.on('tick', () => {});"])],
];

describe('known leak warnings, with no budget', () => {
  it('covers every entry of the table', () => {
    expect(new Set(CASES.map(([name]) => name))).toEqual(new Set(LEAK_WARNINGS.map((w) => w.name)));
  });

  it.each(CASES)('%s: counted under its name, and leak.warnings fails', (name, print) => {
    const text = print();
    const { output, check } = judge(text);
    expect(output.warningCounts![name], text).toBe(1);
    expect(Object.values(output.warningCounts!).reduce((a, b) => a + b, 0)).toBe(1);
    if (name === DEPENDENCY_RESOURCE_WARNING) {
      // a dependency's hygiene warning: with no fds, sockets or handles check failing, listed, not failed
      expect(check).toMatchObject({ id: 'leak.warnings', kind: 'leak', pass: true, observed: 0 });
      expect(check.message).toContain(`${name}, not failed: 1 time;`);
      return;
    }
    expect(check).toMatchObject({ id: 'leak.warnings', kind: 'leak', pass: false, observed: 1 });
    expect(check.message).toContain(`${name} x1`);
  });

  it('does not count a line the scenario allows, and passes a program that printed none', () => {
    const text = stderrOf([PY, '-c', 'import socket\nwith socket.socket() as s: pass\nprint("ok")']);
    expect(judge(text).check).toMatchObject({ pass: true, observed: 0 });
    const leaky = stderrOf([PY, '-c', 'import socket, gc\ns = socket.socket()\ndel s\ngc.collect()']);
    expect(judge(leaky, [/unclosed <socket\.socket/]).check).toMatchObject({ pass: true, observed: 0 });
  });
});


describe('a target stopping', () => {
  const run = (atExit: string, times: number, measuredIterations: number) => {
    const w = createOutputWatcher({ forbid: [], warnings: LEAK_WARNINGS });
    w.stopping();
    for (let i = 0; i < times; i++) w.feed('stderr', `${atExit}\n`, i);
    w.end(times);
    return warningCheck({ output: w.summary(), measuredIterations } as Observations)!;
  };

  it('reports a one-off warning at exit without failing on it', () => {
    const c = run("server.py:208: ResourceWarning: unclosed file <_io.TextIOWrapper name=6 encoding='UTF-8'>", 1, 50);
    expect(c).toMatchObject({ pass: true, observed: 0 });
    expect(c.message).toMatch(/ResourceWarning x1 at exit, the service's shutdown or a process's \(fewer than one per two measured steps: not counted\)/);
  });

  it('fails on a warning printed at exit once per step (a pending task per call)', () => {
    const c = run('Task was destroyed but it is pending!', 73, 50);
    expect(c).toMatchObject({ pass: false, observed: 73 });
    expect(c.message).toMatch(/^Task was destroyed but it is pending x73 \(73 at exit\)/);
  });
});

describe('a process of the tree exiting', () => {
  it('counts a warning raised as an interpreter finalizes (sys:1, a recycled worker) with the exits, not per step', () => {
    const w = createOutputWatcher({ forbid: [], warnings: LEAK_WARNINGS });
    // what each gunicorn worker replaced under --max-requests prints as it exits
    const recycled = "sys:1: ResourceWarning: unclosed <socket.socket fd=7, family=2, type=1, proto=0, laddr=('127.0.0.1', 39707)>\n";
    for (let i = 0; i < 8; i++) w.feed('stderr', recycled, i);
    w.end(9);
    const c = warningCheck({ output: w.summary(), measuredIterations: 60 } as Observations)!;
    expect(c).toMatchObject({ pass: true, observed: 0 });
    expect(c.message).toMatch(/ResourceWarning x8 at exit/);
  });
});

describe('a target starting', () => {
  // what Debian's Flask 2.2 development server prints as it binds, before it serves anything
  const FLASK_DEV_SERVER = [
    "/usr/lib/python3/dist-packages/werkzeug/serving.py:718: ResourceWarning: unclosed <socket.socket fd=4, family=2, type=1, proto=0, laddr=('0.0.0.0', 0)>",
    '  self.socket = socket.fromfd(fd, address_family, socket.SOCK_STREAM)',
    ' * Running on http://127.0.0.1:5099',
  ].join('\n') + '\n';

  const run = (during: string) => {
    const w = createOutputWatcher({ forbid: [], warnings: LEAK_WARNINGS, marksStart: true });
    w.feed('stderr', FLASK_DEV_SERVER, 10);
    w.started();
    w.feed('stderr', during, 20);
    w.end(30);
    return { output: w.summary(), check: warningCheck({ output: w.summary(), measuredIterations: 10 } as Observations)! };
  };

  // werkzeug's socket is an installed dependency's: its warning is counted under that name
  it('reports what the target printed before the first step as start-up, not as a leak per step', () => {
    const { output, check } = run('127.0.0.1 - - "GET / HTTP/1.1" 200 -\n');
    expect(output.startupWarningCounts).toEqual({ [DEPENDENCY_RESOURCE_WARNING]: 1 });
    expect(output.startupWarningExamples?.[DEPENDENCY_RESOURCE_WARNING]?.[0]).toMatch(/werkzeug\/serving\.py:718: ResourceWarning: unclosed <socket\.socket fd=4/);
    expect(output.warningCounts?.[DEPENDENCY_RESOURCE_WARNING]).toBe(0);
    expect(check).toMatchObject({ pass: true, observed: 0 });
    expect(check.message).toContain(`${DEPENDENCY_RESOURCE_WARNING} x1 while starting, before the first step (start-up: reported, not judged)`);
  });

  it('still fails a warning that keeps coming during the steps', () => {
    const { check } = run("app.py:12: ResourceWarning: unclosed <socket.socket fd=9, family=2, type=1, proto=0, laddr=('127.0.0.1', 5099)>\n".repeat(3));
    expect(check).toMatchObject({ pass: false, observed: 3 });
  });

  it('counts everything as before in a stream that does not mark the first step', () => {
    const w = createOutputWatcher({ forbid: [], warnings: LEAK_WARNINGS });
    w.feed('stderr', FLASK_DEV_SERVER, 10);
    w.end(30);
    expect(w.summary().warningCounts?.[DEPENDENCY_RESOURCE_WARNING]).toBe(1);
    expect(w.summary().startupWarningCounts).toBeUndefined();
  });
});


describe("a dependency's ResourceWarning, judged by what it costs", () => {
  const depLine = '/srv/app/.venv/lib/python3.11/site-packages/davstore/fs.py:88: ResourceWarning: unclosed scandir iterator <posix.ScandirIterator object at 0x7f00>';
  const ownLine = '/srv/app/davserver/store.py:41: ResourceWarning: unclosed scandir iterator <posix.ScandirIterator object at 0x7f00>';
  const group = (over: Partial<WarningGroup>): WarningGroup => ({
    category: 'ResourceWarning', what: 'unclosed scandir iterator <posix.ScandirIterator>', message: 'unclosed scandir iterator <posix.ScandirIterator object at 0x7f00>',
    raisedAt: '/srv/app/.venv/lib/python3.11/site-packages/davstore/fs.py:88', origin: 'dependency', originFrame: '/srv/app/.venv/lib/python3.11/site-packages/davstore/fs.py:88',
    site: '/srv/app/davserver/views.py:12', allocated: [], atFirstRead: 34, atBaseline: 170, atMeasuredEnd: 1870, total: 1904, perStep: 34, ...over,
  });
  const fdsCheck = (pass: boolean): Check => ({ id: 'leak.fds', resource: 'fds', kind: 'leak', observed: pass ? 7 : 57, unit: 'fds', pass, message: '' });
  const judgeLines = (text: string, checks: Check[], warningCounts?: WarningGroup[]) => {
    const w = createOutputWatcher({ forbid: [], warnings: LEAK_WARNINGS });
    w.feed('stderr', `${text}\n`, 0);
    w.end(1);
    return warningCheck({ output: w.summary(), measuredIterations: 50, ...(warningCounts ? { warningCounts } : {}) } as Observations, checks)!;
  };

  it('passes with fds flat, listing it with the rate the agent counted (Python printed it once)', () => {
    const c = judgeLines(depLine, [fdsCheck(true)], [group({})]);
    expect(c).toMatchObject({ pass: true, observed: 0 });
    expect(c.message).toBe(`${DEPENDENCY_RESOURCE_WARNING}, not failed: 1870 times (unclosed scandir iterator <posix.ScandirIterator> at /srv/app/.venv/lib/python3.11/site-packages/davstore/fs.py:88, 34 per measured step); fds, sockets and handles came back to baseline, so it is that package's hygiene warning (output.forbid fails on it)`);
  });

  it('fails when the fds did not come back to baseline', () => {
    const c = judgeLines(depLine, [fdsCheck(false)], [group({})]);
    expect(c).toMatchObject({ pass: false, observed: 1870 });
    expect(c.message).toMatch(/^ResourceWarning in an installed dependency x1870 \(.*34 per measured step\) while fds did not come back to baseline: counted as a leak, first: /);
  });

  it("fails on the same warning from the project's own code", () => {
    const own = group({ raisedAt: '/srv/app/davserver/store.py:41', origin: 'project', originFrame: '/srv/app/davserver/store.py:41', site: '/srv/app/davserver/store.py:41' });
    const c = judgeLines(ownLine, [fdsCheck(true)], [own]);
    expect(c).toMatchObject({ pass: false, observed: 1870 });
    expect(c.message).toMatch(/^ResourceWarning x1870 \(unclosed scandir iterator <posix\.ScandirIterator> at \/srv\/app\/davserver\/store\.py:41, 34 per measured step\), first: /);
  });

  it('fails when the agent saw the object allocated in the project, wherever it was raised', () => {
    const allocatedHere = group({ origin: 'project', originFrame: '/srv/app/davserver/views.py:12' });
    expect(judgeLines(depLine, [fdsCheck(true)], [allocatedHere])).toMatchObject({ pass: false, observed: 1870 });
  });

  it("never excuses asyncio's or aiohttp's warnings, even allocated in a dependency", () => {
    const transport = group({ what: 'unclosed transport <_SelectorSocketTransport>', message: 'unclosed transport <_SelectorSocketTransport fd=7>', raisedAt: '/usr/lib/python3.11/asyncio/selector_events.py:835' });
    const c = judgeLines('/usr/lib/python3.11/asyncio/selector_events.py:835: ResourceWarning: unclosed transport <_SelectorSocketTransport fd=7>', [fdsCheck(true)], [transport]);
    expect(c.pass).toBe(false);
    const session = judgeLines('/usr/lib/python3/dist-packages/aiohttp/client.py:345: ResourceWarning: Unclosed client session <aiohttp.client.ClientSession object at 0x7f00>', [fdsCheck(true)]);
    expect(session).toMatchObject({ pass: false });
    expect(session.message).toMatch(/^Unclosed client session x1/);
  });

  it('fails through output.forbid for a team that wants none', () => {
    const w = createOutputWatcher({ forbid: ['ResourceWarning'], warnings: LEAK_WARNINGS });
    w.feed('stderr', `${depLine}\n`, 0);
    w.end(1);
    const obs = { output: w.summary(), measuredIterations: 50, fileSizes: {} } as unknown as Observations;
    expect(warningCheck(obs, [fdsCheck(true)])!.pass).toBe(true);
    expect(outputChecks(obs, planBudgets({ output: { forbid: ['ResourceWarning'] } }))[0]).toMatchObject({ id: 'budget.output.forbid:ResourceWarning', pass: false, observed: 1 });
  });

  it('without an agent, judges the printed line by where it was raised', () => {
    expect(judgeLines(depLine, [fdsCheck(true)])).toMatchObject({ pass: true, observed: 0 });
    expect(judgeLines(ownLine, [fdsCheck(true)])).toMatchObject({ pass: false, observed: 1 });
  });
});
