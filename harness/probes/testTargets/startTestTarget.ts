// Starts one of the Python test targets beside this file with a run cookie, and waits for its
// "ready ..." line. Tests stop it with killTree in afterEach.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COOKIE_ENV } from '../runCookie.ts';

const dir = path.dirname(fileURLToPath(import.meta.url));

export interface TestTarget {
  child: ChildProcess;
  pid: number;
  /** the words after "ready" */
  ready: string[];
}

export function startTestTarget(script: string, args: string[], cookie: string, timeoutMs = 10_000): Promise<TestTarget> {
  const child = spawn('python3', [path.join(dir, script), ...args], {
    env: { ...process.env, [COOKIE_ENV]: cookie },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`${script} not ready after ${timeoutMs} ms; output: ${out}`)), timeoutMs);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.on('error', fail);
    child.on('exit', (code, signal) => fail(new Error(`${script} exited (${code ?? signal}) before ready; output: ${out}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /^ready(.*)$/m.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ child, pid: child.pid!, ready: m[1]!.trim().split(/\s+/).filter(Boolean) });
    });
  });
}
