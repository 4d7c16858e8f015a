"""seep's agent inside a Python target: standard library only.

Started by sitecustomize.py (services, CLIs) or imported by the Python function worker, which serves
HANDLERS on its own channel. Requests and replies are the worker's JSON lines:
  {"id": 1, "op": "tracemalloc", "action": "compare"} -> {"id": 1, "ok": true, "result": ...}
Nothing here may crash or hold up the target: the server thread is a daemon, every request is caught.
"""

import atexit
import functools
import gc
import importlib.util
import io
import json
import linecache
import os
import socket
import sys
import sysconfig
import threading
import time
import tracemalloc
import traceback
import types
import warnings
import weakref

import seep_walk  # beside this file, like seep_heap
import seep_heap  # beside this file, which is on sys.path whenever this module is imported

import seep_containers
import seep_referrers

import seep_warning_counts

TRACE_FRAMES = 25
# Warnings kept one by one (op 'warnings'), the oldest dropped past the cap. A target that lives
# across steps keeps few: every one is counted by kind (seep_warning_counts.py), and a list that
# fills a warning at a time grows the heap seep measures (5 warnings a step: 37 pymalloc blocks a
# step, a leak.heap failure of the agent's own making). A CLI's dump and the pytest loop, which
# drain the list, keep more.
MAX_WARNINGS = 200
KEPT_WARNINGS_LIVE = 20
_max_kept = [KEPT_WARNINGS_LIVE]
_AGENT_FILE = os.path.abspath(__file__)
_HERE = os.path.dirname(_AGENT_FILE)
_HERE_PREFIX = _HERE + os.sep
# allocations made by the import machinery or by tracemalloc itself say nothing about the target
_NOISE_FILES = ("<frozen importlib._bootstrap>", "<frozen importlib._bootstrap_external>", "<unknown>", tracemalloc.__file__)

_snapshots = {}
# the agent's own server and connections: not the target's handles
_own_sockets = weakref.WeakSet()
_warnings = []
_dropped = [0]


def _frames(tb, skip_agent=True):
    """A tracemalloc traceback as 'file:line in code' strings, outermost first."""
    if tb is None:
        return []
    out = []
    for f in tb:  # tracemalloc.Traceback is ordered oldest to newest
        if skip_agent and os.path.dirname(os.path.abspath(f.filename)) == _HERE:
            continue
        line = linecache.getline(f.filename, f.lineno).strip()
        out.append(f"{f.filename}:{f.lineno}" + (f"  {line}" if line else ""))
    return out


