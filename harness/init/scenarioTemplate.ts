// The scenario file `seep init` writes: a plain ES module with no imports (a Python repo running a
// global seep cannot resolve 'seep'), commented for someone who has never read seep's README.
// scenarioTemplate.test.ts loads every shape through seep's own validation.
import type { InitTarget } from './initArgs.ts';
import { commentText, jsString, jsStringArray } from './jsLiteral.ts';
import { looksPython } from './targetNaming.ts';

export interface ScenarioTemplateInput {
  /** the module path already relative to the project root */
  target: InitTarget;
  name: string;
  iterations: number;
  warmup: number;
  /** where the command runs, relative to the project root, when that is not the root itself */
  runFrom: string | undefined;
  /** the scenario file relative to the project root, for the "how to run it" lines */
  scenarioPath: string;
}

export function renderScenario(input: ScenarioTemplateInput): string {
  const { target } = input;
  return [
    header(input),
    '/** @type {import(\'seep\').Scenario} */',
    'export default {',
    '  // Names the scenario in reports and terminal output; `--only <text>` picks scenarios by it.',
    `  name: ${jsString(input.name)},`,
    '',
    ...(target.kind === 'service' ? serviceBlock(target, input.runFrom) : []),
    ...(target.kind === 'function' ? moduleBlock(target) : []),
    '  // Iterations run before the baseline is taken, so caches, pools and lazy imports are already full.',
    `  warmup: ${input.warmup},`,
    '  // Measured iterations: seep samples the whole process tree (RSS, fds, sockets, threads, children)',
    '  // and decides "grows without bound" against "bounded". More iterations decide smaller leaks;',
    '  // an inconclusive result says how many more would decide. `--iterations N` overrides this.',
    `  iterations: ${input.iterations},`,
    '  // A soak instead of a count: replace iterations with `duration: \'1h\'` (and `rate: \'10/s\'`).',
    '',
    ...stepBlock(target, input.runFrom),
    '',
    ...budgetsBlock(target),
    '',
    '  // stepTimeoutMs: 30000,   // a step running longer fails the run (exit 2)',
    '  // settleMs: 1000,        // pause after the last iteration before sockets, fds, threads and children',
    '  //                        // must be back to their post-warmup count',
    '  // env: { LOG_LEVEL: \'warning\' },   // environment for everything seep starts',
    '};',
    '',
  ].join('\n');
}

function header(input: ScenarioTemplateInput): string {
  const file = commentText(input.scenarioPath);
  return `// A seep leak test, written by \`seep init\`: edit it freely, it is yours.
//
// Run it (from the project root; commands and paths below resolve against it):
//   npx seep run ${file}
//   npx seep run ${file} --iterations 10 --warmup 2   # a quick first try
// Exit code 0: no leak and every budget held; 1: a leak or budget check failed (each failing check
// is named); 2: the scenario could not run (the target did not start, a step threw, a typo here).
// The report: reports/<run>/index.html (charts) and reports/<run>/report.json.
//
// This is a plain object with no imports, so it works with a global seep too; the @type line
// gives your editor seep's types when seep is installed in the project.
${seeItFail(input.target)}
`;
}

function seeItFail(target: InitTarget): string {
  const python = looksPython(target);
  const leak =
    target.kind === 'cli'
      ? python
        ? "leave a child running, e.g. subprocess.Popen(['sleep', '300']): the orphans check fails"
        : "leave a child running, e.g. spawn('sleep', ['300'], { detached: true }).unref(): the orphans check fails"
      : python
        ? 'keep something per call in a module-level list, e.g. _KEPT.append(bytearray(1_000_000))'
        : 'keep something per call in a module-level array, e.g. kept.push(Buffer.alloc(1_000_000))';
  return `//
// To see a failing run: uncomment \`budgets\` below with \`peakRss: '1MB'\` (exit 1, "peakRss" named),
// or plant a real leak in the target and run it again:
//   ${leak}.`;
}

function serviceBlock(target: Extract<InitTarget, { kind: 'service' }>, runFrom: string | undefined): string[] {
  const hasPort = target.command.some((arg) => arg.includes('{port}'));
  return [
    '  // seep starts the service, waits until it is ready, runs the steps against it, then stops it and',
    '  // every process it started (workers, daemons that escaped into their own session included).',
    '  service: {',
    "    // argv, run without a shell. '{port}' is replaced by a free port seep picks; the ready check",
    '    // and the `http` client of the step go to 127.0.0.1 on that port.',
    `    command: ${jsStringArray(target.command)},`,
    ...(hasPort ? [] : noPortHint()),
    ...readyLines(target.ready),
    ...(runFrom === undefined ? [] : ['    // the folder `seep init` ran in, relative to the project root', `    cwd: ${jsString(runFrom)},`]),
    "    // env: { LOG_LEVEL: 'warning' },   // the service's environment, on top of seep's own",
    '    // restart: true,                   // soaks: restart it when it dies, and count the restarts',
    '  },',
    '',
  ];
}

