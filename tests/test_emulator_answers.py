"""testkit/aws_answers.py makes moto answer as AWS documents where it does not; each answer
it changes is pinned here, so that a moto upgrade that changes it is seen."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.dynamodb.models.table import Table

from testkit.account import REGION, Account
from testkit.state_table import create_state_table


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


def test_two_conditional_puts_of_one_new_key_let_exactly_one_write(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DynamoDB writes are atomic: of two claims of the same check at once, one is refused.
    moto reads the item, then writes it; here each request, having read it, waits for the
    other to have read it too: were the two handled at once, both would have read no item."""
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    create_state_table(dynamodb, "claims")
    both_read = threading.Barrier(2, timeout=1)
    read_item = Table.get_item

    def get_item(table: Table, *args: Any, **kwargs: Any) -> Any:
        item = read_item(table, *args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_read.wait()
        return item

    monkeypatch.setattr(Table, "get_item", get_item)
    written: list[str] = []

    def claim(owner: str) -> None:
        client = boto3.session.Session().client("dynamodb", region_name=REGION)
        with contextlib.suppress(client.exceptions.ConditionalCheckFailedException):
            client.put_item(
                TableName="claims",
                Item={"pk": {"S": "check#etl"}, "claimed_by": {"S": owner}},
                ConditionExpression="attribute_not_exists(pk)",
            )
            written.append(owner)

    claims = [threading.Thread(target=claim, args=(owner,)) for owner in ("first", "second")]
    for thread in claims:
        thread.start()
    for thread in claims:
        thread.join()
    item = dynamodb.get_item(TableName="claims", Key={"pk": {"S": "check#etl"}})["Item"]
    assert len(written) == 1
    assert item["claimed_by"]["S"] == written[0]
