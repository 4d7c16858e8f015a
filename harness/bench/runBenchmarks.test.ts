// The bench runner, run for real on its quickest bench: the bench in a child of its own, its target
// lines echoed, gathered at the end, and the exit code following them.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TARGET_LINE, targetLine } from './benchTarget.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function runBench(filter: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['harness/build/tsnode.mjs', 'harness/bench/runBenchmarks.ts', filter], { cwd: root, timeout: 60_000 }, (err, stdout) => {
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout });
    });
  });
}

describe('runBenchmarks', () => {
  it('writes a target line the runner reads back, PASS or MISS', () => {
    const line = targetLine({ what: 'x', limit: '<= 1 ms', anchor: 'y 2 ms', measured: '0.5 ms', ratio: '0.25x', pass: true });
    expect(line).toBe('target: x <= 1 ms, anchor: y 2 ms, measured: 0.5 ms, ratio: 0.25x, PASS');
    expect(TARGET_LINE.test(line)).toBe(true);
    expect(TARGET_LINE.exec(line.replace(/PASS$/, 'MISS'))?.[1]).toBe('MISS');
  });

  it('runs a bench in its own process and exits 1 exactly when a target is missed', async () => {
    const { code, stdout } = await runBench('startup');
    const own = stdout.split('\n').filter((l) => TARGET_LINE.test(l));
    expect(own).toHaveLength(1); // the bench's own line; the summary's lines carry the bench's name first
    const summary = stdout.slice(stdout.indexOf('## targets'));
    expect(summary).toMatch(/^## targets \(1, [01] missed\)\nstartup: target: seep --version wall time <= 150 ms, /);
    expect(code).toBe(own[0]!.endsWith('MISS') ? 1 : 0);
  });
});
