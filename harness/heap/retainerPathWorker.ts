// Child process of retainerPaths.ts: prints newestRetainerPaths() of one snapshot as one JSON line.
// A child so the graph never lives in seep's own process and a time limit can kill it.
import { newestRetainerPaths } from './newestRetainerPaths.ts';

const [file, wantedJson] = process.argv.slice(2);
try {
  if (!file) throw new Error('usage: retainerPathWorker.ts <file.heapsnapshot> <wanted JSON>');
  const out = await newestRetainerPaths(file, JSON.parse(wantedJson ?? '[]') as { type: string; name: string }[]);
  process.stdout.write(`${JSON.stringify(out)}\n`);
} catch (err) {
  // one line: retainerPaths.ts quotes the end of stderr in its error
  process.stderr.write(`${String(err)}\n`);
  process.exitCode = 1;
}
