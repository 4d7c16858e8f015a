// The machine seep ran on, and the Node that ran seep. Not the `python3` on seep's PATH: a target
// need not run it (gunicorn's #! names /usr/bin/python3 while PATH has a pyenv shim), so each
// target's own interpreter is read from the running process (runner/targetRuntime.ts).
import os from 'node:os';
import type { HostInfo } from '../report/runReportSchema.ts';

export async function hostInfo(): Promise<HostInfo> {
  const info: HostInfo = {
    hostname: os.hostname(),
    platform: process.platform,
    arch: process.arch,
    cpus: os.cpus().length,
    totalMemBytes: os.totalmem(),
    node: process.version,
  };
  return info;
}
