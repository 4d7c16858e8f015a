// The command lines are the ones `ps` showed on this machine for each setup (Debian's python3 3.11,
// gunicorn, Django's runserver, uvicorn --reload, flask run --debug).
import { describe, expect, it } from 'vitest';
import { pythonProgram, rootProgramWorkers, type TreeProcess } from './pythonProgram.ts';

const py = '/usr/bin/python3';
const proc = (pid: number, ppid: number, ...argv: string[]): TreeProcess => ({ pid, ppid, argv });

describe('pythonProgram', () => {
  it('is the script and its arguments, interpreter options left out', () => {
    expect(pythonProgram([py, 'manage.py', 'runserver', '127.0.0.1:8000'])).toEqual(['manage.py', 'runserver', '127.0.0.1:8000']);
    expect(pythonProgram([py, '-Wdefault', '-X', 'dev', '-Bu', 'manage.py', 'runserver'])).toEqual(['manage.py', 'runserver']);
    expect(pythonProgram([py, '-W', 'default', '-OO', 'app.py', '-W', 'x'])).toEqual(['app.py', '-W', 'x']);
  });

  it('keeps -m and -c with what follows them, attached or not', () => {
    expect(pythonProgram([py, '-m', 'uvicorn', 'quotes:app', '--reload'])).toEqual(['-m', 'uvicorn', 'quotes:app', '--reload']);
    expect(pythonProgram([py, '-B', '-muvicorn', 'quotes:app'])).toEqual(['-m', 'uvicorn', 'quotes:app']);
    expect(pythonProgram([py, '-B', '-c', 'print(1)', 'x'])).toEqual(['-c', 'print(1)', 'x']);
  });

  it('is null for an interpreter with no program', () => {
    expect(pythonProgram([py])).toBeNull();
    expect(pythonProgram([py, '-u', '-W', 'default'])).toBeNull();
    expect(pythonProgram([py, '-m'])).toBeNull();
  });
});

describe('rootProgramWorkers', () => {
  it("gunicorn's forked workers: the root's command line", () => {
    const root = proc(10, 1, py, '/usr/bin/gunicorn', '-w', '2', 'app:app');
    const workers = [proc(11, 10, py, '/usr/bin/gunicorn', '-w', '2', 'app:app'), proc(12, 10, py, '/usr/bin/gunicorn', '-w', '2', 'app:app')];
    expect(rootProgramWorkers(root, workers)).toEqual([11, 12]);
  });

  it("Django's autoreloader: the child runs manage.py again with the warning options as arguments", () => {
    const root = proc(20, 1, py, 'manage.py', 'runserver', '127.0.0.1:8000');
    expect(rootProgramWorkers(root, [proc(21, 20, py, '-Wdefault', 'manage.py', 'runserver', '127.0.0.1:8000')])).toEqual([21]);
    // the same script with other arguments is another program
    expect(rootProgramWorkers(root, [proc(22, 20, py, 'manage.py', 'rqworker')])).toEqual([]);
  });

  it('uvicorn --reload: the spawned server is a worker, the resource tracker is not', () => {
    const root = proc(30, 1, py, '-m', 'uvicorn', 'quotes:app', '--reload', '--port', '8000');
    const tracker = proc(31, 30, py, '-B', '-c', 'from multiprocessing.resource_tracker import main;main(4)');
    const server = proc(32, 30, py, '-B', '-c', 'from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=5, pipe_handle=7)', '--multiprocessing-fork');
    expect(rootProgramWorkers(root, [tracker, server])).toEqual([32]);
  });

  it("a spawned child counts through its parent, whatever the order given: a helper's children do not", () => {
    const root = proc(40, 1, py, '-m', 'uvicorn', 'app:app', '--reload', '--workers', '2');
    const spawn = (pid: number, ppid: number) => proc(pid, ppid, py, '-B', '-c', 'from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=5, pipe_handle=9)', '--multiprocessing-fork');
    // the supervisor's child spawns the two workers; listed before it
    expect(rootProgramWorkers(root, [spawn(43, 41), spawn(44, 41), spawn(41, 40)])).toEqual([43, 44, 41]);
    // an upstream the target runs as another program, and what it spawns
    const helper = proc(50, 40, py, 'upstream.py');
    expect(rootProgramWorkers(root, [helper, spawn(51, 50)])).toEqual([]);
  });

  it('a process whose command line could not be read is none', () => {
    const root = proc(60, 1, py, 'app.py');
    expect(rootProgramWorkers(root, [{ pid: 61, ppid: 60, argv: null }])).toEqual([]);
    expect(rootProgramWorkers({ pid: 60, argv: null }, [proc(61, 60, py, 'app.py')])).toEqual([]);
  });
});
