// Real processes: what seep attaches to, the URL it finds for --attach, and the errors that name
// the field or flag.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { attachToProcess, listeningUrl, stillRunning, watchExit } from './attachedProcess.ts';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});
const dir = mkdtempSync(path.join(os.tmpdir(), 'seep-attached-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A node process listening on `ports` ephemeral ports of 127.0.0.1; resolves once they all listen. */
async function listener(ports: number): Promise<ChildProcess> {
  const code = `const net = require('net'); let n = 0; for (let i = 0; i < ${ports}; i++) net.createServer().listen(0, '127.0.0.1', () => { if (++n === ${ports}) console.log('up'); }); if (${ports} === 0) { console.log('up'); setInterval(() => {}, 1000); }`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise((resolve) => child.stdout!.once('data', resolve));
  return child;
}

describe('attachToProcess', () => {
  it('attaches to a running pid, by number or from a pid file, with its command line', async () => {
    const child = await listener(0);
    const byPid = attachToProcess({ pid: child.pid!, field: '--attach' }, dir);
    expect(byPid.command[0]).toBe(process.execPath);
    writeFileSync(path.join(dir, 'app.pid'), `${child.pid}\n`);
    expect(attachToProcess({ pidFile: 'app.pid', field: 'service.attach.pidFile' }, dir)).toMatchObject({ pid: child.pid, pidFile: 'app.pid', starttime: byPid.starttime });
    expect(stillRunning(byPid)).toBe(true);
  });

  it('names the field or flag when the pid is gone, is seep, or the pid file is missing or garbled', () => {
    const gone = spawnSync('true').pid!;
    expect(() => attachToProcess({ pid: gone, field: '--attach' }, dir)).toThrow(`--attach: no process with pid ${gone}: it is gone, or never was`);
    expect(() => attachToProcess({ pid: process.pid, field: '--attach' }, dir)).toThrow(/is seep itself/);
    expect(() => attachToProcess({ pidFile: 'none.pid', field: 'service.attach.pidFile' }, dir)).toThrow(`service.attach.pidFile: ${path.join(dir, 'none.pid')} does not exist`);
    writeFileSync(path.join(dir, 'zero.pid'), '0');
    expect(() => attachToProcess({ pidFile: 'zero.pid', field: 'service.attach.pidFile' }, dir)).toThrow(/holds "0", not a pid/);
    expect(() => attachToProcess({ pidFile: '.', field: 'service.attach.pidFile' }, dir)).toThrow(/cannot read .*: EISDIR/);
  });
});

describe('listeningUrl', () => {
  it('is the one port the process listens on', async () => {
    const child = await listener(1);
    expect(await listeningUrl(attachToProcess({ pid: child.pid!, field: '--attach' }, dir), '--attach')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses to guess between several ports, or when there is none', async () => {
    const two = await listener(2);
    await expect(listeningUrl(attachToProcess({ pid: two.pid!, field: '--attach' }, dir), '--attach')).rejects.toThrow(/--attach: pid \d+ .* listens on 2 TCP ports \(\d+, \d+\).*write service: \{ attach: \{ pid \}, url/);
    const none = await listener(0);
    await expect(listeningUrl(attachToProcess({ pid: none.pid!, field: '--attach' }, dir), '--attach')).rejects.toThrow(/listens on no TCP port/);
  });
});

describe('watchExit', () => {
  it('resolves when the process exits, though it is not our child to wait for', async () => {
    const child = await listener(0);
    const attached = attachToProcess({ pid: child.pid!, field: '--attach' }, dir);
    const watch = watchExit(attached, 20);
    child.kill('SIGTERM');
    await watch.exited;
    expect(stillRunning(attached)).toBe(false);
  });
});
