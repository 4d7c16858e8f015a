"""Who holds a type's newest instances: a chain from a module global (or a thread's local) down to one.

Standard library only; imported by seep_agent.py. objgraph's find_backref_chain walks up from the
instance with gc.get_referrers, which scans the whole heap per call: 1.1 s a call on a heap of 5M
objects, and 120 s were not enough for a daemon holding BeautifulSoup trees. This walks the other
way, breadth first from the roots down through gc.get_referents, so it touches each reachable object
at most once and stops at the first level that holds a new instance: a registry two hops from a
module global is found after a few thousand objects, whatever the heap's size. It runs against a
deadline and a cap on the objects it visits (its bookkeeping is about 120 bytes per object, in the
target), and when either is hit it returns what it found so far with the reason in `cutShort`.
"""

import gc
import linecache
import os
import sys
import threading
import time

import seep_heap  # beside this file
import seep_walk

# the newest instances are the ones at the end of gc.get_objects() (a collection appends the younger
# generations to the older): a chain to any of the newest tenth (at least NEWEST) counts as one to a
# new instance. Not just the last few: those are the deepest leaves of the newest tree.
NEWEST = 100
# a list or dict this long is walked into last: a ballast of 2M small lists beside a registry of
# trees filled the walk's time and its cap before it reached the trees (a breadth-first walk fans
# out fastest through the biggest container, which is rarely the one that leaks a type)
BIG = 50_000
_CONTAINERS = (list, tuple, dict, set, frozenset)
# past the first old instance, look this many levels further for a new one before settling for it
EXTRA_LEVELS = 3
# ...and this many when the caller said how many grew: the new ones are then known to be the growth,
# and an old one near a root says nothing about it (sys.__stderr__ one level from sys, a FileHandler's
# new TextIOWrapper five from its logger's module: logger, handlers, handler, stream)
EXTRA_LEVELS_WHEN_GREW = 8
# parent's entries cost about 120 bytes each in the target: at most ~250 MB
MAX_VISITED = 2_000_000

_HERE = os.path.dirname(os.path.abspath(__file__))


def _is(obj, cls):
    """isinstance() by the object's real type. isinstance() falls back to obj.__class__, which a proxy
    may define as a property (Django's SimpleLazyObject, behind every lazily compiled regex and
    lazy setting): asking it would run the target's deferred work, and the next look would count
    what that made (Django "grew" re.Pattern objects 2.8 per step that way)."""
    return issubclass(type(obj), cls)


def qualname(t):
    mod = getattr(t, "__module__", "builtins")
    return t.__qualname__ if mod == "builtins" else f"{mod}.{t.__qualname__}"


def _assigns(text, name):
    """Whether a source line assigns the module global `name` (`name = ...`, `name: T = ...`).

    Plain string tests, not a regex: a pattern compiled per name would go into the target's own
    re._cache, and the next look would count those re.Pattern objects as the target's growth (a
    Django admin "grew" 2.8 per step that way)."""
    if not text.startswith(name):
        return False
    rest = text[len(name):].lstrip()
    if rest.startswith(":"):
        return "=" in rest[1:]
    return rest.startswith("=")


def _global_line(mod, name):
    path = getattr(mod, "__file__", None)
    if not path:
        return ""
    for i, text in enumerate(linecache.getlines(path), 1):
        if _assigns(text, name):
            return f"{path}:{i}"
    return path


def _edge(holder, child):
    """How holder refers to child: '[key]', '[3]', '.attr', or '' when it cannot tell."""
    if _is(holder, dict):
        for k, v in holder.items():
            if v is child:
                return f"[{k!r}]"[:80]
        return "(key)"
    if _is(holder, (list, tuple)):
        for i, v in enumerate(holder):
            if v is child:
                return f"[{i}]"
        return ""
    attrs = getattr(holder, "__dict__", None) if not _is(holder, type) else None
    if _is(attrs, dict):
        for k, v in attrs.items():
            if v is child:
                return f".{k}"[:80]
    return ""


def _module_roots():
    """(module, its globals) for every module but the agent's."""
    out = []
    for name, mod in list(sys.modules.items()):
        d = getattr(mod, "__dict__", None)
        if _is(d, dict) and name not in ("seep_agent", "seep_referrers"):
            out.append((mod, d))
    return out


def _frame_roots():
    """(frame, its locals) for every thread's frames but the agent's own."""
    out = []
    me = threading.get_ident()
    for ident, frame in sys._current_frames().items():
        while frame is not None:
            code = frame.f_code
            if not (ident == me and os.path.dirname(os.path.abspath(code.co_filename)) == _HERE):
                out.append((frame, frame.f_locals))
            frame = frame.f_back
    return out


