// Every process the target tree held over a soak: when it came, when it went, the most RSS it
// reached. Worker recycling (gunicorn --max-requests, a master replacing workers) hides a leak
// behind a flat total, so the per-worker peak before recycling is what shows it. Memory stays
// bounded: running processes (the tree's size) plus the last `maxEnded` that ended, and counters.
import type { ProcessLife } from '../report/runReportSchema.ts';

export interface LivesSummary {
  /** processes that ended, all of them, including those no longer listed */
  ended: number;
  recycled: number;
  /** highest peak RSS of any recycled process, listed or not */
  maxRecycledPeak: number;
}

export interface ProcessLives {
  command(pid: number, cmd: string, root: boolean): void;
  /** the tree at time t; rss per pid aligned with pids, or null when only the total is known */
  observe(t: number, pids: number[], rss: number[] | null, totalRss: number | null): void;
  exited(t: number, pid: number, code: number | null, signal: string | null): void;
  lastRss(pid: number): number | null;
  list(): ProcessLife[];
  summary(): LivesSummary;
  /** how many distinct processes were ever seen */
  seen(): number;
}

interface Running extends ProcessLife {
  last: number | null;
}

export function createProcessLives(opts: { maxEnded?: number } = {}): ProcessLives {
  const maxEnded = opts.maxEnded ?? 200;
  const running = new Map<number, Running>();
  const ended: Running[] = [];
  const commands = new Map<number, string>();
  const roots = new Set<number>();
  const summary: LivesSummary = { ended: 0, recycled: 0, maxRecycledPeak: 0 };
  let seen = 0;

  const finish = (life: Running, t: number, end: string) => {
    running.delete(life.pid);
    life.endedAt = t;
    life.end = end;
    summary.ended++;
    if (end === 'recycled') {
      summary.recycled++;
      summary.maxRecycledPeak = Math.max(summary.maxRecycledPeak, life.peakRss);
    }
    ended.push(life);
    if (ended.length > maxEnded) ended.shift();
  };

  return {
    command(pid, cmd, root) {
      // bounded by the tree: entries go when their process ends
      commands.set(pid, cmd);
      if (root) roots.add(pid);
      const life = running.get(pid);
      if (life) life.command = cmd;
    },
    observe(t, pids, rss, totalRss) {
      const present = new Set(pids);
      const rootAlive = pids.some((p) => roots.has(p));
      for (const life of [...running.values()]) {
        if (present.has(life.pid)) continue;
        commands.delete(life.pid);
        finish(life, t, roots.has(life.pid) ? 'exited' : rootAlive ? 'recycled' : 'exited');
        roots.delete(life.pid);
      }
      pids.forEach((pid, j) => {
        const r = rss ? (rss[j] ?? null) : pids.length === 1 ? totalRss : null;
        let life = running.get(pid);
        if (!life) {
          seen++;
          life = { pid, command: commands.get(pid) ?? '', startedAt: t, endedAt: null, peakRss: 0, end: 'running', last: null };
          running.set(pid, life);
        }
        if (r !== null) {
          life.last = r;
          if (r > life.peakRss) life.peakRss = r;
        }
      });
    },
    exited(t, pid, code, signal) {
      const end = signal ?? `exit ${code}`;
      const life = running.get(pid);
      if (life) {
        commands.delete(pid);
        roots.delete(pid);
        finish(life, t, end);
        return;
      }
      for (let i = ended.length - 1; i >= 0; i--) {
        if (ended[i]!.pid !== pid) continue;
        ended[i]!.end = end;
        break;
      }
    },
    lastRss(pid) {
      const findLast = (): Running | undefined => {
        for (let i = ended.length - 1; i >= 0; i--) if (ended[i]!.pid === pid) return ended[i];
        return undefined;
      };
      return running.get(pid)?.last ?? findLast()?.last ?? null;
    },
    list() {
      return [...ended, ...running.values()].map(({ last: _last, ...life }) => life);
    },
    summary: () => ({ ...summary }),
    seen: () => seen,
  };
}
