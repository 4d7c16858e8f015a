// fixtures/socket-leak: a feed client that keeps one TCP connection per call. Memory stays flat
// (a few hundred bytes a call), so only the socket count shows the leak.
import { defineScenario } from 'seep';

export default defineScenario({
  name: 'socket-leak: 50 feed opens',
  module: { path: 'fixtures/socket-leak/sockets.py', env: { VARIANT: process.env.VARIANT ?? 'fixed' } },
  warmup: 3,
  iterations: 50,
  step: ({ call }) => call('open_feed', ['ticks']),
});