def _root_label(root, d, child):
    name = next((k for k, v in d.items() if v is child), "?")
    if _is(root, type(sys)):
        return f"{_global_line(root, name)}  {root.__name__}.{name}".strip()
    code = root.f_code
    return f"{code.co_filename}:{root.f_lineno}  {code.co_name}() local {name}"


def _type_matcher(wanted):
    cache = {}

    def matches(t):
        m = cache.get(t)
        if m is None:
            m = cache[t] = qualname(t) == wanted
        return m

    return matches


def _newest(matches, grew=None):
    """The newest instances, newest first, and the heap's object count. They are picked in C by
    their type (seep_walk: a tuple() in progress in another thread is never held while bytecode
    runs), so an exact tuple is never one: a search for builtins.tuple finds no instance, while
    chains through tuples are found as before, by the walk down from the roots. `grew`, how many the
    type gained since the baseline, bounds them: of 3 old _io.TextIOWrapper and 30 new, the newest
    tenth (at least NEWEST) took in sys.__stderr__'s, and its chain was the shortest."""
    wanted = {t for t in seep_heap.subclasses([object]) if t is not tuple and matches(t)}
    instances, total = seep_walk.objects_where(wanted.__contains__)
    instances.reverse()
    keep = max(NEWEST, len(instances) // 10)
    if grew:
        keep = min(keep, grew)
    return instances[:keep], total


def _seconds(s):
    return f"{round(s, 1):g} s" if s >= 1 else f"{s * 1000:.0f} ms"


def _millions(n):
    return f"{n / 1e6:.1f}M" if n >= 1e6 else f"{n:,}"


def find_chain(wanted, timeout_s=10.0, max_visited=MAX_VISITED, start=None, clock=time.monotonic, grew=None, library_dirs=()):
    """{"chain": [...], "refs": [...], "visited": n, "heapObjects": n, "seconds": s} plus "cutShort" when it stopped early.

    "refs" is the chain as typed references (a leak trace's: kind, owner, name, user, site); a name
    is the user's when the module that holds it is not in `library_dirs`.

    The deadline is timeout_s after start (now, by default: a caller that did work first passes its own).
    """
    start = clock() if start is None else start
    deadline = start + timeout_s
    matches = _type_matcher(wanted)
    # one pass in C over the heap, not interruptible (0.1 s for 2.5M objects); the walk gets the rest
    newest, total = _newest(matches, grew)
    out = {"chain": [], "heapObjects": total, "visited": 0}
    if not newest:
        out["seconds"] = round(clock() - start, 3)
        return out
    new_ids = {id(o) for o in newest}

    # parent[id(obj)] = (obj, its holder, or None at a root): the tuple keeps both alive while we
    # walk, so an id is never reused under us; at_root[id(obj)] = (module or frame, its dict)
    parent = {}
    at_root = {}

    def from_roots(roots):
        level = []
        for root, d in roots:
            for v in list(d.values()):
                if gc.is_tracked(v) and id(v) not in parent:
                    parent[id(v)] = (v, None)
                    at_root[id(v)] = (root, d)
                    level.append(v)
        return level

    # Module globals first, threads' locals only once everything reachable from those is seen: a
    # thread in the middle of its work holds the newest instance in a local ('setup() local self'
    # in bs4's parser), which says nothing about who keeps them.
    level = from_roots(_module_roots())
    frames_walked = False
    ours = {id(parent), id(at_root), id(level), id(newest), id(new_ids)}

    found_old = None
    found_new = None
    levels_past_old = 0
    cut = None
    full = False  # parent reached max_visited: the next level is looked at, not walked from
    looked_past_full = False
    visited = 0
    deferred = []  # containers over BIG entries, walked into only when nothing smaller is left
    deferred_ids = set()
    ours |= {id(deferred), id(deferred_ids)}
    while found_new is None and not cut:
        if not level and not frames_walked:
            level, frames_walked = from_roots(_frame_roots()), True
        if not level:
            level, deferred = deferred, []
        if not level:
            break
        if found_old is not None:
            levels_past_old += 1
            if levels_past_old > (EXTRA_LEVELS_WHEN_GREW if grew else EXTRA_LEVELS):
                break
        nxt = []
        for obj in level:
            visited += 1
            if matches(type(obj)):
                if id(obj) in new_ids:
                    found_new = obj
                    break
                if found_old is None:
                    found_old = obj
            if visited % 4096 == 0 and clock() > deadline:
                cut = f"cut short at {_seconds(timeout_s)}"
                break
            if full:
                continue
            if issubclass(type(obj), _CONTAINERS) and len(obj) > BIG and id(obj) not in deferred_ids:  # _is(), inlined: the hot loop
                deferred.append(obj)
                deferred_ids.add(id(obj))
                continue
            for r in gc.get_referents(obj):
                if gc.is_tracked(r) and id(r) not in parent and id(r) not in ours:
                    parent[id(r)] = (r, obj)
                    nxt.append(r)
                    # one list can hold millions: look at the cap and the clock inside it too
                    if len(parent) % 8192 == 0 and (len(parent) >= max_visited or clock() > deadline):
                        break
            full = len(parent) >= max_visited
            if not full and len(parent) % 8192 == 0 and clock() > deadline:
                cut = f"cut short at {_seconds(timeout_s)}"
                break
        if full and found_new is None and not cut:
            # the level just found is already in memory: look at it, then stop
            if looked_past_full:
                cut = f"cut short after {_millions(max_visited)} objects"
            looked_past_full = True
        level = nxt
    if full and found_new is None and not cut:  # the walk ran out of objects it had room for
        cut = f"cut short after {_millions(max_visited)} objects"
    out["visited"] = visited
    target = found_new if found_new is not None else found_old
    if target is not None:
        out["chain"] = _chain(parent, at_root, target)
        out["refs"] = _refs(parent, at_root, target, library_dirs)
        if found_new is None:
            out["olderInstance"] = True
    if cut:
        what = "the chain leads to an older instance" if target is not None else "no chain found"
        out["cutShort"] = f"referrer search for {wanted} {cut} (heap of {_millions(total)} objects; {what})"
    elif target is None:
        out["note"] = f"no instance of {wanted} is reachable from a module global or a thread's locals"
    out["seconds"] = round(clock() - start, 3)
    return out


def _own_dict(obj):
    d = None if _is(obj, type) else getattr(obj, "__dict__", None)
    return d if _is(d, dict) else None


def _chain(parent, at_root, target):
    path = _path_to(parent, target)
    root, d = at_root[id(path[0])]
    chain = [_root_label(root, d, path[0])]
    for i, (holder, child) in enumerate(zip(path, path[1:])):
        if _own_dict(holder) is child:
            continue  # the next hop names the attribute: 'Crew.agents', not 'Crew', "dict['agents']"
        owner = path[i - 1] if i > 0 and _own_dict(path[i - 1]) is holder else None
        if owner is not None:
            key = next((k for k, v in holder.items() if v is child), "?")
            chain.append(f"{qualname(type(owner))}.{key}")
        else:
            chain.append(f"{qualname(type(holder))}{_edge(holder, child)}")
    chain.append(qualname(type(target)))
    return chain


def _user_file(path, library_dirs):
    return bool(path) and not os.path.abspath(path).startswith(library_dirs) and os.path.dirname(os.path.abspath(path)) != _HERE


def _path_to(parent, target):
    path = [target]
    while True:
        up = parent[id(path[-1])][1]
        if up is None:
            break
        path.append(up)
    path.reverse()
    return path


def _refs(parent, at_root, target, library_dirs):
    """The chain as a leak trace's references, from the module global or the thread's local down."""
    path = _path_to(parent, target)
    root, d = at_root[id(path[0])]
    name = next((k for k, v in d.items() if v is path[0]), "?")
    if isinstance(root, type(sys)):
        file = getattr(root, "__file__", None) or ""
        refs = [{"kind": "module-variable", "owner": root.__name__, "name": str(name), "user": _user_file(file, library_dirs), "site": _global_line(root, name)}]
    else:
        code = root.f_code
        refs = [{"kind": "local", "owner": f"{code.co_name}()", "name": str(name), "user": _user_file(code.co_filename, library_dirs), "site": f"{code.co_filename}:{root.f_lineno}"}]
    for i, (holder, child) in enumerate(zip(path, path[1:])):
        if _own_dict(holder) is child:
            continue
        owner = path[i - 1] if i > 0 and _own_dict(path[i - 1]) is holder else None
        if owner is not None:
            key = next((k for k, v in holder.items() if v is child), "?")
            cls = owner if isinstance(owner, type) else type(owner)
            file = getattr(sys.modules.get(getattr(cls, "__module__", "")), "__file__", None) or ""
            refs.append({
                "kind": "class-attribute" if isinstance(owner, type) else "attribute",
                "owner": qualname(owner) if isinstance(owner, type) else qualname(type(owner)),
                "name": str(key),
                "user": _user_file(file, library_dirs),
            })
        else:
            refs.append({"kind": "element", "owner": qualname(type(holder)), "name": _edge(holder, child) or "?", "user": False})
    return refs
