// Forward-only reader of a V8 .heapsnapshot file: the header with its meta, then the flat integer
// arrays and the strings array, a chunk at a time. Real snapshots are hundreds of MB; JSON.parse of
// the whole file needs several times that, so both the histogram and the retainer-path finder read
// the file this way and keep only what they need.
import { open, type FileHandle } from 'node:fs/promises';

export class SnapshotFormatError extends Error {}

/** The parts of `snapshot.meta` seep reads; V8 writes more. */
export interface SnapshotMeta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
  edge_fields: string[];
  edge_types: [string[], ...unknown[]];
  /** V8 since 2021: where each function's source is */
  location_fields?: string[];
}

export interface SnapshotHeader {
  meta: SnapshotMeta;
  /** as V8 declares them in the header; readers check the arrays against these */
  nodeCount: number;
  edgeCount: number;
}

const CHUNK = 4 * 1024 * 1024;
/** the header is a few KB; a file with no `nodes` key this far in is not a snapshot */
const MAX_HEADER = 64 * 1024 * 1024;
const NODES_KEY = Buffer.from('"nodes":[');
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Index of `name` in a meta field list, or a format error naming what is missing. */
export function fieldIndex(fields: string[], name: string, file: string): number {
  const i = fields.indexOf(name);
  if (i < 0) throw new SnapshotFormatError(`${file}: snapshot meta has no "${name}" field`);
  return i;
}

export class SnapshotStream {
  private buf: Buffer;
  private len = 0;
  private pos = 0;
  private filePos = 0;

  private constructor(
    private readonly fh: FileHandle,
    readonly file: string,
    chunk: number,
  ) {
    this.buf = Buffer.allocUnsafe(chunk);
  }

  static async open(file: string, chunkBytes = CHUNK): Promise<SnapshotStream> {
    return new SnapshotStream(await open(file, 'r'), file, chunkBytes);
  }

  close(): Promise<void> {
    return this.fh.close();
  }

