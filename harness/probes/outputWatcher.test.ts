import { describe, expect, it } from 'vitest';
import { createOutputWatcher, MAX_LINE } from './outputWatcher.ts';

describe('createOutputWatcher', () => {
  it('joins a line split over chunks and counts it once per matching pattern', () => {
    const w = createOutputWatcher({ forbid: ['Traceback', /ResourceWarning: unclosed/i, /warn/g] });
    w.feed('stderr', 'ok\nTrace', 1);
    w.feed('stderr', 'back (most recent', 2);
    w.feed('stderr', ' call last)\nsys:1: ResourceWarning: unclosed <socket>\nwarn', 3);
    w.feed('stderr', 'ing again\nwarn twice\n', 4); // a /g RegExp reused naively would miss this one
    const s = w.summary();
    expect(s.totalLines).toBe(5);
    expect(s.forbidCounts).toEqual({ Traceback: 1, '/ResourceWarning: unclosed/i': 1, '/warn/g': 2 });
    expect(s.forbidExamples.Traceback).toEqual(['Traceback (most recent call last)']);
    expect(s.tail.map((l) => [l.text, l.t, l.forbidden])).toEqual([
      ['ok', 1, undefined],
      ['Traceback (most recent call last)', 3, 'Traceback'],
      ['sys:1: ResourceWarning: unclosed <socket>', 3, '/ResourceWarning: unclosed/i'],
      ['warning again', 4, '/warn/g'],
      ['warn twice', 4, '/warn/g'],
    ]);
    expect(w.counts()).toEqual(s.forbidCounts);
  });

  it('keeps the streams apart, decodes UTF-8 split across buffers and strips CR', () => {
    const w = createOutputWatcher({ forbid: ['é'] });
    const bytes = Buffer.from('café\r\n');
    w.feed('stdout', bytes.subarray(0, 4), 1); // cuts 'é' in half
    w.feed('stderr', 'err line\n', 2);
    w.feed('stdout', bytes.subarray(4), 3);
    expect(w.summary().tail.map((l) => [l.stream, l.text])).toEqual([['stderr', 'err line'], ['stdout', 'café']]);
    expect(w.counts()).toEqual({ é: 1 });
  });

  it('counts a last line without a newline once the stream ends', () => {
    const w = createOutputWatcher({ forbid: ['Error'] });
    w.feed('stderr', 'Error: boom', 1);
    expect(w.summary().totalLines).toBe(0);
    w.end(2);
    expect(w.summary().totalLines).toBe(1);
    expect(w.counts()).toEqual({ Error: 1 });
  });

  it('stays bounded over 100k lines: tail, examples and line length', () => {
    const w = createOutputWatcher({ forbid: ['leak'], tailLines: 50 });
    for (let i = 0; i < 100_000; i++) w.feed(i % 2 ? 'stdout' : 'stderr', `line ${i}${i % 10 === 0 ? ' leak' : ''}\n`, i);
    w.feed('stdout', 'x'.repeat(MAX_LINE * 3), 100_000);
    w.feed('stdout', 'y'.repeat(MAX_LINE * 3) + '\nlast\n', 100_001);
    const s = w.summary();
    expect(s.totalLines).toBe(100_002);
    expect(s.tail).toHaveLength(50);
    expect(s.tail.at(-1)!.text).toBe('last');
    expect(s.tail.at(-2)!.text).toBe('x'.repeat(MAX_LINE)); // cut; the rest up to the newline dropped
    expect(s.tail[0]!.text).toBe('line 99952');
    expect(s.forbidCounts.leak).toBe(10_000);
    expect(s.forbidExamples.leak).toEqual(['line 0 leak', 'line 10 leak', 'line 20 leak', 'line 30 leak', 'line 40 leak']);
  });
});
