"""The upgrade harness (dev/upgrade_check.py) catches a resource that a new release
would destroy, and passes once a `moved` block says where it went.

There is no earlier release to upgrade from yet, so the "new release" here is this tree
with the scheduler's dead-letter queue deliberately renamed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from dev.upgrade_check import ROOT, apply_release, planned_deletions

RENAMED = "module.sfn_deadlines.aws_sqs_queue.scheduler_dead_letter"
MOVED = """
moved {
  from = aws_sqs_queue.scheduler_dead_letter
  to   = aws_sqs_queue.dead_letter
}
"""


def module_copy(destination: Path) -> Path:
    """The module and its examples, as a release would ship them."""
    keep = ["*.tf", "dist", "examples", "modules", "patterns"]
    destination.mkdir()
    for pattern in keep:
        for path in ROOT.glob(pattern):
            target = destination / path.name
            if path.is_dir():
                shutil.copytree(path, target, ignore=shutil.ignore_patterns(".terraform*"))
            else:
                shutil.copy2(path, target)
    return destination


def rename_dead_letter_queue(tree: Path, *, with_moved_block: bool) -> Path:
    for path in tree.glob("*.tf"):
        text = path.read_text()
        text = text.replace(
            '"aws_sqs_queue" "scheduler_dead_letter"', '"aws_sqs_queue" "dead_letter"'
        )
        text = text.replace("aws_sqs_queue.scheduler_dead_letter", "aws_sqs_queue.dead_letter")
        path.write_text(text)
    if with_moved_block:
        with (tree / "main.tf").open("a") as main:
            main.write(MOVED)
    return tree


def test_renamed_resource_is_caught_and_moved_block_clears_it(
    moto_endpoint: str, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    release = module_copy(tmp_path / "release")
    apply_release(release, "basic", work)

    assert planned_deletions(module_copy(tmp_path / "same"), "basic", work) == []

    renamed = rename_dead_letter_queue(module_copy(tmp_path / "renamed"), with_moved_block=False)
    # The queue's policy names the queue, so it is replaced with it.
    assert planned_deletions(renamed, "basic", work) == sorted(
        [RENAMED, "module.sfn_deadlines.aws_sqs_queue_policy.dead_letter[0]"]
    )

    moved = rename_dead_letter_queue(module_copy(tmp_path / "moved"), with_moved_block=True)
    assert planned_deletions(moved, "basic", work) == []