  /** Moves the unread bytes to the front and reads more after them; false at end of file. */
  private async refill(): Promise<boolean> {
    const unread = this.len - this.pos;
    if (unread === this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, this.pos, this.len);
      this.buf = bigger;
    } else if (this.pos > 0) {
      this.buf.copy(this.buf, 0, this.pos, this.len);
    }
    this.len = unread;
    this.pos = 0;
    const { bytesRead } = await this.fh.read(this.buf, unread, this.buf.length - unread, this.filePos);
    this.filePos += bytesRead;
    this.len += bytesRead;
    return bytesRead > 0;
  }

  /** Reads the `snapshot` object that precedes the nodes array; leaves the stream inside `nodes`. */
  async readHeader(): Promise<SnapshotHeader> {
    let at = -1;
    while ((at = this.buf.subarray(0, this.len).indexOf(NODES_KEY)) < 0) {
      if (this.len > MAX_HEADER || !(await this.refill())) {
        throw new SnapshotFormatError(`${this.file}: no "nodes" array found; not a V8 heap snapshot?`);
      }
    }
    const headText = this.buf.toString('utf8', 0, at).replace(/,\s*$/, '') + '}';
    this.pos = at + NODES_KEY.length;
    let snapshot: { meta: SnapshotMeta; node_count: number; edge_count: number };
    try {
      snapshot = (JSON.parse(headText) as { snapshot: typeof snapshot }).snapshot;
    } catch (err) {
      throw new SnapshotFormatError(`${this.file}: cannot parse snapshot meta: ${(err as Error).message}`);
    }
    const { meta } = snapshot;
    if (!Array.isArray(meta?.node_fields) || !Array.isArray(meta.node_types?.[0])) {
      throw new SnapshotFormatError(`${this.file}: snapshot meta lacks node_fields/node_types`);
    }
    return { meta, nodeCount: snapshot.node_count, edgeCount: snapshot.edge_count };
  }

  /** Skips to just after `key` (e.g. `"edges":[`). Only safe over arrays of numbers, where a key cannot hide in a value. */
  async skipPast(key: string): Promise<void> {
    const k = Buffer.from(key);
    for (;;) {
      const at = this.buf.subarray(this.pos, this.len).indexOf(k);
      if (at >= 0) {
        this.pos += at + k.length;
        return;
      }
      this.pos = Math.max(this.pos, this.len - k.length + 1);
      if (!(await this.refill())) throw new SnapshotFormatError(`${this.file}: no ${key} found`);
    }
  }

  /**
   * Skips to just after `key` and returns true, unless `stop` comes first: then stops just before
   * `stop` and returns false (an optional array, such as `locations` before `strings`).
   */
  async skipPastBefore(key: string, stop: string): Promise<boolean> {
    const k = Buffer.from(key);
    const st = Buffer.from(stop);
    const keep = Math.max(k.length, st.length) - 1;
    for (;;) {
      const window = this.buf.subarray(this.pos, this.len);
      const at = window.indexOf(k);
      const stopAt = window.indexOf(st);
      if (stopAt >= 0 && (at < 0 || stopAt < at)) {
        this.pos += stopAt;
        return false;
      }
      if (at >= 0) {
        this.pos += at + k.length;
        return true;
      }
      this.pos = Math.max(this.pos, this.len - keep);
      if (!(await this.refill())) throw new SnapshotFormatError(`${this.file}: neither ${key} nor ${stop} found`);
    }
  }

  /** Calls `sink` with each non-negative integer up to the closing `]`; returns how many there were. */
  async readInts(what: string, sink: (value: number) => void): Promise<number> {
    let cur = 0;
    let inNum = false;
    let count = 0;
    for (;;) {
      const b = this.buf;
      for (let i = this.pos; i < this.len; i++) {
        const c = b[i]!;
        if (c >= 48 && c <= 57) {
          cur = cur * 10 + (c - 48);
          inNum = true;
          continue;
        }
        if (inNum) {
          sink(cur);
          count++;
          cur = 0;
          inNum = false;
        }
        if (c === CLOSE_BRACKET) {
          this.pos = i + 1;
          return count;
        }
      }
      this.pos = this.len;
      if (!(await this.refill())) throw new SnapshotFormatError(`${this.file}: ended inside the ${what} array`);
    }
  }

  /**
   * Walks the strings array (the stream must be just past `"strings":[`), decoding only the indices
   * `want` accepts, and stops after index `last` or at the closing `]`. Returns how many strings it passed.
   * UTF-8 continuation bytes are >= 0x80, so scanning bytes for '"' and '\' is safe.
   */
  async readStrings(want: (index: number) => boolean, visit: (index: number, text: string) => void, last = Infinity): Promise<number> {
    let idx = 0;
    let inStr = false;
    let escaped = false;
    let hasEscape = false;
    let keep = false;
    let start = 0;
    let pieces: Buffer[] = [];
    for (;;) {
      const b = this.buf;
      let i = this.pos;
      for (; i < this.len; i++) {
        const c = b[i]!;
        if (inStr) {
          if (escaped) escaped = false;
          else if (c === BACKSLASH) escaped = hasEscape = true;
          else if (c === QUOTE) {
            inStr = false;
            if (keep) {
              let raw = b.subarray(start, i);
              if (pieces.length > 0) {
                raw = Buffer.concat([...pieces, raw]);
                pieces = [];
              }
              visit(idx, hasEscape ? (JSON.parse(`"${raw.toString('utf8')}"`) as string) : raw.toString('utf8'));
            }
            if (idx++ >= last) {
              this.pos = i + 1;
              return idx;
            }
          }
        } else if (c === QUOTE) {
          inStr = true;
          hasEscape = false;
          keep = want(idx);
          start = i + 1;
        } else if (c === CLOSE_BRACKET) {
          this.pos = i + 1;
          return idx;
        }
      }
      // a kept string continues into the next chunk: copy it, since refill reuses the buffer
      if (inStr && keep) pieces.push(Buffer.from(b.subarray(start, this.len)));
      start = 0;
      this.pos = this.len;
      if (!(await this.refill())) throw new SnapshotFormatError(`${this.file}: ended inside the strings array`);
    }
  }
}
