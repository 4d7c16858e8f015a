// One seep run per test file: its leak tests are that run's scenarios, in one folder under the
// reports directory, so `seep report <folder>` re-renders them together as it does a `seep run`.
// Opened by the file's first leak test; every test after it adds its scenario and rewrites the report.
import path from 'node:path';
import { findProjectRoot } from '../scenario/loadScenario.ts';
import { openRunRecord, type RunRecord } from '../runner/runRecord.ts';

/** where reports go when neither the test nor SEEP_REPORT_DIR says: the project's reports/, as for `seep run` */
export const REPORT_DIR_ENV = 'SEEP_REPORT_DIR';

export interface TestFileRun {
  record: RunRecord;
  /** the folder scenario paths resolve against: the nearest one above the test file with package.json or .git */
  projectRoot: string;
  /** the test file, relative to the project root (the report's `file`) */
  file: string;
}

const runs = new Map<string, Promise<TestFileRun>>();

export function reportsRootFor(projectRoot: string, reportDir: string | undefined, env: NodeJS.ProcessEnv): string {
  const configured = reportDir ?? env[REPORT_DIR_ENV];
  return configured ? path.resolve(projectRoot, configured) : path.join(projectRoot, 'reports');
}

export function testFileRun(testFile: string, reportDir: string | undefined): Promise<TestFileRun> {
  const key = `${testFile}\0${reportDir ?? ''}`;
  let run = runs.get(key);
  if (!run) {
    run = (async () => {
      const projectRoot = await findProjectRoot(path.dirname(testFile));
      const record = await openRunRecord({ reportsRoot: reportsRootFor(projectRoot, reportDir, process.env) });
      return { record, projectRoot, file: path.relative(projectRoot, testFile) };
    })();
    // a run that could not open is not kept: the next test tries again and says why itself
    run.catch(() => runs.delete(key));
    runs.set(key, run);
  }
  return run;
}
