// The tree of a process that is seep's ancestor (the test process `seep caller` measures) leaves out
// seep's own process and what it started: seep is never measured as its target.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { listTree, listTreeSync } from './processTree.ts';

describe('listTree', () => {
  it("leaves out this process and its children from its parent's tree, and keeps them in a tree rooted at it", async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    await once(child, 'spawn');
    try {
      const parents = (await listTree([process.ppid])).map((p) => p.pid);
      expect(parents).toContain(process.ppid);
      expect(parents).not.toContain(process.pid);
      expect(parents).not.toContain(child.pid);
      const own = listTreeSync([process.pid]).map((p) => p.pid);
      expect(own.slice(0, 1)).toEqual([process.pid]);
      expect(own).toContain(child.pid);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
