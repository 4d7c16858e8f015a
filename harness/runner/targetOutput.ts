// What the target prints, as stream events: decoded as UTF-8 across chunk boundaries (a character
// split between two reads is written whole, with the second).
import { StringDecoder } from 'node:string_decoder';
import type { StreamEvent } from '../series/sampleStream.ts';

export interface TargetOutput {
  onOutput(s: 'stdout' | 'stderr', chunk: Buffer): void;
  /** what is left in the decoders once the target is stopped */
  flush(): void;
}

export function createTargetOutput(emit: (e: StreamEvent) => void, now: () => number): TargetOutput {
  const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  return {
    onOutput(s, chunk) {
      const x = decoders[s].write(chunk);
      if (x !== '') emit({ k: 'out', t: now(), s, x });
    },
    flush() {
      for (const s of ['stdout', 'stderr'] as const) {
        const rest = decoders[s].end();
        if (rest) emit({ k: 'out', t: now(), s, x: rest });
      }
    },
  };
}
