// fixtures/finance-cli: 100 invocations of `analyze`. The leaky variant leaves a quote-streamer child
// running on its stale-quote error path, drops a socket unclosed (ResourceWarning) and grows its
// history file without bound.
import { rm } from 'node:fs/promises';
import { defineScenario } from 'seep';

// FINANCE_CLI_HISTORY lets two runs at once keep their own history file (the tests run leaky and fixed side by side)
const HISTORY = process.env.FINANCE_CLI_HISTORY ?? 'fixtures/finance-cli/.history';

export default defineScenario({
  name: 'cli: 100 invocations',
  env: { VARIANT: process.env.VARIANT ?? 'fixed', FINANCE_CLI_HISTORY: HISTORY },
  setup: () => rm(HISTORY, { force: true }),
  warmup: 3,
  iterations: 100,
  // exit 3 is the CLI's answer to a stale quote: the error path under test, not a failure of the run
  step: ({ exec }) => exec(['python3', 'fixtures/finance-cli/cli.py', 'analyze', 'BTCUSD'], { okCodes: [0, 3] }),
  budgets: {
    orphans: 0,
    output: { forbid: ['Unclosed client session', 'ResourceWarning'] },
    files: { [HISTORY]: '2MB' },
  },
});
