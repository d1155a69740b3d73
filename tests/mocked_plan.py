"""Plan many calls of the module at once with a mocked provider, and read the errors.

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
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "tests").mkdir(parents=True)
    (WORK / "main.tf").write_text(PROVIDER + "\n".join(calls))
    run_once = 'run "all" {\n  command = plan\n}\n'
    (WORK / "tests" / "all.tftest.hcl").write_text(f"{mocked}\n{run_once}")
    environment = {**os.environ, "TF_IN_AUTOMATION": "1"}
    for command in (["init", "-backend=false", "-input=false"], ["test", "-json"]):
        run = subprocess.run(
            ["terraform", *command, "-no-color"],
            cwd=WORK,
            capture_output=True,
            text=True,
            check=False,
            env=environment,
        )
        assert command[0] != "init" or run.returncode == 0, run.stdout + run.stderr
    assert '"type":"test_run"' in run.stdout.replace(" ", ""), run.stdout + run.stderr
    return [
        entry["diagnostic"]
        for entry in map(json.loads, run.stdout.splitlines())
        if entry.get("type") == "diagnostic" and entry["diagnostic"].get("severity") == "error"
    ]
