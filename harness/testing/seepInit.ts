// Runs `seep init ...` through the real CLI in a given folder. Not runSeep: that appends
// --report-dir, which after init's `--` would become part of the target's command.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../e2e/runSeep.ts';

const SEEP = path.join(REPO_ROOT, 'dist/cli/seep.js');

export interface InitRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function seepInit(args: string[], cwd: string): Promise<InitRun> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SEEP, 'init', ...args], { cwd, timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      // a non-zero exit is an answer to assert on; only a failure to run or a timeout is an error here
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}
