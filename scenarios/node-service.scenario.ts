// fixtures/node-service: 100 orders over HTTP. The leaky variant adds a listener per request to a
// shared emitter and keeps every RequestState in a Map.
import { defineScenario } from 'seep';

export default defineScenario({
  name: 'node-service: 100 orders',
  service: {
    command: ['node', 'fixtures/node-service/server.mjs', '--port', '{port}'],
    ready: { http: '/healthz' },
    env: { VARIANT: process.env.VARIANT ?? 'fixed' },
  },
  // V8 grows its heap over the first ~25 requests before it settles: warm up past that
  warmup: 25,
  iterations: 100,
  step: async ({ http, iteration }) => {
    const res = await http.post('/api/orders', { json: { symbol: 'ACME', qty: 1 + (iteration % 5) } });
    if (res.status !== 200) throw new Error(`orders answered ${res.status}: ${res.body.slice(0, 200)}`);
  },
  budgets: { output: { forbid: ['MaxListenersExceededWarning'] } },
});
