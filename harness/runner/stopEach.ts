// Stopping a run's parts: every one is stopped, in the order given, even when an earlier one's stop
// throws or rejects, so that one failure does not leave the others (a timer, a port, a load) running.
// The first failure is thrown once all are stopped.
export async function stopEach(stops: readonly (() => unknown)[]): Promise<void> {
  const failed: unknown[] = [];
  for (const stop of stops) await Promise.resolve().then(stop).catch((err: unknown) => void failed.push(err));
  if (failed.length > 0) throw failed[0];
}
