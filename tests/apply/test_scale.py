"""60 and 1,000 monitors applied against moto, every size AWS limits measured from what
was deployed and held against AWS's default limit (dev/aws_limits.py), which moto does not
enforce. The root is the benchmark's: exact grants up to 200 monitors, a read scope
beyond. Each size runs on an emulator of its own, dropped afterwards instead of
destroying a thousand schedules one by one."""

from __future__ import annotations

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
    env = {"TF_DATA_DIR": str(tmp_path / ".terraform")}
    with emulated_aws(REGION):
        terraform(BENCH_ROOT, "init", env=env)
        terraform(
            BENCH_ROOT,
            "apply",
            "-auto-approve",
            "-parallelism=20",
            f"-state={tmp_path / 'terraform.tfstate'}",
            f"-var=monitors={monitors}",
            env=env,
        )
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
