"""Starts seep's agent in any Python process whose PYTHONPATH begins with this folder.

Python imports the first `sitecustomize` on sys.path at start-up, so ours runs with no change to the
target; we then run the target's own sitecustomize (the next one on sys.path) so we don't replace it.
The agent starts only when seep asked for it (SEEP_AGENT_DIR, SEEP_AGENT_SOCKET or SEEP_AGENT_DUMP).
"""

import importlib.machinery
import importlib.util
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))


def _chain():
    rest = [p for p in sys.path if os.path.abspath(p or ".") != _here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)


def _start():
    # SEEP_AGENT_DIR stays in the env: every Python process of the tree (a launcher's workers, a
    # multiprocessing spawn) serves its own agent there, on <pid>.sock
    socket_dir = os.environ.get("SEEP_AGENT_DIR")
    # children inherit PYTHONPATH; only this process owns the socket and the dump file
    socket_path = os.environ.pop("SEEP_AGENT_SOCKET", None)
    dump_path = os.environ.pop("SEEP_AGENT_DUMP", None)
    if not socket_dir and not socket_path and not dump_path:
        return
    if _here not in sys.path:
        sys.path.append(_here)
    import seep_agent

    if dump_path:
        dump_path = dump_path.replace("{pid}", str(os.getpid()))  # one file per invocation of a CLI
    # Allocation tracebacks cost 15-45x on allocation-heavy code: a long-running service or worker
    # gets them only when PYTHONTRACEMALLOC asks; a short-lived CLI (dump mode) gets them anyway,
    # since they name the line that opened a leaked socket or file.
    served = bool(socket_path or socket_dir)
    seep_agent.start(socket_path=socket_path, dump_path=dump_path, trace=bool(dump_path) and not served, socket_dir=socket_dir)


try:
    _start()
except Exception as exc:  # the target must run even if seep's agent cannot
    print(f"seep agent: not started: {exc!r}", file=sys.stderr)
_chain()
