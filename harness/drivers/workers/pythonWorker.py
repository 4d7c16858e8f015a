"""Loads one Python module and runs its functions on request from seep.

Usage: python3 pythonWorker.py <module.py>

Requests and replies are JSON lines on fd 3, a socket seep opened for us, so the target's own
print()s and warnings stay on stdout/stderr where seep watches them as output.
  request: {"id": 1, "op": "call", "fn": "name", "args": [...]}
  reply:   {"id": 1, "ok": true, "result": ...}
         | {"id": 1, "ok": false, "error": {"type", "message", "traceback"}}
The first line we send is {"id": 0, ...}: the module loaded, or why it did not.
To add an op, add a function to OPS: it takes the request dict and returns a JSON-able result.
"""

import collections.abc
import gc
import importlib.util
import io
import json
import os
import sys
import traceback

CHANNEL_FD = 3

# One loop for the worker's life: objects a coroutine leaves tied to the loop (tasks, transports)
# must survive between calls, as they would in the real program, or seep cannot see them pile up.
_loop = None


def _event_loop():
    global _loop
    if _loop is None:
        import asyncio  # only when a target is async: it costs ~50 ms of start-up otherwise

        _loop = asyncio.new_event_loop()
        asyncio.set_event_loop(_loop)
    return _loop


def _send(message):
    try:
        # allow_nan=False: NaN/Infinity are not JSON and would break the reader on the other side
        line = json.dumps(message, allow_nan=False)
    except (TypeError, ValueError):
        # a result json cannot take (a set, an object, nan): its repr says what it was
        message["result"] = repr(message.get("result"))
        line = json.dumps(message)
    data = (line + "\n").encode("utf-8")
    while data:
        written = os.write(CHANNEL_FD, data)
        data = data[written:]


def _error(exc):
    return {
        "type": type(exc).__module__ + "." + type(exc).__qualname__
        if type(exc).__module__ not in ("builtins", "__main__")
        else type(exc).__qualname__,
        "message": str(exc),
        "traceback": "".join(traceback.format_exception(exc)),
    }


def _load(path):
    name = os.path.splitext(os.path.basename(path))[0]
    # the module's folder is importable, so its sibling modules import as they do when run directly;
    # our own folder is not, so nothing of seep's shadows a target module
    sys.path[0] = os.path.dirname(os.path.abspath(path))
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path} as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _resolve(module, dotted):
    obj = module
    for part in dotted.split("."):
        if not hasattr(obj, part):
            raise AttributeError(f"{module.__name__} has no attribute '{dotted}'")
        obj = getattr(obj, part)
    if not callable(obj):
        raise TypeError(f"'{dotted}' in {module.__name__} is not callable")
    return obj


def op_call(req):
    fn = _resolve(MODULE, req["fn"])
    result = fn(*req.get("args", []))
    if isinstance(result, collections.abc.Awaitable):
        result = _event_loop().run_until_complete(result)
    return result


def op_gc(_req):
    return gc.collect()


def op_ping(_req):
    return {"pid": os.getpid()}


OPS = {"call": op_call, "gc": op_gc, "ping": op_ping}


def _serve():
    with os.fdopen(CHANNEL_FD, "rb", buffering=0, closefd=False) as raw:
        reader = io.BufferedReader(raw)
        for line in reader:
            if not line.strip():
                continue
            req = json.loads(line)
            handler = OPS.get(req.get("op"))
            try:
                if handler is None:
                    raise ValueError(f"unknown op {req.get('op')!r}; known: {', '.join(sorted(OPS))}")
                _send({"id": req["id"], "ok": True, "result": handler(req)})
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # SystemExit too: a target calling sys.exit() should not end the worker
                _send({"id": req["id"], "ok": False, "error": _error(exc)})


def _add_agent_ops():
    """seep's agent ops (tracemalloc, typeCounts, warnings, ...), loaded before the target module so
    its warnings are captured; tracemalloc itself starts only with PYTHONTRACEMALLOC (set by seep)."""
    agent_dir = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "agents", "python"))
    sys.path.insert(0, agent_dir)
    try:
        import seep_agent
    finally:
        sys.path.remove(agent_dir)
    seep_agent.start(trace=False)
    for op, handler in seep_agent.HANDLERS.items():
        OPS.setdefault(op, handler)


if __name__ == "__main__":
    # keep the channel out of processes the target execs; they must not hold it open or write to it
    os.set_inheritable(CHANNEL_FD, False)
    _add_agent_ops()
    try:
        MODULE = _load(sys.argv[1])
    except BaseException as exc:
        # on stderr too: if seep sees the exit before this reply, the stderr tail still says why
        traceback.print_exc()
        _send({"id": 0, "ok": False, "error": _error(exc)})
        sys.exit(1)
    _send({"id": 0, "ok": True, "result": {"pid": os.getpid(), "python": sys.version.split()[0]}})
    _serve()
    # seep closed the channel: it is done with us
