"""Mutation testing of the judgement code (`make mutation`): each small change mutmut makes
to a module (a flipped comparison, a removed call, a changed constant) must fail a test.

Why mutmut (3.x): maintained, it mutates with libcst and switches mutants on at run time
(one copy of the tree, not one per mutant), and it runs for each mutant only the tests
that reach the mutated function, in a forked process. Cosmic Ray needs a session
database and a distributor to configure; mutatest is no longer maintained.

mutmut names a module by its path under ./ or src/, and the package lives in lambda_src/,
so each group of GROUPS runs in a workspace laid out as mutmut expects
(.build/mutation/<group>: src/ a copy of lambda_src/, with testkit/, tests/, dev/ and
docs/); files are copied with their times, so mutmut re-runs only the mutants of what
changed since.

    python -m dev.mutation                      # every module of MODULES
    python -m dev.mutation --changed [BASE]     # those a change touches (BASE: origin/main)
    python -m dev.mutation --module check/risk.py
    python -m dev.mutation --report             # the last run's table, without running

The report is a table per module (killed, survived, the killed share), then each
surviving mutant not listed in EQUIVALENT with its diff; it exits 1 when the killed share
is below THRESHOLD or such a survivor exists.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from dev.mutation_equivalents import EQUIVALENT
from testkit.paths import ROOT

WORKSPACE = ROOT / ".build" / "mutation"
PACKAGE = "sfn_deadline_monitor"
THRESHOLD = 0.90


@dataclass(frozen=True)
class Group:
    """Modules mutated together, and the tests that judge them: mutmut runs, for each
    mutant, the tests of its group that reach the mutated function."""

    modules: tuple[str, ...]
    tests: tuple[str, ...]


# The judgement code, as paths in the package. Pure modules are judged by pure tests (a
# surviving mutant there wants a unit test, not an emulated account); the modules that
# talk to AWS by the tests written for them, against Botocore's Stubber or moto. A group
# names only the tests that judge its modules: mutmut runs every test that reaches a
# surviving mutant's function, and nearly every handler and fault-injection test reaches
# delivery (with them, a survivor costs a minute, the group hours on two cores).
GROUPS = {
    "pure": Group(
        modules=(
            "check/verdict.py",
            "check/risk.py",
            "check/too_fast.py",
            "check/fire_times.py",
            "audit/rules.py",
            "doctor/checks.py",
            "doctor/access.py",
            "doctor/iam_policy.py",
            "doctor/iam_conditions.py",
            "alerts/incident.py",
            "attainment/figures.py",
            "alerts/upstream.py",
            "check/calendar.py",
            "check/maintenance.py",
        ),
        tests=(
            "tests/test_verdict.py",
            "tests/test_risk.py",
            "tests/test_too_fast.py",
            "tests/test_schedule_expression.py",
            "tests/test_audit_rules.py",
            "tests/test_doctor_judgement.py",
            "tests/commands/test_policy.py",
            "tests/test_incident.py",
            "tests/test_attainment.py",
            "tests/test_upstream.py",
            "tests/test_calendar.py",
            "tests/test_maintenance.py",
            # too_fast.py's parse_min_duration is the contract's: its cases are there.
            "tests/test_contract.py",
        ),
    ),
    "reads": Group(
        modules=("check/executions.py",),
        tests=(
            "tests/test_executions.py",
            "tests/test_context.py",
            "tests/test_at_risk.py",
            "tests/test_cross_account.py",
            "tests/test_status_change.py",
            "tests/test_promises.py",
            "tests/test_handler.py",
        ),
    ),
    "delivery": Group(
        modules=(
            "state/store.py",
            "alerts/delivery.py",
            "alerts/bus.py",
            "alerts/outbox.py",
            "alerts/held.py",
        ),
        tests=(
            "tests/test_delivery.py",
            "tests/test_held.py",
            "tests/test_state.py",
            "tests/test_promises.py",
            "tests/test_bus.py",
        ),
    ),
}
MODULES = [m for group in GROUPS.values() for m in group.modules]

# A mutant that makes the tests run past mutmut's time limit (an endless loop) is caught
# by them: a run of the suite would not end.
DETECTED = {"timeout": "killed"}
_RESULT = re.compile(rf"^\s+{PACKAGE}\.(?P<module>[\w.]+)\.x\S*__mutmut_\d+: (?P<status>.+)$")


def _config(modules: list[str], tests_of_group: tuple[str, ...]) -> str:
    """A workspace's pyproject.toml: mutmut's settings and the repository's pytest ones
    (the package and testkit importable, markers declared), in a fixed test order."""
    only = ", ".join(f'"src/{PACKAGE}/{m}"' for m in modules)
    tests = ", ".join(f'"{t}"' for t in tests_of_group)
    return f"""[tool.mutmut]
source_paths = ["src"]
only_mutate = [{only}]
also_copy = ["testkit", "dev", "docs", "schemas"]
pytest_add_cli_args = ["-p", "no:randomly", "-p", "no:cacheprovider", "-q"]
pytest_add_cli_args_test_selection = [{tests}]

