// fixtures/escaper: a CLI that double-forks a daemon into a new session and returns. The daemon
// leaves the process tree, but it inherits seep's run cookie, so seep still finds and kills it.
import { defineScenario } from 'seep';

export default defineScenario({
  name: 'escaper: 20 invocations',
  env: { VARIANT: process.env.VARIANT ?? 'fixed' },
  warmup: 1,
  iterations: 20,
  step: ({ exec }) => exec(['python3', 'fixtures/escaper/escaper.py']),
  budgets: { orphans: 0 },
});
