// The command line's words: usage text, options, and the usage errors that exit 2.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseDuration, UnitError } from '../scenario/units.ts';

export const USAGE = `usage:
  seep run [files or dirs...]   run scenarios (default: scenarios/)
      --report-dir <dir>        where runs are written (default: reports/)
      --json <file>             also write the JSON report here
      --junit <file>            write JUnit XML here
      --markdown <file>         write a Markdown summary here (also appended to $GITHUB_STEP_SUMMARY)
      --iterations <N>          override every scenario's measured iterations
      --warmup <N>              override every scenario's warmup iterations
      --only <text>             run only scenarios whose name contains <text>
      --calibrate               after a passing counted run, run again with a leak of the size it
                                says it would have caught planted in the target; fail if missed
      --duration <time>         soak: run every scenario for this long ('90s', '24h', '7d')
      --metrics-port <N>        soak: serve current values in Prometheus format on 127.0.0.1:<N>/metrics
      --live-every <time>       soak: refresh the report while running (default 3m)
      --attach <PID>            sample and drive the running service PID instead of the scenario's
                                own (service scenarios only); seep neither injects an agent nor stops it
      --baseline <run-dir|report.json>  also fail a resource whose slope or leftover is significantly
                                worse than in this stored run, beyond --tolerance (regression.* checks)
      --tolerance <N%>          how much worse than the stored run counts (default 10%, with a floor per unit)
      --shard <i/n>             run only slice i of n of the scenarios (the same on every machine)
      --shard-durations <file>  balance the slices by the durations in this report.json (or run dir)
  seep init <kind> ...          write a first scenario, commented: service, function or cli
                                (seep init alone explains each, with an example)
      --ci github               also write .github/workflows/seep.yml
  seep report <run-dir>         re-render HTML, JUnit and Markdown from <run-dir>/report.json;
                                a soak seep did not finish (crash, SIGKILL) is rebuilt from its sample stream first
      --junit <file>  --markdown <file>
  seep compare <before> <after>  two runs of the same scenarios (run dirs or report.json), slope by slope:
                                exit 1 when after is significantly worse beyond --tolerance, 2 when they differ
      --tolerance <N%>  --json <file>
      --html <file>             the comparison page (default <after>/compare-<before run id>.html)
  seep merge <run-dir>... --into <dir>   join the run dirs of seep run --shard i/n into one run
                                (report.json, HTML, and --junit/--markdown/--json as seep run writes them)
  seep pytest [pytest args...]  run pytest with seep's plugin loaded (@pytest.mark.leaks)
  seep caller --fd <N> < test.json  (for test runners' plugins: the pytest plugin) run the engine on
                                the process that started seep, which runs each step's body and
                                answers the agent on the socket at fd N; the test on stdin
      --report-dir <dir>        write report.json and HTML under <dir>/<run-id>/
      --json <file>             write the JSON report here
  seep judge --prometheus <url> --query '<PromQL>' | --metric rss|working-set|heap|fds [--selector '<matchers>']
                                judge every series the query returns (one per pod, container or instance;
                                each life of a restarted one apart) as a soak: per hour, trend and plateau
      --range <time>            how far back from --at (default 24h)
      --step <time>             the points' spacing (default range/1000, at least 15s)
      --at <time>               the range's end: RFC 3339 or seconds since the epoch (default now)
      --limit-query '<PromQL>'  each series' limit, for time to limit (fds: process_max_fds by default)
      --limit <size|N>          one limit for every series instead
      --report-dir <dir>  --json <file>  --html <file>  --junit <file>  --markdown <file>
  seep --version | --help

exit codes: 0 all passed, 1 a leak or budget check failed, 2 a scenario could not run or bad usage`;

export class UsageError extends Error {}

export const OPTIONS = {
  'report-dir': { type: 'string' },
  json: { type: 'string' },
  junit: { type: 'string' },
  markdown: { type: 'string' },
  iterations: { type: 'string' },
  warmup: { type: 'string' },
  only: { type: 'string' },
  duration: { type: 'string' },
  'metrics-port': { type: 'string' },
  'live-every': { type: 'string' },
  calibrate: { type: 'boolean' },
  baseline: { type: 'string' },
  tolerance: { type: 'string' },
  html: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  attach: { type: 'string' },
  shard: { type: 'string' },
  'shard-durations': { type: 'string' },
  into: { type: 'string' },
  fd: { type: 'string' },
  prometheus: { type: 'string' },
  query: { type: 'string' },
  metric: { type: 'string' },
  selector: { type: 'string' },
  range: { type: 'string' },
  step: { type: 'string' },
  at: { type: 'string' },
  'limit-query': { type: 'string' },
  limit: { type: 'string' },
} satisfies ParseArgsConfig['options'];

export function wholeNumber(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`--${flag}: expected a whole number of at least ${min}, got '${value}'`);
  return Number(value);
}

export function durationFlag(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    if (parseDuration(value) > 0) return value;
  } catch (err) {
    if (!(err instanceof UnitError)) throw err;
  }
  throw new UsageError(`--${flag}: expected a duration such as '90s', '24h' or '7d', got '${value}'`);
}

/** '10%' -> 0.1: the share of the before figure that after may exceed it by. */
export function toleranceFlag(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?)%$/.exec(value.trim());
  if (!m) throw new UsageError(`--tolerance: expected a percentage such as '10%', got '${value}'`);
  return Number(m[1]) / 100;
}

export type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

