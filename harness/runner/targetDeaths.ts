// A target's deaths during a run, each an exit event in the stream with the reason it is known by
// (the OOM killer's, the exit status, the RSS at the last sample). A restartable service is started
// again at once and followed anew; any other death, or a restart that fails, ends the run.
import { formatBytes } from '../scenario/units.ts';
import type { NoteKind, StreamEvent } from '../series/sampleStream.ts';
import type { Death, RunTarget } from './runTarget.ts';

export interface DeathWatch {
  /** follows the target's deaths from now on */
  follow(target: RunTarget): void;
  /** resolves with the reason when the target died for good */
  readonly fatal: Promise<string>;
  deaths(): number;
  /** the restart in flight, if any */
  restarting(): Promise<void> | null;
  /** the run is stopping the target: its exit is no death */
  ignoreDeaths(): void;
}

export interface DeathWatchOptions {
  emit(e: StreamEvent): void;
  /** a problem of observing; 'info': how the run measured, no problem */
  note(message: string, kind?: NoteKind): void;
  /** what seep says of this run on stderr, its scenario named ('seep: NAME: ...') */
  say(line: string): void;
  now(): number;
  /** the RSS of the last sample, named in a death's reason */
  lastRss(): number | null;
  /** restarts so far, as the aggregate counted them */
  restarts(): number;
  /** OOM kills since the last look, and the first one's reason */
  watchOom(): void;
  oomReason(): string | undefined;
  /** the target died for good: it cannot be restarted, or its restart failed */
  onFatal(reason: string): void;
}

export function watchDeaths(o: DeathWatchOptions): DeathWatch {
  let stopping = false;
  let deaths = 0;
  let restarting: Promise<void> | null = null;
  let fatal: (reason: string) => void = () => undefined;
  const fatalDeath = new Promise<string>((resolve) => (fatal = resolve));
  // a death without restart ends the run at once, whatever the loop is waiting on
  void fatalDeath.then(o.onFatal);
  const say = o.say;

  const onDeath = (t: RunTarget) => (d: Death) => {
    if (stopping) return;
    deaths++;
    o.watchOom();
    const rss = o.lastRss();
    const oom = o.oomReason();
    const reason = `${oom ? `${oom}: ` : ''}${d.reason}${rss === null ? '' : `; RSS ${formatBytes(rss)} at its last sample`}`;
    o.emit({ k: 'exit', t: o.now(), pid: d.pid, code: d.status.code, signal: d.status.signal, restart: t.restartable });
    if (!t.restartable) {
      fatal(reason);
      return;
    }
    say(`${reason}; restarting it (restart ${o.restarts()})`);
    o.note(`the target died and was restarted: ${reason}`);
    restarting = t.restart().then(
      (left) => {
        restarting = null;
        if (left > 0) say(`ended ${left} process${left === 1 ? '' : 'es'} the dead target left in its process group before restarting it`);
        void t.nextDeath().then(onDeath(t));
      },
      (err: unknown) => {
        restarting = null;
        fatal(`${reason}; restarting it failed: ${(err as Error).message}`);
      },
    );
  };

  return {
    follow: (t) => void t.nextDeath().then(onDeath(t)),
    fatal: fatalDeath,
    deaths: () => deaths,
    restarting: () => restarting,
    ignoreDeaths: () => void (stopping = true),
  };
}
