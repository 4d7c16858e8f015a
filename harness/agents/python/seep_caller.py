"""A test process measured by seep's engine, the one `seep run` uses: this side only runs the body.

measure(body, test) starts `seep caller --fd N` with one end of a socket pair and serves what the
engine asks on it, in this thread, until the engine closes it: `call` runs the body once (where the
test's fixtures live), `setenv` sets what the body's children inherit (the run cookie that finds a
process escaping the tree), and every other op is the agent's (seep_agent.HANDLERS: gc, memory,
typeGrowth, typeCounts, warnings, referrers...), read in this process. The loop, its phases, the
boundaries, the /proc reads, the settle, the suspects and the verdict are the engine's; the
requests and replies are the function worker's JSON lines (drivers/workers/pythonWorker.py), this
process greeting first with its pid as a worker does.

Which seep: SEEP_BIN (set by `seep pytest`; a .js file runs under SEEP_NODE or node), else the
compiled CLI this file ships beside (dist/agents/python -> dist/cli/seep.js: the same package),
else the project's (`npx --no-install seep`), for a copy of this folder kept elsewhere.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import traceback

import seep_agent

_HERE = os.path.dirname(os.path.abspath(__file__))
_BESIDE = os.path.join(_HERE, "..", "..", "cli", "seep.js")
# how long seep gets to write its report once this side was interrupted (Ctrl-C)
_INTERRUPTED_WAIT_S = 30


def seep_command():
    node = os.environ.get("SEEP_NODE") or shutil.which("node") or "node"
    bin_ = os.environ.get("SEEP_BIN")
    if bin_:
        return [node, bin_] if bin_.endswith(".js") else [bin_]
    if os.path.exists(_BESIDE):
        return [node, os.path.normpath(_BESIDE)]
    npx = shutil.which("npx")
    if npx and subprocess.run([npx, "--no-install", "seep", "--version"], capture_output=True, timeout=60).returncode == 0:
        return [npx, "--no-install", "seep"]
    raise RuntimeError("cannot find seep: set SEEP_BIN, install seep in the project (npm install --save-dev /path/to/seep-0.1.0.tgz, see docs/getting-started.md), or run through `npx seep pytest`")


_command = []
_capture_installed = [False]


class Result:
    """What seep said of the test: its exit code (0 pass, 1 a check failed, 2 could not judge), its
    text (the checks, the suspects), its errors, the report, and the first exception the body raised."""

    def __init__(self, code, out, err, report, failure):
        self.code, self.out, self.err, self.report, self.failure = code, out, err, report, failure

    @property
    def error(self):
        """why the test could not be judged, or (a soak goes on past a step that raised) the steps
        that raised, as the report says it"""
        scenario = ((self.report or {}).get("scenarios") or [{}])[0]
        failed = [c["message"] for c in scenario.get("checks", []) if c.get("id") == "budget.stepErrors" and not c.get("pass")]
        return scenario.get("error") or next(iter(failed), None)


def _error(exc):
    kind = type(exc)
    name = kind.__qualname__ if kind.__module__ in ("builtins", "__main__") else f"{kind.__module__}.{kind.__qualname__}"
    return {"type": name, "message": str(exc), "traceback": "".join(traceback.format_exception(exc))}


def _send(sock, message):
    try:
        line = json.dumps(message, allow_nan=False, default=repr)
    except (TypeError, ValueError):
        message["result"] = repr(message.get("result"))
        line = json.dumps(message, default=repr)
    sock.sendall((line + "\n").encode("utf-8"))


class _Serving:
    """The ops this side answers besides the agent's; the body's first exception; the env to restore."""

    def __init__(self, body, fn):
        self.body, self.fn = body, fn
        self.failure = None
        self.saved_env = {}

    def answer(self, req):
        op = req.get("op")
        if op == "call":
            if req.get("fn") != self.fn:
                raise ValueError(f"this test process runs {self.fn}(), not {req.get('fn')!r}")
            try:
                self.body()
            except BaseException as exc:
                if self.failure is None:
                    self.failure = exc
                raise
            return None
        if op == "setenv":
            for name, value in req["env"].items():
                self.saved_env.setdefault(name, os.environ.get(name))
                os.environ[name] = value
            return None
        handler = seep_agent.HANDLERS.get(op)
        if handler is None:
            raise ValueError(f"unknown op {op!r}; known: call, setenv, {', '.join(sorted(seep_agent.HANDLERS))}")
        return handler(req)

    def restore_env(self):
        for name, value in self.saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _serve(sock, serving):
    with sock.makefile("rb") as reader:
        for line in reader:
            if not line.strip():
                continue
            req = json.loads(line)
            try:
                reply = {"id": req["id"], "ok": True, "result": serving.answer(req)}
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # SystemExit too: a body calling sys.exit() is the test's failure
                reply = {"id": req.get("id"), "ok": False, "error": _error(exc)}
            try:
                _send(sock, reply)
            except OSError:
                return  # seep gave up on this request (a step past its timeout) and closed its end


def _read(f):
    f.seek(0)
    return f.read().decode("utf-8", "replace")


def _converse(proc, sock, test, serving):
    """The test on seep's stdin, this process's greeting, then what seep asks until it hangs up."""
    try:
        proc.stdin.write(json.dumps(test, default=repr).encode("utf-8"))
        proc.stdin.close()
        _send(sock, {"id": 0, "ok": True, "result": {"pid": os.getpid(), "python": sys.version.split()[0]}})
        _serve(sock, serving)
    except OSError:
        pass  # seep went away while it was being written to: its exit says why


def measure(body, test, report_dir=None):
    """Runs the engine on this process, serving `body` as test["call"]; returns a Result.

    test: {"scenario": {name, iterations, warmup, duration, settleMs, budgets, ...} as a scenario
    writes them, "file", "root", "command", "call": the name the body is called by}. Raises OSError
    or RuntimeError when seep cannot be started."""
    if not _command:
        _command.extend(seep_command())
    if not _capture_installed[0]:
        seep_agent._install_capture()  # ResourceWarning and asyncio's "Unclosed ..." with their allocation sites
        # the engine reads this record since a count as the test's output (pytest captures it): keep
        # the newest 200, not a live target's last 20
        seep_agent.keep_warnings(seep_agent.MAX_WARNINGS)
        _capture_installed[0] = True
    # what this process warned of before this test is not this test's
    seep_agent._warnings.clear()
    seep_agent._dropped[0] = 0
    seep_agent.seep_warning_counts.forget()
    report_fd, report_path = tempfile.mkstemp(prefix="seep-caller-", suffix=".json")
    os.close(report_fd)
    serving = _Serving(body, test["call"])
    try:
        # seep's output to files, not pipes: this thread serves the socket and reads nothing else
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            ours, theirs = socket.socketpair()
            seep_agent._own_sockets.add(ours)
            with ours:
                with theirs:
                    args = [*_command, "caller", "--fd", str(theirs.fileno()), "--json", report_path, *(["--report-dir", report_dir] if report_dir else [])]
                    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=out, stderr=err, pass_fds=(theirs.fileno(),), env={**os.environ, "NO_COLOR": "1"})
                try:
                    _converse(proc, ours, test, serving)
                except BaseException:
                    # Ctrl-C, or this side broke: hanging up ends seep's run, which reports and stops
                    # what it started
                    ours.close()
                    try:
                        proc.wait(_INTERRUPTED_WAIT_S)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait()
                    raise
                finally:
                    serving.restore_env()
            code = proc.wait()
            text, errors = _read(out), _read(err)
        report = None
        if os.path.getsize(report_path) > 0:
            with open(report_path, encoding="utf-8") as f:
                report = json.load(f)
        return Result(code, text, errors, report, serving.failure)
    finally:
        os.unlink(report_path)
