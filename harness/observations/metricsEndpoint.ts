// `--metrics-port`: the current values of every running soak in Prometheus text format
// (exposition format 0.0.4), on 127.0.0.1 only, so a team can watch a week-long soak in the
// Grafana they already run. Values are read at scrape time from whoever registered; nothing is
// kept between scrapes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Gauge {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
}

export const GAUGES = {
  targetRss: { name: 'seep_target_rss_bytes', help: "Resident set size of the target's process tree", type: 'gauge' },
  targetCpu: { name: 'seep_target_cpu_percent', help: 'CPU of the target tree, percent of one core', type: 'gauge' },
  targetFds: { name: 'seep_target_fds', help: 'Open file descriptors of the target tree', type: 'gauge' },
  targetSockets: { name: 'seep_target_sockets', help: 'TCP sockets of the target tree', type: 'gauge' },
  targetThreads: { name: 'seep_target_threads', help: 'Threads of the target tree', type: 'gauge' },
  targetProcesses: { name: 'seep_target_processes', help: 'Processes in the target tree', type: 'gauge' },
  seepRss: { name: 'seep_rss_bytes', help: "seep's own resident set size", type: 'gauge' },
  elapsed: { name: 'seep_soak_elapsed_seconds', help: 'Time since the soak started', type: 'gauge' },
  remaining: { name: 'seep_soak_remaining_seconds', help: 'Time left until the soak ends', type: 'gauge' },
  samples: { name: 'seep_samples_total', help: 'Samples taken', type: 'counter' },
  requests: { name: 'seep_load_requests_total', help: 'Requests sent by the load generator', type: 'counter' },
  errors: { name: 'seep_load_errors_total', help: 'Load requests that failed or got a non-2xx answer', type: 'counter' },
  latencyP99: { name: 'seep_load_latency_p99_seconds', help: 'p99 latency of the last load interval', type: 'gauge' },
  restarts: { name: 'seep_target_restarts_total', help: 'Restarts of the target after it exited', type: 'counter' },
  alerts: { name: 'seep_alerts_total', help: 'Alert thresholds crossed', type: 'counter' },
  stepErrors: { name: 'seep_step_errors_total', help: 'Steps that threw (the soak went on)', type: 'counter' },
} as const satisfies Record<string, Gauge>;

export type GaugeKey = keyof typeof GAUGES;
export type Values = Partial<Record<GaugeKey, number | null>>;

export interface MetricsEndpoint {
  port: number;
  /** publish a scenario's values, read at every scrape; returns the function that withdraws them */
  watch(scenario: string, read: () => Values): () => void;
  close(): Promise<void>;
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function renderMetrics(sources: Map<string, () => Values>): string {
  const read = [...sources].map(([scenario, get]) => ({ scenario, values: get() }));
  const lines: string[] = [];
  for (const [key, g] of Object.entries(GAUGES) as [GaugeKey, Gauge][]) {
    const rows = read.filter((r) => typeof r.values[key] === 'number' && Number.isFinite(r.values[key]));
    if (rows.length === 0) continue;
    lines.push(`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} ${g.type}`);
    for (const r of rows) lines.push(`${g.name}{scenario="${escapeLabel(r.scenario)}"} ${r.values[key]}`);
  }
  return lines.join('\n') + '\n';
}

const MAX_HEADER_BYTES = 8 * 1024;

export async function startMetricsEndpoint(port: number): Promise<MetricsEndpoint> {
  const sources = new Map<string, () => Values>();
  // a scrape is a GET with a few headers: anything bigger is not Prometheus, and gets no more time
  const server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: 10_000, headersTimeout: 5_000 }, (req, res) => {
    res.setHeader('connection', 'close');
    if (req.url !== '/metrics' && req.url !== '/') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('seep serves /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET, HEAD' }).end('seep serves GET /metrics\n');
      return;
    }
    let body: string;
    try {
      body = renderMetrics(sources);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(err as Error).message}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`--metrics-port ${port}: cannot listen on 127.0.0.1: ${err.message}`)));
    server.listen(port, '127.0.0.1', () => resolve());
  });
  server.unref();
  return {
    port: (server.address() as AddressInfo).port,
    watch(scenario, read) {
      sources.set(scenario, read);
      return () => sources.delete(scenario);
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
