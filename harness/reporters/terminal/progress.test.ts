import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ScenarioReport } from '../../report/runReportSchema.ts';
import { syntheticReport } from '../../../fixtures/testing/syntheticReport.ts';
import { createProgress, printSummary, terminalOptions } from './index.ts';

// Anything below space except newline, plus DEL and C1: what "no control characters" means here.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

function drive(tty: boolean, color: boolean, s: ScenarioReport, ticks: number): string {
  const out = new Capture();
  const p = createProgress({ stream: out, tty, color });
  p.scenarioStart({ name: s.name, file: s.file, total: ticks, durationMs: null });
  for (let i = 0; i < ticks; i++) {
    p.tick({ name: s.name, phase: i < 5 ? 'warmup' : 'measured', iteration: i, total: ticks, elapsedMs: i * 10, rss: 80e6 + i * 1e4, sockets: 4 });
  }
  p.scenarioEnd(s);
  return out.text;
}

describe('createProgress', () => {
  const report = syntheticReport();
  const failing = report.scenarios.find((s) => s.verdict === 'fail')!;

  it('off a TTY writes plain lines only, at a bounded rate, even for 10,000 iterations', () => {
    const text = drive(false, false, failing, 10_000);
    expect(text).not.toMatch(CONTROL);
    const progressLines = text.split('\n').filter((l) => /^ {2}\d+% /.test(l));
    // 10 steps of 10%, the first tick, and the warmup->measured change
    expect(progressLines.length).toBeGreaterThanOrEqual(10);
    expect(progressLines.length).toBeLessThanOrEqual(13);
    expect(text).toContain('100% session map leaks <b>  measured  10000/10000');
  });

  it('a name or note carrying terminal escapes is shown escaped, not obeyed', () => {
    const out = new Capture();
    const p = createProgress({ stream: out, tty: false, color: false });
    p.tick({ name: 'evil\u001b]0;pwned\u0007', phase: 'measured', iteration: 0, total: 2, elapsedMs: 0, rss: null, sockets: null, note: 'x\u001b[2Jy' });
    expect(out.text).not.toMatch(CONTROL);
    expect(out.text).toContain('evil\\x1b]0;pwned\\x07');
  });

  it('on a TTY rewrites one live line, throttled, and clears it before the verdict', () => {
    const text = drive(true, false, failing, 1_000); // ticks 10 ms apart: redraw every 10th
    const frames = text.split('\r\u001b[2K').length - 1;
    expect(frames).toBeGreaterThan(50);
    expect(frames).toBeLessThan(200);
    expect(text).not.toMatch(/\u001b\[[0-9;]*m/); // no colour when color is false
    const afterLast = text.slice(text.lastIndexOf('\r\u001b[2K') + 5);
    expect(afterLast.startsWith('✘ FAIL')).toBe(true);
  });

  it('colours only when asked', () => {
    expect(drive(true, true, failing, 20)).toMatch(/\u001b\[31m✘ FAIL/);
  });

  it('ends a scenario with its failed checks and numbers, top suspects and an RSS chart with the budget line', () => {
    const text = drive(false, false, failing, 10);
    expect(text).toMatch(/✘ FAIL +session map leaks <b>/);
    expect(text).toMatch(/✘ budget\.rssGrowth {2}110\.7 MB > 50MB · leak \+1\.\d MB\/iteration/);
    expect(text).toMatch(/✘ leak\.sockets {2}46 sockets > baseline/);
    expect(text).toContain('1. Session<Map> +600 (10/step, +48.0 MB)');
    expect(text).toMatch(/rss by iteration \(budget line at 150\.\d MB\):/);
    expect(text).toMatch(/MB [┼┤]/); // asciichart axis with byte labels
    expect(text).not.toContain('null');
  });

  it('prints the top three suspects in the analysis\'s ranking, not by bytes', () => {
    const many: ScenarioReport = {
      ...failing,
      suspects: [
        ...failing.suspects,
        { runtime: 'node', kind: 'constructor', name: 'onTick()', countDelta: 600, perIteration: 10, bytesDelta: 67_200, where: [] },
        { runtime: 'node', kind: 'constructor', name: '(concatenated string)', countDelta: 768_000, perIteration: 12_800, bytesDelta: 240 * 1e6, where: [] },
      ],
    };
    const text = drive(false, false, many, 10);
    const block = text.slice(text.indexOf('top suspects:')).split('\n').filter((l) => /^ +\d\. /.test(l)).map((l) => l.trim().split(' ')[1]);
    expect(block).toEqual(['Session<Map>', 'Socket', 'onTick()']);
  });
});

describe('printSummary', () => {
  it('prints one line per scenario and charts RSS plus each failing resource, plain when color is off', () => {
    const out = new Capture();
    printSummary(syntheticReport(), out, { color: false });
    expect(out.text).not.toMatch(CONTROL);
    expect(out.text).toMatch(/^ {2}✔ PASS +cache stays bounded/m);
    expect(out.text).toMatch(/^ {2}✘ FAIL +session map leaks <b> .*rss \+110\.7 MB/m);
    // the cause once, under the scenario's name after the lines (seep report prints no blocks above)
    expect(out.text).toMatch(/^ {2}⚠ ERROR worker never ready +could not run \(the cause is below\)$/m);
    expect(out.text).toMatch(/^worker never ready\n {4}service did not become ready/m);
    expect(out.text.match(/service did not become ready/g)).toHaveLength(1);
    const above = new Capture();
    printSummary(syntheticReport(), above, { color: false, errorsShownAbove: true });
    expect(above.text).toMatch(/^ {2}⚠ ERROR worker never ready +could not run \(the cause is above, where it ended\)$/m);
    expect(above.text).not.toContain('service did not become ready');
    // leak.sockets (no budget written) draws the level it allows, not a budget
    expect(out.text).toContain('sockets by iteration (baseline level at 9):');
    expect(out.text.match(/rss by iteration/g)?.length).toBe(3);
    expect(out.text).not.toMatch(/restarts:|recycled workers:|latency p99:|alerts:/);
  });

  it('adds a line each for a soak\'s restarts, recycled workers, p99 latency and alerts', () => {
    const out = new Capture();
    printSummary(syntheticReport({ soak: true }), out, { color: false });
    expect(out.text).not.toMatch(CONTROL);
    // a soak's warning alert level is said as one, never as a budget line
    expect(out.text).toContain('rss by iteration (warning alert at 400.0 MB):');
    const soak = out.text.slice(out.text.indexOf('✘ FAIL  checkout soak <i>'));
    expect(soak.split('\n').slice(1, 5)).toEqual([
      '          restarts: 1',
      '          recycled workers: 6, largest peak RSS 212.0 MB (pid 3104)',
      '          latency p99: 176 ms ≤ 1s (worst interval 1,850 ms)',
      '          alerts: 2 warning, 1 critical; last at 5h 24m: RSS 500.3 MB crossed the critical threshold 500.0 MB',
    ]);
    const s = syntheticReport({ soak: true }).scenarios[3]!;
    s.alerts = [{ t: 1000, level: 'warning', resource: 'rss', message: 'over \u001b[2J the line' }];
    const end = drive(false, false, s, 3);
    expect(end).toMatch(/^ {4}recycled workers: 6, largest peak RSS 212\.0 MB \(pid 3104\)$/m);
    expect(end).toContain('    alerts: 1 warning; last at 1.0 s: over \\x1b[2J the line');
  });
});

describe('terminalOptions', () => {
  const tty = { isTTY: true };
  it.each([
    [{}, tty, { tty: true, color: true }],
    [{ NO_COLOR: '1' }, tty, { tty: true, color: false }],
    [{ NO_COLOR: '' }, tty, { tty: true, color: true }],
    [{ CI: 'true' }, tty, { tty: false, color: false }],
    [{ CI: 'false' }, tty, { tty: true, color: true }],
    [{ TERM: 'dumb' }, tty, { tty: false, color: false }],
    [{}, { isTTY: false }, { tty: false, color: false }],
  ])('%j on %j -> %j', (env, stream, expected) => {
    expect(terminalOptions(env as NodeJS.ProcessEnv, stream)).toEqual(expected);
  });
});
