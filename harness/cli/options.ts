// The command line's words: options, and the usage errors that exit 2 (the help texts: commandHelp.ts).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseDuration, UnitError } from '../scenario/units.ts';
import type { ExitCode } from '../report/runReportSchema.ts';

export class UsageError extends Error {}

/** A command's exit code, or 128 + the signal that stopped a run (130 Ctrl-C, 143 SIGTERM), as shells report one. */
export type CliExitCode = ExitCode | 130 | 143;

export const OPTIONS = {
  'report-dir': { type: 'string' },
  json: { type: 'string' },
  junit: { type: 'string' },
  markdown: { type: 'string' },
  iterations: { type: 'string' },
  warmup: { type: 'string' },
  only: { type: 'string' },
  duration: { type: 'string' },
  'metrics-port': { type: 'string' },
  'live-every': { type: 'string' },
  calibrate: { type: 'boolean' },
  baseline: { type: 'string' },
  tolerance: { type: 'string' },
  html: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  attach: { type: 'string' },
  shard: { type: 'string' },
  'shard-durations': { type: 'string' },
  into: { type: 'string' },
  fd: { type: 'string' },
  prometheus: { type: 'string' },
  query: { type: 'string' },
  metric: { type: 'string' },
  selector: { type: 'string' },
  range: { type: 'string' },
  step: { type: 'string' },
  at: { type: 'string' },
  'limit-query': { type: 'string' },
  limit: { type: 'string' },
  'known-leaks': { type: 'string' },
  'no-known-leaks': { type: 'boolean' },
  note: { type: 'string' },
  expires: { type: 'string' },
  setup: { type: 'string' },
} satisfies ParseArgsConfig['options'];

export function wholeNumber(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`--${flag}: expected a whole number of at least ${min}, got '${value}'`);
  return Number(value);
}

export function durationFlag(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    if (parseDuration(value) > 0) return value;
  } catch (err) {
    if (!(err instanceof UnitError)) throw err;
  }
  throw new UsageError(`--${flag}: expected a duration such as '90s', '24h' or '7d', got '${value}'`);
}

/** '10%' -> 0.1: the share of the before figure that after may exceed it by. */
export function toleranceFlag(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?)%$/.exec(value.trim());
  if (!m) throw new UsageError(`--tolerance: expected a percentage such as '10%', got '${value}'`);
  return Number(m[1]) / 100;
}

export type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

