// The files every command writes from a report: the JSON where asked, HTML, JUnit and Markdown.
import path from 'node:path';
import type { Report } from '../report/runReportSchema.ts';
import { REPORT_FILE, writeJsonReport } from '../reporters/jsonReporter.ts';
import { renderRun } from '../reporters/renderRun.ts';
import type { Values } from './options.ts';

export async function renderOutputs(report: Report, runDir: string, values: Values): Promise<string[]> {
  const written = [path.join(runDir, REPORT_FILE)];
  if (values.json) {
    await writeJsonReport(report, path.resolve(values.json));
    written.push(path.resolve(values.json));
  }
  const opts: { junit?: string; markdown?: string } = {};
  if (values.junit) opts.junit = path.resolve(values.junit);
  if (values.markdown) opts.markdown = path.resolve(values.markdown);
  written.push(...(await renderRun(report, runDir, opts)));
  return written;
}
