"""The provider floor in versions.tf admits every default, and docs/provider-versions.md
names every runtime the module accepts: a default that needs a newer provider than the
floor fails here, not in a user's plan."""

from __future__ import annotations

import re
from pathlib import Path

import hcl2

from testkit.paths import ROOT

TABLE_ROW = re.compile(r"^\| `?([^|`]+?)`? \| (yes|no) \| ([0-9.]+) \|", re.MULTILINE)


def version(text: str) -> tuple[int, ...]:
    """(major, minor, patch): 5.76 reads as 5.76.0."""
    parts = [int(part) for part in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def provider_rows() -> dict[str, tuple[bool, tuple[int, ...]]]:
    """The AWS provider table: what -> (is it a default, the version it needs)."""
    text = (ROOT / "docs" / "provider-versions.md").read_text()
    section = text[text.index("## AWS provider") : text.index("## Terraform")]
    return {m[1]: (m[2] == "yes", version(m[3])) for m in TABLE_ROW.finditer(section)}


def floor_and_ceiling(path: Path) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The `>= x, < y` constraint of hashicorp/aws in a versions.tf."""
    constraint = hcl2.load(path.open())["terraform"][0]["required_providers"][0]["aws"]["version"]
    match = re.fullmatch(r'"?>= ([0-9.]+), < ([0-9.]+)"?', constraint)
    assert match, constraint
    return version(match[1]), version(match[2])


def runtime_variable() -> dict:
    variables = hcl2.load((ROOT / "variables.tf").open())["variable"]
    return next(v['"lambda_runtime"'] for v in variables if '"lambda_runtime"' in v)


def test_the_floor_admits_every_default() -> None:
    floor, ceiling = floor_and_ceiling(ROOT / "versions.tf")
    rows = provider_rows()
    needed = {what: needs for what, (default, needs) in rows.items() if default}
    assert needed
    assert {what: needs for what, needs in needed.items() if needs > floor} == {}
    assert ceiling == (7, 0, 0)


def test_the_default_runtime_is_the_row_marked_default() -> None:
    default = runtime_variable()["default"].strip('"')
    rows = provider_rows()
    assert rows[f'lambda_runtime = "{default}"'][0] is True


def test_every_accepted_runtime_says_which_provider_it_needs() -> None:
    condition = runtime_variable()["validation"][0]["condition"]
    accepted = re.findall(r"python3\.[0-9]+", condition)
    assert accepted
    rows = provider_rows()
    assert sorted(r for r in accepted if f'lambda_runtime = "{r}"' not in rows) == []


def test_every_module_and_example_shares_the_root_constraint() -> None:
    root = floor_and_ceiling(ROOT / "versions.tf")
    others = [
        *sorted((ROOT / "examples").glob("*/versions.tf")),
        ROOT / "modules" / "schedules" / "versions.tf",
    ]
    assert {str(p.relative_to(ROOT)): floor_and_ceiling(p) for p in others} == {
        str(p.relative_to(ROOT)): root for p in others
    }
