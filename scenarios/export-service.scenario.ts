// fixtures/export-service: 50 export jobs over HTTP. The leaky variant never closes its upstream
// keep-alive sessions and caches ~1 MB ticker objects with no size cap.
import { defineScenario } from 'seep';

export default defineScenario({
  name: 'export: 50 download-tracker cycles',
  service: {
    command: ['python3', 'fixtures/export-service/server.py', '--port', '{port}'],
    ready: { http: '/healthz', timeoutMs: 60_000 },
    env: { VARIANT: process.env.VARIANT ?? 'fixed' },
  },
  // the fixed variant's LRU cache (8 entries) fills during the first ~10 jobs: warm up past that
  warmup: 10,
  iterations: 50,
  step: async ({ http, iteration }) => {
    const res = await http.post('/api/jobs/download-tracker/trigger', { json: { n: iteration } });
    if (res.status !== 200) throw new Error(`trigger answered ${res.status}: ${res.body.slice(0, 200)}`);
  },
  budgets: { rssGrowth: '50MB', sockets: 'baseline' },
});
