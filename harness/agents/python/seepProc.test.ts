// seep_proc.py (how the pytest plugin reads its own process tree) against seep's probes reading the
// same process from outside: the same counts, sockets by state and identities, so a pytest run and a
// seep run of the same code measure the same things.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { createSampler } from '../../probes/sampler.ts';
import { REPO_ROOT } from '../../../fixtures/testing/runSeep.ts';

const TARGET = path.join(REPO_ROOT, 'fixtures/probe-targets/selfReadTarget.py');

interface SelfRead {
  values: Record<string, number>;
  tcp: Record<string, number>;
  pids: number[];
  identities: { processes: { id: string }[]; sockets: { id: string; detail: string }[]; fds: { id: string; detail: string }[] };
}

describe('seep_proc.py', () => {
  it('reads its process tree as seep\'s sampler reads it from outside', async () => {
    const child = spawn('python3', [TARGET], { env: { ...process.env, PYTHONPATH: path.join(REPO_ROOT, 'harness/agents/python') }, stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`target exited ${code} before reading itself`)));
      });
      const self = JSON.parse(line) as SelfRead;
      const sampler = createSampler({ rootPids: () => [child.pid!], cookie: 'none' });
      const s = await sampler.read('measured', 0, 0);
      const ids = await sampler.identities();
      const counts = (v: Record<string, number | null>) => Object.fromEntries(['threads', 'children', 'fds', 'fdFile', 'fdSocket', 'fdPipe', 'fdOther', 'sockets'].map((m) => [m, v[m]]));
      // one comparison, so that a difference shows every count at once
      expect({ counts: counts(self.values), tcp: self.tcp, pids: self.pids }).toEqual({ counts: counts(s.values), tcp: s.tcp, pids: s.pids });
      expect(self.values.sockets).toBe(5); // the listener, two clients, two accepted
      // read a moment apart, by two readers that allocate: pages come and go on a shared machine
      expect(Math.abs(self.values.rss! - s.values.rss!) / s.values.rss!).toBeLessThan(0.25);
      const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id));
      expect(byId(self.identities.sockets)).toEqual(byId(ids.sockets));
      expect(byId(self.identities.fds)).toEqual(byId(ids.fds));
      expect(self.identities.processes.map((p) => p.id).sort()).toEqual(ids.processes.map((p) => p.id).sort());
    } finally {
      child.stdin.end();
      await new Promise((r) => child.once('close', r));
    }
  }, 30_000);
});
