"""Every Python module a Makefile target runs imports in the environment that target gives
it: a module that needs the Lambda's package (lambda_src) without the recipe setting
PYTHONPATH fails at once for a user (`make demo` did, through demo/received.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from testkit.paths import ROOT

# A recipe line that runs a module: `[PYTHONPATH=dir ]$(PY) -m package.module`.
RUN = re.compile(r"^\t(?:PYTHONPATH=(?P<path>\S+) )?\$\(PY\) -m (?P<module>[a-z_][\w.]*)", re.M)
# Tools, not this repository's modules.
TOOLS = {"pip", "pytest", "ruff", "mypy"}


def test_each_module_a_target_runs_imports_as_the_target_runs_it() -> None:
    runs = [
        (match["path"], match["module"])
        for match in RUN.finditer((ROOT / "Makefile").read_text())
        if match["module"] not in TOOLS
    ]
    assert ("lambda_src", "demo") in runs
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    for path in {path for path, _ in runs}:
        modules = sorted({module for p, module in runs if p == path})
        # `-m package` runs package/__main__.py: import that.
        script = (
            "import importlib, importlib.util\n"
            f"for m in {modules!r}:\n"
            "    spec = importlib.util.find_spec(m)\n"
            "    package = spec is not None and spec.submodule_search_locations is not None\n"
            "    importlib.import_module(m + '.__main__' if package else m)\n"
        )
        env = environment if path is None else {**environment, "PYTHONPATH": path}
        imported = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert imported.returncode == 0, f"PYTHONPATH={path}: {imported.stderr[-600:]}"
