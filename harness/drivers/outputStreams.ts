import type { Readable } from 'node:stream';
import type { ChildProcess } from 'node:child_process';
import { OutputTail } from './outputTail.ts';

export type OutputStream = 'stdout' | 'stderr';
/** Receives the target's output as raw chunks; the runner feeds them to the output watcher. */
export type OutputHandler = (stream: OutputStream, chunk: Buffer) => void;

export interface AttachedOutput {
  stdout: OutputTail;
  stderr: OutputTail;
  /**
   * Stop holding seep's event loop open for these pipes. An escaped descendant can keep the write end
   * open long after the target exited; we keep reading (its output still counts) but must not wait for it.
   */
  unref(): void;
}

/** Forward a child's stdout/stderr to `onOutput` and keep a bounded tail of each. */
export function attachOutput(child: ChildProcess, onOutput: OutputHandler, tailBytes: number): AttachedOutput {
  const tails = { stdout: new OutputTail(tailBytes), stderr: new OutputTail(tailBytes) };
  const watch = (name: OutputStream, stream: Readable | null) => {
    if (!stream) return;
    stream.on('data', (chunk: Buffer) => {
      tails[name].push(chunk);
      onOutput(name, chunk);
    });
  };
  watch('stdout', child.stdout);
  watch('stderr', child.stderr);
  return {
    ...tails,
    unref() {
      for (const s of [child.stdout, child.stderr]) {
        // child stdio pipes are net.Sockets at run time; the typings only promise Readable
        const socket = s as (Readable & { unref?: () => void }) | null;
        socket?.unref?.();
      }
    },
  };
}

/** Split chunks into lines for matchers (readiness). Partial lines wait for their end. */
export function lineSplitter(onLine: (line: string, stream: OutputStream) => void): OutputHandler {
  const partial: Record<OutputStream, string> = { stdout: '', stderr: '' };
  return (stream, chunk) => {
    const text = partial[stream] + chunk.toString('utf8');
    const lines = text.split(/\r?\n/);
    partial[stream] = lines.pop() ?? '';
    for (const line of lines) onLine(line, stream);
  };
}
