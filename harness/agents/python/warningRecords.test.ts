// The Python agent's record of the warnings it sees: taken as they come ('warnings' since a count,
// how the engine reads a test process whose output pytest captures), and never counted as the
// target's growth (pytest shows every warning: its record would grow a dict and a list a call).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PYTHON } from '../../../fixtures/testing/pythonFrameworks.ts';

const agentDir = import.meta.dirname;

function agentAfter(calls: number): { changes: Record<string, number>; first: { total: number; n: number }; next: { total: number; n: number; lost: number }; all: number } {
  const script = `
import json, warnings, seep_agent
seep_agent._install_capture()
seep_agent.keep_warnings(seep_agent.MAX_WARNINGS)  # as seep caller does: it reads the record since a count
warnings.simplefilter("always")
def call(i):
    warnings.warn(f"old api, call {i}", DeprecationWarning)
call(0)
seep_agent.op_gc({})
seep_agent.op_type_growth({"action": "baseline"})
first = seep_agent.op_warnings({"since": 0})
for i in range(1, ${calls} + 1):
    call(i)
seep_agent.op_gc({})
changes = seep_agent.op_type_growth({"action": "read", "minChange": 2, "limit": 50})["changes"]
nxt = seep_agent.op_warnings({"since": first["total"]})
print(json.dumps({"changes": changes, "first": {"total": first["total"], "n": len(first["warnings"])},
                  "next": {"total": nxt["total"], "n": len(nxt["warnings"]), "lost": nxt["lost"]}, "all": len(seep_agent.op_warnings({})["warnings"])}))
`;
  return JSON.parse(execFileSync(PYTHON, ['-c', script], { env: { ...process.env, PYTHONPATH: agentDir }, encoding: 'utf8', timeout: 60_000 }));
}

describe("Python agent: its warnings' record", () => {
  it('gives the warnings since a count, and its record of 30 more is not growth of the target', () => {
    const r = agentAfter(30);
    expect(r.first).toEqual({ total: 1, n: 1 });
    expect(r.next).toEqual({ total: 31, n: 30, lost: 0 });
    expect(r.all).toBe(31);
    expect(r.changes).not.toHaveProperty('dict');
    expect(r.changes).not.toHaveProperty('list');
  });

  it('keeps the newest 200, and says how many a reader missed', () => {
    const r = agentAfter(250);
    expect(r.next).toEqual({ total: 251, n: 200, lost: 50 });
    expect(r.changes).not.toHaveProperty('dict');
  });
});
