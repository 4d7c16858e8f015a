"""A step run in a loop in this process and measured as seep measures a target: the observations document.

What seep run does to a function target, done from inside the process the step runs in (the pytest
plugin's test, seep_pytest.py): warmup steps, the baseline, measured steps, a settle with bounded
backoff, and after every step a forced GC and a boundary read (the tree through /proc, seep_proc.py;
the heap, handles and gc counts per type through seep's Python agent, seep_agent.py). The three
looks (baseline, after the measured steps, after the settle) give the gc counts per type that name
the suspects. Nothing is judged here: the document goes to `seep judge` (harness/judge/).
"""

import datetime
import gc
import os
import json
import signal
import tempfile
import time
import uuid
import warnings

import seep_agent
import seep_proc
import seep_referrers

DOCUMENT_VERSION = 1
# runner/settle.ts: counted resources get these chances to return to their baseline
BACKOFF_MS = (100, 250, 500, 1000, 2000)
COUNTED = ("fds", "sockets", "threads", "children", "handles")
# runner/typeGrowthCollector.ts: what the agent sends per read, and how many names are followed
MIN_OBJECTS_CHANGE = 2
TOP_PER_READ = 20
MAX_FOLLOWED = 60
# referrer chains are searched for the types that grew at least this much per measured step (a look
# worth taking; the judge decides what leaks), at most EXPLAIN_TOP of them, each for at most REFERRER_S
EXPLAIN_PER_STEP = 0.5
EXPLAIN_TOP = 3
REFERRER_S = 2.0
COOKIE = "SEEP_TEST_COOKIE"

_capture_installed = [False]


def _iso(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).isoformat(timespec="milliseconds")


class _Recorder:
    """The reads, written to a temporary file as they are made: kept in this process, they would be
    objects and bytes growing once per step beside the step's own, and be judged with them."""

    def __init__(self, started):
        self.started = started
        self.file = tempfile.TemporaryFile("w+", encoding="utf-8")
        self.followed = set()
        # the agent's list is taken as it fills (kept there, its entries would grow once per warning);
        # what it holds from before this test is not this test's
        seep_agent._warnings.clear()
        seep_agent.keep_warnings(seep_agent.MAX_WARNINGS)

    def now(self):
        return round((time.monotonic() - self.started) * 1000, 1)

    def _write(self, kind, value):
        self.file.write(json.dumps([kind, value], default=repr) + "\n")

    def _new_warnings(self, t, phase):
        fresh = list(seep_agent._warnings)
        seep_agent._warnings.clear()
        for w in fresh:
            self._write("warning", {"t": t, "phase": phase, "category": w["category"], "message": w["message"],
                                    "filename": w["filename"] or "", "lineno": w["lineno"] or 0,
                                    "site": w["site"] or "", "allocated": w["allocated"]})

    def boundary(self, iteration, phase):
        """A forced GC, then the read; returns the counted values (handles included) for the settle."""
        seep_agent.op_gc({})
        t = self.now()
        values, tcp, pids = seep_proc.sample()
        heap = seep_agent.op_memory({})
        self._write("boundary", {"t": t, "iteration": iteration, "phase": phase, "values": values, "tcp": tcp, "pids": pids, "heap": heap})
        started = time.monotonic()
        changes = {}
        if phase == "warmup":
            seep_agent.op_type_growth({"action": "baseline"})
            self._write("baseline", None)
        else:
            got = seep_agent.op_type_growth({"action": "read", "minChange": MIN_OBJECTS_CHANGE, "limit": TOP_PER_READ, "track": sorted(self.followed)})["changes"]
            for name, n in got.items():
                if name in self.followed or len(self.followed) < MAX_FOLLOWED:
                    self.followed.add(name)
                    changes[name] = n
        self._write("types", {"t": t, "iteration": iteration, "phase": phase, "changes": changes, "ms": round((time.monotonic() - started) * 1000, 2)})
        self._new_warnings(t, phase)
        counted = {k: values.get(k) for k in COUNTED}
        counted["handles"] = sum((heap.get("handles") or {}).values())
        return counted

    def read_back(self):
        """(boundaries, type reads from the last baseline on, warnings)"""
        self.file.seek(0)
        boundaries, reads, warns = [], [], []
        for line in self.file:
            kind, value = json.loads(line)
            if kind == "boundary":
                boundaries.append(value)
            elif kind == "baseline":
                reads.clear()
            elif kind == "types":
                reads.append(value)
            else:
                warns.append(value)
        self.file.close()
        return boundaries, reads, warns


def _settled(now, base):
    return all(now.get(k) is None or base.get(k) is None or now[k] <= base[k] for k in COUNTED)


