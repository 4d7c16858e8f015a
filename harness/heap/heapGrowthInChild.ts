// heapGrowth() of a snapshot (heapGrowth.ts), run in a child process with a time limit: the graph,
// its dominators and its retainers of a big heap take a few times the heap's node count in typed
// arrays, and seep's own process must stay small and on time.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { nodeScriptArgs, siblingScript } from '../drivers/nodeScriptArgs.ts';
import type { HeapGrowth, HeapGrowthOptions } from './heapGrowth.ts';

const worker = nodeScriptArgs(siblingScript(import.meta.url, 'heapGrowthWorker'));

export function heapGrowthInChild(
  snapshotFile: string,
  opts: HeapGrowthOptions,
  limits: { timeoutMs?: number; maxOldSpaceMb?: number; signal?: AbortSignal } = {},
): Promise<HeapGrowth> {
  const timeoutMs = limits.timeoutMs ?? 60_000;
  const args = [`--max-old-space-size=${limits.maxOldSpaceMb ?? 4096}`, ...worker, snapshotFile, JSON.stringify(opts)];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20, ...(limits.signal ? { signal: limits.signal } : {}) }, (err, stdout, stderr) => {
      if (err) {
        const why = limits.signal?.aborted ? 'stopped: its time was used' : err.killed ? `timed out after ${timeoutMs} ms` : `failed: ${stderr.trim().split('\n').slice(-3).join(' | ') || err.message}`;
        return reject(new Error(`heap growth of ${path.basename(snapshotFile)} ${why}`));
      }
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as HeapGrowth);
      } catch {
        reject(new Error(`heap growth worker printed no JSON: ${line.slice(0, 200)}`));
      }
    });
  });
}
