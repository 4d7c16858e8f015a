// The Python agent's type counts leave out what a bounded functools.lru_cache holds (it fills and
// stops: urllib.parse.urlsplit's cache of 128), and count what an unbounded one or a list keeps.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const SCRIPT = `
import json, functools, urllib.parse, seep_agent
class Keep: pass
kept = [Keep() for _ in range(60)]
@functools.lru_cache(maxsize=None)
def unbounded(i): return Keep()
@functools.lru_cache(maxsize=500)
def bounded(i): return Keep()
for i in range(60):
    urllib.parse.urlsplit(f"/api/reports/{i}")
    bounded(i)
for i in range(10): unbounded(i)
c = seep_agent._count_by_type()
print(json.dumps({"split": c.get("urllib.parse.SplitResult", 0), "keep": c.get("__main__.Keep", 0)}))
`;

describe('Python agent type counts and bounded caches', () => {
  it("leave out the results a bounded lru_cache holds, and count an unbounded cache's and a list's", () => {
    const out = execFileSync('python3', ['-c', SCRIPT], { env: { ...process.env, PYTHONPATH: import.meta.dirname }, encoding: 'utf8' });
    // 60 in the list + 10 in the unbounded cache; the 60 in the bounded one are left out
    expect(JSON.parse(out)).toEqual({ split: 0, keep: 70 });
  });
});
