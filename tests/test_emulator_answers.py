"""testkit/aws_answers.py makes moto answer as AWS documents where it does not; each answer
it changes is pinned here, so that a moto upgrade that changes it is seen."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from testkit.account import REGION, Account


def test_a_create_schedule_repeated_with_its_client_token_is_answered_as_the_first(
    account: Account,
) -> None:
    """An SDK retries a CreateSchedule whose answer it lost with the same ClientToken, and
    AWS answers it as the first; another token for the same name is a conflict."""
    scheduler = boto3.client("scheduler", region_name=REGION)
    scheduler.create_schedule_group(Name="ops")

    def create(token: str) -> str:
        return scheduler.create_schedule(
            Name="etl",
            GroupName="ops",
            ScheduleExpression="cron(0 2 * * ? *)",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={"Arn": account.topic_arn, "RoleArn": account.role_arn},
            ClientToken=token,
        )["ScheduleArn"]

    first = create("token-1")
    assert create("token-1") == first
    with pytest.raises(ClientError) as conflict:
        create("token-2")
    assert conflict.value.response["Error"]["Code"] == "ConflictException"
