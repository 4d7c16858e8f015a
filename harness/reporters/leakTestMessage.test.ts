import { describe, expect, it } from 'vitest';
import { leakTestMessage } from './leakTestMessage.ts';
import { HOSTILE_LINES, syntheticReport } from '../../fixtures/testing/syntheticReport.ts';

const paths = { page: 'reports/run-1/index.html', runDir: 'reports/run-1' };
const CONTROL = /\u001b/;

describe('leakTestMessage', () => {
  const [, failing, errored] = syntheticReport().scenarios;

  it('names the failing checks with their numbers, the top suspects with who holds them, the snapshots and the page', () => {
    const text = leakTestMessage({ ...failing!, artifacts: ['snapshots/s/heap-0-baseline.heapsnapshot', 'screenshot.png'] }, paths);
    expect(text).toMatch(/^leak test 'session map leaks <b>' failed 3 checks \(\d+\+\d+ iterations, /);
    expect(text).toMatch(/✘ budget\.rssGrowth {2}\S+ MB > 50MB · leak \+/);
    expect(text).toContain('✘ leak.sockets  46 sockets > baseline');
    expect(text).not.toContain('budget.sockets'); // passing checks stay out
    expect(text).toContain('  top suspects:\n    Session<Map> +600 (10/iteration, +48.0 MB)\n      held by: (GC roots) > Map @123 <script> > sessions in server.js:42');
    // not a retainer path: each line of where it is, as given
    expect(text).toContain('    Socket +40 (0.67/iteration, 0 B)\n      TCPWRAP\n      net.connect at upstream.js:9');
    expect(text).toContain('  heap snapshots:\n    reports/run-1/snapshots/s/heap-0-baseline.heapsnapshot');
    expect(text).not.toContain('screenshot.png');
    expect(text).toContain('probe: fds: cannot read /proc/4242/fd');
    expect(text.split('\n').at(-1)).toBe('  report: reports/run-1/index.html');
    expect(text).not.toMatch(CONTROL);
  });

  it('shortens a long retainer path to the end that names the holder', () => {
    const where = ['(root)', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'onPrice()'];
    const text = leakTestMessage({ ...failing!, suspects: [{ runtime: 'node', kind: 'constructor', name: 'onPrice()', countDelta: 20, perIteration: 1, bytesDelta: 1120, where }] }, paths);
    expect(text).toContain('held by: … > c > d > e > f > g > onPrice()');
  });

  it('says why a run could not happen, with the target\'s last output, never as a finding', () => {
    const text = leakTestMessage({ ...errored!, output: { ...errored!.output, tail: HOSTILE_LINES.map((l, i) => ({ stream: 'stderr' as const, t: i, text: l })) } }, paths);
    expect(text).toMatch(/^leak test 'worker never ready' could not run: service did not become ready within 10000 ms/);
    expect(text).toContain("  the target's last output:\n    stderr: <script>alert(1)</script>");
    expect(text).not.toMatch(/failed|top suspects/);
    expect(text).not.toMatch(CONTROL);
  });
});
