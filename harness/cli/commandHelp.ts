// What `seep <command> --help` prints, one section per command; `seep --help` prints them all.
// A usage error prints one line and points here (`see 'seep run --help'`), never the whole text.

export const EXIT_CODES = `exit codes: 0 every scenario passed, 1 a leak or budget check failed,
  2 a scenario could not run or bad usage, 130 stopped by Ctrl-C (143 by SIGTERM; the report keeps what was measured)`;

export const COMMAND_HELP = {
  run: `  seep run [files or dirs...]   run scenarios (default: scenarios/)
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
      --known-leaks <file>      the accepted leaks (default: seep.known-leaks.json at the project root, when present)
      --no-known-leaks          judge every leak as new, whatever the file accepts`,
  init: `  seep init <kind> ...          write a first scenario, commented: service, function or cli
                                (seep init alone explains each, with an example)
      --ci github               also write .github/workflows/seep.yml`,
  report: `  seep report <run-dir>         re-render HTML, JUnit and Markdown from <run-dir>/report.json;
                                a soak seep did not finish (crash, SIGKILL) is rebuilt from its sample stream first
      --junit <file>  --markdown <file>`,
  compare: `  seep compare <before> <after>  two runs of the same scenarios (run dirs or report.json), slope by slope:
                                exit 1 when after is significantly worse beyond --tolerance, 2 when they differ
      --tolerance <N%>  --json <file>
      --html <file>             the comparison page (default <after>/compare-<before run id>.html)`,
  merge: `  seep merge <run-dir>... --into <dir>   join the run dirs of seep run --shard i/n into one run
                                (report.json, HTML, and --junit/--markdown/--json as seep run writes them)`,
  judge: `  seep judge --prometheus <url> --query '<PromQL>' | --metric rss|working-set|heap|fds [--selector '<matchers>']
                                judge every series the query returns (one per pod, container or instance;
                                each life of a restarted one apart) as a soak: per hour, trend and plateau
      --range <time>            how far back from --at (default 24h)
      --step <time>             the points' spacing (default range/1000, at least 15s)
      --at <time>               the range's end: RFC 3339 or seconds since the epoch (default now)
      --limit-query '<PromQL>'  each series' limit, for time to limit (fds: process_max_fds by default)
      --limit <size|N>          one limit for every series instead
      --report-dir <dir>  --json <file>  --html <file>  --junit <file>  --markdown <file>`,
  accept: `  seep accept <run-dir>         write the run's leaks into seep.known-leaks.json as accepted, for review:
                                seep run then passes them while they stay within their rates
      --note <text>             why they are accepted  --expires <YYYY-MM-DD | 30d>  until when
      --tolerance <N%>          each ceiling's headroom over this run's rate (default 50%)
      --known-leaks <file>      write this file instead`,
  bisect: `  seep bisect <good> <bad> [scenario files or dirs...]   the first commit between two whose run is worse
                                than <good>'s (as seep compare judges it), each commit in a temporary worktree
      --setup '<command>'       run in each worktree first ('npm ci'); it failing skips the commit
      --tolerance <N%>  --report-dir <dir>  --iterations <N>  --warmup <N>  --only <text>`,
  pytest: `  seep pytest [pytest args...]  run pytest with seep's plugin loaded (@pytest.mark.leaks); every
                                argument goes to pytest (its --help follows, with the plugin's --seep-report)`,
  caller: `  seep caller --fd <N> < test.json  (for test runners' plugins: the pytest plugin) run the engine on
                                the process that started seep, which runs each step's body and
                                answers the agent on the socket at fd N; the test on stdin
      --report-dir <dir>        write report.json and HTML under <dir>/<run-id>/
      --json <file>             write the JSON report here`,
} as const;

export type Command = keyof typeof COMMAND_HELP;

export function isCommand(word: string | undefined): word is Command {
  return word !== undefined && Object.hasOwn(COMMAND_HELP, word);
}

export const USAGE = `usage:
${Object.values(COMMAND_HELP).join('\n')}
  seep --version | --help

${EXIT_CODES}`;

/** seep pytest exits as pytest says, folded into seep's three codes. */
const PYTEST_EXIT_CODES = 'exit codes: 0 pytest passed, 1 a test failed (a leak among them), 2 any other pytest outcome';

export function commandUsage(command: Command): string {
  return `usage:\n${COMMAND_HELP[command]}\n\n${command === 'pytest' ? PYTEST_EXIT_CODES : EXIT_CODES}`;
}

/** The line after a usage error: where the whole story is. */
export function seeHelp(command: Command | undefined): string {
  return command ? `see 'seep ${command} --help'` : "see 'seep --help'";
}
