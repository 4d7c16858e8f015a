"""Every warning a Python target raises, counted by what it says and where it came from.

Python prints a warning once per location (the 'default' action), so the lines a target prints say
"1" for a warning raised 34 times a request; the agent sees every one (its filter is 'always') and
counts them here, in groups bounded in number, so a rate per step is a count, never a kept list
divided by the steps. Each group says whose code the warning came from: the innermost frame of
where the object was allocated that is outside the standard library (or, where the allocation is not
known, where the warning was raised) is an installed dependency's (site-packages, dist-packages,
node_modules), the standard library's, or the project's own.
"""

import os
import re
import sysconfig

MAX_GROUPS = 500
# frames of the allocation sent with a group: the innermost ones say whose code made the object
SENT_FRAMES = 6

_DEPENDENCY_DIR = re.compile(r"[\\/](site-packages|dist-packages|node_modules)[\\/]")
_STDLIB = tuple({sysconfig.get_paths()[k] + os.sep for k in ("stdlib", "platstdlib")}) + ("<frozen ", "<string>")
_FRAME = re.compile(r"^(.*):(\d+)(?:  .*)?$", re.S)

_groups = {}
_dropped = [0]


def what(message):
    """The message without what differs per occurrence: fds, addresses, pids and other numbers."""
    first = re.split(r"[\n,]", message, maxsplit=1)[0]
    first = re.sub(r" fd=\d+", "", first)
    first = re.sub(r" object at 0x[0-9a-fA-F]+", "", first)
    first = re.sub(r"\b0x[0-9a-fA-F]+\b", "0x…", first)
    return re.sub(r"\b\d+\b", "N", first)[:100]


def _kind_of(path):
    if _DEPENDENCY_DIR.search(path):
        return "dependency"
    if path.startswith(_STDLIB) or not path:
        return "stdlib"
    return "project"


def origin(allocated, filename, lineno):
    """('dependency' | 'project' | 'stdlib', 'file:line'): whose code the warned-about object came from."""
    for frame in reversed(allocated):
        m = _FRAME.match(frame)
        path = m.group(1) if m else frame
        kind = _kind_of(path)
        if kind != "stdlib":
            return kind, f"{path}:{m.group(2)}" if m else path
    if filename:
        return _kind_of(filename), f"{filename}:{lineno}"
    return "stdlib", ""


def count(category, message, filename, lineno, site, allocated, type_name):
    w = what(message)
    kind, frame = origin(allocated, filename, lineno)
    key = (category, w, filename, lineno, kind)
    group = _groups.get(key)
    if group is None:
        if len(_groups) >= MAX_GROUPS:
            _dropped[0] += 1
            return
        group = {
            "category": category,
            "what": w,
            "message": message[:300],
            "raisedAt": f"{filename}:{lineno}" if filename else "",
            "site": site,
            "origin": kind,
            "originFrame": frame,
            "allocated": allocated[-SENT_FRAMES:],
            "count": 0,
        }
        if type_name:
            group["type"] = type_name
        _groups[key] = group
    elif allocated and not group["allocated"]:
        # the class of the first one is followed from then on (seep_agent._follow_creations): the
        # later ones say where they were made
        group["allocated"] = allocated[-SENT_FRAMES:]
        group["site"] = site
    group["count"] += 1


def op_warning_counts(_req):
    return {"groups": list(_groups.values()), "dropped": _dropped[0]}


def forget():
    """A forked worker starts counting its own."""
    _groups.clear()
    _dropped[0] = 0
