import { tempDir } from '../../fixtures/testing/tempDir.ts';
import { readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { METRICS, type Sample } from '../report/sampleSchema.ts';
import { createSampleStream, decodeSample, encodeSample, readSampleStream, type StreamEvent } from './sampleStream.ts';

function sample(t: number, rss: number, pids = [10]): Sample {
  const values = Object.fromEntries(METRICS.map((m) => [m, m === 'rss' ? rss : m === 'pss' ? null : 1])) as Sample['values'];
  return { t, iteration: null, phase: 'measured', values, tcp: { ESTABLISHED: 2 }, pids };
}

describe('sample stream', () => {
  it('round-trips samples, writing the pid set only when it changes', async () => {
    const file = path.join(tempDir('seep-stream-'), 's.ndjson');
    const w = createSampleStream(file, { flushMs: 60_000 });
    w.write(encodeSample(sample(0, 100), 't', true));
    w.write(encodeSample(sample(1, 101), 't', false));
    w.write(encodeSample(sample(2, 102, [10, 11]), 't', true, [60, 42]));
    // nothing reaches the file before a flush (the timer is a minute away here)
    expect(readFileSync(file, 'utf8')).toBe('');
    w.close();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).not.toContain('"P"');
    let pids: number[] = [];
    const back: Sample[] = [];
    await readSampleStream(file, (e) => {
      if (e.k !== 't') return;
      if (e.P) pids = e.P;
      back.push(decodeSample(e, pids));
      if (e.t === 2) expect(e.R).toEqual([60, 42]);
    });
    expect(back.map((s) => [s.t, s.values.rss, s.values.pss, s.pids])).toEqual([[0, 100, null, [10]], [1, 101, null, [10]], [2, 102, null, [10, 11]]]);
    expect(back[0]!.tcp).toEqual({ ESTABLISHED: 2 });
  });

  it('decodes a line written before the newer columns (heapBlocks, handles) with them null', () => {
    const line = encodeSample(sample(5, 100), 'b', true);
    const old = { ...line, v: line.v.slice(0, METRICS.indexOf('heapBlocks')) };
    const back = decodeSample(old, [10]);
    expect(back.values.rss).toBe(100);
    expect(back.values.heapCommitted).toBe(1);
    expect([back.values.heapBlocks, back.values.handles]).toEqual([null, null]);
    // new columns only ever go at the end, or an old line would decode into the wrong ones
    expect(METRICS.slice(METRICS.indexOf('heapBlocks'), METRICS.indexOf('heapBlocks') + 2)).toEqual(['heapBlocks', 'handles']);
  });

  it('decodes a line written before the disk columns with them null', () => {
    const line = encodeSample(sample(5, 100), 'b', true);
    const old = { ...line, v: line.v.slice(0, METRICS.indexOf('diskBytes')) };
    const back = decodeSample(old, [10]);
    expect(back.values.handles).toBe(line.v[METRICS.indexOf('handles')] ?? null);
    expect([back.values.diskBytes, back.values.tmpBytes, back.values.tmpEntries, back.values.stepMs, back.values.stepCpuMs]).toEqual([null, null, null, null, null]);
    expect(METRICS.slice(METRICS.indexOf('diskBytes'), METRICS.indexOf('diskBytes') + 5)).toEqual(['diskBytes', 'tmpBytes', 'tmpEntries', 'stepMs', 'stepCpuMs']);
  });

  it('decodes a line written before the young generation column with it null', () => {
    const line = encodeSample({ ...sample(5, 100), values: { ...sample(5, 100).values, heapYoung: 32e6 } }, 'b', true);
    expect(decodeSample(line, [10]).values.heapYoung).toBe(32e6);
    const old = { ...line, v: line.v.slice(0, METRICS.indexOf('heapYoung')) };
    expect(decodeSample(old, [10]).values.heapYoung).toBeNull();
    expect(METRICS.at(-1)).toBe('heapYoung');
  });

  it('flushes on its timer, so a crash loses at most the last interval', async () => {
    const file = path.join(tempDir('seep-stream-'), 's.ndjson');
    const w = createSampleStream(file, { flushMs: 50 });
    try {
      w.write({ k: 'note', t: 1, message: 'hello' });
      // no write after this one: only the timer can flush it
      await vi.waitUntil(() => readFileSync(file, 'utf8').includes('hello'), { timeout: 30_000, interval: 25 });
    } finally {
      w.close();
    }
  });

  it('skips a last line cut short by a crash, but not a damaged line in the middle', async () => {
    const dir = tempDir('seep-stream-');
    const cut = path.join(dir, 'cut.ndjson');
    writeFileSync(cut, '{"k":"note","t":1,"message":"a"}\n');
    appendFileSync(cut, '{"k":"t","t":2,"i":nu');
    const seen: StreamEvent[] = [];
    const r = await readSampleStream(cut, (e) => seen.push(e));
    expect(seen).toHaveLength(1);
    expect(r.truncatedTail).toBe(true);
    const bad = path.join(dir, 'bad.ndjson');
    writeFileSync(bad, '{"k":"note","t":1,"message":"a"}\n{oops\n{"k":"note","t":2,"message":"b"}\n');
    await expect(readSampleStream(bad, () => undefined)).rejects.toThrow(/bad\.ndjson:2: not a JSON line/);
  });
});
