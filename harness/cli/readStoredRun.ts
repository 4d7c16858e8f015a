// A stored run for `seep compare` and `seep run --baseline`: a run folder (its report.json) or a
// report file, read and checked at the edge, so what reaches analysis is a report with the fields
// a comparison reads. Every failure names the file and the field; nothing is written or deleted.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Report } from '../report/runReportSchema.ts';
import { readJsonReport, REPORT_FILE } from '../reporters/jsonReporter.ts';
import type { StoredRun } from '../analysis/compareRuns.ts';

export class StoredRunError extends Error {
  override name = 'StoredRunError';
}

async function reportFileOf(given: string): Promise<string> {
  const resolved = path.resolve(given);
  const info = await stat(resolved).catch((err: NodeJS.ErrnoException) => {
    throw new StoredRunError(`${given}: ${err.code === 'ENOENT' ? 'no such file or folder' : err.message}`);
  });
  if (!info.isDirectory()) return resolved;
  const file = path.join(resolved, REPORT_FILE);
  if (!(await stat(file).then((s) => s.isFile(), () => false))) throw new StoredRunError(`${given}: no ${REPORT_FILE} in this folder: not a seep run folder`);
  return file;
}

/** The first field a comparison reads that the report lacks or has the wrong type of, or null. */
function missingField(report: Report): string | null {
  if (typeof report.runId !== 'string') return 'runId: expected a string';
  for (const [i, s] of report.scenarios.entries()) {
    const at = `scenarios[${i}]`;
    if (typeof s?.name !== 'string') return `${at}.name: expected a string`;
    if (!Array.isArray(s.checks)) return `${at}.checks: expected an array`;
    const b = s.series?.boundaries;
    if (!b || !Array.isArray(b.phase) || !Array.isArray(b.iteration) || typeof b.values !== 'object') return `${at}.series.boundaries: expected sample columns (phase, iteration, values)`;
    const t = s.series.timed;
    if (!t || !Array.isArray(t.phase) || !Array.isArray(t.t) || typeof t.values !== 'object') return `${at}.series.timed: expected sample columns (phase, t, values)`;
  }
  return null;
}

export async function readStoredRun(given: string): Promise<StoredRun> {
  const file = await reportFileOf(given);
  let report: Report;
  try {
    report = await readJsonReport(file);
  } catch (err) {
    throw new StoredRunError((err as Error).message);
  }
  const wrong = missingField(report);
  if (wrong) throw new StoredRunError(`${file}: ${wrong}`);
  return { report, path: given };
}
