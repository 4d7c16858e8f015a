// The retry rule on a real process tree: a request reset while a worker of the tree exits may go
// again; one reset while every process stays is the service's, and is not retried.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { listTree } from '../probes/processTree.ts';
import { createResetRetry, type RetryRecord } from './resetRetry.ts';

let parent: ChildProcess | undefined;
let workerPid: number | undefined;
afterEach(() => {
  parent?.kill('SIGKILL');
  parent = undefined;
  try {
    if (workerPid) process.kill(workerPid, 'SIGKILL');
  } catch {
    // recycled already
  }
});

/** a parent whose worker child lives until the parent's stdin gets a line (then it exits, recycled) */
async function preforkTree(): Promise<{ root: number; worker: number; recycle(): void }> {
  parent = spawn(process.execPath, ['-e', `
    const { spawn } = require('node:child_process');
    const w = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    console.log(w.pid);
    process.stdin.once('data', () => w.kill('SIGTERM'));
    setInterval(() => {}, 1000);
  `], { stdio: ['pipe', 'pipe', 'inherit'] });
  const worker = await new Promise<number>((resolve) => parent!.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  workerPid = worker;
  return { root: parent.pid!, worker, recycle: () => parent!.stdin!.write('go\n') };
}

/** a parent that replaces its worker each time its stdin gets a line, and prints each worker's pid */
async function recyclingTree(): Promise<{ root: number; recycle(): Promise<number> }> {
  const p = spawn(process.execPath, ['-e', `
    const { spawn } = require('node:child_process');
    let w;
    const start = () => { w = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }); console.log(w.pid); };
    start();
    process.stdin.on('data', () => { w.once('exit', start); w.kill('SIGKILL'); });
    setInterval(() => {}, 1000);
  `], { stdio: ['pipe', 'pipe', 'inherit'] });
  parent = p;
  const pids: number[] = [];
  const waiting: ((pid: number) => void)[] = [];
  p.stdout!.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n').filter(Boolean)) {
      workerPid = Number(line);
      const w = waiting.shift();
      if (w) w(workerPid);
      else pids.push(workerPid);
    }
  });
  const next = () => new Promise<number>((resolve) => (pids.length > 0 ? resolve(pids.shift()!) : waiting.push(resolve)));
  await next();
  return { root: p.pid!, recycle: () => (p.stdin!.write('go\n'), next()) };
}

describe('retrying a step request reset under it', () => {
  it('retries when a worker of the tree exits at that moment, and records which', async () => {
    const tree = await preforkTree();
    const retried: RetryRecord[] = [];
    const r = createResetRetry({ rootPids: () => [tree.root], onRetry: (x) => retried.push(x) });
    r.observe((await listTree([tree.root])).map((p) => p.pid));
    const sentAt = performance.now();
    tree.recycle();
    const why = await r.decide({ method: 'GET', url: 'http://127.0.0.1:1/orders', error: 'ECONNRESET socket hang up', sentAt });
    expect(why).toBe(`worker pid ${tree.worker} of the tree exited at that moment`);
    expect(retried).toEqual([{ pid: tree.worker, request: 'GET http://127.0.0.1:1/orders', error: 'ECONNRESET socket hang up' }]);
  });

  it('does not retry a reset while every process of the tree stays', async () => {
    const tree = await preforkTree();
    const retried: RetryRecord[] = [];
    const r = createResetRetry({ rootPids: () => [tree.root], onRetry: (x) => retried.push(x) });
    r.observe((await listTree([tree.root])).map((p) => p.pid));
    expect(await r.decide({ method: 'GET', url: 'http://127.0.0.1:1/x', error: 'ECONNRESET', sentAt: performance.now() })).toBeNull();
    expect(retried).toEqual([]);
  });

  it('reads the tree itself as a request goes out when no sample was taken lately (the sampler stops while suspects are named)', async () => {
    const tree = await preforkTree();
    const retried: RetryRecord[] = [];
    const r = createResetRetry({ rootPids: () => [tree.root], onRetry: (x) => retried.push(x) });
    r.beforeRequest();
    const sentAt = performance.now();
    tree.recycle();
    expect(await r.decide({ method: 'GET', url: 'http://127.0.0.1:1/x', error: 'ECONNRESET', sentAt })).toMatch(new RegExp(`worker pid ${tree.worker} `));
    expect(retried.map((x) => x.pid)).toEqual([tree.worker]);
  });

  it('after a blamed exit, reads the tree before each request until the replacement shows, so that the replacement dying at once is explained too', async () => {
    // the retry goes out before the master forked the replacement; the replacement answers its
    // requests within STALE_MS of that read and dies at its own recycle (the sampler stopped)
    const tree = await recyclingTree();
    const retried: RetryRecord[] = [];
    const r = createResetRetry({ rootPids: () => [tree.root], onRetry: (x) => retried.push(x) });
    r.beforeRequest();
    let sentAt = performance.now();
    const second = await tree.recycle();
    expect(await r.decide({ method: 'POST', url: 'http://127.0.0.1:1/orders', error: 'ECONNRESET', sentAt })).toMatch(/^worker pid \d+ /);
    r.beforeRequest();
    sentAt = performance.now();
    const third = tree.recycle();
    expect(await r.decide({ method: 'POST', url: 'http://127.0.0.1:1/orders', error: 'ECONNRESET', sentAt })).toBe(`worker pid ${second} of the tree exited at that moment`);
    expect(retried.map((x) => x.pid)).toHaveLength(2);
    await third;
  });
});
