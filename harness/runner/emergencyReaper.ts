// Last line of defence against orphans: if seep's own process exits while a scenario is running
// (an uncaught error, process.exit, a second Ctrl-C), kill every process carrying a live run cookie.
// An 'exit' handler must be synchronous, hence the sync /proc scan here; the normal path is the
// runner's own killTree, which waits and reports.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { COOKIE_ENV } from '../probes/runCookie.ts';
import { agentSocketDir } from './agentSockets.ts';

const live = new Set<string>();
let installed = false;

function pidsWithCookie(cookies: Set<string>): number[] {
  const found: number[] = [];
  const needles = [...cookies].map((c) => `${COOKIE_ENV}=${c}\0`);
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue; // gone, or not ours to read: either way not a process we started
    }
    if (needles.some((n) => environ.includes(n))) found.push(pid);
  }
  return found;
}

export function killCookieProcessesNow(cookies: Set<string> = live): number[] {
  if (cookies.size === 0 || process.platform !== 'linux') return [];
  const pids = pidsWithCookie(cookies);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone between the scan and the kill
    }
  }
  return pids;
}

export const emergencyReaper = {
  register(cookie: string): () => void {
    if (!installed) {
      installed = true;
      process.on('exit', () => {
        killCookieProcessesNow();
        // the agents' socket files outlive the processes that served them
        for (const cookie of live) rmSync(agentSocketDir(cookie), { recursive: true, force: true });
      });
    }
    live.add(cookie);
    return () => live.delete(cookie);
  },
};
