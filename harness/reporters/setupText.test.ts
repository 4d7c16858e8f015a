// What the summaries say of how the target was started and run, from a stored report: the processes
// no agent answered in, the start-up, retried requests; and the chart marks of recycled workers.
import { describe, expect, it } from 'vitest';
import { syntheticReport } from '../../fixtures/testing/syntheticReport.ts';
import type { ScenarioReport } from '../report/runReportSchema.ts';
import { agentlessLines, retriesText, startupFacts, startupText } from './setupText.ts';
import { eventMarks } from './html/chartModel.ts';

function base(): ScenarioReport {
  return structuredClone(syntheticReport({ verdicts: ['pass'] }).scenarios[0]!);
}

describe('what the summaries say of a real setup', () => {
  it('says nothing extra of a run that had none of it', () => {
    const s = base();
    expect([agentlessLines(s), startupText(s), retriesText(s), startupFacts(s)]).toEqual([[], null, null, null]);
    expect(eventMarks(s, 'time')).toEqual([]);
  });

  it('names each process no agent answered in, with why, and what that leaves unmeasured', () => {
    const s = base();
    s.agentless = {
      processes: [{ pid: 4242, runtime: 'python', command: '/usr/bin/python3 -I app.py', why: 'python -I (isolated mode) ignores PYTHONPATH' }],
      more: 2,
      unmeasured: 'leak.heap, leak.types and leak.handles are not measured',
    };
    expect(agentlessLines(s)).toEqual([
      'no agent in pid 4242 (python: /usr/bin/python3 -I app.py): python -I (isolated mode) ignores PYTHONPATH',
      'no agent in 2 more processes of the tree',
      'leak.heap, leak.types and leak.handles are not measured',
    ]);
  });

  it('reports what the target printed while starting, and the start-up itself', () => {
    const s = base();
    s.startup = { ms: 1250, at: { rss: 45e6, fds: 12, sockets: 1, threads: 3, children: 0 } };
    s.output.startupWarningCounts = { ResourceWarning: 1 };
    s.output.startupWarningExamples = { ResourceWarning: ['serving.py:718: ResourceWarning: unclosed <socket.socket fd=4>'] };
    expect(startupText(s)).toBe('printed in its 1.3 s of start-up, before the first step (start-up: reported, not judged): ResourceWarning x1 (serving.py:718: ResourceWarning: unclosed <socket.socket fd=4>)');
    expect(startupFacts(s)).toMatch(/^start-up: 1\.3 s from the start to the first step .*; the tree then: RSS 45(\.0)? MB, 12 fds, 1 sockets, 3 threads, 0 children; not judged$/);
  });

  it('says how many step requests were retried after a worker exited, and marks them and the recycles on the charts', () => {
    const s = base();
    s.retries = { count: 3, list: [{ t: 400, pid: 11, request: 'GET http://127.0.0.1:1/orders', error: 'ECONNRESET socket hang up' }, { t: 800, pid: 12, request: 'GET http://127.0.0.1:1/orders', error: 'ECONNRESET socket hang up' }] };
    s.processes = [{ pid: 11, command: 'gunicorn: worker', startedAt: 0, endedAt: 390, peakRss: 30e6, end: 'recycled' }, { pid: 13, command: 'gunicorn: worker', startedAt: 390, endedAt: null, peakRss: 30e6, end: 'running' }];
    expect(retriesText(s)).toBe('3 step requests were retried once on a new connection after a worker exited under them (recycled: pid 11, 12); first: GET http://127.0.0.1:1/orders ECONNRESET socket hang up at 400 ms');
    expect(eventMarks(s, 'time').map((m) => [m.x, m.kind])).toEqual([[390, 'recycled'], [400, 'retry'], [800, 'retry']]);
    // by iteration, at the first boundary read at or after each
    const b = s.series.boundaries;
    const at = (t: number) => b.iteration[b.t.findIndex((x) => x >= t)];
    expect(eventMarks(s, 'iteration').map((m) => m.x)).toEqual([at(390), at(400), at(800)]);
  });
});
