"""Plan many calls of the module at once with a mocked provider, and read the errors or
the planned resources.

A `terraform test` run costs about a second of plan each; one generated root module with
a module call per case plans them all in one run. validation_diagnostics() does so for every
run of tests/validation.tftest.hcl: tests/test_validation_messages.py checks what fails
and the messages, dev/validation_doc.py writes them into docs/inputs.md.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from testkit.paths import ROOT

CASES = ROOT / "tests" / "validation.tftest.hcl"
# One directory a process: pytest-xdist's workers plan at the same time.
WORK = ROOT / ".build" / f"mocked-plan-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
# The calls' provider is the root's, which the test file's mock_provider replaces.
PROVIDER = (
    'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n'
    'provider "aws" {}\n'
)


def mocks(tests: Path = CASES) -> str:
    """The mocked provider of a test file: tests/validation.tftest.hcl's by default, which
    mocks only what plans; tests/module.tftest.hcl's mocks the ARNs an apply needs."""
    text = tests.read_text()
    return text[text.index('mock_provider "aws"') : text.index("variables {")]


def plan_errors(calls: Iterable[str], mocked: str, work: Path = WORK) -> list[dict[str, object]]:
    """The error diagnostics of one plan of these module calls, with a mocked provider."""
    return [
        entry["diagnostic"]
        for entry in _plan(calls, mocked, work)
        if entry.get("type") == "diagnostic" and entry["diagnostic"].get("severity") == "error"
    ]


def planned_changes(calls: Iterable[str], mocked: str, work: Path) -> list[dict[str, Any]]:
    """The resource changes of one plan of these module calls, as `terraform test -verbose`
    prints the plan; ``work`` is a directory of ``.build`` of the caller's own."""
    entries = _plan(calls, mocked, work, "-verbose")
    plans = [entry["test_plan"] for entry in entries if "test_plan" in entry]
    assert len(plans) == 1, [entry["diagnostic"] for entry in entries if "diagnostic" in entry]
    return list(plans[0]["resource_changes"])


def applied_values(calls: Iterable[str], mocked: str, work: Path) -> dict[str, dict[str, Any]]:
    """Each resource's values after a mocked apply of these module calls, by address: what
    a plan leaves unknown (an ARN, and what is built of it) has the mock's values."""
    entries = _plan(calls, mocked, work, "-verbose", command="apply")
    states = [entry["test_state"] for entry in entries if "test_state" in entry]
    assert len(states) == 1, [entry["diagnostic"] for entry in entries if "diagnostic" in entry]
    found: dict[str, dict[str, Any]] = {}
    modules = [states[0]["root_module"]]
    while modules:
        module = modules.pop()
        found |= {r["address"]: r["values"] for r in module.get("resources", [])}
        modules += module.get("child_modules", [])
    return found


def _plan(
    calls: Iterable[str], mocked: str, work: Path, *flags: str, command: str = "plan"
) -> list[dict[str, Any]]:
    """The JSON messages of `terraform test` planning (or applying) these module calls in
    one root."""
    shutil.rmtree(work, ignore_errors=True)
    (work / "tests").mkdir(parents=True)
    (work / "main.tf").write_text(PROVIDER + "\n".join(calls))
    run_once = f'run "all" {{\n  command = {command}\n}}\n'
    (work / "tests" / "all.tftest.hcl").write_text(f"{mocked}\n{run_once}")
    environment = {**os.environ, "TF_IN_AUTOMATION": "1"}
    for args in (["init", "-backend=false", "-input=false"], ["test", "-json", *flags]):
        run = subprocess.run(
            ["terraform", *args, "-no-color"],
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
            env=environment,
        )
        assert args[0] != "init" or run.returncode == 0, run.stdout + run.stderr
    assert '"type":"test_run"' in run.stdout.replace(" ", ""), run.stdout + run.stderr
    return list(map(json.loads, run.stdout.splitlines()))


def blocks(text: str, keyword: str) -> list[tuple[str, str]]:
    """``keyword "name" { body }`` blocks at the top of an HCL file: (name, body)."""
    found = []
    for match in re.finditer(rf'^{keyword} "([^"]+)" {{\n', text, re.MULTILINE):
        depth, index = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[index], 0)
            index += 1
        found.append((match[1], text[match.end() : index - 1]))
    return found


def variables_block(body: str) -> str:
    """The inside of a run's (or the file's) ``variables { ... }`` block."""
    start = body.index("variables {") + len("variables {")
    depth, index = 1, start
    while depth:
        depth += {"{": 1, "}": -1}.get(body[index], 0)
        index += 1
    return body[start : index - 1]


def top_level_names(assignments: str) -> set[str]:
    """The names assigned at the outer level of a variables block."""
    names, depth = set(), 0
    for line in assignments.splitlines():
        if depth == 0 and (match := re.match(r"\s*([a-z_]+)\s*=", line)):
            names.add(match[1])
        depth += line.count("{") + line.count("[") - line.count("}") - line.count("]")
    return names


