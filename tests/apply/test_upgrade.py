"""Upgrades destroy nothing: examples/basic applied with release 0.1.0 (the tree CHANGELOG.md
calls 0.1.0), then planned with this tree. And the harness catches what it must: a
renamed resource without a `moved` block is a delete, which the block clears.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from dev.upgrade_check import (
    ROOT,
    apply_release,
    destroy_release,
    export_tree,
    planned_deletions,
)

RENAMED = "module.sfn_deadlines.aws_sqs_queue.undelivered"
MOVED = """
moved {
  from = aws_sqs_queue.undelivered
  to   = aws_sqs_queue.renamed
}
"""


def module_copy(destination: Path) -> Path:
    """The module and its examples, as a release would ship them."""
    keep = ["*.tf", "data", "dist", "examples", "modules"]
    destination.mkdir()
    for pattern in keep:
        for path in ROOT.glob(pattern):
            target = destination / path.name
            if path.is_dir():
                shutil.copytree(path, target, ignore=shutil.ignore_patterns(".terraform*"))
            else:
                shutil.copy2(path, target)
    return destination


def rename_queue(tree: Path, *, with_moved_block: bool) -> Path:
    """The queue renamed where it is defined and used; moved.tf keeps its earlier moves,
    which the new block then continues."""
    for path in tree.glob("*.tf"):
        if path.name == "moved.tf":
            continue
        text = path.read_text()
        text = text.replace('"aws_sqs_queue" "undelivered"', '"aws_sqs_queue" "renamed"')
        text = text.replace("aws_sqs_queue.undelivered", "aws_sqs_queue.renamed")
        path.write_text(text)
    if with_moved_block:
        with (tree / "main.tf").open("a") as main:
            main.write(MOVED)
    return tree


def test_upgrading_from_0_1_0_destroys_nothing(moto_endpoint: str, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    release = export_tree("v0.1.0", tmp_path / "v0.1.0")
    apply_release(release, "basic", work)
    try:
        assert planned_deletions(module_copy(tmp_path / "this"), "basic", work) == []
    finally:
        destroy_release(release, "basic", work)


def test_a_renamed_resource_is_caught_and_a_moved_block_clears_it(
    moto_endpoint: str, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    release = module_copy(tmp_path / "release")
    apply_release(release, "basic", work)
    try:
        assert planned_deletions(module_copy(tmp_path / "same"), "basic", work) == []
        renamed = rename_queue(module_copy(tmp_path / "renamed"), with_moved_block=False)
        assert RENAMED in planned_deletions(renamed, "basic", work)
        moved = rename_queue(module_copy(tmp_path / "moved"), with_moved_block=True)
        assert planned_deletions(moved, "basic", work) == []
    finally:
        destroy_release(release, "basic", work)
