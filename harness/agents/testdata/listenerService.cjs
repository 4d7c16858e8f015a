/* eslint-disable @typescript-eslint/no-require-imports -- plain CJS test target */
// Test target: an HTTP service that subscribes each request's state to a shared emitter.
// `leaky` never unsubscribes (the listener array grows, holding every RequestState);
// `fixed` unsubscribes when the response ends. GET /timer starts an interval per request
// (leaky) or clears it (fixed), for the handle tracking.
const http = require('node:http');
const { EventEmitter } = require('node:events');

const mode = process.argv[2] || 'leaky';
const bus = new EventEmitter();

class RequestState {
  constructor(url) {
    this.url = url;
    this.started = Date.now();
    this.seen = 0;
  }
  touch() {
    this.seen++;
  }
}

const server = http.createServer((req, res) => {
  const state = new RequestState(req.url);
  const onTick = () => state.touch();
  bus.on('tick', onTick);
  if (req.url === '/timer') {
    const t = setInterval(() => state.touch(), 60_000);
    if (mode === 'fixed') clearInterval(t);
  }
  if (mode === 'fixed') res.on('finish', () => bus.off('tick', onTick));
  res.end('ok');
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
