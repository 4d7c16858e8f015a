import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJsonReport } from './jsonReporter.ts';
import { syntheticReport } from '../../fixtures/testing/syntheticReport.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'seep-json-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readJsonReport', () => {
  it('reads a report of this schema back as written', async () => {
    const report = syntheticReport({ verdicts: ['pass'] });
    await writeFile(path.join(dir, 'report.json'), JSON.stringify(report));
    expect(await readJsonReport(path.join(dir, 'report.json'))).toEqual(report);
  });

  it('refuses a schema 1 report, saying what it lacks and what to do, rather than drawing it without them', async () => {
    const old = { ...syntheticReport({ verdicts: ['pass'] }), schemaVersion: 1, seepVersion: '0.3.0' };
    await writeFile(path.join(dir, 'report.json'), JSON.stringify(old));
    await expect(readJsonReport(path.join(dir, 'report.json'))).rejects.toThrow(
      /report schema 1, written by seep 0\.3\.0; this seep reads schema 2\. Older reports lack .*fitted trend lines.*render it with the seep that wrote it, or run the scenarios again/,
    );
  });
});
