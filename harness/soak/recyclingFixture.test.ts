// The recycling fixture recycles its workers gracefully, as gunicorn does: a request accepted by a
// worker that reaches --max-requests is still answered. A soak's step must never fail because the
// fixture dropped a connection it had accepted (it once exited with requests in flight, and a
// soak's /healthz step failed with ECONNRESET one run in a few).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../drivers/httpClient.ts';
import { freePort } from '../drivers/freePort.ts';
import { REPO_ROOT } from '../../fixtures/testing/runSeep.ts';

const SERVER = path.join(REPO_ROOT, 'fixtures/recycling-service/server.py');
const stops: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function startService(port: number, maxRequests: number) {
  const child = spawn('python3', [SERVER, '--port', String(port), '--workers', '2', '--max-requests', String(maxRequests)], {
    env: { ...process.env, VARIANT: 'leaky' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  stops.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
  const deadline = Date.now() + 15_000;
  while (!out.includes('listening')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`recycling fixture did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { output: () => out };
}

describe('recycling-service fixture', () => {
  it('answers every accepted request while its workers are recycled under concurrent load', async () => {
    const port = await freePort();
    const service = await startService(port, 25);
    const http = createHttpClient(`http://127.0.0.1:${port}`);
    const failures: string[] = [];
    let answered = 0;
    const client = async (n: number) => {
      for (let i = 0; i < n; i++) {
        try {
          const res = await http.get(i % 5 === 0 ? '/healthz' : '/work', { timeoutMs: 10_000 });
          if (res.status === 200) answered++;
          else failures.push(`status ${res.status}`);
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, () => client(100)));

    expect(failures).toEqual([]);
    expect(answered).toBe(800);
    // 800 requests at 25 per worker: the workers were replaced many times while answering them
    const recycles = service.output().match(/replaced by \d+/g) ?? [];
    expect(recycles.length).toBeGreaterThanOrEqual(20);
  }, 90_000);
});
