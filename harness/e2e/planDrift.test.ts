// Where the counted runner and the soak used to disagree, through the real CLI: every budget a
// scenario writes gives a check, whichever way the run is measured, and a budget the run had no
// data for says so rather than vanish.
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Check, Report } from '../report/schema.ts';
import { tempDir } from '../testing/tempDir.ts';
import { killRunLeftovers, REPO_ROOT, runSeep } from './runSeep.ts';

const killed = new Set<number>();
afterAll(async () => {
  for (const pid of killed) await killRunLeftovers(pid);
});

const dir = tempDir('seep-drift-');
const NODE_SERVICE = path.resolve('fixtures/node-service/server.mjs');

async function scenario(name: string, body: string): Promise<string> {
  const file = path.join(dir, `${name}.scenario.mjs`);
  await writeFile(file, `export default { name: '${name}', ${body} };\n`);
  return file;
}

const service = `service: { command: ['node', ${JSON.stringify(NODE_SERVICE)}, '--port', '{port}'], ready: { http: '/healthz' }, env: { VARIANT: 'fixed' } },
  step: async ({ http }) => { const r = await http.post('/api/orders', { json: { symbol: 'ACME', qty: 1 } }); if (r.status !== 200) throw new Error(String(r.status)); }`;

const byId = (checks: Check[]) => Object.fromEntries(checks.map((c) => [c.id, c]));

describe('one plan, every budget judged', () => {
  it('a soak judges heapGrowth from the heap its agent reads at every checkpoint', async () => {
    const file = await scenario('soak heap', `${service}, duration: '8s', warmup: 3, budgets: { heapGrowth: '50MB' }`);
    const run = await runSeep(['run', file], { timeoutMs: 90_000 });
    const s = (await run.report())!.scenarios[0]!;
    expect(run.code, run.stderr).toBe(0);
    const heap = byId(s.checks)['budget.heapGrowth'];
    expect(heap, JSON.stringify(s.checks.map((c) => c.id))).toBeDefined();
    expect(heap!.measured).toBeUndefined();
    expect(heap!.pass).toBe(true);
    // the heap was read at the checkpoints: V8's used heap of a small service is MBs, not nothing
    expect(s.series.boundaries.values.heapUsed.filter((v) => v !== null && v > 1e6).length).toBeGreaterThan(2);
  }, 120_000);

  it('a soak scenario counted with --iterations keeps its soak budgets: latency, seep, step errors and alerts', async () => {
    const file = await scenario('soak counted', `${service}, duration: '1h', warmup: 2,
      alerts: { rss: { warning: '1MB', critical: '10GB' } },
      budgets: { latencyP99: '200ms', seepRss: '2GB', stepErrors: 3 }`);
    const run = await runSeep(['run', file, '--iterations', '6'], { timeoutMs: 90_000 });
    const s = (await run.report())!.scenarios[0]!;
    expect(s.iterations.measured).toBe(6);
    const checks = byId(s.checks);
    expect(Object.keys(checks)).toEqual(expect.arrayContaining(['budget.latencyP99', 'budget.seepRss', 'budget.stepErrors', 'alert.rss.warning', 'alert.rss.critical']));
    expect(checks['budget.latencyP99']).toMatchObject({ measured: false, pass: true });
    expect(checks['budget.latencyP99']!.message).toMatch(/not measured: no load ran/);
    expect(checks['budget.seepRss']!.observed).toBeGreaterThan(10e6);
    expect(checks['budget.stepErrors']).toMatchObject({ observed: 0, pass: true });
    // a node service sits far above 1 MB: the warning level was crossed, and a warning never fails
    expect(checks['alert.rss.warning']).toMatchObject({ pass: true });
    expect(checks['alert.rss.warning']!.message).toMatch(/crossed the warning threshold/);
    expect(run.code, run.stderr).toBe(0);
  }, 120_000);

  it('a budget the run cannot measure is reported as not measured, never dropped', async () => {
    const file = await scenario('cli budgets', `warmup: 1, iterations: 4, step: ({ exec }) => exec(['true']),
      budgets: { rssGrowth: '10MB', heapGrowth: '1MB', sockets: 'baseline' }`);
    const run = await runSeep(['run', file], { timeoutMs: 60_000 });
    const checks = byId((await run.report())!.scenarios[0]!.checks);
    for (const id of ['budget.rssGrowth', 'budget.heapGrowth', 'budget.sockets']) {
      expect(checks[id], id).toMatchObject({ measured: false, pass: true });
      expect(checks[id]!.message).toMatch(/^not measured: a CLI scenario has no process that lives across steps/);
    }
    expect(run.code).toBe(0);
  }, 90_000);

  it('a counted run streams its samples: seep SIGKILLed mid-run is rebuilt by seep report', async () => {
    const file = await scenario('counted kill', `module: { path: 'fixtures/crew/crew.py' }, warmup: 2, iterations: 400,
      step: ({ call }) => call('run_crew', ['export'])`);
    const reportDir = tempDir('seep-counted-kill-');
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist/cli/seep.js'), 'run', file, '--report-dir', reportDir], {
      cwd: REPO_ROOT, env: { ...process.env, CI: 'true', NO_COLOR: '1', VARIANT: 'fixed' }, stdio: 'ignore',
    });
    killed.add(child.pid!);
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    const runDir = async () => {
      const runs = (await readdir(reportDir, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory());
      return runs[0] ? path.join(reportDir, runs[0].name) : null;
    };
    let stream = '';
    for (const deadline = Date.now() + 60_000; ; ) {
      const dir = await runDir();
      const f = dir ? (await readdir(dir)).find((n) => n.endsWith('.samples.ndjson')) : undefined;
      stream = f ? path.join(dir!, f) : '';
      const text = stream ? await readFile(stream, 'utf8') : '';
      if ((text.match(/"k":"b"/g) ?? []).length >= 12) break;
      if (Date.now() > deadline) throw new Error('no 12 boundary reads in the stream within 60 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    child.kill('SIGKILL');
    await exited;
    await killRunLeftovers(child.pid!);
    const text = await readFile(stream, 'utf8');
    expect(text).not.toContain('"k":"end"');
    const boundaryLines = (text.match(/"k":"b"/g) ?? []).length;

    const rebuilt = await runSeep(['report', (await runDir())!]);
    expect(rebuilt.stdout).toMatch(/rebuilt from the sample stream/);
    const report = JSON.parse(await readFile(path.join((await runDir())!, 'report.json'), 'utf8')) as Report;
    const s = report.scenarios[0]!;
    expect(s.name).toBe('counted kill');
    expect(s.verdict).toBe('error');
    expect(s.error).toMatch(/seep stopped before the run ended \(after \d+ of 400 measured steps\)/);
    expect(s.series.boundaries.t).toHaveLength(boundaryLines);
    expect(rebuilt.code).toBe(2);
  }, 120_000);
});
