// The Python warnings of a target whose output is not seep's to read (the test process that started
// seep: pytest captures its stderr and records its warnings), taken from its agent at every
// boundary read and fed to the run as the lines Python prints for them, so that the output watcher
// and leak.warnings judge them as they judge a worker's stderr. Each warning counts, as the agent
// records it; the steps that name suspects, after the last settle read, are not read for them.
import type { AgentHandle } from './agentHandle.ts';
import type { EvidenceCollector } from './evidenceCollectors.ts';

interface AgentWarning {
  category: string;
  message: string;
  filename?: string | null;
  lineno?: number | null;
}

interface WarningsSince {
  warnings: AgentWarning[];
  total: number;
  lost: number;
}

/** The line Python's warnings module prints for a warning (warnings.formatwarning), which the leak-warning table matches. */
export function warningLine(w: AgentWarning): string {
  const where = w.filename ? `${w.filename}:${w.lineno ?? 0}: ` : '';
  // asyncio's "Unclosed client session" is a message, not a warning category
  const category = w.category === 'Unclosed' ? '' : `${w.category}: `;
  return `${where}${category}${w.message.split('\n')[0]}`;
}

export function agentWarningLines(agent: AgentHandle, onLines: (text: string) => void): EvidenceCollector {
  const errors = new Set<string>();
  let seen = 0;
  let lost = 0;
  return {
    async atBoundary() {
      try {
        const r = (await agent.request('warnings', { since: seen })) as WarningsSince;
        seen = r.total;
        lost += r.lost;
        if (r.warnings.length > 0) onLines(r.warnings.map((w) => warningLine(w) + '\n').join(''));
      } catch (err) {
        errors.add(`reading the warnings of pid ${agent.pid} failed: ${(err as Error).message}`);
      }
    },
    afterRun: async () => ({
      suspects: [],
      errors: [...errors, ...(lost > 0 ? [`${lost} warnings were dropped by the agent before seep read them (it keeps the newest 200): leak.warnings counts the others`] : [])],
    }),
  };
}
