"""Which of the program's own containers grew: the holders a developer would fix.

Part of seep's agent (seep_agent.op_containers); standard library only. At the first look the
lengths of the containers the program names are remembered: its modules' globals, its classes'
attributes and the attributes of its module-level instances (a list, dict, set or deque a module or
class keeps: `_SESSIONS`, `OrderService._cache`, `app.registry`). At a later look those that grew are
returned with the lines of the module that add to them (its source read for `NAME.append(` and the
like: what to change, even for bytes, which no type count sees), what their newest entries are, and
about how many bytes those keep. Without tracemalloc: nothing is traced, the program runs as it did.
"""

import collections
import gc
import linecache
import os
import re
import sys
import types

import seep_referrers

_CONTAINERS = (list, dict, set, collections.deque)
# entries of a grown container looked at for their types and sizes
SAMPLE = 50
# objects one deep size walks: an entry that reaches the whole heap stops here
MAX_WALK = 20_000
_ATOMIC = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.CodeType, types.FrameType)
_MUTATORS = r"(append|appendleft|extend|extendleft|insert|add|update|setdefault|__setitem__)\("

_baseline = {}


def _qualname(t):
    mod = getattr(t, "__module__", "builtins")
    return t.__qualname__ if mod == "builtins" else f"{mod}.{t.__qualname__}"


def _user_modules(library_dirs, own_dirs):
    """(name, module, file) of every module whose file is the program's: not the standard library, not installed packages, not seep's."""
    out = []
    for name, mod in list(sys.modules.items()):
        path = getattr(mod, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            continue
        path = os.path.abspath(path)
        if path.startswith(library_dirs) or os.path.dirname(path) in own_dirs:
            continue
        out.append((name, mod, path))
    return out


def _named_containers(library_dirs, own_dirs):
    """{id: (container, name, kind, module file, the name a mutation line uses, its module if a global)} for the containers the program names."""
    found = {}

    def note(obj, name, kind, path, ref, module=None):
        if isinstance(obj, _CONTAINERS) and id(obj) not in found:
            found[id(obj)] = (obj, name, kind, path, ref, module)

    for modname, mod, path in _user_modules(library_dirs, own_dirs):
        for gname, value in list(vars(mod).items()):
            if gname.startswith("__"):
                continue
            note(value, f"{modname}.{gname}", "module-variable", path, gname, mod)
            if isinstance(value, type) and getattr(value, "__module__", None) == modname:
                for attr, v in list(vars(value).items()):
                    note(v, f"{modname}.{gname}.{attr}", "class-attribute", path, attr)
            elif not isinstance(value, _ATOMIC) and getattr(type(value), "__module__", None) == modname:
                for attr, v in list(getattr(value, "__dict__", {}).items()):
                    note(v, f"{modname}.{gname}.{attr}", "attribute", path, attr)
    return found


def _lines(path, ref, kind):
    """The lines of `path` that add to the container named `ref` (a global, or an attribute)."""
    prefix = r"(?<![\w.])" if kind == "module-variable" else r"\."
    pat = re.compile(prefix + re.escape(ref) + r"(\s*\.\s*" + _MUTATORS + r"|\s*\[[^\]]*\]\s*=(?!=)|\s*(\+=|\|=))")
    out = []
    for i, text in enumerate(linecache.getlines(path), 1):
        if pat.search(text):
            out.append(f"{path}:{i}  {text.strip()}")
    return out


def _newest(c, n):
    if isinstance(c, (list, collections.deque)):
        return list(c)[-n:] if n > 0 else []
    if isinstance(c, dict):
        return list(c.values())[-n:] if n > 0 else []
    return list(c)[:n]


def _deep_size(objs, seen):
    """Bytes of the objects reachable from `objs` not counted before (shared parts once), within MAX_WALK."""
    total = 0
    stack = list(objs)
    walked = 0
    while stack and walked < MAX_WALK:
        o = stack.pop()
        if id(o) in seen or isinstance(o, _ATOMIC):
            continue
        seen.add(id(o))
        walked += 1
        try:
            total += sys.getsizeof(o)
        except TypeError:
            continue
        stack.extend(gc.get_referents(o))
    return total


def op_containers(req, library_dirs, own_dirs):
    """{"action": "baseline"} remembers the lengths; {"action": "read", "minGrowth": n} returns those grown by n or more."""
    action = req.get("action", "read")
    named = _named_containers(library_dirs, own_dirs)
    if action == "baseline":
        _baseline.clear()
        _baseline.update({k: len(v[0]) for k, v in named.items()})
        return {"containers": len(_baseline)}
    if action != "read":
        raise ValueError(f"containers action must be 'baseline' or 'read', got {action!r}")
    min_growth = int(req.get("minGrowth", 1))
    out = []
    seen = set(id(v[0]) for v in named.values())
    for key, (c, name, kind, path, ref, module) in named.items():
        if key not in _baseline:
            continue
        grew = len(c) - _baseline[key]
        if grew < min_growth:
            continue
        newest = _newest(c, min(grew, SAMPLE))
        types_ = collections.Counter(_qualname(type(x)) for x in newest)
        size = _deep_size(newest, seen)
        out.append({
            "name": name,
            "kind": kind,
            "type": _qualname(type(c)),
            # a global's own line, read only for those that grew
            "declared": seep_referrers._global_line(module, ref) if module is not None else path,
            "grew": grew,
            "bytes": size * grew // max(1, len(newest)),
            "holds": [{"name": t, "count": n * grew // max(1, len(newest))} for t, n in types_.most_common(5)],
            "sites": _lines(path, ref, kind),
        })
    out.sort(key=lambda x: -x["bytes"])
    return {"containers": out}
