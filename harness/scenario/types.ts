// What a scenario file exports. `defineScenario()` only adds these types; a plain object works too.

export type ReadyCheck =
  | { http: string; timeoutMs?: number }
  | { tcp: true; timeoutMs?: number }
  | { stdout: string | RegExp; timeoutMs?: number };

export interface ServiceSpec {
  /** argv; '{port}' in any element is replaced by a free port seep picks */
  command: string[];
  ready: ReadyCheck;
  env?: Record<string, string>;
  cwd?: string;
  /** restart the service when it exits during a soak, counting restarts */
  restart?: boolean;
}

/**
 * A service seep did not start (a systemd unit, a container's process): seep samples its process
 * tree and drives the steps and load against `url`, but injects no agent, never restarts it and never
 * stops it. `seep run --attach PID` attaches any service scenario to PID instead.
 */
export interface AttachedServiceSpec {
  /** the process: its pid, or a file holding it (read when the scenario starts; relative to the project root) */
  attach: { pid: number } | { pidFile: string };
  /** where the steps and the load send their requests: 'http://127.0.0.1:8080' */
  url: string;
  /** checked once before the first step (against url); stdout is not seep's to read */
  ready?: Exclude<ReadyCheck, { stdout: string | RegExp }>;
}

/**
 * A deployed service seep neither starts nor sees (replicas on other machines or pods): seep drives
 * the steps and load at `url`, and its evidence comes from Prometheus (`evidence.prometheus`), each
 * replica judged apart.
 */
export interface DeployedServiceSpec {
  /** where the steps and the load send their requests: the service's address (a load balancer, a Kubernetes Service) */
  url: string;
  /** checked once before the first step (against url) */
  ready?: Exclude<ReadyCheck, { stdout: string | RegExp }>;
}

/** What the deployed service's replicas are judged on: their series in Prometheus, over the scenario's run. */
export interface PrometheusEvidence {
  /** the Prometheus server: 'http://prometheus:9090' */
  url: string;
  /** the matchers that pick the service's replicas: 'job="orders"' or '{namespace="staging", pod=~"orders-.*"}' */
  selector?: string;
  /** which series of theirs (default 'rss': process_resident_memory_bytes); 'working-set' is cAdvisor's, for containers */
  metric?: 'rss' | 'working-set' | 'heap' | 'fds';
  /** PromQL of your own instead of metric and selector; one series per replica */
  query?: string;
  /** each replica's limit, for time to limit: PromQL ('kube_pod_container_resource_limits{resource="memory"}') ... */
  limitQuery?: string;
  /** ... or one size (a count for fds) for every replica */
  limit?: string;
  /** the points' spacing (default the run's length / 1000, at least 15s; no less than the scrape interval) */
  step?: string;
}

export interface ModuleSpec {
  /** .py runs in a Python worker, .js/.mjs/.ts in a Node worker */
  path: string;
  env?: Record<string, string>;
}

/**
 * Response headers by lower-case name, as Node gives them: Set-Cookie as one entry per cookie (its
 * values cannot be joined), every other header one string (a repeated one joined with ", ", as
 * HTTP allows for list-valued fields).
 */
export interface HttpResponseHeaders {
  [name: string]: string | string[] | undefined;
  'set-cookie'?: string[];
  'content-type'?: string;
  'content-length'?: string;
  location?: string;
}

export interface HttpResponse {
  status: number;
  /** the URL that answered: the last one, when redirects were followed */
  url: string;
  headers: HttpResponseHeaders;
  body: string;
  json<T = unknown>(): T;
}

export interface HttpRequestOptions {
  json?: unknown;
  /** sent as application/x-www-form-urlencoded, as an HTML form posts it */
  form?: Record<string, string>;
  body?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** 'follow': follow 3xx redirects (up to 10; a 303, or a 301/302 after a POST, becomes a GET); default 'manual': return the 3xx */
  redirect?: 'follow' | 'manual';
  /** false: neither send the run's cookies nor keep what this response sets (default true) */
  cookies?: boolean;
}

export interface HttpClient {
  readonly baseUrl: string;
  get(path: string, opts?: HttpRequestOptions): Promise<HttpResponse>;
  post(path: string, opts?: HttpRequestOptions): Promise<HttpResponse>;
  request(method: string, path: string, opts?: HttpRequestOptions): Promise<HttpResponse>;
  /**
   * A cookie the service set, as the run's cookie jar holds it for the base URL (every step of a run
   * shares one jar, as a browser or a requests.Session keeps one): a CSRF token to post back
   */
  cookie(name: string): string | undefined;
}

export interface ExecOptions {
  env?: Record<string, string>;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
  /** exit codes that count as success; default [0] */
  okCodes?: number[];
}

