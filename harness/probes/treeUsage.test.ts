// A real tree: python3 parent and two children (fixtures/probe-targets/treeTarget.py).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { killTree } from './killTree.ts';
import { readHostConstants, readStatSync } from './procfs.ts';
import { newCookie } from './runCookie.ts';
import { createTreeUsageReader } from './treeUsage.ts';
import { startTestTarget, type TestTarget } from '../../fixtures/probe-targets/startTestTarget.ts';

const cookie = newCookie();
let target: TestTarget | null = null;
afterEach(async () => {
  if (target) await killTree([target.pid], cookie, { graceMs: 1000 });
  target = null;
});

describe('createTreeUsageReader', () => {
  it('sums rss and threads of the whole tree from the stat lines, and gives cpu from the second read on', async () => {
    target = await startTestTarget('treeTarget.py', ['0'], cookie);
    const usage = createTreeUsageReader();
    try {
      const first = usage.read([target.pid]);
      expect(first.procs.map((p) => p.pid).sort()).toEqual([target.pid, ...target.ready.map(Number)].sort());
      expect(first.children).toBe(2);
      expect(first.cpuPercent).toBeNull();
      // the same figures through open-read-close of each stat file
      const stats = first.procs.map((p) => readStatSync(p.pid)!);
      const rss = stats.reduce((a, s) => a + s.rssPages, 0) * readHostConstants().pageSize;
      expect(Math.abs(first.rssBytes - rss) / rss).toBeLessThan(0.1);
      expect(first.threads).toBe(stats.reduce((a, s) => a + s.numThreads, 0));
      await new Promise((r) => setTimeout(r, 250));
      const second = usage.read([target.pid]);
      expect(second.cpuPercent).toBeGreaterThanOrEqual(0);
      expect(second.procs).toHaveLength(3);
    } finally {
      usage.close();
    }
  });

  it('follows a child that exits: its rss (8 MiB of ballast) leaves the sum once it is a zombie', async () => {
    target = await startTestTarget('treeTarget.py', ['0'], cookie);
    const usage = createTreeUsageReader();
    try {
      const root = target.pid;
      const before = usage.read([root]);
      const child = Number(target.ready[0]);
      process.kill(child, 'SIGKILL');
      let now = usage.read([root]);
      // the parent does not reap it: it stays a zombie once the kill has landed
      await vi.waitUntil(() => (now = usage.read([root])).procs.find((p) => p.pid === child)?.state === 'Z', { timeout: 30_000, interval: 20 });
      expect(before.rssBytes - now.rssBytes).toBeGreaterThan(6 * 1024 * 1024);
    } finally {
      usage.close();
    }
  });
});
