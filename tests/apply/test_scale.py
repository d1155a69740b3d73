"""60 and 1,000 monitors applied against moto, every size AWS limits measured from what
was deployed and held against AWS's default limit (dev/aws_limits.py), which moto does not
enforce. The root is the benchmark's: exact grants up to 200 monitors, a read scope
beyond. Each size runs on an emulator of its own, dropped afterwards instead of
destroying a thousand schedules one by one.

The benchmark's root is called from one whose state Terraform keeps in memory (its
`inmem` backend): with a state file, Terraform writes the whole state again after each
resource it creates, which at 1,000 monitors (4.6 MB of state, 1,100 resources) took
two thirds of the apply's CPU time (243 s, 92 s in memory). Nothing reads the state
afterwards."""

from __future__ import annotations

import os
from pathlib import Path

import boto3
import pytest

from dev.aws_limits import LIMITS
from dev.deployed_sizes import measure
from testkit.moto_server import emulated_aws
from testkit.paths import ROOT
from testkit.terraform import terraform

BENCH_ROOT = ROOT / "benchmarks" / "roots" / "module"
REGION = "us-east-1"


@pytest.mark.parametrize(("monitors", "read_policies", "rules"), [(60, 3, 3), (1000, 0, 50)])
def test_monitors_deploy_within_aws_default_limits(
    tmp_path: Path, monitors: int, read_policies: int, rules: int
) -> None:
    (tmp_path / "main.tf").write_text(
        'terraform {\n  backend "inmem" {}\n}\n\n'
        f'module "bench" {{\n  source   = "{os.path.relpath(BENCH_ROOT, tmp_path)}"\n'
        f"  monitors = {monitors}\n}}\n"
    )
    with emulated_aws(REGION):
        terraform(tmp_path, "init")
        terraform(tmp_path, "apply", "-auto-approve", "-parallelism=20")
        sizes = measure(lambda service: boto3.client(service, region_name=REGION), "bench")
    print(f"\n{monitors} monitors: {sizes}")
    assert sizes["iam_managed_policies_per_role"] == read_policies
    assert sizes["eventbridge_rules_per_bus"] == rules
    over = {
        name: (size, LIMITS[name].value)
        for name, size in sizes.items()
        if size > LIMITS[name].value
    }
    assert over == {}