export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface StepContext {
  iteration: number;
  phase: 'warmup' | 'measured';
  /** the service's HTTP client (service scenarios) */
  http: HttpClient;
  /** call a function exported by the module (module scenarios) */
  call: (fn: string, args?: unknown[]) => Promise<unknown>;
  /** spawn a command and wait for it; its output is watched like the target's */
  exec: (argv: string[], opts?: ExecOptions) => Promise<ExecResult>;
  /** the port given to the service, when there is one */
  port: number | undefined;
  signal: AbortSignal;
}

export type HookContext = Omit<StepContext, 'iteration' | 'phase'>;

export interface OutputBudget {
  /** lines the target must never print, besides the known leak warnings (seep's table) */
  forbid?: (string | RegExp)[];
  /** lines that are not counted as a known leak warning (one you know to be harmless) */
  allow?: (string | RegExp)[];
}

/**
 * Disk (`leak.disk` by default): the target's own temp dir, the files its tree holds open for
 * writing and the files it creates in its working directory, followed at every boundary.
 */
export interface DiskBudget {
  /** how much the disk the target uses may grow over the measured phase ('50MB'); replaces leak.disk's trend */
  growth?: string;
  /** files not judged (globs, relative to the project root; a bare name matches in any folder): a log rotated elsewhere, '*.log' */
  allow?: string[];
}

export interface Budgets {
  rssGrowth?: string;
  rssPerIteration?: string;
  rssSlope?: string;
  peakRss?: string;
  heapGrowth?: string;
  sockets?: string | number;
  fds?: string | number;
  threads?: string | number;
  children?: string | number;
  /** what the runtime agent sees open (Node: active handles and requests; Python: sockets, files, event loops, subprocesses) */
  handles?: string | number;
  orphans?: number;
  output?: OutputBudget;
  /** path (relative to the repo root) -> max size, e.g. { 'fixtures/finance-cli/.history': '2MB' }; a folder: all it holds */
  files?: Record<string, string>;
  /** disk growth as a size ('50MB', as `{ growth }`), or growth and the files not judged */
  disk?: string | DiskBudget;
  /** how much slower a step may get, a slope: '5ms/100 steps', '1ms/step' (reported in every run; fails only when set) */
  stepTime?: string;
  /** p99 latency bound under load, e.g. '200ms' */
  latencyP99?: string;
  /** seep's own RSS bound during the run */
  seepRss?: string;
  /**
   * Soaks: how many steps may throw (default 0). A soak goes on past a step that throws, records
   * it, and fails this budget at the end; 20 failures in a row end it as an error. A counted run
   * ends at the first step that throws.
   */
  stepErrors?: number;
}

export interface LoadPhase {
  /** how long this phase lasts: '30s', '10m' */
  duration: string;
  /** requests per second across all connections at the end of the phase (ramps linearly from the previous) */
  rate?: number;
  connections?: number;
}

export interface LoadSpec {
  requests: { method?: string; path: string; body?: string; headers?: Record<string, string> }[];
  connections?: number;
  /** the statuses counted as successes: numbers (404) and classes ('2xx'); default ['2xx', '3xx'] */
  ok?: (number | '1xx' | '2xx' | '3xx' | '4xx' | '5xx')[];
  phases: LoadPhase[];
}

export interface AlertSpec {
  rss?: { warning?: string; critical?: string };
}

export interface Scenario {
  name: string;
  service?: ServiceSpec | AttachedServiceSpec | DeployedServiceSpec;
  module?: ModuleSpec;
  /** where the evidence of a deployed service (`service: { url }`) comes from */
  evidence?: { prometheus: PrometheusEvidence };
  warmup?: number | string;
  iterations?: number;
  /** soak: run for this long ('24h', '7d') instead of a count */
  duration?: string;
  /** soak: pace steps, '10/s' */
  rate?: string;
  /** soak: pause between steps, '500ms' */
  interval?: string;
  load?: LoadSpec;
  alerts?: AlertSpec;
  /** stop early when a budget is already certain to fail */
  abortOnFail?: boolean;
  /**
   * Run the target (every process it starts) in a memory cgroup with this limit, as a container
   * would ('512MB'): usage and OOM kills are recorded, an OOM kill fails budget.memoryLimit. Needs
   * root or a delegated cgroup; without, the run goes on unlimited and says so.
   */
  memoryLimit?: string;
  /**
   * after a passing counted run, run it once more with a known leak of the size the run says it
   * would have caught planted through the agent, and fail when it is missed (also `--calibrate`)
   */
  calibrate?: boolean;
  step: (ctx: StepContext) => unknown;
  setup?: (ctx: HookContext) => unknown;
  teardown?: (ctx: HookContext) => unknown;
  /** per-step timeout, default 30s */
  stepTimeoutMs?: number;
  /** wait after the last iteration before the baseline comparison, default 1000 ms */
  settleMs?: number;
  /** timer sampling rate, default 4 */
  sampleHz?: number;
  budgets?: Budgets;
  env?: Record<string, string>;
}

export function defineScenario(s: Scenario): Scenario {
  return s;
}
