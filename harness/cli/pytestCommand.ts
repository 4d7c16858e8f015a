// `seep pytest [pytest args...]`: pytest with seep's plugin loaded (agents/python/seep_pytest.py),
// for a Python team that writes no Node: python3 -m pytest -p seep_pytest, the plugin's folder in
// front of PYTHONPATH, and this seep named in SEEP_BIN so the plugin judges with it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExitCode } from '../report/runReportSchema.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const PLUGIN_DIR = path.join(here, '..', 'agents', 'python');
const SEEP_SCRIPT = path.join(here, 'seep.js');

export function pytestCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ExitCode> {
  const python = env.SEEP_PYTHON || 'python3';
  const pythonPath = [PLUGIN_DIR, env.PYTHONPATH].filter(Boolean).join(path.delimiter);
  // the compiled CLI beside this module; from a checkout run through tsx, that is dist's
  const bin = env.SEEP_BIN || (here.endsWith(`${path.sep}dist${path.sep}cli`) ? SEEP_SCRIPT : path.join(here, '..', '..', 'dist', 'cli', 'seep.js'));
  const child = spawn(python, ['-m', 'pytest', '-p', 'seep_pytest', ...args], {
    stdio: 'inherit',
    env: { ...env, PYTHONPATH: pythonPath, SEEP_BIN: bin, SEEP_NODE: process.execPath },
  });
  return new Promise((resolve) => {
    child.on('error', (err) => {
      console.error(`seep: cannot start ${python} -m pytest: ${err.message}`);
      resolve(2);
    });
    // pytest: 0 passed, 1 tests failed, 2+ interrupted, internal error, usage, no tests
    child.on('exit', (code) => resolve(code === 0 ? 0 : code === 1 ? 1 : 2));
  });
}
