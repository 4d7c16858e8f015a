"""seep's pytest plugin: @pytest.mark.leaks runs a test's body in a loop and judges it as seep run does.

    @pytest.mark.leaks(iterations=50, warmup=5, rss_growth="50MB", sockets="baseline")
    def test_run_crew():
        run_crew()

The body runs warmup + iterations times in the test process, which is measured after every run
(seep_leak_loop.py) and judged by `seep judge` (the judge of `seep run`): with no budget, seep's
default checks (RSS and heap trends, gc counts per type, fds, sockets, threads, children, handles,
leak warnings); a budget, as a scenario writes it (snake_case here: rss_growth="50MB"), replaces
its resource's default check. A failing test prints the checks with their numbers and the top
suspects; a test whose body raises fails with that error, never passes. --seep-report DIR writes
each marked test's report.json and HTML page under DIR.

Loaded with `pytest -p seep_pytest` (this folder on PYTHONPATH) or `npx seep pytest`.
"""

import inspect
import os
import re
import subprocess
import unittest

import pytest

import seep_judge_client
import seep_leak_loop

_LOOP_ARGS = {"iterations": 50, "warmup": 5, "settle_ms": 1000}


def pytest_addoption(parser):
    group = parser.getgroup("seep", "seep leak tests (@pytest.mark.leaks)")
    group.addoption("--seep-report", metavar="DIR", default=None, help="write each leak test's report.json and HTML report under DIR")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "leaks(iterations=50, warmup=5, settle_ms=1000, **budgets): run the test body in a loop and fail on a leak "
        "(seep's default checks; budgets as in seep scenarios, snake_case: rss_growth='50MB', sockets='baseline')",
    )


def _camel(name):
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name)


def _snake(name):
    return re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), name)


def _in_marker_words(text):
    """seep judge names a budget as the document does (budgets.rssGrowth); the test wrote rss_growth=."""
    return re.sub(r"\bbudgets\.(\w+)", lambda m: f"@pytest.mark.leaks({_snake(m.group(1))}=...)", text)


def _plan(marker):
    if marker.args:
        pytest.fail(f"@pytest.mark.leaks takes keyword arguments only, got {marker.args!r}", pytrace=False)
    loop = {k: marker.kwargs.get(k, v) for k, v in _LOOP_ARGS.items()}
    for k, v in loop.items():
        if not isinstance(v, int) or isinstance(v, bool) or v < (1 if k == "iterations" else 0):
            pytest.fail(f"@pytest.mark.leaks({k}=...): expected a whole number of at least {1 if k == 'iterations' else 0}, got {v!r}", pytrace=False)
    # budgets are validated by seep judge, with the scenario's own schema: a wrong one names its field
    budgets = {_camel(k): v for k, v in marker.kwargs.items() if k not in _LOOP_ARGS}
    return loop, budgets


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
    loop, budgets = _plan(marker)
    funcargs = pyfuncitem.funcargs
    kwargs = {name: funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    def step():
        _forget_captured_logs(pyfuncitem.config)
        pyfuncitem.obj(**kwargs)

    doc, failure = seep_leak_loop.measure(
        step,
        name=pyfuncitem.nodeid,
        # pytest 7 names them path and rootpath; 6, fspath and rootdir
        file=os.path.relpath(str(getattr(pyfuncitem, "path", None) or pyfuncitem.fspath), str(getattr(pyfuncitem.config, "rootpath", None) or pyfuncitem.config.rootdir)),
        budgets=budgets,
        command=["pytest", pyfuncitem.nodeid],
        **loop,
    )
    report_dir = pyfuncitem.config.getoption("seep_report")
    if failure is not None:
        # the step's own error, with its traceback: the test errs, it is not judged
        if report_dir and not isinstance(failure, KeyboardInterrupt):
            seep_judge_client.judge(doc, report_dir)
        if hasattr(failure, "add_note"):
            failure.add_note(f"seep: {doc['error']}")
        raise failure
    try:
        code, out, err = seep_judge_client.judge(doc, report_dir)
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        pytest.fail(f"seep could not judge this test: {exc}", pytrace=False)
    if code == 0:
        pyfuncitem.add_report_section("call", "seep", out)  # shown with -rP / -rA
        return True
    if code == 1:
        pytest.fail(f"seep: leak checks failed\n{out}", pytrace=False)
    pytest.fail(f"seep could not judge this test (seep judge exited {code}):\n{_in_marker_words(err or out)}", pytrace=False)
