// What `seep accept` writes: the file's entries with this run's leaks accepted. Pure. A leak the file
// already accepts, within its ceiling and not expired, keeps its entry as reviewed (note, author);
// a new leak gets one; a known leak that got worse or expired gets its entry written again, with
// this run's rate and today's acceptance: accepting it again is the reviewed decision (a run made
// with --no-known-leaks says neither, and leaves its entry as it is). Entries this
// run did not see stay: the run may not have covered every scenario.
import type { LeakRate, ScenarioLeak } from '../report/runReportSchema.ts';
import type { KnownLeakEntry } from '../report/knownLeaksSchema.ts';
import { formatRateCeiling } from '../scenario/knownLeaksFile.ts';

export interface AcceptOptions {
  by: string;
  /** YYYY-MM-DD */
  on: string;
  note: string;
  expires?: string;
  /** the ceiling's headroom over this run's rate (0.5: 50% more) */
  headroom: number;
}

export interface Accepted {
  entries: KnownLeakEntry[];
  added: KnownLeakEntry[];
  renewed: KnownLeakEntry[];
}

/** The ceiling from the rate a known-leaks entry is most stable in: objects a step, else bytes, else the check's trend. */
function ceilingOf(rates: LeakRate[], headroom: number): string | undefined {
  const r = rates.find((x) => x.unit !== 'B') ?? rates[0];
  if (!r || !(r.value > 0)) return undefined;
  return formatRateCeiling(r.value * (1 + headroom), r.unit === 'B' ? 'B' : 'count', r.per);
}

export function acceptLeaks(existing: KnownLeakEntry[], seen: { leak: ScenarioLeak; scenario: string }[], opts: AcceptOptions): Accepted {
  const entries = [...existing];
  const added: KnownLeakEntry[] = [];
  const renewed: KnownLeakEntry[] = [];
  for (const { leak, scenario } of seen) {
    const i = entries.findIndex((e) => e.signature === leak.signature);
    // in the file, and the run found it within its entry (or was not judged against the file): as reviewed
    if (i >= 0 && (leak.known === undefined || leak.known.status === 'known')) continue;
    if ([...added, ...renewed].some((e) => e.signature === leak.signature)) continue;
    const maxRate = ceilingOf(leak.rates, opts.headroom);
    const entry: KnownLeakEntry = {
      signature: leak.signature, resource: leak.resource, leak: leak.label, scenario, note: opts.note, acceptedBy: opts.by, acceptedAt: opts.on,
      ...(opts.expires === undefined ? {} : { expires: opts.expires }), ...(maxRate === undefined ? {} : { maxRate }),
    };
    if (i < 0) {
      entries.push(entry);
      added.push(entry);
    } else {
      // accepting it again keeps the reviewer's note unless a new one is given
      entries[i] = { ...entry, note: opts.note || entries[i]!.note };
      renewed.push(entries[i]!);
    }
  }
  return { entries, added, renewed };
}
