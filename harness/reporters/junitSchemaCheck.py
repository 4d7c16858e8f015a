"""Strict check of a JUnit XML file against the shape of the Jenkins/Ant junit-10.xsd.

No XSD validator is available offline (python3 stdlib only, no xmllint), so this encodes that
schema's rules by hand: the element tree and its order, required and allowed attributes, and the
value patterns for counts, times and timestamps. Well-formedness is checked by expat itself.
Prints a JSON summary of the testcases on success; exits 1 with the problems otherwise.

usage: python3 junitSchemaCheck.py FILE
"""
import json
import re
import sys
import xml.etree.ElementTree as ET

INT = re.compile(r"^-?[0-9]+$")
# junit-10.xsd SUREFIRE_TIME: decimal seconds, optional thousands commas, up to 3 decimals
TIME = re.compile(r"^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]{0,3})?$")
# junit-10.xsd ISO8601_DATETIME_PATTERN: no zone, no fraction
TIMESTAMP = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$")

# element -> (required attrs, optional attrs, allowed children in order as (name, min, max))
SHAPE = {
    "testsuites": (set(), {"name", "time", "tests", "failures", "disabled", "errors"}, [("testsuite", 0, None)]),
    "testsuite": (
        {"name", "tests"},
        {"failures", "errors", "time", "disabled", "skipped", "timestamp", "hostname", "id", "package", "file", "log", "url", "version"},
        [("properties", 0, 1), ("testcase", 0, None), ("system-out", 0, 1), ("system-err", 0, 1)],
    ),
    "properties": (set(), set(), [("property", 1, None)]),
    "property": ({"name", "value"}, set(), []),
    "testcase": (
        {"name"},
        {"assertions", "time", "classname", "status", "class", "file", "line", "log", "group", "url"},
        [("skipped", 0, 1), ("error", 0, None), ("failure", 0, None), ("system-out", 0, None), ("system-err", 0, None)],
    ),
    "failure": (set(), {"type", "message"}, None),
    "error": (set(), {"type", "message"}, None),
    "skipped": (set(), {"message"}, None),
    "system-out": (set(), set(), None),
    "system-err": (set(), set(), None),
}
INT_ATTRS = {"tests", "failures", "errors", "disabled", "skipped", "assertions"}

problems = []


def check(el, path):
    where = f"{path}/{el.tag}"
    if el.tag not in SHAPE:
        problems.append(f"{where}: element not in junit-10.xsd")
        return
    required, optional, children = SHAPE[el.tag]
    for a in required - set(el.attrib):
        problems.append(f"{where}: missing required attribute {a}")
    for a, v in el.attrib.items():
        if a not in required | optional:
            problems.append(f"{where}: attribute {a} not allowed")
        if a in INT_ATTRS and not INT.match(v):
            problems.append(f"{where}: {a}={v!r} is not an integer")
        if a == "time" and not TIME.match(v):
            problems.append(f"{where}: time={v!r} does not match the xsd time pattern")
        if a == "timestamp" and not TIMESTAMP.match(v):
            problems.append(f"{where}: timestamp={v!r} does not match the xsd timestamp pattern")
    kids = list(el)
    if children is None:  # mixed text content, no child elements
        if kids:
            problems.append(f"{where}: must hold text only")
        return
    if el.text and el.text.strip():
        problems.append(f"{where}: text not allowed here")
    i = 0
    for name, lo, hi in children:
        n = 0
        while i < len(kids) and kids[i].tag == name:
            check(kids[i], where)
            n += 1
            i += 1
        if n < lo or (hi is not None and n > hi):
            problems.append(f"{where}: {n} <{name}> where {lo}..{hi if hi is not None else 'unbounded'} allowed")
    for extra in kids[i:]:
        problems.append(f"{where}: <{extra.tag}> out of order or not allowed")


def main():
    try:
        root = ET.parse(sys.argv[1]).getroot()
    except ET.ParseError as err:
        print(f"not well-formed XML: {err}", file=sys.stderr)
        return 1
    if root.tag not in ("testsuites", "testsuite"):
        problems.append(f"root element is <{root.tag}>")
    check(root, "")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    suites = [root] if root.tag == "testsuite" else list(root)
    cases = []
    for suite in suites:
        for tc in suite.iter("testcase"):
            cases.append({
                "name": tc.get("name"),
                "classname": tc.get("classname"),
                "failures": [{"message": f.get("message"), "type": f.get("type"), "text": f.text or ""} for f in tc.findall("failure")],
                "errors": [{"message": e.get("message"), "type": e.get("type")} for e in tc.findall("error")],
                "systemOut": (tc.findtext("system-out") or ""),
            })
    print(json.dumps({"suites": [dict(s.attrib) for s in suites], "root": dict(root.attrib), "cases": cases}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