# frozen modules (importlib's bootstrap) are library code too, never the line to fix
# (Debian's python3 installs packages in /usr/lib/python3/dist-packages, which sysconfig does not name)
_LIBRARY_DIRS = tuple(
    {sysconfig.get_paths()[k] + os.sep for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    | {p + os.sep for p in sys.path if os.path.basename(p) in ("site-packages", "dist-packages")}
) + ("<frozen ",)


def _allocation_stack(obj):
    """Where obj was allocated, outermost first."""
    if obj is None:
        return []
    tb = tracemalloc.get_object_traceback(obj)
    if tb is None:
        # Python 3.11 misses objects with a managed __dict__ (most class instances; fixed in 3.12).
        # Their attributes were allocated in __init__, under the same caller: take the deepest.
        attrs = getattr(obj, "__dict__", None)
        for value in attrs.values() if type(attrs) is dict else ():
            t = tracemalloc.get_object_traceback(value)
            if t is not None and (tb is None or len(t) > len(tb)):
                tb = t
    return _frames(tb)


# seep's own code in the target: this agent, and the function worker that runs the user's module
_OWN_DIRS = (_HERE, os.path.normpath(os.path.join(_HERE, "..", "..", "drivers", "workers")))


def user_frame(frames):
    """The innermost frame outside the standard library and installed packages: the line to fix."""
    for f in reversed(frames):
        if not f.startswith(_LIBRARY_DIRS):
            return f.split("  ", 1)[0]
    return frames[-1].split("  ", 1)[0] if frames else ""


# Without tracemalloc an unclosed object cannot say where it was made. The class of one that was
# reported unclosed is then followed: its __init__ notes its caller's stack on each new instance, so
# the next ones reported are named at the line that made them (THR-206: an aiohttp ClientSession per
# request, named at the handler's line from the second request on). One frame walk per instance of
# the classes that warned, nothing for the others; C types (whose __init__ is not a function) are not.
_CREATED_AT = "_seep_created_at"
_followed_classes = set()
_created_elsewhere = weakref.WeakKeyDictionary()  # for instances without a __dict__


def _caller_frames(frame):
    out = []
    while frame is not None and len(out) < TRACE_FRAMES:
        code = frame.f_code
        if os.path.dirname(os.path.abspath(code.co_filename)) != _HERE:
            line = linecache.getline(code.co_filename, frame.f_lineno).strip()
            out.append(f"{code.co_filename}:{frame.f_lineno}" + (f"  {line}" if line else ""))
        frame = frame.f_back
    out.reverse()
    return out


def _follow_creations(cls):
    if cls in _followed_classes or tracemalloc.is_tracing():
        return
    _followed_classes.add(cls)
    original = cls.__init__
    if not isinstance(original, types.FunctionType):
        return

    @functools.wraps(original)
    def __init__(self, *args, **kwargs):
        try:
            frames = _caller_frames(sys._getframe(1))
            attrs = getattr(self, "__dict__", None)
            if isinstance(attrs, dict):
                attrs[_CREATED_AT] = frames  # not setattr: a class may refuse unknown attributes
            else:
                _created_elsewhere[self] = frames
        except Exception:  # noqa: BLE001 - never let seep's bookkeeping break the target's constructor
            pass
        return original(self, *args, **kwargs)

    cls.__init__ = __init__


def op_follow_creations(req):
    """From now on, note where new instances of these classes are made (their caller's stack): a
    class that grows once per step then says which line makes it, without tracemalloc."""
    names = [n for n in req.get("types", []) if isinstance(n, str)]
    limit = int(req.get("max", 10))
    if not names or tracemalloc.is_tracing():
        return {"followed": []}
    classes = {}
    for o in seep_walk.objects_but_tuples()[0]:  # a class is never a tuple
        if isinstance(o, type):
            classes.setdefault(_qualname(o), o)
    followed = []
    # in the caller's order (most grown first); a C type cannot say who makes it, and takes no place
    for name in names:
        cls = classes.get(name)
        # one followed already (it warned unclosed) is named too: its creations are asked for
        if cls is None or not (cls in _followed_classes or isinstance(cls.__init__, types.FunctionType)):
            continue
        _follow_creations(cls)
        followed.append(name)
        if len(followed) >= limit:
            break
    return {"followed": followed}


def op_creations(req):
    """Where the live instances of these classes were made, by the user's line, most first (after followCreations)."""
    wanted = set(n for n in req.get("types", []) if isinstance(n, str))
    sites = {}
    # a followed class has a Python __init__, which a tuple's subclasses never had: no tuple is lost
    for o in seep_walk.objects_but_tuples()[0]:
        name = _qualname(type(o))
        if name not in wanted:
            continue
        frames = _created_at(o)
        if not frames:
            continue
        by = sites.setdefault(name, {})
        key = user_frame(frames)
        e = by.get(key)
        if e is None:
            line = next((f for f in reversed(frames) if f.split("  ", 1)[0] == key), key)
            by[key] = e = {"site": key, "line": line, "count": 0}
        e["count"] += 1
    return {"types": {name: sorted(by.values(), key=lambda e: -e["count"])[:3] for name, by in sites.items()}}


def _created_at(obj):
    attrs = getattr(obj, "__dict__", None)
    if isinstance(attrs, dict) and isinstance(attrs.get(_CREATED_AT), list):
        return attrs[_CREATED_AT]
    try:
        return _created_elsewhere.get(obj, [])
    except TypeError:  # unhashable
        return []


def _record_warning(category, message, filename, lineno, source):
    allocated = _allocation_stack(source) or _created_at(source)
    entry = {
        "category": category,
        "message": message,
        "filename": filename,
        "lineno": lineno,
        # where the leaked object was allocated: what the fix needs, not where it was collected
        "allocated": allocated,
        "site": user_frame(allocated) or (f"{filename}:{lineno}" if filename else ""),
    }
    if source is not None:
        entry["type"] = _qualname(type(source))
        _follow_creations(type(source))
    seep_warning_counts.count(category, message, filename, lineno, entry["site"], allocated, entry.get("type"))
    if len(_warnings) >= _max_kept[0]:
        _warnings.pop(0)
        _dropped[0] += 1
    _warnings.append(entry)


def _install_capture():
    original = warnings._showwarnmsg  # the one hook that still sees msg.source

    shown = set()

    def showwarnmsg(msg):
        try:
            _record_warning(msg.category.__name__, str(msg.message), msg.filename, msg.lineno, msg.source)
        except Exception as exc:  # never let seep's bookkeeping break the target's warning
            print(f"seep agent: cannot record a warning: {exc!r}", file=sys.stderr)
        if msg.category is ResourceWarning:
            where = (msg.filename, msg.lineno)
            if where in shown:
                return
            shown.add(where)
        original(msg)

    warnings._showwarnmsg = showwarnmsg
    # ResourceWarning is ignored by default; a leaked socket or file is what we look for. 'always' so
    # every one is counted; showwarnmsg prints only the first per line, as 'default' would.
    warnings.filterwarnings("always", category=ResourceWarning)
    if "asyncio.base_events" in sys.modules:
        _patch_asyncio(sys.modules["asyncio.base_events"].BaseEventLoop)
    else:
        sys.meta_path.insert(0, _AsyncioHook())


class _AsyncioHook:
    """Patches asyncio when the target imports it: importing it ourselves costs seconds under tracemalloc."""

    def find_spec(self, name, path=None, target=None):
        if name != "asyncio.base_events":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            _patch_asyncio(module.BaseEventLoop)

        spec.loader.exec_module = exec_and_patch
        return spec


def _patch_asyncio(loop_class):
    # aiohttp reports "Unclosed client session" / "Unclosed connector" through the loop's
    # exception handler with the object in the context; its allocation traceback names the line.
    original_handler = loop_class.call_exception_handler

    def call_exception_handler(self, context):
        try:
            message = str(context.get("message", ""))
            if message.startswith("Unclosed"):
                source = next((v for k, v in context.items() if k not in ("message", "source_traceback")), None)
                _record_warning("Unclosed", message, "", 0, source)
        except Exception as exc:
            print(f"seep agent: cannot record an asyncio message: {exc!r}", file=sys.stderr)
        return original_handler(self, context)

    loop_class.call_exception_handler = call_exception_handler


# --- the heap as the last full collection (generation 2) left it, the target's own or seep's: a soak's
# checkpoint under load reads it rather than force one (the engine says how recent: runner/boundaryReads.ts, fullGcReuseMs).
# Read in gc's own callback as a collection of the target's ends, and right after the collection when
# seep forces one: by the time a boundary's 'memory' is asked (after seep's /proc reads), a service's
# other threads have allocated for the requests in flight. The same figures either way (the cheap ones,
# no walk of the objects), so that a checkpoint that forced its GC and one that reused the target's
# own yield one shape; given once, to the boundary's read that asks for it (afterGc).
_last_full = None  # (time.monotonic() at its end, {traced, blocks, mallocInUse})
_after_gc = None  # what the last 'gc' request forced or reused, until a boundary's read takes it


def _heap_now():
    traced = tracemalloc.get_traced_memory()[0] if tracemalloc.is_tracing() else None
    return {"traced": traced, "blocks": sys.getallocatedblocks(), "mallocInUse": seep_heap.malloc_in_use()}


def _on_gc(phase, info):
    global _last_full
    if phase != "stop" or info.get("generation") != 2:
        return
    try:
        _last_full = (time.monotonic(), _heap_now())
    except Exception:  # never in the target's way
        pass


gc.callbacks.append(_on_gc)


def op_gc(req):
    """A full collection, and a second when the first found garbage; with reuseWithinMs, none when
    the last one ended that recently.

    The second frees what the first one's finalizers and weakref callbacks let go of. A first that
    found nothing unreachable ran none of them: a second would walk the same heap to the same
    answer, at the same cost (a gunicorn master's 31k objects: 16 ms, on every boundary)."""
    global _last_full, _after_gc
    within = req.get("reuseWithinMs")
    last = _last_full
    age_ms = None if last is None else (time.monotonic() - last[0]) * 1000
    if isinstance(within, (int, float)) and last is not None and age_ms <= within:
        _after_gc = last[1]
        return {"forced": False, "ageMs": age_ms}
    collected = gc.collect()
    passes = 1
    if collected:
        collected += gc.collect()
        passes = 2
    _last_full = (time.monotonic(), _heap_now())
    _after_gc = _last_full[1]
    return {"forced": True, "collected": collected, "passes": passes, "traced": _after_gc["traced"]}


def op_memory(req):
    """The heap at a boundary, read after the engine's 'gc': tracemalloc's figures where it traces,
    and always the blocks, malloc's bytes in use and the handles (seep_heap.py); with `afterGc`, the
    figures as the last 'gc' forced or reused them, once."""
    global _after_gc
    traced, peak = tracemalloc.get_traced_memory() if tracemalloc.is_tracing() else (None, None)
    reply = {
        "pid": os.getpid(),
        "traced": traced,
        "tracedPeak": peak,
        "tracing": tracemalloc.is_tracing(),
        "gcCounts": gc.get_count(),
        **seep_heap.read(_own_sockets),
    }
    if req.get("afterGc"):
        if _after_gc is not None:
            reply["afterGc"] = _after_gc
        _after_gc = None
    return reply


def _traces_by_stack():
    """Bytes and blocks per allocation stack, from tracemalloc's raw trace tuples.

    Snapshot.filter_traces and compare_to build Python objects per trace, and every one of those
    allocations is itself traced: 6-10 s for 60k traces on a busy machine. Summing the raw tuples
    (domain, size, frames newest first, total frames) is twenty times faster.
    """
    snap = tracemalloc.take_snapshot()
    raw = getattr(snap.traces, "_traces", None)
    if raw is None:  # a future Python without the private list: slower, same answer
        raw = [(0, t.size, tuple((f.filename, f.lineno) for f in reversed(t.traceback)), 0) for t in snap.traces]
    out = {}
    for _domain, size, frames, _total in raw:
        e = out.get(frames)
        if e is None:
            out[frames] = [size, 1]
        else:
            e[0] += size
            e[1] += 1
    del snap, raw
    return out


def _is_noise(frames, worker_file):
    if not frames or frames[0][0] in _NOISE_FILES or frames[0][0] == worker_file:
        return True
    # the agent's own work (snapshots, replies) is not the target's
    return any(f[0].startswith(_HERE_PREFIX) for f in frames)


def _format_stack(frames):
    out = []
    for filename, lineno in reversed(frames):
        line = linecache.getline(filename, lineno).strip()
        out.append(f"{filename}:{lineno}" + (f"  {line}" if line else ""))
    return out


def op_tracemalloc(req):
    if not tracemalloc.is_tracing():
        # Not started behind the target's back: tracing slows allocation-heavy code 15-45x.
        raise RuntimeError("tracemalloc is off (set PYTHONTRACEMALLOC=<frames> in the scenario's env to trace allocation sites)")
    action = req.get("action", "compare")
    name = req.get("name", "baseline")
    if action == "baseline":
        gc.collect()
        _snapshots[name] = _traces_by_stack()
        return {"stored": name, "traced": tracemalloc.get_traced_memory()[0]}
    if action != "compare":
        raise ValueError(f"tracemalloc action must be 'baseline' or 'compare', got {action!r}")
    if name not in _snapshots:
        raise KeyError(f"no tracemalloc snapshot named {name!r}; call action 'baseline' first")
    worker_file = req.get("workerFile")
    limit = int(req.get("limit", 20))
    gc.collect()
    before = _snapshots[name]
    now = _traces_by_stack()
    # per allocating line (newest frame): summed growth, and the stack that grew most
    by_line = {}
    for frames in list(now) + [f for f in before if f not in now]:
        if _is_noise(frames, worker_file):
            continue
        b = before.get(frames, (0, 0))
        n = now.get(frames, (0, 0))
        size_diff, count_diff = n[0] - b[0], n[1] - b[1]
        if size_diff == 0 and count_diff == 0:
            continue
        agg = by_line.get(frames[0])
        if agg is None:
            by_line[frames[0]] = agg = {"sizeDiff": 0, "countDiff": 0, "size": 0, "count": 0, "best": frames, "bestDiff": size_diff}
        agg["sizeDiff"] += size_diff
        agg["countDiff"] += count_diff
        agg["size"] += n[0]
        agg["count"] += n[1]
        if size_diff > agg["bestDiff"]:
            agg["best"], agg["bestDiff"] = frames, size_diff
    ranked = sorted((kv for kv in by_line.items() if kv[1]["sizeDiff"] > 0), key=lambda kv: -kv[1]["sizeDiff"])[:limit]
    sites = [
        {
            "site": f"{filename}:{lineno}",
            "line": linecache.getline(filename, lineno).strip(),
            "sizeDiff": agg["sizeDiff"],
            "countDiff": agg["countDiff"],
            "size": agg["size"],
            "count": agg["count"],
            "traceback": _format_stack(agg["best"]),
        }
        for (filename, lineno), agg in ranked
    ]
    return {"sites": sites, "traced": tracemalloc.get_traced_memory()[0]}


def _qualname(t):
    mod = getattr(t, "__module__", "builtins")
    return t.__qualname__ if mod == "builtins" else f"{mod}.{t.__qualname__}"


def op_type_counts(_req):
    gc.collect()
    return {"counts": _count_by_type()}


# --- type growth at every boundary (typeGrowth): the counts at the baseline, and what moved since ---
_type_baseline = {}


_LRU_WRAPPER = type(functools.lru_cache(maxsize=1)(lambda: None))


def _count_by_type():
    """Objects the GC tracks, per type: one pass in C (seep_walk), named once per type.

    Cancelled asyncio timers still in their loop's heap are left out (see below), and so is what a
    functools.lru_cache with a maxsize holds (its keys and results): the cache
    bounds it, so it fills at one per new argument and stops (urllib.parse.urlsplit's cache of 128
    fills at one SplitResult per step for a server whose URLs carry the step number; a run shorter
    than the cache would call that a leak). An unbounded lru_cache(maxsize=None) is counted.
    """
    by_type, _ = seep_walk.count_by_type()
    # asyncio keeps a cancelled timer in its loop's heap until it purges them (past 100 scheduled,
    # half of them cancelled): bounded by that rule, and garbage already, with the Context it holds
    events = sys.modules.get("asyncio.events")
    timer_type = getattr(events, "TimerHandle", None)
    caches = []
    for o in _special_objects(by_type, (_LRU_WRAPPER, timer_type)):
        t = type(o)
        if t is _LRU_WRAPPER:
            caches.append(o)
        elif getattr(o, "_cancelled", False):
            by_type[t] -= 1
            ctx = getattr(o, "_context", None)
            if ctx is not None and gc.is_tracked(ctx):
                by_type[type(ctx)] = by_type.get(type(ctx), 0) - 1
    # the agent's own record of each warning (a dict, and the list of its allocation stack) is not
    # the target's: a test that warns on every call, with pytest's filters at 'always', would show
    # both growing one a call up to MAX_WARNINGS
    for entry in _warnings:
        for own in (entry, entry.get("allocated")):
            if gc.is_tracked(own):
                by_type[type(own)] -= 1
    for cache in caches:
        try:
            if cache.cache_info().maxsize is None:
                continue
        except Exception:
            continue
        for held in gc.get_referents(cache):
            t = type(held)
            if t in by_type and gc.is_tracked(held) and not issubclass(t, (type, dict)) and by_type[t] > 0:
                by_type[t] -= 1
    counts = {}
    for t, n in by_type.items():
        name = _qualname(t)
        counts[name] = counts.get(name, 0) + n
    return counts


# the lru caches and timers seen by the last walk that picked them: while there are as many alive of
# each type as the counts say, they are all of them (a WeakSet holds only live ones), and the second
# walk over the heap is not needed; a service makes its caches at import, so that is nearly always
_specials = weakref.WeakSet()


def _special_objects(by_type, special_types):
    wanted = {t for t in special_types if t is not None and by_type.get(t)}
    known = [o for o in list(_specials) if type(o) in wanted]
    if sum(by_type[t] for t in wanted) != len(known):
        known = seep_walk.objects_where(wanted.__contains__)[0]
        _specials.clear()
        _specials.update(known)
    return known


def op_type_growth(req):
    """Per-type counts at a boundary, sent as change since the baseline, and only what moved.

    {"action": "baseline"} remembers the counts; {"action": "read", "minChange": 2, "limit": 20,
    "track": [names]} returns every name in `track` (what the caller already follows, so its series
    has no holes) and, of the others, the top `limit` by change among those whose count changed by
    more than minChange (so a new mover is seen as soon as it moves, however large the followed). No gc.collect() here: the engine has just forced one before every boundary read.
    Cost (measured, CPython 3.11 on the shared 2-core test machine, median of 5 reads): 0.5 ms on
    a worker's 9k tracked objects, 80 ms on 1M; the gc.collect() passes the engine forces
    before it (two, when the first finds garbage) cost 200 ms on that heap, so every boundary is read, never sampled.
    """
    action = req.get("action", "read")
    counts = _count_by_type()
    if action == "baseline":
        _type_baseline.clear()
        _type_baseline.update(counts)
        return {"types": len(counts), "objects": sum(counts.values())}
    if action != "read":
        raise ValueError(f"typeGrowth action must be 'baseline' or 'read', got {action!r}")
    if not _type_baseline:
        raise RuntimeError("typeGrowth has no baseline; call action 'baseline' first")
    min_change = int(req.get("minChange", 2))
    limit = int(req.get("limit", 20))
    track = [n for n in req.get("track", []) if isinstance(n, str)]
    followed = set(track)
    moved = []
    for name in set(counts) | set(_type_baseline):
        if name in followed:
            continue
        d = counts.get(name, 0) - _type_baseline.get(name, 0)
        if abs(d) > min_change:
            moved.append((name, d))
    moved.sort(key=lambda kv: (-kv[1], kv[0]))
    changes = dict(moved[:limit])
    for name in track:
        changes.setdefault(name, counts.get(name, 0) - _type_baseline.get(name, 0))
    return {"changes": changes, "objects": sum(counts.values())}


def op_referrers(req):
    """Who holds the newest instances of a type: a chain from a module global or a thread's local.

    timeoutMs bounds the whole op, the collection included (gc: false skips it, for a caller that has
    just collected); past it, or past maxVisited objects, the reply says so in cutShort. clock: "cpu"
    counts it in the CPU time of the thread searching, which a busy machine does not stretch, rather
    than on the wall clock.
    """
    clock = time.thread_time if req.get("clock") == "cpu" else time.monotonic
    start = clock()
    timeout_s = float(req.get("timeoutMs", 10_000)) / 1000
    if req.get("gc", True):
        gc.collect()
    max_visited = int(req.get("maxVisited", seep_referrers.MAX_VISITED))
    grew = int(req["grew"]) if isinstance(req.get("grew"), (int, float)) and req["grew"] >= 1 else None
    return seep_referrers.find_chain(req["type"], timeout_s=timeout_s, max_visited=max_visited, start=start, clock=clock, grew=grew, library_dirs=_LIBRARY_DIRS)


def op_open_resources(req):
    if req.get("gc", True):  # false: the caller has just collected
        gc.collect()
    out = []
    handle_types = seep_heap.subclasses([socket.socket, io.FileIO])
    for o in seep_walk.objects_where(handle_types.__contains__)[0]:
        try:
            if issubclass(type(o), socket.socket) and o.fileno() != -1:
                kind, desc = "socket", f"fd {o.fileno()} {o.family.name} {o.type.name}"
            elif issubclass(type(o), io.FileIO) and not o.closed:
                kind, desc = "file", f"fd {o.fileno()} {o.name!r} {o.mode}"
            else:
                continue
        except (OSError, ValueError):
            continue
        allocated = _allocation_stack(o)
        out.append({"kind": kind, "detail": desc, "allocated": allocated, "site": user_frame(allocated)})
    return {"resources": out}


def op_warnings(req):
    """The warnings kept (the newest MAX_WARNINGS) and how many were dropped before them.

    {"since": N}: only those after the first N this process recorded, for a reader that takes them
    as they come (the engine, where the target's output is not its to read: a test process under
    pytest); "total" is then the N to ask from next.
    """
    since = req.get("since")
    if not isinstance(since, int) or isinstance(since, bool) or since < 0:
        return {"warnings": list(_warnings), "dropped": _dropped[0]}
    total = len(_warnings) + _dropped[0]
    return {"warnings": _warnings[max(0, since - _dropped[0]):], "dropped": _dropped[0], "total": total, "lost": max(0, _dropped[0] - since)}


class SeepPlantedLeak:
    """A known leak, planted on request (seep run --calibrate): a bytearray of the asked size, held by
    an object of a named class so that type evidence names it too."""

    __slots__ = ("payload",)

    def __init__(self, size):
        self.payload = bytearray(b"\x5a") * size  # written, so it is resident


_planted = []


def op_plant(req):
    size = req.get("bytes")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0 or size > 1 << 30:
        raise TypeError(f"plant needs 'bytes', a whole number up to 1 GiB, got {size!r}")
    _planted.append(SeepPlantedLeak(size))
    return {"count": len(_planted), "bytes": len(_planted) * size}


def op_ping(_req):
    return {"pid": os.getpid(), "python": sys.version.split()[0], "tracing": tracemalloc.is_tracing()}


def op_runtime(_req):
    """The interpreter running this process, as it is: not the python3 that PATH would start now."""
    try:
        executable = os.readlink("/proc/self/exe")
    except OSError:
        executable = os.path.realpath(sys.executable)
    return {"name": "python", "version": "%d.%d.%d" % sys.version_info[:3], "executable": executable, "pid": os.getpid()}


HANDLERS = {
    "gc": op_gc,
    "memory": op_memory,
    "tracemalloc": op_tracemalloc,
    "typeCounts": op_type_counts,
    "typeGrowth": op_type_growth,
    "referrers": op_referrers,
    "containers": lambda req: seep_containers.op_containers(req, _LIBRARY_DIRS, _OWN_DIRS),
    "followCreations": op_follow_creations,
    "creations": op_creations,
    "openResources": op_open_resources,
    "warnings": op_warnings,
    "warningCounts": seep_warning_counts.op_warning_counts,
    "ping": op_ping,
    "runtime": op_runtime,
    "plant": op_plant,
}


def _error(exc):
    return {"type": type(exc).__name__, "message": str(exc), "traceback": "".join(traceback.format_exception(exc))}


def dispatch(line):
    try:
        req = json.loads(line)
        if not isinstance(req, dict):
            raise TypeError("request must be a JSON object")
    except Exception as exc:
        return {"id": None, "ok": False, "error": _error(exc)}
    try:
        handler = HANDLERS.get(req.get("op"))
        if handler is None:
            raise ValueError(f"unknown op {req.get('op')!r}; known: {', '.join(sorted(HANDLERS))}")
        return {"id": req.get("id"), "ok": True, "result": handler(req)}
    except Exception as exc:
        return {"id": req.get("id"), "ok": False, "error": _error(exc)}


_server = [None]  # this process's listening socket
_conns = set()  # connections this process serves
_socket_dir = [None]  # SEEP_AGENT_DIR: every process of the tree serves there, on <pid>.sock


def _serve_connection(conn):
    _own_sockets.add(conn)
    _conns.add(conn)
    try:
        with conn, conn.makefile("rb") as reader:
            for line in reader:
                if line.strip():
                    reply = dispatch(line)
                    try:
                        data = json.dumps(reply, default=repr)
                    except (TypeError, ValueError) as exc:
                        data = json.dumps({"id": reply.get("id"), "ok": False, "error": _error(exc)})
                    conn.sendall((data + "\n").encode("utf-8"))
    finally:
        _conns.discard(conn)


def _accept(server):
    while True:
        conn, _ = server.accept()
        threading.Thread(target=_serve_connection, args=(conn,), name="seep-agent-conn", daemon=True).start()


def _serve(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    _own_sockets.add(server)
    server.bind(path)
    server.listen(4)
    _server[0] = server
    threading.Thread(target=_accept, args=(server,), name="seep-agent", daemon=True).start()


def _own_socket():
    return os.path.join(_socket_dir[0], f"{os.getpid()}.sock")


def _remove_own_socket():
    if _socket_dir[0]:
        try:
            os.unlink(_own_socket())
        except OSError:
            pass


def _after_fork_in_child():
    """A pre-fork server's worker (gunicorn, multiprocessing's fork): the parent's server thread did
    not survive fork(), its sockets did (as fds of this process). Close them, forget the parent's
    snapshots and warnings, and serve this process on its own socket."""
    for s in [_server[0], *_conns]:
        try:
            if s is not None:
                s.close()
        except OSError:
            pass
    _server[0] = None
    _conns.clear()
    _snapshots.clear()
    _type_baseline.clear()
    seep_containers._baseline.clear()
    _warnings.clear()
    _dropped[0] = 0
    seep_warning_counts.forget()
    try:
        _serve(_own_socket())
    except Exception as exc:  # the worker must run even if seep's agent cannot
        print(f"seep agent: not serving in pid {os.getpid()}: {exc!r}", file=sys.stderr)


def _dump(path):
    """For short-lived CLIs: what seep reads of one (harness/agents/cliDumps.ts), written at exit.

    Only that: a tracemalloc baseline at start and its comparison here, which no check read, were
    90 ms of CPU an invocation of fixtures/finance-cli (458 ms with the agent, 210 without)."""
    try:
        gc.collect()
        # open resources collect again: what the first collection's finalizers let go of is not open at exit
        report = {"pid": os.getpid(), "warnings": list(_warnings), "openResources": op_open_resources({})["resources"]}
        with open(path, "w", encoding="utf-8") as f:
            json.dump(report, f, default=repr)
    except Exception as exc:
        print(f"seep agent: cannot write {path}: {exc!r}", file=sys.stderr)


def keep_warnings(n):
    """How many warnings the list keeps one by one (a reader that drains it keeps more)."""
    _max_kept[0] = n


def start(socket_path=None, dump_path=None, trace=True, socket_dir=None):
    """trace=False leaves tracemalloc to PYTHONTRACEMALLOC (the function worker: tracing costs start-up).

    socket_dir: serve on <socket_dir>/<pid>.sock, in this process and in every process forked from it."""
    if trace and not tracemalloc.is_tracing():
        tracemalloc.start(TRACE_FRAMES)
    _install_capture()
    if socket_dir:
        _socket_dir[0] = socket_dir
        _serve(_own_socket())
        os.register_at_fork(after_in_child=_after_fork_in_child)
        atexit.register(_remove_own_socket)
    elif socket_path:
        _serve(socket_path)
    if dump_path:
        keep_warnings(MAX_WARNINGS)
        atexit.register(_dump, dump_path)
