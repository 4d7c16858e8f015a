// The runtime the target ran on, read from the target once it runs: its agent says which interpreter
// it is in (and /proc/self/exe which file), or, without an agent, /proc/PID/exe names the first
// Python or Node of its tree and that very file is asked its version. Never the `python3` on seep's
// PATH: a gunicorn whose #! is /usr/bin/python3 (3.11.2) is not the pyenv shim's 3.11.7.
import { execFile } from 'node:child_process';
import { readlink } from 'node:fs/promises';
import path from 'node:path';
import type { RuntimeVersion } from '../report/runReportSchema.ts';
import { listTree } from '../probes/processTree.ts';
import type { AgentHandle } from './agentHandle.ts';

const ASK_MS = 5_000;
const RUNTIME_FILE = /^(python|node)/;

/** The target's runtime, or why it could not be read (a string, for the report's notes); null when the target has no process (CLI). */
export async function readTargetRuntime(target: { agent(): AgentHandle | null; rootPids(): number[] }, procRoot = '/proc'): Promise<RuntimeVersion | string | null> {
  const agent = target.agent();
  if (agent) {
    try {
      return fromAgent(await agent.request('runtime', {}, ASK_MS), agent.pid);
    } catch (err) {
      return `the target's runtime version was not read: its agent (pid ${agent.pid}) did not say: ${(err as Error).message}`;
    }
  }
  const roots = target.rootPids();
  if (roots.length === 0) return null;
  for (const p of await listTree(roots, procRoot).catch(() => [])) {
    const exe = await readlink(path.join(procRoot, String(p.pid), 'exe')).catch(() => null);
    const name = exe === null ? null : RUNTIME_FILE.exec(path.basename(exe))?.[1];
    if (!exe || !name) continue;
    const version = await askVersion(exe).catch((err: Error) => err);
    if (version instanceof Error) return `the target's runtime version was not read: ${exe} --version: ${version.message}`;
    return { name: name as RuntimeVersion['name'], version, executable: exe, from: 'exe', pid: p.pid };
  }
  return null;
}

function fromAgent(answer: unknown, pid: number): RuntimeVersion {
  const a = answer as Partial<RuntimeVersion>;
  if ((a.name !== 'python' && a.name !== 'node') || typeof a.version !== 'string' || typeof a.executable !== 'string') {
    throw new Error(`unexpected answer ${JSON.stringify(answer)}`);
  }
  return { name: a.name, version: a.version, executable: a.executable, from: 'agent', pid: typeof a.pid === 'number' ? a.pid : pid };
}

/** `python3.11 --version` prints 'Python 3.11.2', `node --version` 'v20.20.2' */
function askVersion(exe: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(exe, ['--version'], { timeout: ASK_MS }, (err, stdout, stderr) => {
      if (err) return reject(err);
      const m = /(\d+\.\d+\.\d+\S*)/.exec(`${stdout} ${stderr}`);
      if (m) resolve(m[1]!);
      else reject(new Error(`no version in '${(stdout + stderr).trim()}'`));
    });
  });
}
