import { randomBytes } from 'node:crypto';

/** '20261122-150102-3f9a': sorts by time, unique enough for runs started in the same second. */
export function newRunId(at = new Date()): string {
  const iso = at.toISOString(); // 2026-11-22T15:01:02.345Z
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}-${randomBytes(2).toString('hex')}`;
}
