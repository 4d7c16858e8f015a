// Where the agents of a run's target tree serve: one folder per run, one socket per process.
import os from 'node:os';
import path from 'node:path';

export function agentSocketDir(cookie: string): string {
  // unix socket paths are limited to 107 bytes: keep it short and in the temp dir
  // (/tmp/seep-agents-<24>/<pid>.sock is about 55)
  return path.join(os.tmpdir(), `seep-agents-${cookie.slice(-24)}`);
}

export function agentSocketOf(dir: string, pid: number): string {
  return path.join(dir, `${pid}.sock`);
}
