"""What the monitor remembers between checks, in the module's DynamoDB table.

Two kinds of item share the table's one key, ``pk``:

- ``handled#<monitor>#<check>#<id>``: one per scheduled check or failure event. A
  conditional put claims it before the alert is sent, and completing it removes its
  lease, so a second delivery of a check already handled (the Scheduler and Lambda
  deliver at least once) sends nothing. A delivery that finds the check still being
  handled fails, for Lambda to retry it later. A claim whose publish failed is released
  so that the retry can send; a claim left by a function that died mid-check lapses
  after its lease. These items expire (TTL) after 35 days.
- ``monitor#<monitor>``: the last status reported, the time it is about, and since when
  the monitor has been in that state. It is only overwritten by a check about the same or
  a later time, so a late retry of an old check cannot undo a newer verdict.
- ``checked#<monitor>#<check>``: the scheduled time of the latest check of that kind that
  completed, for the audit to tell a monitor that went quiet.
- ``audit``: the problems the last audit found open, so each is reported once.
- ``registry`` and ``registry#NN``: written by Terraform (state/registry.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ..check.verdict import Status
from .records import MonitorState, checked_key, monitor_key, monitor_state

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

HANDLED_RETENTION = timedelta(days=35)
# Problem executions remembered per monitor, re-read by the next check's recovery notice.
MAX_REMEMBERED = 5
_CONDITION_FAILED = "ConditionalCheckFailedException"


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class ClaimHeldError(RuntimeError):
    """Another invocation is handling this check: fail, so that Lambda retries it later."""


class StateStore:
    """The monitor's memory: thin, so that every write's condition is visible here.

    A claim is identified by the time it was made (``claimed_at``): completing or
    releasing it touches only that claim, never one that another invocation made after
    it lapsed.
    """

    def __init__(self, table_name: str, dynamodb: DynamoDBClient) -> None:
        self.table_name = table_name
        self.dynamodb = dynamodb

    def claim(self, key: str, now: datetime, lease: timedelta) -> bool:
        """Claim a check or event; False when it was handled already.

        Raises ClaimHeldError while another invocation's claim is live: that one may
        still fail, so this delivery must not be taken for a duplicate.
        """
        held = self._write_if(
            self.dynamodb.put_item,
            Item={
                "pk": {"S": key},
                "claimed_at": {"N": str(_millis(now))},
                "lease_until": {"N": str(_millis(now + lease))},
                "expires_at": {"N": str(int((now + HANDLED_RETENTION).timestamp()))},
            },
            ConditionExpression="attribute_not_exists(pk) OR lease_until < :now",
            ExpressionAttributeValues={":now": {"N": str(_millis(now))}},
        )
        if held is None:
            return True
        if "lease_until" in held:
            raise ClaimHeldError(f"{key} is being handled by another invocation")
        return False

    def complete(self, key: str, claimed_at: datetime) -> None:
        """Mark this invocation's claim as handled for good: its lease never lapses."""
        self._on_own_claim(
            self.dynamodb.update_item, key, claimed_at, UpdateExpression="REMOVE lease_until"
        )

    def release(self, key: str, claimed_at: datetime) -> None:
        """Give this invocation's claim back after a failed publish, for the retry."""
        self._on_own_claim(self.dynamodb.delete_item, key, claimed_at)

    def _on_own_claim(self, write: Any, key: str, claimed_at: datetime, **extra: str) -> None:
        """Write only if the claim is still this invocation's; otherwise leave it be."""
        self._write_if(
            write,
            Key={"pk": {"S": key}},
            ConditionExpression="claimed_at = :mine",
            ExpressionAttributeValues={":mine": {"N": str(_millis(claimed_at))}},
            **extra,
        )

    def _write_if(self, write: Any, **request: Any) -> dict[str, Any] | None:
        """Make a conditional write: None when written, else the item that failed the
        condition (returned with the refusal, so no second read is needed)."""
        try:
            write(
                TableName=self.table_name, ReturnValuesOnConditionCheckFailure="ALL_OLD", **request
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != _CONDITION_FAILED:
                raise
            # DynamoDB returns the refusing item beside the error, which botocore's
            # types do not describe.
            refused: dict[str, Any] = getattr(error, "response", {}).get("Item", {})
            return refused
        return None

    def last(self, monitor: str) -> MonitorState | None:
        """The monitor's last reported status, or None before its first."""
        item = self.dynamodb.get_item(
            TableName=self.table_name,
            Key={"pk": {"S": monitor_key(monitor)}},
            ConsistentRead=True,
        ).get("Item")
        if item is None:
            return None
        return monitor_state(item)

    def record(
        self,
        monitor: str,
        status: Status,
        as_of: datetime,
        problem_executions: tuple[str, ...],
        now: datetime,
        *,
        since: datetime | None = None,
    ) -> None:
        """Store the status a check reported, unless a later one is already stored."""
        self._write_if(
            self.dynamodb.put_item,
            Item={
                "pk": {"S": monitor_key(monitor)},
                "status": {"S": status.value},
                "as_of": {"N": str(_millis(as_of))},
                "since": {"N": str(_millis(since or as_of))},
                "problem_executions": {
                    "L": [{"S": arn} for arn in problem_executions[:MAX_REMEMBERED]]
                },
                "updated_at": {"S": now.isoformat()},
            },
            ConditionExpression="attribute_not_exists(pk) OR as_of <= :as_of",
            ExpressionAttributeValues={":as_of": {"N": str(_millis(as_of))}},
        )

    def mark_checked(self, monitor: str, check: str, scheduled: datetime, now: datetime) -> None:
        """Record that a scheduled check completed, unless a later one already did."""
        self._write_if(
            self.dynamodb.put_item,
            Item={
                "pk": {"S": checked_key(monitor, check)},
                "scheduled_time": {"N": str(_millis(scheduled))},
                "checked_at": {"S": now.isoformat()},
            },
            ConditionExpression="attribute_not_exists(pk) OR scheduled_time <= :t",
            ExpressionAttributeValues={":t": {"N": str(_millis(scheduled))}},
        )


def handled_key(monitor: str, check: str, occurrence: str) -> str:
    """The claim key of one scheduled check or one failure event of a monitor."""
    return f"handled#{monitor}#{check}#{occurrence}"
