"""seep's pytest plugin: @pytest.mark.leaks runs a test's body through seep's engine, as seep run runs a step.

    @pytest.mark.leaks(iterations=50, warmup=3, rss_growth="50MB", sockets="baseline")
    def test_run_crew():
        run_crew()

The engine (`seep caller`, the engine of `seep run`) measures this process and asks it to run the
body once per step, where pytest's fixtures live (seep_caller.py answers it): warmup, measured steps
and the settle, a forced GC and a read of the process tree after each step, the steps that name the
suspects, and seep's judge. The marker's keywords are a scenario's fields in snake_case: the loop's
(iterations, warmup, duration for a soak, settle_ms, step_timeout_ms, rate, interval) and, for
every other keyword, a budget (rss_growth="50MB" replaces its resource's default check). A failing
test prints the checks with their numbers and the top suspects; a test whose body raises fails with
that error, never passes. --seep-report DIR writes each marked test's report.json and HTML page
under DIR.

Loaded with `pytest -p seep_pytest` (this folder on PYTHONPATH) or `npx seep pytest`.
"""

import inspect
import os
import re
import subprocess
import unittest
import warnings

import pytest

import seep_caller

# the scenario's own fields; every other keyword of the marker is a budget
_PLAN_FIELDS = ("iterations", "warmup", "duration", "settle_ms", "step_timeout_ms", "rate", "interval")


def pytest_addoption(parser):
    group = parser.getgroup("seep", "seep leak tests (@pytest.mark.leaks)")
    group.addoption("--seep-report", metavar="DIR", default=None, help="write each leak test's report.json and HTML report under DIR")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "leaks(iterations=50, warmup=3, duration=None, settle_ms=1000, **budgets): run the test body through seep's engine "
        "and fail on a leak (seep's default checks; budgets as in seep scenarios, snake_case: rss_growth='50MB', sockets='baseline')",
    )


def _camel(name):
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name)


def _snake(name):
    return re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), name)


def _in_marker_words(text):
    """seep names a field as a scenario does (budgets.rssGrowth, iterations); the test wrote rss_growth=."""
    fields = "|".join(_camel(f) for f in _PLAN_FIELDS)
    text = re.sub(r"\bbudgets\.(\w+)", lambda m: f"@pytest.mark.leaks({_snake(m.group(1))}=...)", text)
    return re.sub(rf"^(\s*)({fields}):", lambda m: f"{m.group(1)}@pytest.mark.leaks({_snake(m.group(2))}=...):", text, flags=re.M)


def _test(item, marker):
    """The test as seep's engine takes it: a scenario (the marker's keywords) and where it comes from."""
    if marker.args:
        pytest.fail(f"@pytest.mark.leaks takes keyword arguments only, got {marker.args!r}", pytrace=False)
    scenario = {"name": item.nodeid}
    budgets = {}
    for key, value in marker.kwargs.items():
        (scenario if key in _PLAN_FIELDS else budgets)[_camel(key)] = value
    if budgets:
        scenario["budgets"] = budgets
    # pytest 7 names them path and rootpath; 6, fspath and rootdir
    root = str(getattr(item.config, "rootpath", None) or item.config.rootdir)
    path = str(getattr(item, "path", None) or item.fspath)
    return {"scenario": scenario, "file": os.path.relpath(path, root), "root": root, "command": ["pytest", item.nodeid],
            "call": getattr(item, "originalname", None) or item.name, "runtime": "python"}


def _forget_captured_logs(config):
    """pytest's log capture keeps every record of the test (its report section and caplog): looped,
    that is a LogRecord kept per logging call, which is pytest's, not the test's. Each call starts
    with them empty, in place (caplog's records are the same list), so they hold one call's records."""
    plugin = config.pluginmanager.get_plugin("logging-plugin")
    for name in ("caplog_handler", "report_handler"):
        handler = getattr(plugin, name, None)
        if handler is None:
            continue
        del handler.records[:]
        handler.stream.seek(0)
        handler.stream.truncate()


def _once_per_line(show):
    """What shows a warning (pytest's: a list it keeps for its summary) gets the first from each line:
    looped, every repeat would be a WarningMessage kept per call by the test runner, not the test.
    seep counts them all (seep's agent sees every one before this)."""
    shown = set()

    def show_once(msg):
        where = (msg.category, msg.filename, msg.lineno)
        if where not in shown:
            shown.add(where)
            show(msg)

    return show_once


def pytest_runtest_setup(item):
    # a unittest.TestCase method runs through unittest, never through pytest_pyfunc_call: said, not skipped
    cls = getattr(item, "cls", None)
    unittest_method = cls is not None and issubclass(cls, unittest.TestCase)
    if item.get_closest_marker("leaks") is not None and (unittest_method or not isinstance(item, pytest.Function)):
        pytest.fail(f"{item.nodeid}: @pytest.mark.leaks loops a pytest test function; a {type(item).__name__} is not one", pytrace=False)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    marker = pyfuncitem.get_closest_marker("leaks")
    if marker is None:
        return None
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        pytest.fail(f"{pyfuncitem.nodeid}: @pytest.mark.leaks runs a plain function's body; call asyncio.run(...) inside it", pytrace=False)
    test = _test(pyfuncitem, marker)
    funcargs = pyfuncitem.funcargs
    kwargs = {name: funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}

    def body():
        _forget_captured_logs(pyfuncitem.config)
        pyfuncitem.obj(**kwargs)

    report_dir = pyfuncitem.config.getoption("seep_report")
    try:
        with warnings.catch_warnings():
            # pytest resets the filters per test; a leaked socket or file is what we look for
            warnings.filterwarnings("always", category=ResourceWarning)
            warnings._showwarnmsg_impl = _once_per_line(warnings._showwarnmsg_impl)
            result = seep_caller.measure(body, test, report_dir)
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        pytest.fail(f"seep could not judge this test: {exc}", pytrace=False)
    if result.failure is not None and result.error is not None:
        # the body's own error, with its traceback: the step it stopped at (a soak's, past its
        # step_errors budget) is not judged as a leak
        if hasattr(result.failure, "add_note"):
            result.failure.add_note(f"seep: {result.error}")
        raise result.failure
    if result.code == 0:
        pyfuncitem.add_report_section("call", "seep", result.out)  # shown with -rP / -rA
        return True
    if result.code == 1:
        pytest.fail(f"seep: leak checks failed\n{result.out}", pytrace=False)
    why = result.error or result.err or result.out
    pytest.fail(f"seep could not judge this test (seep exited {result.code}):\n{_in_marker_words(why)}", pytrace=False)
