// What `seep init` alone prints: the three kinds of target, an example each, and the options.
export const INIT_HELP = `seep init writes a first scenario for your project, commented and ready to run.
Pick the kind of target:

  service   a server seep starts, waits for, and sends requests to; '{port}' is a free port seep picks
              seep init service -- gunicorn -w 2 -b 127.0.0.1:{port} app:app
              --ready-http /healthz | --ready-tcp | --ready-stdout <text>   when it counts as started (default: tcp)
              --path /api/x                                              the request each step sends (default: GET /)

  function  a function of a Python or Node module, called in a worker process of its own
              seep init function path/to/jobs.py:run_crew      (.py, .js, .mjs, .cjs, .ts, .mts)

  cli       a command run to completion once per step
              seep init cli -- python3 tool.py analyze BTCUSD

Options (before the '--'; everything after it is the target's command):
  --name <name>       the scenario's name (default: from the target)
  --out <file>        where to write it (default: scenarios/<name>.scenario.mjs under the project root)
  --iterations <N>    measured iterations (default 50)
  --warmup <N>        warmup iterations (default 5)
  --ci github         also write .github/workflows/seep.yml, running every scenario on push

Nothing is overwritten: if a file to write exists, seep init writes nothing and exits 2.
Then: npx seep run scenarios/<file>`;
