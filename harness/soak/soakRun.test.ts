// Soaks through the real CLI, accelerated: a leak given in MB/h on the recycling fixture is found
// and its fixed twin passes; seep killed by SIGKILL mid-soak is rebuilt by `seep report` from
// every sample that reached the disk; a target killed like an OOM kill is restarted and counted.
import { tempDir } from '../../fixtures/testing/tempDir.ts';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../report/schema.ts';
import { killRunLeftovers, processesWithRunCookie, REPO_ROOT, runSeep } from '../../fixtures/testing/runSeep.ts';
import { freePort } from '../drivers/freePort.ts';

const SCENARIO = 'fixtures/recycling-service/recycling.scenario.ts';
const started = new Set<number>();

afterAll(async () => {
  // a seep killed by SIGKILL leaves its targets and agent sockets: nothing may outlive these tests
  for (const seepPid of started) await killRunLeftovers(seepPid);
});

async function runDirOf(reportDir: string): Promise<string | null> {
  const runs = (await readdir(reportDir, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory());
  return runs[0] ? path.join(reportDir, runs[0].name) : null;
}

async function streamOf(runDir: string): Promise<string | null> {
  const f = (await readdir(runDir).catch(() => [] as string[])).find((n) => n.endsWith('.samples.ndjson'));
  return f ? path.join(runDir, f) : null;
}

const until = async (what: string, ok: () => Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

function seep(args: string[], env: Record<string, string> = {}) {
  return spawn(process.execPath, [path.join(REPO_ROOT, 'dist/cli/seep.js'), ...args], {
    cwd: REPO_ROOT, env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('soak: accelerated leak in MB/h', () => {
  it('finds the leaky master at its MB/h rate, passes the fixed twin, shows recycled workers, serves metrics and a live report', async () => {
    const port = await freePort();
    const leakMbPerHour = 600;
    const common = ['run', SCENARIO, '--duration', '70s', '--live-every', '10s'];
    const leakyRun = runSeep([...common, '--metrics-port', String(port)], { env: { VARIANT: 'leaky', LEAK_MB_PER_HOUR: String(leakMbPerHour) }, timeoutMs: 150_000, onSpawn: (pid) => started.add(pid) });
    const fixedRun = runSeep(common, { env: { VARIANT: 'fixed', LEAK_MB_PER_HOUR: String(leakMbPerHour) }, timeoutMs: 150_000, onSpawn: (pid) => started.add(pid) });

    // mid-run: Prometheus text on 127.0.0.1 with the target's current RSS
    let metrics = '';
    await until('metrics with the target RSS', async () => {
      metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '');
      return /seep_target_rss_bytes\{scenario="recycling-service: soak under load"\} \d+/.test(metrics);
    }, 30_000);
    expect(metrics).toMatch(/# TYPE seep_samples_total counter/);
    expect(metrics).toMatch(/seep_rss_bytes\{[^}]*\} \d+/);

    const [leaky, fixed] = await Promise.all([leakyRun, fixedRun]);
    const lr = (await leaky.report())!.scenarios[0]!;
    const fr = (await fixed.report())!.scenarios[0]!;
    expect(leaky.code, leaky.stderr).toBe(1);
    expect(fixed.code, `${fixed.stdout}\n${fixed.stderr}`).toBe(0);

    const slope = lr.checks.find((c) => c.id === 'budget.rssSlope')!;
    expect(slope.pass).toBe(false);
    // the master grows 600 MB/h; the workers' 32 KB per request is thrown away at each recycle
    expect(slope.observed / 1e6).toBeGreaterThan(leakMbPerHour * 0.5);
    expect(slope.observed / 1e6).toBeLessThan(leakMbPerHour * 2);
    expect(fr.checks.find((c) => c.id === 'budget.rssSlope')!.pass).toBe(true);

    for (const s of [lr, fr]) {
      expect(s.series.load!.requests.reduce((a, b) => a + b, 0)).toBeGreaterThan(1000);
      expect(s.checks.find((c) => c.id === 'budget.latencyP99')).toBeDefined();
      expect(s.checks.find((c) => c.id === 'budget.seepRss')!.pass).toBe(true);
      expect(s.series.seepRss!.rss.length).toBeGreaterThan(5);
      expect(s.processes!.filter((p) => p.end === 'recycled').length).toBeGreaterThanOrEqual(2);
    }
    // recycling hides the workers' leak from the total, not from their peaks
    const peak = (s: typeof lr) => Math.max(...s.processes!.filter((p) => p.end === 'recycled').map((p) => p.peakRss));
    expect(peak(lr)).toBeGreaterThan(peak(fr) + 5e6);

    // the live view was written during the run, and the final one replaced it
    const runDir = (await runDirOf(leaky.reportDir))!;
    expect((await stat(path.join(runDir, 'index.html'))).size).toBeGreaterThan(1000);
    expect(await processesWithRunCookie(leaky.pid)).toEqual([]);
    expect(await processesWithRunCookie(fixed.pid)).toEqual([]);
  }, 180_000);
});

describe('soak: crashes', () => {
  it('seep killed by SIGKILL mid-soak: `seep report` rebuilds the report with every sample up to the last flush', async () => {
    const reportDir = tempDir('seep-sigkill-');
    const child = seep(['run', SCENARIO, '--duration', '60s', '--report-dir', reportDir]);
    started.add(child.pid!);
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    try {
      let stream: string | null = null;
      await until('8 timed samples in the stream', async () => {
        const dir = await runDirOf(reportDir);
        stream = dir ? await streamOf(dir) : null;
        const text = stream ? await readFile(stream, 'utf8') : '';
        return (text.match(/"k":"t"/g) ?? []).length >= 8;
      }, 40_000);
      child.kill('SIGKILL');
      await exited;
      for (const p of await processesWithRunCookie(child.pid!)) process.kill(p.pid, 'SIGKILL');

      const text = await readFile(stream!, 'utf8');
      const timedLines = (text.match(/"k":"t"/g) ?? []).length;
      const boundaryLines = (text.match(/"k":"b"/g) ?? []).length;
      expect(text).not.toContain('"k":"end"');

      const runDir = (await runDirOf(reportDir))!;
      const rebuilt = await runSeep(['report', runDir]);
      expect(rebuilt.code, rebuilt.stderr).toBe(2);
      expect(rebuilt.stdout).toMatch(/rebuilt from the sample stream/);
      const report = JSON.parse(await readFile(path.join(runDir, 'report.json'), 'utf8')) as Report;
      const s = report.scenarios[0]!;
      expect(s.verdict).toBe('error');
      expect(s.error).toMatch(/seep stopped before the run ended .* rebuilt from .*\.samples\.ndjson/);
      expect(s.series.timedCount).toBe(timedLines);
      expect(s.series.timed.t).toHaveLength(timedLines);
      expect(s.series.boundaries.t).toHaveLength(boundaryLines);
      expect((await stat(path.join(runDir, 'index.html'))).size).toBeGreaterThan(1000);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  }, 90_000);

  it('a target killed like an OOM kill is restarted with `restart: true`, counted, and its death recorded', async () => {
    const dir = tempDir('seep-restart-');
    const file = path.join(dir, 'restart.scenario.mjs');
    await writeFile(file, `export default {
      name: 'restart after SIGKILL',
      service: { command: ['python3', '${path.join(REPO_ROOT, 'fixtures/recycling-service/server.py')}', '--port', '{port}', '--workers', '1'], ready: { http: '/healthz' }, restart: true },
      duration: '25s', warmup: '2s', interval: '200ms',
      step: async ({ http }) => { await http.get('/work'); },
    };`);
    let seepPid = 0;
    const running = runSeep(['run', file], { onSpawn: (pid) => { seepPid = pid; started.add(pid); }, timeoutMs: 90_000 });
    // the master is the process with --port in its command line
    let master: number | undefined;
    await until('the service master', async () => {
      master = (await processesWithRunCookie(seepPid)).find((p) => p.cmd.includes('--port'))?.pid;
      return master !== undefined;
    }, 30_000);
    await new Promise((r) => setTimeout(r, 6000));
    process.kill(master!, 'SIGKILL');
    const run = await running;
    const s = (await run.report())!.scenarios[0]!;
    expect(s.error, run.stderr).toBeUndefined();
    expect(s.restarts).toBe(1);
    const killed = s.processes!.find((p) => p.pid === master)!;
    expect(killed.end).toBe('SIGKILL');
    expect(killed.peakRss).toBeGreaterThan(1e6);
    expect(run.stderr).toMatch(/signal SIGKILL.*RSS .* at its last sample.*restarting/);
    expect(await processesWithRunCookie(run.pid)).toEqual([]);
  }, 120_000);
});