function noPortHint(): string[] {
  return [
    "    // NOTE: this command has no '{port}', so the service does not know the port seep expects it on,",
    '    // and the ready check will time out. Pass it the way the service takes a port, for example:',
    "    //   [..., '--port', '{port}']                    most dev servers (uvicorn, flask run, node scripts)",
    "    //   ['gunicorn', '-b', '127.0.0.1:{port}', ...]  gunicorn",
    "    //   env: { PORT: '{port}' }                      servers that read $PORT",
  ];
}

function readyLines(ready: Extract<InitTarget, { kind: 'service' }>['ready']): string[] {
  const others = [
    "    //   ready: { http: '/healthz' },     ready when GET /healthz answers 2xx (best, if there is one)",
    '    //   ready: { tcp: true },            ready when the port accepts a connection (any server)',
    "    //   ready: { stdout: 'Listening' },  ready when the service prints a line containing this",
    '    // each with an optional timeoutMs (default 15000).',
  ];
  if ('tcp' in ready) return ['    // Ready when the port accepts a TCP connection, which works for any server. Other checks:', ...others, '    ready: { tcp: true },'];
  if ('http' in ready) return ['    // When the service counts as started. Other checks:', ...others, `    ready: { http: ${jsString(ready.http)} },`];
  const text = typeof ready.stdout === 'string' ? jsString(ready.stdout) : String(ready.stdout);
  return ['    // When the service counts as started. Other checks:', ...others, `    ready: { stdout: ${text} },`];
}

function moduleBlock(target: Extract<InitTarget, { kind: 'function' }>): string[] {
  const runtime = target.modulePath.endsWith('.py') ? 'python3' : 'node';
  const gc = runtime === 'python3' ? 'gc.collect()' : 'global.gc()';
  return [
    `  // The module is loaded once, in a worker process of its own (${runtime}), never inside seep;`,
    `  // its folder is importable, and seep forces a GC (${gc}) before every measurement.`,
    '  module: {',
    `    path: ${jsString(target.modulePath)},`,
    "    // env: { APP_ENV: 'test' },   // the worker's environment, on top of seep's own",
    '  },',
    '',
  ];
}

function stepBlock(target: InitTarget, runFrom: string | undefined): string[] {
  switch (target.kind) {
    case 'service': {
      const what = jsString(`GET ${target.path} answered `);
      return [
        '  // One iteration. A step that throws ends the run as an error (exit 2): a failing service is',
        '  // not a leak. A 404 still exercises the server, if not much of your code: use a real endpoint.',
        '  // Also in the context: iteration (0, 1, ...), phase (\'warmup\' | \'measured\'), port, and',
        "  // http.post(path, { json: {...} }) or http.request('PUT', path, ...).",
        '  step: async ({ http }) => {',
        `    const res = await http.get(${jsString(target.path)});`,
        `    if (res.status >= 500) throw new Error(${what} + res.status + ': ' + res.body.slice(0, 200));`,
        '  },',
      ];
    }
    case 'function':
      return [
        '  // One iteration: call the function with these arguments (JSON values). An async function',
        '  // (a Python coroutine too) is awaited; one that throws ends the run as an error (exit 2).',
        `  step: ({ call }) => call(${jsString(target.fn)}, []),`,
      ];
    case 'cli': {
      const cwd = runFrom === undefined ? '' : `, cwd: ${jsString(runFrom)}`;
      return [
        '  // One iteration: run the command (argv, no shell) and wait for it. An exit code outside',
        '  // okCodes ends the run as an error (exit 2); add the codes your error paths use. What it prints',
        '  // is watched like a service\'s output, and what it leaves running is found and counted.',
        '  // Options: input (stdin text), env, timeoutMs (30000), cwd (relative to the project root).',
        `  step: ({ exec }) => exec(${jsStringArray(target.command)}, { okCodes: [0]${cwd} }),`,
      ];
    }
  }
}

function budgetsBlock(target: InitTarget): string[] {
  const perKind =
    target.kind === 'cli'
      ? [
          "  //   orphans: 0,                  // processes a run leaves alive after it exits",
          "  //   files: { 'data/.history': '2MB' },   // a file's size at the end (path from the project root)",
        ]
      : ["  //   heapGrowth: '10MB',          // the runtime's heap after GC (seep's agent reads it)"];
  return [
    '  // With no budgets, the default checks run: RSS must not grow steadily across the measured',
    '  // iterations (robust slope, trend test and plateau detection: a cache that fills up passes),',
    '  // sockets, fds, threads and children must be back to their post-warmup count after the settle,',
    '  // and no process may be left behind. A budget replaces its resource\'s default check with a limit.',
    '  // Sizes: KB, MB, GB are decimal; KiB, MiB, GiB binary.',
    '  // budgets: {',
    "  //   rssGrowth: '50MB',           // RSS at the end minus the post-warmup baseline",
    "  //   rssPerIteration: '100KB',    // robust (Theil-Sen) slope of RSS per iteration",
    "  //   peakRss: '1GB',              // the most RSS seen",
    ...perKind,
    "  //   sockets: 'baseline',         // or 'baseline+2', or a number never to exceed; also fds, threads, children",
    "  //   output: { forbid: ['ResourceWarning', /Unclosed/] },   // lines the target must never print",
    '  // },',
  ];
}
