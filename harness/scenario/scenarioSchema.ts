// Validation of scenario objects, run before anything starts. zod gives exact field paths and
// rejects unknown keys (a typo such as `budget:` must not silently disable every check).
// The authoring types live in types.ts; scenarioSchema.test.ts checks that valid examples of
// every shape in types.ts pass, so the two stay in step.
import { z } from 'zod';
import type { Scenario } from './types.ts';
import { parseCountLimit, parseDuration, parseRate, parseSize, parseSizeRate, parseStepTimeRate } from './units.ts';
import { formatElapsed } from './elapsed.ts';
import { globProblem } from './pathGlob.ts';

function parsed<T>(parse: (s: string) => T) {
  return z.string().superRefine((value, ctx) => {
    try {
      parse(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });
}

const size = parsed(parseSize);
const duration = parsed(parseDuration);
const countLimit = z.union([z.string(), z.number()]).superRefine((value, ctx) => {
  try {
    parseCountLimit(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});
const glob = z.string().superRefine((value, ctx) => {
  const problem = globProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
/** a count the scenario gives: the message says what came instead */
function wholeNumber(min: number) {
  return z.custom<number>((v) => typeof v === 'number' && Number.isInteger(v) && v >= min, { error: (issue) => `expected a whole number of at least ${min}, got ${JSON.stringify(issue.input)}` });
}
const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', { message: 'expected a function' });
const env = z.record(z.string(), z.string());
const argv = z.array(z.string()).min(1, 'expected a command as a non-empty array of strings, e.g. ["python3", "server.py"]');
const timeoutMs = wholeNumber(1).optional();

const ready = z.union([
  z.strictObject({ http: z.string().startsWith('/', "expected a path starting with '/', e.g. '/healthz'"), timeoutMs }),
  z.strictObject({ tcp: z.literal(true), timeoutMs }),
  z.strictObject({ stdout: z.union([z.string(), z.instanceof(RegExp)]), timeoutMs }),
], { message: "expected { http: '/path' }, { tcp: true } or { stdout: 'text' | /regex/ }" });

// One object for both kinds of service, told apart by `attach`, so that a mistake is named by its
// field (`service.url`), not reported as "matches neither shape" of a union.
const attach = z.strictObject({
  pid: z.number().int().positive().optional(),
  pidFile: z.string().min(1).optional(),
}).superRefine((a, ctx) => {
  if ((a.pid === undefined) === (a.pidFile === undefined)) ctx.addIssue({ code: 'custom', message: 'expected { pid: 1234 } or { pidFile: \'/run/app.pid\' }' });
});

const httpUrl = z.string().superRefine((value, ctx) => {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (url?.protocol !== 'http:') ctx.addIssue({ code: 'custom', message: `expected an http:// URL such as 'http://127.0.0.1:8080', got '${value}'` });
});

const service = z.strictObject({
  command: argv.optional(),
  ready: ready.optional(),
  env: env.optional(),
  cwd: z.string().optional(),
  restart: z.boolean().optional(),
  attach: attach.optional(),
  url: httpUrl.optional(),
}).superRefine((s, ctx) => {
  const issue = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: [field], message });
  // a deployed service: only its url (and readiness); its evidence comes from Prometheus
  if (s.attach === undefined && s.command === undefined && s.url !== undefined) {
    for (const k of ['env', 'cwd', 'restart'] as const) {
      if (s[k] !== undefined) issue(k, `a deployed service (url, no command) is not started by seep: ${k} has nothing to apply to`);
    }
    if (s.ready && 'stdout' in s.ready) issue('ready', "a deployed service's output is not seep's to read: use { http: '/path' } or { tcp: true }");
    return;
  }
  if (s.attach === undefined) {
    if (s.command === undefined) issue('command', 'expected a command as a non-empty array of strings, e.g. ["python3", "server.py"] (or attach: { pid } for a service seep did not start, or url alone for a deployed one)');
    if (s.ready === undefined) issue('ready', "expected { http: '/path' }, { tcp: true } or { stdout: 'text' | /regex/ }");
    if (s.url !== undefined) issue('url', "seep finds a service it starts on its {port}: url is for an attached one (attach: { pid }) or a deployed one (no command)");
    return;
  }
  for (const k of ['command', 'env', 'cwd', 'restart'] as const) {
    if (s[k] !== undefined) issue(k, `an attached service is not started by seep: give attach or ${k}, not both`);
  }
  if (s.url === undefined) issue('url', "an attached service needs the URL its steps and load go to, e.g. 'http://127.0.0.1:8080'");
  if (s.ready && 'stdout' in s.ready) issue('ready', "an attached service's output is not seep's to read: use { http: '/path' } or { tcp: true }");
});

const prometheusEvidence = z.strictObject({
  url: httpUrl,
  selector: z.string().optional(),
  metric: z.enum(['rss', 'working-set', 'heap', 'fds']).optional(),
  query: z.string().min(1).optional(),
  limitQuery: z.string().min(1).optional(),
  limit: z.string().optional(),
  step: duration.optional(),
}).superRefine((p, ctx) => {
  const issue = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: [field], message });
  if (p.query !== undefined && (p.metric !== undefined || p.selector !== undefined)) issue('query', 'give query, or metric and selector: query is PromQL of your own');
  if (p.limit !== undefined && p.limitQuery !== undefined) issue('limit', 'give limit or limitQuery, not both');
  if (p.limit !== undefined && p.metric !== 'fds' && !/^\d+$/.test(p.limit)) {
    try {
      parseSize(p.limit);
    } catch (err) {
      issue('limit', (err as Error).message);
    }
  }
  if (p.limit !== undefined && p.metric === 'fds' && !/^\d+$/.test(p.limit)) issue('limit', `fds are a count: expected a whole number, got '${p.limit}'`);
});

const budgets = z.strictObject({
  rssGrowth: size.optional(),
  rssPerIteration: size.optional(),
  rssSlope: parsed(parseSizeRate).optional(),
  peakRss: size.optional(),
  heapGrowth: size.optional(),
  sockets: countLimit.optional(),
  fds: countLimit.optional(),
  threads: countLimit.optional(),
  children: countLimit.optional(),
  handles: countLimit.optional(),
  orphans: wholeNumber(0).optional(),
  output: z.strictObject({
    forbid: z.array(z.union([z.string().min(1), z.instanceof(RegExp)])).optional(),
    allow: z.array(z.union([z.string().min(1), z.instanceof(RegExp)])).optional(),
  }).optional(),
  files: z.record(z.string(), size).optional(),
  disk: z.union([size, z.strictObject({ growth: size.optional(), allow: z.array(glob).optional() })], {
    message: "expected a size such as '50MB', or { growth: '50MB', allow: ['*.log'] }",
  }).optional(),
  stepTime: parsed(parseStepTimeRate).optional(),
  latencyP99: duration.optional(),
  seepRss: size.optional(),
  stepErrors: wholeNumber(0).optional(),
});

const loadSpec = z.strictObject({
  requests: z.array(z.strictObject({
    method: z.string().optional(),
    path: z.string().startsWith('/'),
    body: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
  })).min(1),
  connections: z.number().int().positive().optional(),
  ok: z.array(z.union([z.number().int().min(100).max(599), z.enum(['1xx', '2xx', '3xx', '4xx', '5xx'])])).min(1).optional(),
  phases: z.array(z.strictObject({
    duration,
    rate: z.number().positive().optional(),
    connections: z.number().int().positive().optional(),
  })).min(1),
});

export const scenarioSchema = z.strictObject({
  name: z.string().min(1),
  service: service.optional(),
  evidence: z.strictObject({ prometheus: prometheusEvidence }).optional(),
  module: z.strictObject({
    path: z.string().regex(/\.(py|js|mjs|cjs|ts|mts)$/, 'expected a path ending in .py, .js, .mjs, .cjs, .ts or .mts'),
    env: env.optional(),
  }).optional(),
  warmup: z.union([z.number().int().min(0), duration]).optional(),
  iterations: wholeNumber(1).optional(),
  duration: duration.optional(),
  rate: parsed(parseRate).optional(),
  interval: duration.optional(),
  load: loadSpec.optional(),
  alerts: z.strictObject({
    rss: z.strictObject({ warning: size.optional(), critical: size.optional() }).optional(),
  }).optional(),
  abortOnFail: z.boolean().optional(),
  memoryLimit: size.optional(),
  calibrate: z.boolean().optional(),
  step: fn,
  setup: fn.optional(),
  teardown: fn.optional(),
  stepTimeoutMs: timeoutMs,
  settleMs: wholeNumber(0).optional(),
  sampleHz: z.number().positive().max(100).optional(),
  budgets: budgets.optional(),
  env: env.optional(),
}).superRefine((s, ctx) => {
  if (s.service && s.module) {
    ctx.addIssue({ code: 'custom', path: ['module'], message: 'a scenario drives one target: give service or module, not both' });
  }
  const deployed = s.service !== undefined && s.service.command === undefined && s.service.attach === undefined && s.service.url !== undefined;
  if (deployed && !s.evidence) {
    ctx.addIssue({ code: 'custom', path: ['evidence'], message: `a deployed service (service: { url } with no command) is seen only through Prometheus: add evidence: { prometheus: { url: 'http://prometheus:9090', selector: 'job="orders"' } }` });
  }
  if (s.evidence && !deployed) {
    ctx.addIssue({ code: 'custom', path: ['evidence'], message: 'evidence.prometheus observes a deployed service: give service: { url } with no command and no attach' });
  }
  if (deployed && s.memoryLimit !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['memoryLimit'], message: 'a deployed service runs where it was deployed: seep cannot put it under a memoryLimit (give the replicas\' limit as evidence.prometheus.limitQuery)' });
  }
  if (s.service?.attach && s.memoryLimit !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['memoryLimit'], message: 'an attached service runs in the cgroup it was started in: seep cannot put it under a memoryLimit' });
  }
  if (s.load && !s.service) {
    ctx.addIssue({ code: 'custom', path: ['load'], message: 'load needs a service to send requests to' });
  }
  if (s.iterations !== undefined && s.duration !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['duration'], message: 'give iterations or duration, not both' });
  }
  if (s.rate !== undefined && s.interval !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['interval'], message: 'give rate or interval, not both' });
  }
  if (s.load && s.duration !== undefined) {
    // an unreadable duration is reported on its own field
    const ms = (d: string) => { try { return parseDuration(d); } catch { return NaN; } };
    const phases = s.load.phases.reduce((sum, p) => sum + ms(p.duration), 0);
    const soakMs = ms(s.duration);
    if (phases > soakMs) {
      ctx.addIssue({ code: 'custom', path: ['load', 'phases'], message: `the phases last ${formatElapsed(phases)}, longer than the ${formatElapsed(soakMs)} duration: the load would be cut short; shorten the phases or lengthen the duration` });
    }
  }
  if (typeof s.warmup === 'string' && s.duration === undefined) {
    ctx.addIssue({ code: 'custom', path: ['warmup'], message: "a warmup by time ('30m') needs a duration; use a number of iterations otherwise" });
  }
});

export interface ScenarioProblem {
  field: string;
  message: string;
}

export function validateScenario(value: unknown): { ok: true; scenario: Scenario } | { ok: false; problems: ScenarioProblem[] } {
  if (typeof value !== 'object' || value === null) {
    return { ok: false, problems: [{ field: '(default export)', message: `expected a scenario object, got ${value === null ? 'null' : typeof value}` }] };
  }
  const r = scenarioSchema.safeParse(value);
  if (r.success) return { ok: true, scenario: value as Scenario };
  const problems = r.error.issues.map((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({ field: base ? `${base}.${k}` : k, message: 'unknown key' }));
    }
    return [{ field: base || '(scenario)', message: issue.message.replace(/^Invalid input: /, '') }];
  });
  return { ok: false, problems: problems.flat() };
}

