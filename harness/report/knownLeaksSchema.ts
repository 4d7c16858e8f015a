// The known-leaks file's schema: the leaks a team has reviewed and accepted for now, each by its
// signature (ScenarioLeak.signature), kept in the repository beside the code (seep.known-leaks.json)
// and written by `seep accept`. `seep run` reads it (scenario/knownLeaksFile.ts) and the judge
// decides each leak against it (analysis/knownLeaks.ts). See docs/known-leaks.md.
import type { Resource } from './runReportSchema.ts';

export const KNOWN_LEAKS_FILE = 'seep.known-leaks.json';
export const KNOWN_LEAKS_VERSION = 1 as const;

export interface KnownLeaksFile {
  version: typeof KNOWN_LEAKS_VERSION;
  leaks: KnownLeakEntry[];
}

export interface KnownLeakEntry {
  /** the leak's 12 hex digits (the first 6 are what reports show) */
  signature: string;
  resource: Resource;
  /** what the leak is, for the reviewer: 'requests.sessions.Session held by jobs._SESSIONS' */
  leak: string;
  /** the scenario it was seen in when accepted */
  scenario?: string;
  /** why it is accepted, and what would fix it */
  note: string;
  /** from git config: 'Ann Lee <ann@example.com>' */
  acceptedBy: string;
  /** YYYY-MM-DD */
  acceptedAt: string;
  /** YYYY-MM-DD: the last day it is accepted; a run after it fails on the leak */
  expires?: string;
  /** the ceiling on its rate: '1.5/iteration' (objects), '64KB/iteration', '5MB/hour'; worse fails */
  maxRate?: string;
}

/** A rate ceiling as a number: bytes ('B') or a count, per step or per hour. */
export interface RateCeiling {
  value: number;
  unit: 'B' | 'count';
  per: 'iteration' | 'hour';
}

/** The file as the judge reads it: found, validated, its ceilings parsed once at the edge. */
export interface KnownLeaksPlan {
  /** relative to the project root */
  file: string;
  entries: (KnownLeakEntry & { ceiling?: RateCeiling })[];
}
