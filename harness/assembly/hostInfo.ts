import { execFile } from 'node:child_process';
import os from 'node:os';
import type { HostInfo } from '../report/schema.ts';

function pythonVersion(): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('python3', ['--version'], { timeout: 5000 }, (err, stdout) => resolve(err ? undefined : stdout.trim().replace(/^Python /, '')));
  });
}

export async function hostInfo(): Promise<HostInfo> {
  const info: HostInfo = {
    hostname: os.hostname(),
    platform: process.platform,
    arch: process.arch,
    cpus: os.cpus().length,
    totalMemBytes: os.totalmem(),
    node: process.version,
  };
  const py = await pythonVersion();
  if (py) info.python = py;
  return info;
}
