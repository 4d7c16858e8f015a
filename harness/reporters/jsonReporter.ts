// The JSON report: the one file every other view is rendered from. Written atomically after every
// scenario, so a run that dies keeps what it had.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SCHEMA_VERSION, type Report } from '../report/runReportSchema.ts';

export const REPORT_FILE = 'report.json';

/** A report or view that could not be written (a full disk): its message names the file; no stack is worth printing. */
export class OutputError extends Error {
  override name = 'OutputError';
}

export async function writeJsonReport(report: Report, file: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(tmp, JSON.stringify(report, null, 1) + '\n');
    await rename(tmp, file);
  } catch (err) {
    // the report before this one stays as it was; a half-written temp file would only mislead
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new OutputError(`${file}: cannot write the report: ${(err as Error).message}`);
  }
}

export async function readJsonReport(file: string): Promise<Report> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read the report: ${(err as Error).message}`);
  }
  let value: Partial<Report>;
  try {
    value = JSON.parse(text) as Partial<Report>;
  } catch (err) {
    throw new Error(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  if (value.schemaVersion !== SCHEMA_VERSION) {
    const older = typeof value.schemaVersion === 'number' && value.schemaVersion < SCHEMA_VERSION;
    throw new Error(`${file}: report schema ${String(value.schemaVersion)}, written by seep ${String(value.seepVersion)}; this seep reads schema ${SCHEMA_VERSION}. ` +
      (older
        ? 'Older reports lack what the views now draw from (fitted trend lines, chart limit lines, headline figures, the run verdict): render it with the seep that wrote it, or run the scenarios again.'
        : 'It was written by a newer seep: render it with that one.'));
  }
  if (!Array.isArray(value.scenarios)) throw new Error(`${file}: scenarios: expected an array`);
  return value as Report;
}
