// Child process of heapGrowthInChild.ts: prints heapGrowth() of one snapshot as one JSON line.
// A child so the graph never lives in seep's own process and a time limit can kill it.
import { heapGrowth, type HeapGrowthOptions } from './heapGrowth.ts';

const [file, optsJson] = process.argv.slice(2);
try {
  if (!file || !optsJson) throw new Error('usage: heapGrowthWorker.ts <file.heapsnapshot> <{"newerThan": id, "wanted": [...]} as JSON>');
  const opts = JSON.parse(optsJson) as HeapGrowthOptions;
  process.stdout.write(`${JSON.stringify(await heapGrowth(file, opts))}\n`);
} catch (err) {
  // one line: heapGrowthInChild.ts quotes the end of stderr in its error
  process.stderr.write(`${String(err)}\n`);
  process.exitCode = 1;
}
