import { describe, expect, it } from 'vitest';
import { syntheticObservations } from '../../fixtures/testing/syntheticObservations.ts';
import { validateObservations, type ObservationsDocument } from './observationsDocument.ts';
import { judgeDocument } from './judgeDocument.ts';
import { warningLine } from './documentEvents.ts';

const RUN = { runId: 'r', seepVersion: '0.0.0', host: { hostname: 'h', platform: 'linux', arch: 'x64', cpus: 2, totalMemBytes: 1, node: 'v20' } };

function valid(value: unknown): ObservationsDocument {
  const r = validateObservations(value);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.doc;
}

const judged = (value: unknown) => judgeDocument(valid(value), RUN).scenarios[0]!;
const failing = (value: unknown) => judged(value).checks.filter((c) => !c.pass).map((c) => c.id);

describe('validateObservations', () => {
  it('names the field of every problem, budgets checked by the scenario schema', () => {
    const doc = syntheticObservations({ budgets: { rssGrowth: '50 MiBs', socketz: 'baseline' } }) as Record<string, unknown> & { boundaries: Record<string, unknown>[] };
    doc.boundaries[2]!.phase = 'cooldown';
    doc.extra = 1;
    delete doc.steps;
    const r = validateObservations(doc);
    expect(r.ok).toBe(false);
    const fields = r.ok ? [] : r.problems.map((p) => p.field).sort();
    expect(fields).toEqual(['boundaries.2.phase', 'budgets.rssGrowth', 'budgets.socketz', 'extra', 'steps']);
  });
});

describe('judgeDocument', () => {
  it('a flat process passes every default check', () => {
    const s = judged(syntheticObservations());
    expect(s.verdict, JSON.stringify(s.checks.filter((c) => !c.pass))).toBe('pass');
    expect(s.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['leak.rss', 'leak.heap', 'leak.fds', 'leak.sockets', 'leak.threads', 'leak.children', 'leak.handles', 'leak.orphans', 'leak.warnings', 'leak.types']));
  });

  it('a socket kept per step fails sockets, fds and handles', () => {
    expect(failing(syntheticObservations({ socketsPerStep: 1 }))).toEqual(expect.arrayContaining(['leak.sockets', 'leak.fds', 'leak.handles']));
  });

  it('an object kept per step fails leak.types naming its type and who holds it, and ranks it first', () => {
    const s = judged(syntheticObservations({ ordersPerStep: 1 }));
    expect(s.checks.filter((c) => !c.pass).map((c) => c.id)).toEqual(['leak.types']);
    expect(s.checks.find((c) => c.id === 'leak.types')!.message).toMatch(/app\.Order \+1\.0\/step .*held by app\.py:3 {2}app\._ORDERS/);
    expect(s.suspects[0]).toMatchObject({ kind: 'type', name: 'app.Order', countDelta: 30, perIteration: 1 });
  });

  it('a budget replaces its default check, with the units of a scenario', () => {
    const s = judged(syntheticObservations({ socketsPerStep: 1, budgets: { sockets: 40, fds: 'baseline+30', handles: 'baseline+30' } }));
    expect(s.checks.filter((c) => c.resource === 'sockets').map((c) => [c.id, c.pass])).toEqual([['budget.sockets', true]]);
    expect(s.verdict).toBe('pass');
  });

  it('a warning raised in the measured steps fails leak.warnings and is a suspect with its site', () => {
    const doc = syntheticObservations() as Record<string, unknown>;
    doc.warnings = [{ t: 100, phase: 'measured', category: 'ResourceWarning', message: 'unclosed <socket.socket fd=7, family=2>', filename: '/app/client.py', lineno: 12, site: '/app/client.py:9' }];
    const s = judged(doc);
    expect(s.checks.find((c) => c.id === 'leak.warnings')).toMatchObject({ pass: false, observed: 1 });
    expect(s.suspects.map((x) => x.name)).toContain('ResourceWarning: unclosed <socket.socket at /app/client.py:9');
  });

  it('a document with an error is an error, whatever its checks say', () => {
    const doc = { ...syntheticObservations(), error: 'step (iteration 4 of 33, warmup) raised ConnectionRefusedError: refused' };
    const report = judgeDocument(valid(doc), RUN);
    expect([report.verdict, report.exitCode, report.scenarios[0]!.error]).toEqual(['error', 2, doc.error]);
  });

  it('prints a warning as Python does, so the leak-warning table matches it', () => {
    expect(warningLine({ t: 0, phase: 'measured', category: 'ResourceWarning', message: 'unclosed file <x>\nmore', filename: 'a.py', lineno: 3, site: '', allocated: [] })).toBe('a.py:3: ResourceWarning: unclosed file <x>');
    expect(warningLine({ t: 0, phase: 'measured', category: 'Unclosed', message: 'Unclosed client session', filename: '', lineno: 0, site: '', allocated: [] })).toBe('Unclosed client session');
  });
});
