"""`seep judge` run from Python: the observations document in, the verdict, exit code and text out.

Which seep: SEEP_BIN (set by `seep pytest`; a .js file runs under SEEP_NODE or node), else the
compiled CLI this file ships beside (dist/agents/python -> dist/cli/seep.js: the seep of the same
package, so plugin and judge are one version), else the project's (`npx --no-install seep`), for a
copy of the plugin kept elsewhere.
"""

import json
import os
import shutil
import subprocess

_HERE = os.path.dirname(os.path.abspath(__file__))
_BESIDE = os.path.join(_HERE, "..", "..", "cli", "seep.js")


def seep_command():
    node = os.environ.get("SEEP_NODE") or shutil.which("node") or "node"
    bin_ = os.environ.get("SEEP_BIN")
    if bin_:
        return [node, bin_] if bin_.endswith(".js") else [bin_]
    if os.path.exists(_BESIDE):
        return [node, os.path.normpath(_BESIDE)]
    npx = shutil.which("npx")
    if npx and subprocess.run([npx, "--no-install", "seep", "--version"], capture_output=True, timeout=60).returncode == 0:
        return [npx, "--no-install", "seep"]
    raise RuntimeError("cannot find seep: set SEEP_BIN, install seep in the project (npm install --save-dev seep), or run through `npx seep pytest`")


_command = []


def judge(doc, report_dir=None):
    """(exit code, stdout, stderr) of `seep judge -`: 0 pass, 1 a check failed, 2 an error."""
    if not _command:
        _command.extend(seep_command())
    args = [*_command, "judge", "-"]
    if report_dir:
        args += ["--report-dir", report_dir]
    r = subprocess.run(args, input=json.dumps(doc, default=repr), capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, timeout=300)
    return r.returncode, r.stdout, r.stderr
