"""What the monitor remembers between checks, in the module's DynamoDB table.

Two kinds of item share the table's one key, ``pk``:

- ``handled#<monitor>#<check>#<id>``: one per scheduled check or failure event. A
  conditional put claims it before the alert is sent, so a second delivery of the same
  check (the Scheduler and Lambda deliver at least once) sends nothing. A claim whose
  publish failed is released so that the retry can send; a claim left by a function
  that died mid-check lapses after its lease. These items expire (TTL) after 35 days.
- ``monitor#<monitor>``: the last status reported and the time it is about. It is only
  overwritten by a check about the same or a later time, so a late retry of an old
  check cannot undo a newer verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from .verdict import Status

HANDLED_RETENTION = timedelta(days=35)
# Problem executions remembered per monitor, re-read by the next check's recovery notice.
MAX_REMEMBERED = 5
_CONDITION_FAILED = "ConditionalCheckFailedException"


@dataclass(frozen=True)
class MonitorState:
    """The last status reported for a monitor."""

    status: Status
    as_of: datetime
    problem_executions: tuple[str, ...] = ()


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class StateStore:
    """The monitor's memory: thin, so that every write's condition is visible here."""

    def __init__(self, table_name: str, dynamodb: Any) -> None:
        self.table_name = table_name
        self.dynamodb = dynamodb

    def claim(self, key: str, now: datetime, lease: timedelta) -> bool:
        """Claim a check or event; False when it was handled, or is being handled."""
        try:
            self.dynamodb.put_item(
                TableName=self.table_name,
                Item={
                    "pk": {"S": key},
                    "claimed_at": {"N": str(_millis(now))},
                    "lease_until": {"N": str(_millis(now + lease))},
                    "expires_at": {"N": str(int((now + HANDLED_RETENTION).timestamp()))},
                },
                ConditionExpression="attribute_not_exists(pk) OR lease_until < :now",
                ExpressionAttributeValues={":now": {"N": str(_millis(now))}},
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == _CONDITION_FAILED:
                return False
            raise
        return True

    def complete(self, key: str) -> None:
        """Mark a claimed check as handled for good: its lease never lapses."""
        self.dynamodb.update_item(
            TableName=self.table_name,
            Key={"pk": {"S": key}},
            UpdateExpression="REMOVE lease_until",
        )

    def release(self, key: str) -> None:
        """Give a claim back after a failed publish, so that the retry sends the alert."""
        self.dynamodb.delete_item(TableName=self.table_name, Key={"pk": {"S": key}})

    def last(self, monitor: str) -> MonitorState | None:
        """The monitor's last reported status, or None before its first."""
        item = self.dynamodb.get_item(
            TableName=self.table_name,
            Key={"pk": {"S": f"monitor#{monitor}"}},
            ConsistentRead=True,
        ).get("Item")
        if item is None:
            return None
        return MonitorState(
            status=Status(item["status"]["S"]),
            as_of=datetime.fromtimestamp(int(item["as_of"]["N"]) / 1000, UTC),
            problem_executions=tuple(
                value["S"] for value in item.get("problem_executions", {}).get("L", [])
            ),
        )

    def record(
        self,
        monitor: str,
        status: Status,
        as_of: datetime,
        problem_executions: tuple[str, ...],
        now: datetime,
    ) -> bool:
        """Store the status a check reported; False when a later one is already stored."""
        try:
            self.dynamodb.put_item(
                TableName=self.table_name,
                Item={
                    "pk": {"S": f"monitor#{monitor}"},
                    "status": {"S": status.value},
                    "as_of": {"N": str(_millis(as_of))},
                    "problem_executions": {
                        "L": [{"S": arn} for arn in problem_executions[:MAX_REMEMBERED]]
                    },
                    "updated_at": {"S": now.isoformat()},
                },
                ConditionExpression="attribute_not_exists(pk) OR as_of <= :as_of",
                ExpressionAttributeValues={":as_of": {"N": str(_millis(as_of))}},
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == _CONDITION_FAILED:
                return False
            raise
        return True


def handled_key(monitor: str, check: str, occurrence: str) -> str:
    """The claim key of one scheduled check or one failure event of a monitor."""
    return f"handled#{monitor}#{check}#{occurrence}"
