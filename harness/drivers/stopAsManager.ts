// Stops a target the way its own manager would (systemd's KillMode=mixed, a container runtime): the
// root process first, alone, with SIGTERM, so that a pre-fork master stops its workers itself and
// a launcher (npm, a shell) passes the signal on; then, once it is gone or its grace is over,
// whatever is left of its process group gets SIGTERM, then SIGKILL. Signalling the whole group at
// once makes gunicorn log "Worker with pid … was terminated due to signal 15" and its workers die
// mid-shutdown with their sockets open.
import { setTimeout as sleep } from 'node:timers/promises';
import { groupMembers } from '../probes/procfs.ts';

export interface StoppableGroup {
  /** the root process, which leads its own process group */
  pid: number;
  exited: Promise<unknown>;
  /** signal one process (the root) or, with group, its whole process group; false when none is left */
  signal(signal: NodeJS.Signals, group: boolean): boolean;
}

const POLL_MS = 50;
/** what the rest of the group gets after SIGTERM, once the root has stopped */
const REST_GRACE_MS = 2000;

async function exitedWithin<T>(p: Promise<T>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const over = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  const done = await Promise.race([p.then(() => true), over]);
  clearTimeout(timer);
  return done;
}

/** Waits until no living process is left in the group, or ms pass; true when none is left. */
async function groupGone(pgid: number, ms: number, procRoot: string): Promise<boolean> {
  for (const end = Date.now() + ms; ; await sleep(POLL_MS)) {
    if (groupMembers(pgid, procRoot).length === 0) return true;
    if (Date.now() >= end) return false;
  }
}

/**
 * SIGTERM to the root; `graceMs` for it to exit; then SIGTERM to the rest of its group and
 * REST_GRACE_MS for them; then SIGKILL to the group. Resolves once the root has exited: true when
 * the root ignored its SIGTERM for the whole grace and had to be killed.
 */
export async function stopAsManager(g: StoppableGroup, graceMs: number, procRoot = '/proc'): Promise<boolean> {
  g.signal('SIGTERM', false);
  const rootStopped = await exitedWithin(g.exited, graceMs);
  if (groupMembers(g.pid, procRoot).length > 0) {
    g.signal('SIGTERM', true);
    if (!(await groupGone(g.pid, REST_GRACE_MS, procRoot))) g.signal('SIGKILL', true);
  }
  if (!rootStopped) {
    g.signal('SIGKILL', true);
    await g.exited;
    return true;
  }
  return false;
}
