// Progress while scenarios run. On a TTY: one live line per running scenario, rewritten in place.
// Otherwise (pipes, CI): plain lines at a bounded rate (every 10% or every minute, and at phase
// changes) with no control characters, so CI logs stay readable for a 7-day soak.
import type { Writable } from 'node:stream';
import type { ScenarioReport } from '../../report/runReportSchema.ts';
import { formatBytes } from '../../scenario/units.ts';
import { formatDuration } from '../formatValue.ts';
import { scenarioEndLines } from './scenarioVerdict.ts';
import { makeStyle, plainText } from './style.ts';

export interface ScenarioStartInfo {
  name: string;
  file: string;
  total: number | null;
  durationMs: number | null;
}

export interface TickInfo {
  name: string;
  phase: 'warmup' | 'measured' | 'settle';
  iteration: number;
  total: number | null;
  elapsedMs: number;
  rss: number | null;
  sockets: number | null;
  /** the verdict so far, in words, when the runner has one ("rss +55 MB, over budget") */
  note?: string;
}

export interface ProgressSink {
  scenarioStart(info: ScenarioStartInfo): void;
  tick(info: TickInfo): void;
  scenarioEnd(s: ScenarioReport): void;
}

export interface ProgressOptions {
  stream: NodeJS.WriteStream | Writable;
  tty: boolean;
  color: boolean;
}

/** Redraw the live line at most this often (in the run's own elapsed time). */
const TTY_REDRAW_MS = 100;
/** Plain mode: a line at least this often even between 10% steps. */
const PLAIN_EVERY_MS = 60_000;

interface Running {
  info: ScenarioStartInfo;
  lastDrawMs: number;
  lastPhase: string;
  lastStep: number;
  firstMeasuredRss: number | null;
}

function fraction(t: TickInfo, run: Running): number | null {
  const total = t.total ?? run.info.total;
  if (total) return Math.min(1, (t.iteration + 1) / total);
  if (run.info.durationMs) return Math.min(1, t.elapsedMs / run.info.durationMs);
  return null;
}

function describe(t: TickInfo, run: Running): string {
  const total = t.total ?? run.info.total;
  const where = total ? `${t.iteration + 1}/${total}` : run.info.durationMs ? `${formatDuration(t.elapsedMs)}/${formatDuration(run.info.durationMs)}` : `#${t.iteration + 1}`;
  const parts = [plainText(t.name), t.phase, where, formatDuration(t.elapsedMs)];
  if (t.rss !== null) parts.push(`rss ${formatBytes(t.rss)}`);
  if (t.sockets !== null) parts.push(`sockets ${t.sockets}`);
  if (t.note) parts.push(plainText(t.note));
  else if (t.rss !== null && run.firstMeasuredRss !== null) {
    const growth = t.rss - run.firstMeasuredRss;
    parts.push(`rss ${growth >= 0 ? '+' : ''}${formatBytes(growth)} since warmup`);
  }
  return parts.join('  ');
}

export function createProgress(opts: ProgressOptions): ProgressSink {
  const style = makeStyle(opts.color);
  const running = new Map<string, Running>();
  let liveLineShown = false;
  const write = (text: string): void => {
    opts.stream.write(text);
  };
  const clearLive = (): void => {
    if (liveLineShown) write('\r\u001b[2K');
    liveLineShown = false;
  };
  const columns = (): number => ('columns' in opts.stream && typeof opts.stream.columns === 'number' ? opts.stream.columns : 120);

  return {
    scenarioStart(info) {
      running.set(info.name, { info, lastDrawMs: Number.NEGATIVE_INFINITY, lastPhase: '', lastStep: -1, firstMeasuredRss: null });
      const plan = info.total ? `${info.total} iterations` : info.durationMs ? `for ${formatDuration(info.durationMs)}` : '';
      clearLive();
      write(`${style.bold('▶')} ${plainText(info.name)} ${style.dim(`(${plainText(info.file)})`)}${plan ? ` ${plan}` : ''}\n`);
    },
    tick(t) {
      let run = running.get(t.name);
      if (!run) {
        run = { info: { name: t.name, file: '', total: t.total, durationMs: null }, lastDrawMs: Number.NEGATIVE_INFINITY, lastPhase: '', lastStep: -1, firstMeasuredRss: null };
        running.set(t.name, run);
      }
      if (t.phase === 'measured' && run.firstMeasuredRss === null) run.firstMeasuredRss = t.rss;
      const phaseChanged = t.phase !== run.lastPhase;
      const f = fraction(t, run);
      const last = f === 1;
      if (opts.tty) {
        if (!phaseChanged && !last && t.elapsedMs - run.lastDrawMs < TTY_REDRAW_MS) return;
        const pct = f === null ? '' : `${String(Math.floor(f * 100)).padStart(3)}% `;
        const line = (pct + describe(t, run)).slice(0, Math.max(20, columns() - 1));
        write(`\r\u001b[2K${style.dim(line.slice(0, pct.length))}${line.slice(pct.length)}`);
        liveLineShown = true;
      } else {
        const step = f === null ? -1 : Math.floor(f * 10);
        if (!phaseChanged && !last && step === run.lastStep && t.elapsedMs - run.lastDrawMs < PLAIN_EVERY_MS) return;
        write(`  ${f === null ? '' : `${Math.floor(f * 100)}% `}${describe(t, run)}\n`);
        run.lastStep = step;
      }
      run.lastDrawMs = t.elapsedMs;
      run.lastPhase = t.phase;
    },
    scenarioEnd(s) {
      clearLive();
      running.delete(s.name);
      write(scenarioEndLines(s, style).join('\n') + '\n');
    },
  };
}
