// fixtures/crew: run_crew() 50 times in a Python worker. The leaky variant keeps every crew in a
// module-level registry (~2 MB a run); the fixed one unregisters it. VARIANT=leaky to see the leak.
import { defineScenario } from 'seep';

export default defineScenario({
  name: 'crew: run_crew 50x',
  module: { path: 'fixtures/crew/crew.py', env: { VARIANT: process.env.VARIANT ?? 'fixed' } },
  warmup: 3,
  iterations: 50,
  step: ({ call }) => call('run_crew', ['export']),
  budgets: { rssGrowth: '50MB' },
});
