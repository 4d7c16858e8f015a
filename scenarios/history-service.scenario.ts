// fixtures/disk/history_service.py: 60 checks recorded in SQLite. The leaky variant never prunes
// its history: the file grows ~117 KB a check (leak.disk names it) and every check is slower than
// the last, since it reads all that was kept (budget.stepTime). The fixed one prunes to the last
// 1000 rows: the file and the step time plateau within the warmup. Two warmup checks and 60
// measured: the leaky steps then slow ~7x over the run (3x with 6 + 40), enough to stand out of a
// busy machine's load that comes and goes for seconds (at 6 + 40 a CI run read it inconclusive).
import path from 'node:path';
import { defineScenario } from 'seep';
import { FIXTURE_DIR, workDir } from '../fixtures/disk/workDir.mjs';

const variant = process.env.VARIANT ?? 'fixed';

export default defineScenario({
  name: 'history-service: 60 checks',
  service: {
    command: ['python3', path.join(FIXTURE_DIR, 'history_service.py'), '--port', '{port}', '--fresh'],
    cwd: workDir(`history-${variant}`),
    ready: { http: '/healthz' },
    env: { VARIANT: variant },
  },
  // the fixed history holds its 1000 rows from the first check and its file stops growing at the
  // second, when the pruned pages are first reused
  warmup: 2,
  iterations: 60,
  step: async ({ http, iteration }) => {
    const res = await http.post('/api/checks', { json: { n: iteration } });
    if (res.status !== 200) throw new Error(`/api/checks answered ${res.status}`);
  },
  budgets: { stepTime: '20ms/100 steps' },
});
