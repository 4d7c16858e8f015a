import { describe, expect, it } from 'vitest';
import { InitUsageError, parseInitArgs } from './initArgs.ts';

function usageError(argv: string[]): string {
  try {
    parseInitArgs(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(InitUsageError);
    return (err as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(argv)} to be rejected`);
}

describe('parseInitArgs', () => {
  it('takes everything after -- as the command, its flags included', () => {
    const r = parseInitArgs(['service', '--name', 'api', '--', 'gunicorn', '-w', '2', '-b', '127.0.0.1:{port}', '--name', 'app:app']);
    expect(r).toMatchObject({
      help: false,
      name: 'api',
      iterations: 50,
      warmup: 5,
      target: { kind: 'service', command: ['gunicorn', '-w', '2', '-b', '127.0.0.1:{port}', '--name', 'app:app'], ready: { tcp: true }, path: '/' },
    });
  });

  it('reads the ready flags, the path and the counts', () => {
    expect(parseInitArgs(['service', '--ready-http', '/healthz', '--path', '/api/x', '--iterations', '8', '--warmup', '0', '--', 'node', 's.mjs']))
      .toMatchObject({ iterations: 8, warmup: 0, target: { ready: { http: '/healthz' }, path: '/api/x' } });
    expect(parseInitArgs(['service', '--ready-stdout', 'Listening at', '--', 'x'])).toMatchObject({ target: { ready: { stdout: 'Listening at' } } });
    expect(parseInitArgs(['service', '--ready-tcp', '--', 'x'])).toMatchObject({ target: { ready: { tcp: true } } });
  });

  it('splits a function spec at its last colon', () => {
    expect(parseInitArgs(['function', 'path/to/jobs.py:run_crew', '--ci', 'github']))
      .toMatchObject({ ci: 'github', target: { kind: 'function', modulePath: 'path/to/jobs.py', fn: 'run_crew' } });
    expect(parseInitArgs(['function', 'w.mjs:Jobs.run'])).toMatchObject({ target: { modulePath: 'w.mjs', fn: 'Jobs.run' } });
  });

  it('asks for the explanation with no arguments or --help', () => {
    expect(parseInitArgs([])).toEqual({ help: true });
    expect(parseInitArgs(['--help'])).toEqual({ help: true });
    expect(parseInitArgs(['service', '-h'])).toEqual({ help: true });
  });

  it.each([
    [['daemon', '--', 'x'], "unknown kind 'daemon'; expected service, function or cli"],
    [['service'], "expected the service's command after '--'"],
    [['cli', 'python3', 'tool.py', '-x'], "expected the cli's command after '--'"],
    [['cli', '--'], "expected the cli's command after '--'"],
    [['--', 'python3', 'x.py'], 'expected a kind before'],
    [['function', 'jobs.py'], "expected 'path/to/module.py:function_name', got 'jobs.py'"],
    [['function', 'jobs.py:'], "expected 'path/to/module.py:function_name'"],
    [['function'], 'expected one function'],
    [['function', 'jobs.rb:run'], "expected a module ending in .py, .js, .mjs, .cjs, .ts or .mts, got 'jobs.rb'"],
    [['function', 'jobs.py:run-crew'], "expected a function name such as run_crew or Jobs.run, got 'run-crew'"],
    [['function', 'jobs.py:run', '--', 'x'], "a function takes no '-- command'"],
    [['cli', '--ready-http', '/x', '--', 'x'], '--ready-http is for a service'],
    [['service', '--ready-http', 'healthz', '--', 'x'], "--ready-http: expected a path starting with '/'"],
    [['service', '--ready-tcp', '--ready-http', '/h', '--', 'x'], 'expected at most one of --ready-http, --ready-tcp and --ready-stdout'],
    [['service', '--path', 'api', '--', 'x'], "--path: expected a path starting with '/'"],
    [['cli', '--iterations', '0', '--', 'x'], "--iterations: expected a whole number of at least 1, got '0'"],
    [['cli', '--warmup', 'many', '--', 'x'], "--warmup: expected a whole number of at least 0, got 'many'"],
    [['cli', '--ci', 'gitlab', '--', 'x'], "--ci: expected 'github', got 'gitlab'"],
    [['cli', '--name', ' ', '--', 'x'], "--name: expected a value, got ''"],
    [['cli', '--bogus', '--', 'x'], "Unknown option '--bogus'"],
  ])('rejects %j with one line naming what was expected', (argv, message) => {
    const got = usageError(argv);
    expect(got).toContain(message);
    expect(got).not.toContain('\n');
  });
});
