// The memory cgroup of an attached process, from its /proc/PID/cgroup text (v1 lists the memory
// controller by name; v2 has one line, '0::<path>').
import { describe, expect, it } from 'vitest';
import { memoryCgroupPath, processMemoryCgroup } from './memoryCgroup.ts';

describe('memoryCgroupPath', () => {
  it('reads the memory controller of cgroup v1, v2 and hybrid hierarchies', () => {
    expect(memoryCgroupPath('5:devices:/\n4:memory:/system.slice/app.service\n0::/\n')).toEqual({ path: '/system.slice/app.service', version: 1 });
    expect(memoryCgroupPath('0::/system.slice/app.service\n')).toEqual({ path: '/system.slice/app.service', version: 2 });
    expect(memoryCgroupPath('7:cpu,cpuacct:/x\n')).toBeNull();
  });
});

describe('processMemoryCgroup', () => {
  it("says why it samples no cgroup for a process in seep's own", async () => {
    const found = await processMemoryCgroup(process.pid);
    expect(typeof found === 'string' ? found : found.dir).toMatch(/seep's own memory cgroup|root memory cgroup|no memory cgroup|not visible/);
  });

  it('says when the process is gone', async () => {
    expect(await processMemoryCgroup(2 ** 22 + 1)).toMatch(/could not be read: ENOENT/);
  });
});
