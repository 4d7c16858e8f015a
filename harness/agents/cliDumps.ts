// Suspects for CLI scenarios. A CLI lives for one invocation, so its Python agent writes what it saw
// at exit (warnings with the allocation traceback of the leaked object, resources still open) to a
// file per invocation; the runner reads them all once the steps are done, as suspect evidence.
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { SuspectEvidence, WarningRecord } from '../report/suspectEvidenceSchema.ts';
import { PYTHON_AGENT_DIR, type PyWarning } from './suspectCollector.ts';

const STANDARD_STREAMS = /'<std(in|out|err)>'/;

interface CliDump {
  pid: number;
  warnings: PyWarning[];
  openResources: { kind: string; detail: string; site: string; allocated: string[] }[];
}

/** The env that makes every Python command a step runs write its dump into `dir`, named by phase. */
export function cliAgentEnv(dir: string, phase: 'warmup' | 'measured', env: Record<string, string>): Record<string, string> {
  return {
    PYTHONPATH: env.PYTHONPATH ? `${PYTHON_AGENT_DIR}${path.delimiter}${env.PYTHONPATH}` : PYTHON_AGENT_DIR,
    SEEP_AGENT_DUMP: path.join(dir, `${phase}-{pid}.json`),
  };
}

export async function cliSuspects(dir: string, measuredIterations: number): Promise<{ evidence: SuspectEvidence; errors: string[] }> {
  const errors: string[] = [];
  const files = await readdir(dir).catch(() => [] as string[]);
  const warmup: PyWarning[] = [];
  const measured: PyWarning[] = [];
  const open = new Map<string, { name: string; count: number; where: string[] }>();
  for (const name of files.filter((f) => f.endsWith('.json')).sort()) {
    let dump: CliDump;
    try {
      dump = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as CliDump;
    } catch (err) {
      errors.push(`CLI agent dump ${name} unreadable: ${(err as Error).message}`);
      continue;
    }
    const isMeasured = name.startsWith('measured-');
    (isMeasured ? measured : warmup).push(...dump.warnings);
    if (!isMeasured) continue;
    for (const r of dump.openResources) {
      if (STANDARD_STREAMS.test(r.detail)) continue; // open at exit by design
      const key = `open ${r.kind} at exit, opened at ${r.site || r.detail}`;
      const s = open.get(key) ?? { name: key, count: 0, where: r.allocated };
      s.count++;
      open.set(key, s);
    }
  }
  const record = (w: PyWarning): WarningRecord => ({ name: w.category, message: w.message, stack: w.allocated, site: w.site, ...(w.type ? { type: w.type } : {}) });
  return {
    evidence: {
      runtime: 'python', steps: measuredIterations, growth: [], holders: [], warnings: [...warmup, ...measured].map(record), warningsBefore: warmup.length, openAtExit: [...open.values()],
    },
    errors,
  };
}

export async function removeCliDumps(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
