"""Upgrade check: apply an example with an earlier release, then plan it with this tree.

A module upgrade must not destroy or replace what users run, unless the changelog says
so. This applies ``examples/<name>`` of the earlier tree against a moto server, then
plans the same example of the new tree on that state and lists every resource the plan
would delete (a replacement deletes too). A renamed resource without a ``moved`` block
shows up here as a delete.

    python -m dev.upgrade_check --from v0.1.0 [--example basic] [--allow ADDRESS ...]

exits 1 when the plan deletes a resource that is not allowed with --allow. A release
not tagged in this clone is found by the commit RELEASES names for it.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from testkit.moto_server import emulated_aws
from testkit.paths import ROOT
from testkit.terraform import terraform

REGION = "us-east-1"
# Each release's commit, for clones without its tag: CHANGELOG.md's 0.1.0 is the tree of
# the last commit whose changelog listed nothing unreleased.
RELEASES = {"v0.1.0": "4a38be7a55d781c21b0d7e7789510d15ef7d6a92"}
# Inputs that let every example apply against an empty emulator: ARNs are only text to it.
STATE_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:"
EXAMPLE_VARIABLES = {
    "basic": {
        "state_machine_arn": f"{STATE_MACHINE}nightly-etl",
        "sns_topic_arn": "arn:aws:sns:us-east-1:123456789012:on-call",
    },
    # Start checks, which basic has none of: an earlier tree's start schedules must move.
    "complete": {
        "nightly_etl_state_machine_arn": f"{STATE_MACHINE}nightly-etl",
        "billing_state_machine_arn": f"{STATE_MACHINE}billing:prod",
        "hourly_export_state_machine_arn": f"{STATE_MACHINE}hourly-export",
        "legacy_report_state_machine_arn": f"{STATE_MACHINE}legacy-report",
        "alert_email": "oncall@example.com",
    },
}


def export_tree(ref: str, destination: Path) -> Path:
    """The repository as it was at ``ref`` (a release, a tag, a commit), without its
    history."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", RELEASES.get(ref, ref)],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(destination, filter="data")
    return destination


def _variables(example: str) -> list[str]:
    return [f"-var={name}={value}" for name, value in EXAMPLE_VARIABLES[example].items()]


def apply_release(tree: Path, example: str, work: Path) -> None:
    """Apply ``examples/<example>`` of ``tree`` with its state in ``work``.

    Needs AWS_ENDPOINT_URL pointing at an emulator (or an account to spare).
    """
    directory, env = _example(tree, example, work)
    terraform(directory, "init", env=env)
    terraform(directory, "apply", "-auto-approve", _state(work), *_variables(example), env=env)


def destroy_release(tree: Path, example: str, work: Path) -> None:
    """Destroy what ``apply_release`` applied (the state in ``work``)."""
    directory, env = _example(tree, example, work)
    terraform(directory, "destroy", "-auto-approve", _state(work), *_variables(example), env=env)


def planned_deletions(tree: Path, example: str, work: Path) -> list[str]:
    """Addresses that a plan of ``tree`` on the state in ``work`` would delete or replace."""
    directory, env = _example(tree, example, work)
    plan_file = work / f"{tree.name}.tfplan"
    terraform(directory, "init", env=env)
    terraform(directory, "plan", _state(work), f"-out={plan_file}", *_variables(example), env=env)
    plan = json.loads(terraform(directory, "show", "-json", str(plan_file), env=env))
    return sorted(
        change["address"]
        for change in plan.get("resource_changes", [])
        if "delete" in change["change"]["actions"]
    )


def _example(tree: Path, example: str, work: Path) -> tuple[Path, dict[str, str]]:
    """The example's directory in ``tree``, and the environment that keeps its Terraform
    data in ``work``."""
    return tree / "examples" / example, {"TF_DATA_DIR": str(work / f"{tree.name}.terraform")}


def _state(work: Path) -> str:
    return f"-state={work / 'terraform.tfstate'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="ref", required=True, help="earlier release (git ref)")
    parser.add_argument("--example", default="basic", choices=sorted(EXAMPLE_VARIABLES))
    parser.add_argument(
        "--allow", action="append", default=[], help="address the changelog says is replaced"
    )
    args = parser.parse_args(argv)
    with emulated_aws(REGION), tempfile.TemporaryDirectory() as scratch:
        old_tree = export_tree(args.ref, Path(scratch) / "old")
        work = Path(scratch) / "work"
        work.mkdir()
        apply_release(old_tree, args.example, work)
        deleted = planned_deletions(ROOT, args.example, work)
    unexpected = [address for address in deleted if address not in args.allow]
    for address in deleted:
        print(f"{'allowed' if address in args.allow else 'DELETED'}: {address}")
    if not deleted:
        print(f"upgrading examples/{args.example} from {args.ref} deletes nothing")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