[tool.pytest.ini_options]
pythonpath = ["."]
addopts = "-ra --strict-markers"
markers = ["destroys: ends the apply its file's tests share"]
"""


def _copy(source: Path, target: Path) -> None:
    """Mirror source into target keeping modification times (mutmut compares them), and
    drop what source no longer holds."""
    if target.exists():
        for stale in sorted(target.rglob("*"), reverse=True):
            if not (source / stale.relative_to(target)).exists():
                shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    for path in source.rglob("*"):
        if "__pycache__" in path.parts:
            continue
        destination = target / path.relative_to(source)
        if path.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
        elif not destination.exists() or destination.stat().st_mtime != path.stat().st_mtime:
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)


def prepare(workspace: Path, modules: list[str], tests: tuple[str, ...]) -> None:
    workspace.mkdir(parents=True, exist_ok=True)
    _copy(ROOT / "lambda_src", workspace / "src")
    # docs: the pages tests compare; schemas: the alert event's, which tests validate against
    for folder in ("testkit", "tests", "dev", "docs", "schemas"):
        _copy(ROOT / folder, workspace / folder)
    config, wanted = workspace / "pyproject.toml", _config(modules, tests)
    if not config.exists() or config.read_text(encoding="utf-8") != wanted:
        # Another choice of modules: mutmut keeps no record of which it mutated before.
        shutil.rmtree(workspace / "mutants", ignore_errors=True)
        config.write_text(wanted, encoding="utf-8")


def changed(base: str) -> list[str]:
    """The modules of MODULES that differ from ``base`` (committed or not)."""
    done = subprocess.run(
        ["git", "diff", "--name-only", base, "--", "lambda_src"],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"git diff against {base} failed ({done.stderr.strip()}): --changed BASE")
    names = done.stdout.split()
    prefix = f"lambda_src/{PACKAGE}/"
    return [m for m in MODULES if prefix + m in names]


def _mutmut(workspace: Path, *args: str) -> str:
    mutmut = Path(sys.executable).with_name("mutmut")
    done = subprocess.run(
        [str(mutmut), *args], cwd=workspace, check=False, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"mutmut {' '.join(args)} failed ({done.returncode})")
    return done.stdout


def report(chosen: dict[str, list[str]]) -> int:
    """Print the table, the unexplained survivors and the listed equivalents that a test
    now kills (stale entries); 1 when the run falls short."""
    statuses: dict[str, Counter[str]] = {m: Counter() for ms in chosen.values() for m in ms}
    survivors, stale = [], []
    for group in chosen:
        for line in _mutmut(WORKSPACE / group, "results", "--all", "true").splitlines():
            found = _RESULT.match(line)
            if found is None:
                continue
            module = found["module"].replace(".", "/") + ".py"
            if module not in statuses:
                continue
            name = line.split(":")[0].strip()
            status = DETECTED.get(found["status"], found["status"])
            if status == "killed" and name in EQUIVALENT:
                stale.append(name)
            elif status != "killed":
                status = "equivalent" if name in EQUIVALENT else "other"
                if status == "other":
                    survivors.append((group, name))
            statuses[module][status] += 1
    print(f"| {'module':<26} | mutants | killed | equivalent | other | killed share |")
    print(f"| {'-' * 26} | ------: | -----: | ---------: | ----: | -----------: |")
    total = Counter[str]()
    for module, counts in statuses.items():
        total.update(counts)
        print(_row(module, counts))
    print(_row("all", total))
    for group, name in survivors:
        print(f"\n{name} (not killed, not listed in dev/mutation_equivalents.py):")
        print(_diff(WORKSPACE / group, name))
    for name in stale:
        print(f"\n{name}: listed as equivalent, but a test kills it now: remove it")
    return 1 if survivors or stale or _share(total) < THRESHOLD else 0


def _diff(workspace: Path, name: str) -> str:
    """The lines a mutant changes, read from mutmut's copy of the module, where each mutant
    is a function beside the original (``mutmut show`` takes seconds a mutant)."""
    module, _, function = name.rpartition(".")
    source = _functions(workspace / "mutants" / "src" / (module.replace(".", "/") + ".py"))
    orig = function.rpartition("__mutmut_")[0] + "__mutmut_orig"
    mutant = [line.replace(function, orig, 1) for line in source[function][:1]]
    changed = difflib.unified_diff(source[orig], mutant + source[function][1:], lineterm="", n=0)
    return "\n".join(line for line in changed if line[:1] in "-+" and line[:3] not in "---+++")


@cache
def _functions(path: Path) -> dict[str, list[str]]:
    """Each function of a file by name (methods too), as its source lines."""
    text = path.read_text(encoding="utf-8")
    return {
        node.name: (ast.get_source_segment(text, node) or "").splitlines()
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef)
    }


def _share(counts: Counter[str]) -> float:
    """Killed over the mutants that can be killed (an equivalent mutant cannot)."""
    killable = counts["killed"] + counts["other"]
    return counts["killed"] / killable if killable else 1.0


def _row(module: str, counts: Counter[str]) -> str:
    mutants = counts["killed"] + counts["equivalent"] + counts["other"]
    numbers = (
        f"{mutants:7} | {counts['killed']:6} | {counts['equivalent']:10} | {counts['other']:5}"
    )
    return f"| {module:<26} | {numbers} | {_share(counts):>12.1%} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--changed", nargs="?", const="origin/main", metavar="BASE")
    which.add_argument("--module", action="append", choices=MODULES)
    parser.add_argument("--report", action="store_true", help="print the last run's table")
    args = parser.parse_args()
    modules = args.module or (changed(args.changed) if args.changed else MODULES)
    if not modules:
        print("no module of dev/mutation.py's GROUPS changed")
        return
    chosen = {
        name: [m for m in group.modules if m in modules]
        for name, group in GROUPS.items()
        if any(m in modules for m in group.modules)
    }
    if not args.report:  # a report reads the last run as it is: preparing could wipe it
        for name, group_modules in chosen.items():
            workspace = WORKSPACE / name
            prepare(workspace, group_modules, GROUPS[name].tests)
            mutmut = Path(sys.executable).with_name("mutmut")
            subprocess.run([str(mutmut), "run"], cwd=workspace, check=True)
    raise SystemExit(report(chosen))


if __name__ == "__main__":
    main()
