import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderJunit } from './junitReporter.ts';
import { syntheticReport } from '../../fixtures/testing/syntheticReport.ts';

const run = promisify(execFile);
const checker = fileURLToPath(new URL('../../fixtures/testing/junitSchemaCheck.py', import.meta.url));

interface Checked {
  root: Record<string, string>;
  suites: Record<string, string>[];
  cases: { name: string; classname: string; failures: { message: string; type: string; text: string }[]; errors: { message: string; type: string }[]; systemOut: string }[];
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'seep-junit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function validate(xml: string): Promise<Checked> {
  const file = path.join(dir, 'junit.xml');
  await writeFile(file, xml);
  const { stdout } = await run('python3', [checker, file], { timeout: 20_000 });
  return JSON.parse(stdout) as Checked;
}

describe('renderJunit', () => {
  it('validates against the junit-10.xsd shape: one testcase per scenario, a failure per failed check, an error per errored scenario', async () => {
    const report = syntheticReport();
    const checked = await validate(renderJunit(report));
    expect(checked.root).toMatchObject({ tests: '3', failures: '1', errors: '1' });
    expect(checked.cases.map((c) => c.name)).toEqual(['cache stays bounded', 'session map leaks <b>', 'worker never ready']);
    expect(checked.cases[0]!.failures).toEqual([]);
    expect(checked.cases[0]!.classname).toBe('seep.scenarios.cache');

    const failing = report.scenarios[1]!;
    const failedChecks = failing.checks.filter((c) => !c.pass);
    expect(checked.cases[1]!.failures.map((f) => [f.type, f.message])).toEqual(failedChecks.map((c) => [c.id, c.message]));
    expect(checked.cases[1]!.failures[0]!.text).toContain('observed: 110.7 MB');
    expect(checked.cases[1]!.failures[0]!.text).toContain('limit: 50MB (50.0 MB)');
    expect(checked.cases[2]!.errors).toEqual([{ message: report.scenarios[2]!.error, type: 'seep.error' }]);
  });

  it('carries hostile target output as text, with the control characters XML cannot hold made visible', async () => {
    const checked = await validate(renderJunit(syntheticReport()));
    const out = checked.cases[1]!.systemOut;
    expect(out).toContain('<script>alert(1)</script>');
    expect(out).toContain('</textarea><img src=x onerror=alert(2)>');
    expect(out).toContain('\\x1b[31mred');
    expect(out).toContain('[stderr FORBIDDEN /Unhandled/] Unhandled rejection');
  });

  it('the checker rejects what the schema rejects', async () => {
    await expect(validate('<testsuites><testsuite name="x"><testcase/></testsuite></testsuites>')).rejects.toThrow(/missing required attribute tests[\s\S]*missing required attribute name/);
    await expect(validate('<testsuite name="x" tests="1"><testcase name="a"><failure/><skipped/></testcase></testsuite>')).rejects.toThrow(/out of order/);
    await expect(validate('<testsuite name="x" tests="1" time="1e3"></testsuite>')).rejects.toThrow(/time pattern/);
    await expect(validate('<testsuite name="x" tests="1"><testcase name="\u001b"/></testsuite>')).rejects.toThrow(/not well-formed/);
  });
});
