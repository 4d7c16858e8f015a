// Parsers for the strings users write in scenarios and budgets.
// KB/MB/GB are decimal (1000-based) and KiB/MiB/GiB binary, as in IEC 80000-13; both are accepted.

const SIZE_UNITS: Record<string, number> = {
  B: 1,
  KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12,
  KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3, TIB: 1024 ** 4,
};

const DURATION_UNITS: Record<string, number> = {
  ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000,
};

export class UnitError extends Error {}

const SIZE_RE = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]+)$/;

/** '50MB' -> 50_000_000 bytes. */
export function parseSize(text: string): number {
  const m = SIZE_RE.exec(text.trim());
  const factor = m ? SIZE_UNITS[m[2]!.toUpperCase()] : undefined;
  if (!m || factor === undefined) {
    throw new UnitError(`expected a size such as '50MB', '512KiB' or '2GB' (units B, KB, MB, GB, KiB, MiB, GiB), got '${text}'`);
  }
  return Number(m[1]) * factor;
}

/** '30m' -> 1_800_000 ms. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|min|m|h|d)$/.exec(text.trim());
  if (!m) throw new UnitError(`expected a duration such as '500ms', '30s', '10m', '24h' or '7d', got '${text}'`);
  return Number(m[1]) * DURATION_UNITS[m[2]!]!;
}

/** '5MB/h' -> bytes per hour. */
export function parseSizeRate(text: string): { bytes: number; perMs: number } {
  const m = /^(.+)\/\s*(ms|s|min|m|h|d)$/.exec(text.trim());
  if (!m) throw new UnitError(`expected a rate such as '5MB/h' or '64KB/min', got '${text}'`);
  return { bytes: parseSize(m[1]!), perMs: DURATION_UNITS[m[2]!]! };
}

/** '10/s' -> steps per second. */
export function parseRate(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*\/\s*(ms|s|min|m|h|d)$/.exec(text.trim());
  if (!m) throw new UnitError(`expected a rate such as '10/s' or '600/min', got '${text}'`);
  return (Number(m[1]) * 1000) / DURATION_UNITS[m[2]!]!;
}

/**
 * '5ms/100 steps' -> 0.05 ms per step: how much slower each step may get (a slope). Also
 * '1ms/step' and '20ms per 100 steps'. The count as written is kept, for the message.
 */
export function parseStepTimeRate(text: string): { msPerStep: number; steps: number } {
  const m = /^(.+?)\s*(?:\/|\bper\b)\s*(\d+)?\s*steps?$/.exec(text.trim());
  const steps = m?.[2] === undefined ? 1 : Number(m[2]);
  let ms: number | null = null;
  try {
    ms = m ? parseDuration(m[1]!) : null;
  } catch {
    ms = null;
  }
  if (ms === null || !(steps > 0)) throw new UnitError(`expected a slope of step time such as '5ms/100 steps' or '1ms/step', got '${text}'`);
  return { msPerStep: ms / steps, steps };
}

export type CountLimit = { kind: 'baseline'; plus: number } | { kind: 'absolute'; max: number };

/** 'baseline', 'baseline+2' or a number. */
export function parseCountLimit(value: string | number): CountLimit {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw new UnitError(`expected a whole number of at least 0, got ${value}`);
    return { kind: 'absolute', max: value };
  }
  const m = /^baseline(?:\s*\+\s*(\d+))?$/.exec(value.trim());
  if (m) return { kind: 'baseline', plus: m[1] ? Number(m[1]) : 0 };
  if (/^\d+$/.test(value.trim())) return { kind: 'absolute', max: Number(value) };
  throw new UnitError(`expected 'baseline', 'baseline+N' or a whole number, got '${value}'`);
}

export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (abs >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (abs >= 1e3) return `${(bytes / 1e3).toFixed(1)} KB`;
  return `${Math.round(bytes)} B`;
}
