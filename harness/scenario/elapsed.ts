// Durations as messages say them: elapsed time ('1h10m', '6m0s', '45s': the two largest units), and
// a duration to ask for ('6 min').
export function formatElapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : '', `${s % 60}s`].filter(Boolean);
  return parts.slice(0, 2).join('');
}

/** "50 s" / "6 min" / "1 h 10 min" / "2 d 3 h": a duration to ask for, rounded up (to the minute past 2 minutes). */
export function formatNeeded(ms: number): string {
  if (ms < 120_000) return `${Math.ceil(ms / 10_000) * 10} s`;
  const min = Math.ceil(ms / 60_000);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h${min % 60 ? ` ${min % 60} min` : ''}`;
  return `${Math.floor(h / 24)} d${h % 24 ? ` ${h % 24} h` : ''}`;
}
