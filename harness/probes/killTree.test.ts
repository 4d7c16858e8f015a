// Real processes: the run cookie finds and killTree ends what escaped the tree.
import { afterEach, describe, expect, it } from 'vitest';
import { killTree } from './killTree.ts';
import { readStatSync } from './procfs.ts';
import { findByCookie, newCookie } from './runCookie.ts';
import { startTestTarget } from '../../fixtures/probe-targets/startTestTarget.ts';

const started: { cookie: string; pid: number }[] = [];
afterEach(async () => {
  for (const s of started.splice(0)) await killTree([s.pid], s.cookie, { graceMs: 200 });
});

async function gone(pid: number): Promise<boolean> {
  const st = readStatSync(pid);
  return st === null || st.state === 'Z';
}

describe('findByCookie and killTree', () => {
  it('finds a double-forked setsid grandchild by cookie and kills it with the tree', async () => {
    const cookie = newCookie();
    const target = await startTestTarget('escapeTarget.py', [], cookie);
    started.push({ cookie, pid: target.pid });
    const grandchild = Number(target.ready[0]);
    expect(readStatSync(grandchild)?.ppid).not.toBe(target.pid);

    const found = await findByCookie(cookie);
    expect(found.sort()).toEqual([target.pid, grandchild].sort());
    expect(found).not.toContain(process.pid);
    expect(await findByCookie(newCookie())).toEqual([]);

    const killed = await killTree([target.pid], cookie, { graceMs: 2000 });
    expect(killed.map((k) => Number(k.id)).sort()).toEqual([target.pid, grandchild].sort());
    expect(killed.find((k) => k.id === String(grandchild))?.detail).toMatch(/escapeTarget\.py.*\(SIGTERM\)$/);
    expect(await gone(grandchild)).toBe(true);
    expect(await gone(target.pid)).toBe(true);
    expect(await findByCookie(cookie)).toEqual([]);
  });

  it('never signals a spared process (an attached one), even one carrying the cookie', async () => {
    const cookie = newCookie();
    const target = await startTestTarget('escapeTarget.py', [], cookie);
    started.push({ cookie, pid: target.pid });
    const grandchild = Number(target.ready[0]);

    const killed = await killTree([], cookie, { graceMs: 2000, spare: [target.pid] });
    expect(killed.map((k) => Number(k.id))).toEqual([grandchild]);
    expect(await gone(grandchild)).toBe(true);
    expect(await gone(target.pid)).toBe(false);
  });

  it('SIGKILLs an escaped process that ignores SIGTERM, after the roots are already gone', async () => {
    const cookie = newCookie();
    const target = await startTestTarget('escapeTarget.py', ['ignore-term'], cookie);
    started.push({ cookie, pid: target.pid });
    const grandchild = Number(target.ready[0]);
    target.child.kill('SIGKILL');
    await new Promise((r) => target.child.once('exit', r));

    const killed = await killTree([target.pid], cookie, { graceMs: 300 });
    expect(killed).toEqual([{ kind: 'process', id: String(grandchild), detail: expect.stringMatching(/\(SIGKILL\)$/) }]);
    expect(await gone(grandchild)).toBe(true);
  });

  it('returns nothing when nothing carries the cookie, and never signals this process', async () => {
    expect(await killTree([], newCookie(), { graceMs: 100 })).toEqual([]);
    expect(await killTree([process.pid], newCookie(), { graceMs: 100 })).toEqual([]);
  });
});
