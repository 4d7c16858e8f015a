// Every human-readable view of one run, from its report object alone: <runDir>/index.html, JUnit
// and Markdown where asked, the GitHub step summary when $GITHUB_STEP_SUMMARY is set, and the
// run history page one level up. `seep run` calls this after writing report.json; `seep report`
// calls it again on a stored run.
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Report } from '../report/runReportSchema.ts';
import { pageAssets } from './html/pageAssets.ts';
import { listRuns, renderRunIndex, writeSummary } from './html/runIndex.ts';
import { renderRunPage } from './html/runPage.ts';
import { renderJunit } from './junitReporter.ts';
import { renderMarkdown } from './markdownReporter.ts';

export interface RenderOptions {
  junit?: string;
  markdown?: string;
  /** where GITHUB_STEP_SUMMARY is looked up; process.env unless given */
  env?: NodeJS.ProcessEnv;
}

async function writeWithDir(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, text);
}

/** Writes the views and returns the paths written, in order. */
export async function renderRun(report: Report, runDir: string, opts: RenderOptions = {}): Promise<string[]> {
  const written: string[] = [];
  await mkdir(runDir, { recursive: true });

  const page = path.join(runDir, 'index.html');
  await writeFile(page, await renderRunPage(report));
  written.push(page);
  written.push(await writeSummary(report, runDir));

  if (opts.junit) {
    await writeWithDir(opts.junit, renderJunit(report));
    written.push(opts.junit);
  }
  const env = opts.env ?? process.env;
  const stepSummary = env.GITHUB_STEP_SUMMARY;
  if (opts.markdown || stepSummary) {
    const markdown = renderMarkdown(report);
    if (opts.markdown) {
      await writeWithDir(opts.markdown, markdown);
      written.push(opts.markdown);
    }
    if (stepSummary) {
      await appendFile(stepSummary, markdown + '\n');
      written.push(stepSummary);
    }
  }

  const root = path.dirname(path.resolve(runDir));
  const index = path.join(root, 'index.html');
  await writeFile(index, renderRunIndex(await listRuns(root), (await pageAssets()).css));
  written.push(index);
  return written;
}
