// fixtures/disk/temp_cli.py: 20 exports. The leaky variant stages each export in a mkdtemp() folder
// it never removes (~300 KB a run left in $TMPDIR): leak.disk names the folders. The fixed one uses
// TemporaryDirectory() and leaves nothing. seep gives the commands a temp dir of their own (TMPDIR).
import { defineScenario } from 'seep';

export default defineScenario({
  name: 'temp-cli: 20 exports',
  env: { VARIANT: process.env.VARIANT ?? 'fixed' },
  warmup: 3,
  iterations: 20,
  step: ({ exec }) => exec(['python3', 'fixtures/disk/temp_cli.py', 'export', 'Q3']),
});