def module_calls(text: str) -> dict[str, str]:
    """One module call per run, with the file's variables unless the run sets them. Each
    call gets a name of its own (the module's `name` input), which its plan-time errors
    begin with: a precondition's error does not say which module call it comes from."""
    defaults = variables_block(text[: text.index('run "')])
    calls = {}
    for index, (name, body) in enumerate(blocks(text, "run")):
        own = variables_block(body)
        if "name" not in top_level_names(own):
            own += f'\n  name = "case-{index:03d}"'
        kept = [
            block
            for block in re.split(r"\n(?=  [a-z_]+ +=)", defaults)
            if (match := re.match(r"\s*([a-z_]+)", block)) and match[1] not in top_level_names(own)
        ]
        calls[name] = f'module "{name}" {{\n  source = "../../"\n{chr(10).join(kept)}\n{own}\n}}\n'
    return calls


def expected_failures(run_body: str) -> list[str]:
    """The objects a run's expect_failures names (a resource instance as its resource:
    a diagnostic does not name the instance); empty for a run that expects none."""
    listed = re.search(r"expect_failures = \[([^\]]*)\]", run_body)
    return re.findall(r"[\w.]+(?=\[|,|\s|$)", listed[1]) if listed else []


def validation_diagnostics() -> dict[str, list[dict[str, Any]]]:
    """The error diagnostics of every run, by run ("(unattributed)" for any that names no
    run).

    Terraform stops at the first stage that fails (inputs, then inputs that refer to other
    inputs, then preconditions): a root whose calls fail at different stages is planned
    again without those that failed, until a plan reports nothing new. A plan costs about
    1.5 s of CPU time a call, so the runs are first split by the stage their
    expect_failures names (stage()), and the roots planned side by side: each run is
    planned about once, where one root of them all planned most runs twice.
    """
    text = CASES.read_text()
    mocked = mocks()
    calls = module_calls(text)
    runs = dict(blocks(text, "run"))
    order = list(calls)
    roots: dict[str, dict[str, str]] = {}
    for name, call in calls.items():
        roots.setdefault(stage(runs[name]), {})[name] = call
    by_run: dict[str, list[dict[str, Any]]] = {name: [] for name in order}

    def diagnose(root: str) -> dict[str, list[dict[str, Any]]]:
        return _diagnose(roots[root], order, mocked, WORK.with_name(f"{WORK.name}-{root}"))

    with ThreadPoolExecutor(len(roots)) as pool:
        for found in pool.map(diagnose, roots):
            for owner, diagnostics in found.items():
                by_run.setdefault(owner, []).extend(diagnostics)
    return by_run


def stage(run_body: str) -> str:
    """Where Terraform stops for this run, by what it expects to fail: an input's
    validation, a later check, or nothing (the run plans clean)."""
    expected = expected_failures(run_body)
    if not expected:
        return "accepted"
    return "inputs" if all(name.startswith("var.") for name in expected) else "checks"


def _diagnose(
    pending: dict[str, str], order: list[str], mocked: str, work: Path
) -> dict[str, list[dict[str, Any]]]:
    """The error diagnostics of these calls, by the run each names (its position in
    ``order`` is the number of its ``case-NNN`` name), planned until nothing new fails."""
    by_run: dict[str, list[dict[str, Any]]] = {name: [] for name in pending}
    while pending:
        found = False
        for diagnostic in plan_errors(pending.values(), mocked, work):
            where = json.dumps(diagnostic)
            owner = next(
                (
                    n
                    for index, n in enumerate(order)
                    if f'module \\"{n}\\"' in where
                    or str(diagnostic["detail"]).startswith(f"case-{index:03d}: ")
                ),
                "(unattributed)",
            )
            by_run.setdefault(owner, []).append(diagnostic)
            found = found or owner in pending
        if not found:
            break
        pending = {name: call for name, call in pending.items() if not by_run[name]}
    return by_run


def message(diagnostic: dict[str, Any]) -> str:
    """A diagnostic as Terraform prints it: its summary, then its detail."""
    return f"{diagnostic['summary']}: {diagnostic['detail']}"


def failed_object(diagnostic: dict[str, Any]) -> str | None:
    """What failed, as a run's expect_failures names it (``var.name``,
    ``aws_lambda_function.this``); None for an error no run can expect (a type error)."""
    snippet = diagnostic.get("snippet") or {}
    if diagnostic["summary"] == "Invalid value for variable":
        # The module call's argument, in the generated root module.
        argument = re.match(r"\s*([a-z0-9_]+)\s*=", snippet.get("code", ""))
        return f"var.{argument[1]}" if argument else None
    if diagnostic["summary"].startswith("Resource "):
        block = re.fullmatch(r'(resource|data) "([^"]+)" "([^"]+)"', snippet.get("context", ""))
        if block:
            return ".".join(block.groups()[1:] if block[1] == "resource" else block.groups())
    return None


def validation_failures(
    diagnostics: dict[str, list[dict[str, Any]]] | None = None,
) -> dict[str, list[str]]:
    """The error messages of every run, by run: of these diagnostics, else of a new plan."""
    found_by_run = validation_diagnostics() if diagnostics is None else diagnostics
    return {run: list(map(message, found)) for run, found in found_by_run.items()}
