// The replies of every process of a pre-fork tree to one agent op, as one reply: what the suspect
// collector asks of the root alone in a single process, summed over the root and its workers
// (gunicorn's, multiprocessing's), each merged thing named with the process that grew it most.
import type { ProcessRef } from '../report/runReportSchema.ts';

/** ops whose replies are merged over the tree's processes (the rest go to the root, or as runner/treeTypeCounts.ts says) */
export const TREE_OPS = new Set(['tracemalloc', 'openResources', 'containers', 'followCreations', 'creations']);

interface Reply {
  pid: number;
  role: ProcessRef['role'];
  reply: unknown;
}

interface Site {
  site: string;
  sizeDiff: number;
  countDiff: number;
  size?: number;
  count?: number;
  traceback: string[];
  process?: ProcessRef;
}

interface Container {
  name: string;
  grew: number;
  bytes: number;
  holds: { name: string; count: number }[];
  sites: string[];
  process?: ProcessRef;
}

interface Creation {
  site: string;
  line: string;
  count: number;
}

export function mergeTreeReplies(op: string, params: object | undefined, replies: Reply[]): unknown {
  const action = (params as { action?: string } | undefined)?.action;
  const ref = (r: Reply): ProcessRef => ({ pid: r.pid, role: r.role });
  if (op === 'tracemalloc' && action === 'compare') {
    const bySite = new Map<string, Site & { best: number }>();
    for (const r of replies) {
      for (const s of (r.reply as { sites: Site[] }).sites) {
        const e = bySite.get(s.site);
        if (!e) {
          bySite.set(s.site, { ...s, best: s.sizeDiff, process: ref(r) });
          continue;
        }
        e.sizeDiff += s.sizeDiff;
        e.countDiff += s.countDiff;
        if (s.sizeDiff > e.best) Object.assign(e, { best: s.sizeDiff, traceback: s.traceback, process: ref(r) });
      }
    }
    const sites = [...bySite.values()].map(({ best: _best, ...s }) => s).sort((a, b) => b.sizeDiff - a.sizeDiff);
    return { sites };
  }
  if (op === 'openResources') return { resources: replies.flatMap((r) => (r.reply as { resources: unknown[] }).resources) };
  if (op === 'containers' && action !== 'baseline') {
    const byName = new Map<string, Container & { most: number }>();
    for (const r of replies) {
      for (const c of (r.reply as { containers: Container[] }).containers) {
        const e = byName.get(c.name);
        if (!e) {
          byName.set(c.name, { ...c, holds: c.holds.map((h) => ({ ...h })), most: c.grew, process: ref(r) });
          continue;
        }
        e.grew += c.grew;
        e.bytes += c.bytes;
        for (const h of c.holds) {
          const same = e.holds.find((x) => x.name === h.name);
          if (same) same.count += h.count;
          else e.holds.push({ ...h });
        }
        if (c.grew > e.most) Object.assign(e, { most: c.grew, process: ref(r) });
      }
    }
    return { containers: [...byName.values()].map(({ most: _most, ...c }) => c).sort((a, b) => b.bytes - a.bytes) };
  }
  if (op === 'creations') {
    const types: Record<string, Creation[]> = {};
    for (const r of replies) {
      for (const [name, sites] of Object.entries((r.reply as { types: Record<string, Creation[]> }).types)) {
        const list = (types[name] ??= []);
        for (const s of sites) {
          const same = list.find((x) => x.site === s.site);
          if (same) same.count += s.count;
          else list.push({ ...s });
        }
        list.sort((a, b) => b.count - a.count);
      }
    }
    return { types };
  }
  return replies[0]?.reply;
}
