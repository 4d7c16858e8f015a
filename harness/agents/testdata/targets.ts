// Starting and stopping the test targets of the agent tests.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const testdataDir = import.meta.dirname;
export const nodeAgentPath = path.join(testdataDir, '..', 'node', 'seepAgent.cjs');

export interface Started {
  child: ChildProcess;
  /** first stdout line matching the ready pattern */
  ready: string;
  stderr: () => string;
  stop: () => Promise<void>;
}

/** Spawn a target and wait (bounded) for a stdout line matching `ready`. */
export function startTarget(argv: string[], env: Record<string, string>, ready: RegExp, timeoutMs = 15_000): Promise<Started> {
  const child = spawn(argv[0]!, argv.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGKILL');
    await gone;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`target ${argv.join(' ')} not ready in ${timeoutMs} ms; stderr: ${err}`));
    }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => ready.test(l));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve({ child, ready: line, stderr: () => err, stop });
      }
    });
    child.once('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`target ${argv.join(' ')} exited (${code ?? sig}) before ready; stderr: ${err}`));
    });
  });
}
