"""The house's rules, held on every run: the Lambda's package imports in one direction (no
circle, TYPE_CHECKING imports included), its entry points are imported by nothing, the
check's cold start stays free of the audit, the doctor and the commands, no file grows past
300 lines, no test module is another's library (shared helpers live in testkit/), scripts/ holds
only what a user runs, and the Terraform module looks a key up without walking the map."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from testkit.paths import ROOT

PACKAGE = ROOT / "lambda_src" / "sfn_deadline_monitor"
MAX_LINES = 300
ENTRY_POINTS = {"sfn_deadline_monitor.handler", "sfn_deadline_monitor.__main__"}
NOT_ON_COLD_START = ("audit", "doctor", "cli")


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, name: str, known: set[str], *, top_level_only: bool = False) -> set[str]:
    """The modules of ``known`` that ``path`` imports, resolving relative imports."""
    tree = ast.parse(path.read_text())
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                prefix = package[: len(package) - node.level + 1]
                base = ".".join([*prefix, *([node.module] if node.module else [])])
            for alias in node.names:
                target = f"{base}.{alias.name}"
                found.add(target if target in known else base)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in known and m != name}


def package_graph() -> dict[str, set[str]]:
    paths = {module_name(p, PACKAGE.parent): p for p in PACKAGE.rglob("*.py")}
    known = set(paths)
    return {
        name: imports(path, name, known) - {"sfn_deadline_monitor"} for name, path in paths.items()
    }


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of the graph, or None."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_package_has_no_import_circle() -> None:
    assert cycle(package_graph()) is None


def test_its_subpackages_import_each_other_in_one_direction() -> None:
    def room(module: str) -> str:
        return ".".join(module.split(".")[:2])

    rooms: dict[str, set[str]] = {}
    for module, targets in package_graph().items():
        rooms.setdefault(room(module), set()).update(
            room(t) for t in targets if room(t) != room(module)
        )
    assert cycle(rooms) is None


def test_the_entry_points_are_imported_by_nothing_in_the_package() -> None:
    importers = {m for m, targets in package_graph().items() if targets & ENTRY_POINTS}
    assert importers == set()


def test_a_checks_cold_start_imports_nothing_of_the_audit_the_doctor_or_the_commands() -> None:
    paths = {module_name(p, PACKAGE.parent): p for p in PACKAGE.rglob("*.py")}
    loaded, todo = set(), ["sfn_deadline_monitor.handler"]
    while todo:
        module = todo.pop()
        if module not in loaded:
            loaded.add(module)
            todo += imports(paths[module], module, set(paths), top_level_only=True)
    rooms = {m.split(".")[1] for m in loaded if m.count(".")}
    assert rooms.isdisjoint(NOT_ON_COLD_START), sorted(loaded)
    assert "sfn_deadline_monitor.check.contract" in loaded  # the walk itself works


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_no_file_of_the_package_is_over_300_lines(path: Path) -> None:
    assert len(path.read_text().splitlines()) <= MAX_LINES


def repository_imports() -> dict[str, set[str]]:
    """What each module of tests, dev, scripts and testkit imports of those four."""
    python = [
        p
        for f in ("tests", "dev", "scripts", "testkit", "benchmarks", "demo")
        for p in (ROOT / f).rglob("*.py")
    ]
    known = {module_name(p, ROOT) for p in python}
    return {module_name(p, ROOT): imports(p, module_name(p, ROOT), known) for p in python}


def test_no_test_module_imports_another() -> None:
    graph = repository_imports()
    test_modules = {m for m in graph if m.rsplit(".", 1)[-1].startswith(("test_", "conftest"))}
    assert {m: sorted(t & test_modules) for m, t in graph.items() if t & test_modules} == {}


def test_scripts_are_what_a_user_runs_and_the_test_support_stands_on_its_own() -> None:
    """Nothing imports scripts/; testkit imports nothing of tests, dev or scripts."""
    graph = repository_imports()
    into_scripts = {
        m: sorted(t) for m, t in graph.items() if any(x.startswith("scripts.") for x in t)
    }
    assert {m: t for m, t in into_scripts.items() if not m.startswith("scripts.")} == {}
    leaning = {
        m: sorted(x for x in t if not x.startswith("testkit."))
        for m, t in graph.items()
        if m.startswith("testkit.")
    }
    assert {m: t for m, t in leaning.items() if t} == {}


def test_the_module_looks_a_key_up_by_index() -> None:
    """A Terraform function walks every value it is given, on every call: in a loop over the
    monitors, `contains(keys(m), k)` or `lookup(m, k, d)` walks all the monitors for each,
    which made the plans of tests/scale.tftest.hcl (up to 1,000 monitors) take 118 s of CPU
    time, 54 s by index (docs/development.md). `can(m[k])` and `try(m[k], d)` read one."""
    walking = re.compile(r"contains\(keys\(|\blookup\(")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted([*ROOT.glob("*.tf"), *ROOT.glob("modules/*/*.tf")])
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if walking.search(line)
    ]
    assert found == []