def _once_per_line(show):
    """What shows a warning (pytest's: a list it keeps for its summary) gets the first from each line:
    looped, every repeat would be a WarningMessage kept per step by the test runner, not the test.
    seep counts them all (seep_agent's capture sees every one before this)."""
    shown = set()

    def show_once(msg):
        where = (msg.category, msg.filename, msg.lineno)
        if where not in shown:
            shown.add(where)
            show(msg)

    return show_once


def _referrers(looks, measured):
    base, after, settled = looks
    grown = sorted(((min(after.get(k, 0), settled.get(k, 0)) - base.get(k, 0), k) for k in settled), reverse=True)
    out = {}
    for delta, name in grown[:EXPLAIN_TOP]:
        if measured <= 0 or delta < EXPLAIN_PER_STEP * measured:
            break
        try:
            out[name] = seep_referrers.find_chain(name, timeout_s=REFERRER_S)["chain"]
        except Exception as exc:  # a search that fails leaves the suspect without a chain, and says so
            out[name] = [f"(referrer search failed: {exc!r})"]
    return out


def _kill(pids):
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def measure(step, *, name, file="", iterations=50, warmup=5, settle_ms=1000, budgets=None, command=None):
    """Runs step() warmup + iterations times and settles. Returns (document, exception or None): a
    step that raised ends the loop, and the document says so in 'error'."""
    if not _capture_installed[0]:
        seep_agent._install_capture()  # ResourceWarning and asyncio's "Unclosed ..." with their allocation sites
        _capture_installed[0] = True
    started_wall = time.time()
    rec = _Recorder(time.monotonic())
    cookie = uuid.uuid4().hex
    old_cookie = os.environ.get(COOKIE)
    os.environ[COOKIE] = cookie  # children inherit it: one that escapes the tree is still found
    doc = {"seepObservations": DOCUMENT_VERSION, "name": name, "file": file, "startedAt": _iso(started_wall),
           "target": {"kind": "module", "runtime": "python", **({"command": command} if command else {})},
           "budgets": budgets or {}, "probeErrors": []}
    steps = {"warmup": 0, "measured": 0}
    failure = None
    looks = []
    total = warmup + iterations
    try:
        with warnings.catch_warnings():
            # pytest resets the filters per test; a leaked socket or file is what we look for
            warnings.filterwarnings("always", category=ResourceWarning)
            warnings._showwarnmsg_impl = _once_per_line(warnings._showwarnmsg_impl)

            def take_baseline(iteration):
                # the look and the identities are taken before the baseline read, so that what they
                # keep is in it, not in the first measured read
                looks.append(seep_agent.op_type_counts({})["counts"])
                ids = seep_proc.identities()
                return ids, rec.boundary(iteration, "warmup")

            if warmup == 0:
                base_ids, base = take_baseline(0)
            for i in range(total):
                phase = "warmup" if i < warmup else "measured"
                try:
                    step()
                except BaseException as exc:
                    failure = exc
                    doc["error"] = f"step (iteration {i + 1} of {total}, {phase}) raised {type(exc).__name__}: {exc}"
                    raise
                steps[phase] += 1
                if i == warmup - 1:
                    base_ids, base = take_baseline(i + 1)
                else:
                    rec.boundary(i + 1, phase)
            looks.append(seep_agent.op_type_counts({})["counts"])
            time.sleep(settle_ms / 1000)
            for attempt in range(len(BACKOFF_MS) + 1):
                if _settled(rec.boundary(total, "settle"), base) or attempt == len(BACKOFF_MS):
                    break
                time.sleep(BACKOFF_MS[attempt] / 1000)
            doc["newSinceBaseline"] = seep_proc.new_since(base_ids, seep_proc.identities())
            looks.append(seep_agent.op_type_counts({})["counts"])
            doc["looks"] = {"types": looks, "referrers": _referrers(looks, steps["measured"])}
    except BaseException:
        if failure is None:
            raise  # seep's own measuring failed: not the step's
    finally:
        escaped = seep_proc.carrying(COOKIE, cookie)
        doc["orphans"] = [{"kind": "process", "id": str(pid), "detail": f"{seep_proc.command_line(pid)} (left the test process's tree; killed)"} for pid in escaped]
        _kill(escaped)
        if old_cookie is None:
            os.environ.pop(COOKIE, None)
        else:
            os.environ[COOKIE] = old_cookie
    boundaries, reads, warns = rec.read_back()
    doc.update(finishedAt=_iso(time.time()), steps=steps, boundaries=boundaries, types={"runtime": "python", "reads": reads}, warnings=warns)
    return doc, failure
