// Fallback sampler for hosts without /proc (macOS): rss and cpu of the root processes through the
// pidusage package, which runs `ps` there. It is also the anchor the sampler bench measures against.
// Descendants, fds, sockets and threads cannot be seen this way; they read as null and say so.
import pidusage from 'pidusage';
import type { Metric, Phase, Sample } from '../report/schema.ts';

export interface PidusageSamplerOptions {
  rootPids: () => number[];
  heap?: () => Promise<number | null>;
}

export interface PidusageSampler {
  read(phase: Phase, iteration: number | null, t: number): Promise<Sample>;
  errors(): string[];
  /** stops pidusage's own history timer */
  close(): void;
}

export function createPidusageSampler(opts: PidusageSamplerOptions): PidusageSampler {
  const problems = new Set<string>([
    `pss, fds, sockets, threads, children and escaped processes are not observed on ${process.platform} (pidusage fallback): only rss and cpu of the root processes`,
  ]);
  return {
    async read(phase, iteration, t) {
      const values: Record<Metric, number | null> = {
        rss: 0, pss: null, cpu: 0, heapUsed: null, fds: null, fdFile: null, fdSocket: null, fdPipe: null,
        fdOther: null, sockets: null, threads: null, children: null, escaped: null, heapCommitted: null,
      };
      const pids: number[] = [];
      for (const pid of new Set(opts.rootPids())) {
        try {
          const stat = await pidusage(pid);
          values.rss! += stat.memory;
          values.cpu! += stat.cpu;
          pids.push(pid);
        } catch (err) {
          // pidusage's word for a pid that has exited; anything else is a probe failure.
          if (!(err instanceof Error && /No matching pid/i.test(err.message))) problems.add(`pidusage ${pid}: ${String(err)}`);
        }
      }
      if (opts.heap) {
        values.heapUsed = await opts.heap().catch((err: unknown) => {
          problems.add(`heap probe failed: ${err instanceof Error ? err.message : String(err)}`);
          return null;
        });
      }
      return { t, iteration, phase, values, tcp: {}, pids: pids.sort((a, b) => a - b) };
    },
    errors: () => [...problems],
    close: () => pidusage.clear(),
  };
}
