// Retainer paths from a GC root to the newest instance of a few constructors (newestRetainerPaths.ts),
// run in a child process with a time limit: the edge arrays of a big heap are still a few times the
// size of its nodes, and seep's own process must stay small and on time.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { nodeScriptArgs, siblingScript } from '../drivers/nodeScriptArgs.ts';

const worker = nodeScriptArgs(siblingScript(import.meta.url, 'retainerPathWorker'));

/** Paths keyed `${type}:${name}`, each outermost first; a constructor with no instance is absent. */
export function retainerPaths(
  snapshotFile: string,
  wanted: { type: string; name: string }[],
  opts: { timeoutMs?: number; maxOldSpaceMb?: number } = {},
): Promise<Record<string, string[]>> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const args = [`--max-old-space-size=${opts.maxOldSpaceMb ?? 4096}`, ...worker, snapshotFile, JSON.stringify(wanted)];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const why = err.killed ? `timed out after ${timeoutMs} ms` : `failed: ${stderr.trim().split('\n').slice(-3).join(' | ') || err.message}`;
        return reject(new Error(`retainer paths for ${path.basename(snapshotFile)} ${why}`));
      }
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as Record<string, string[]>);
      } catch {
        reject(new Error(`retainer path worker printed no JSON: ${line.slice(0, 200)}`));
      }
    });
  });
}
