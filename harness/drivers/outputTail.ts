/**
 * The last bytes a stream wrote, bounded, for error messages and exec results.
 * Keeps whole chunks and trims from the front, so memory stays at about `maxBytes` however long the run.
 */
export class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;
  /** bytes dropped from the front, so a reader can say the text is truncated */
  dropped = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.maxBytes && this.chunks.length > 0) {
      const first = this.chunks[0]!;
      const excess = this.size - this.maxBytes;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
        this.dropped += first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
        this.dropped += excess;
      }
    }
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  /** the last `n` non-empty lines, for "... exited with code 1; stderr: ..." */
  lastLines(n: number): string[] {
    return this.text().split(/\r?\n/).filter((l) => l.trim() !== '').slice(-n);
  }
}
