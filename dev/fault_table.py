"""Write docs/failure-modes.md's fault-injection tables from the suite's own cases
(testkit/fault_paths.py), run in process against moto; tests/test_faults.py checks that
each path's table is the one in the page.

    PYTHONPATH=lambda_src:. python -m dev.fault_table           # rewrite the page
    PYTHONPATH=lambda_src:. python -m dev.fault_table --check   # exit 1 if it is stale
"""

from __future__ import annotations

import os
import sys
from typing import Any
from unittest import mock

import boto3
from moto import mock_aws
from moto.core.config import default_user_config

from dev import generated
from sfn_deadline_monitor import aws
from sfn_deadline_monitor.alerts import delivery
from sfn_deadline_monitor.state import records
from testkit import aws_answers
from testkit.account import REGION, Account
from testkit.fault_paths import PATHS, run_path
from testkit.faults import table
from testkit.paths import ROOT

PAGE = ROOT / "docs" / "failure-modes.md"
BEGIN, END = "<!-- BEGIN_FAULT_TABLES -->", "<!-- END_FAULT_TABLES -->"


def _client(service: str) -> Any:
    return boto3.client(service, region_name=REGION)  # type: ignore[call-overload]


def tables() -> str:
    """Every path's table, each path on a fresh emulated account."""
    settings = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_MAX_ATTEMPTS": "2",
    }
    rendered = []
    with mock.patch.dict(os.environ, settings), mock.patch.object(records, "WRITE_PAUSES", (0, 0)):
        for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
            os.environ.pop(name, None)
        default_user_config["stepfunctions"]["execute_state_machine"] = False
        aws_answers.install()
        for path in PATHS:
            with mock_aws():
                aws.reset_clients()
                account = Account.create(_client)
                os.environ[delivery.TOPIC_ENV] = account.topic_arn
                rows = run_path(account, boto3.client("dynamodb", region_name=REGION), path)
                rendered.append(table(path.name, rows))
        aws.reset_clients()
    return "\n".join(rendered)


def main(argv: list[str]) -> int:
    args = generated.parser(__doc__ or "").parse_args(argv)
    _, fresh = generated.between(PAGE, BEGIN, END, f"{BEGIN}\n{tables()}{END}")
    return generated.publish({PAGE: fresh}, check=args.check, command="python -m dev.fault_table")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
