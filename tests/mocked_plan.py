"""Plan many calls of the module at once with a mocked provider, and read the errors or
the planned resources.

A `terraform test` run costs about a second of plan each; one generated root module with
a module call per case plans them all in one run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "validation.tftest.hcl"
WORK = ROOT / ".build" / "mocked-plan"
# The calls' provider is the root's, which the test file's mock_provider replaces.
PROVIDER = (
    'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n'
    'provider "aws" {}\n'
)


def mocks() -> str:
    """The mocked provider of tests/validation.tftest.hcl."""
    text = CASES.read_text()
    return text[text.index('mock_provider "aws"') : text.index("variables {")]


def plan_errors(calls: Iterable[str], mocked: str) -> list[dict[str, object]]:
    """The error diagnostics of one plan of these module calls, with a mocked provider."""
    return [
        entry["diagnostic"]
        for entry in _plan(calls, mocked, WORK)
        if entry.get("type") == "diagnostic" and entry["diagnostic"].get("severity") == "error"
    ]


def planned_changes(calls: Iterable[str], mocked: str, work: Path) -> list[dict[str, Any]]:
    """The resource changes of one plan of these module calls, as `terraform test -verbose`
    prints the plan; ``work`` is a directory of ``.build`` of the caller's own."""
    entries = _plan(calls, mocked, work, "-verbose")
    plans = [entry["test_plan"] for entry in entries if "test_plan" in entry]
    assert len(plans) == 1, [entry["diagnostic"] for entry in entries if "diagnostic" in entry]
    return list(plans[0]["resource_changes"])


def _plan(calls: Iterable[str], mocked: str, work: Path, *flags: str) -> list[dict[str, Any]]:
    """The JSON messages of `terraform test` planning these module calls in one root."""
    shutil.rmtree(work, ignore_errors=True)
    (work / "tests").mkdir(parents=True)
    (work / "main.tf").write_text(PROVIDER + "\n".join(calls))
    run_once = 'run "all" {\n  command = plan\n}\n'
    (work / "tests" / "all.tftest.hcl").write_text(f"{mocked}\n{run_once}")
    environment = {**os.environ, "TF_IN_AUTOMATION": "1"}
    for command in (["init", "-backend=false", "-input=false"], ["test", "-json", *flags]):
        run = subprocess.run(
            ["terraform", *command, "-no-color"],
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
            env=environment,
        )
        assert command[0] != "init" or run.returncode == 0, run.stdout + run.stderr
    assert '"type":"test_run"' in run.stdout.replace(" ", ""), run.stdout + run.stderr
    return list(map(json.loads, run.stdout.splitlines()))
