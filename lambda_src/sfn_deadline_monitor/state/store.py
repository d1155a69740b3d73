"""What the monitor remembers between checks, in the module's DynamoDB table.

Two kinds of item share the table's one key, ``pk``:

- ``handled#<monitor>#<check>#<id>``: one per scheduled check or failure event. A
  conditional put claims it before the alert is sent, naming its owner (the Lambda
  request), and completing it removes its lease, so a second delivery of a check already
  handled (the Scheduler and Lambda deliver at least once) sends nothing. Another
  delivery that finds the check still being handled fails, for Lambda to retry it later;
  a retry of the same request takes its own claim over at once (``claim``). A claim
  whose publish failed is released; one left by a function that died mid-check lapses
  after its lease. These items expire (TTL) after 35 days.
- ``monitor#<monitor>``: the last status reported, the time it is about, since when the
  monitor has been in that state, and a pause set with the CLI (``pause``). The status
  is only overwritten by a check about the same or a later time, so a late retry of an
  old check cannot undo a newer verdict.
- ``checked#<monitor>#<check>``: the scheduled time of the latest check of that kind that
  completed, for the audit to tell a monitor that went quiet, and the status it came to
  (``status`` shows a check SKIPPED on its calendar's day off).
- ``held#<monitor>``: the latest alert a maintenance window or a pause held, with until
  when; the audit sends it once that has passed, if the monitor's status is still the one
  it held (alerts/held.py).
- ``outcome#<monitor>#<deadline>``: what each deadline came to, for the report
  (state/outcomes.py); they expire after the module's history_retention_days.
- ``audit``: the problems the last audit found open, so each is reported once.
- ``registry`` and ``registry#NN``: written by Terraform (state/registry.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ..check.maintenance import Pause
from ..check.verdict import Status
from ..errors import error_code
from ..logs import log
from .outcomes import Outcome, outcome_item
from .records import (
    MonitorState,
    UnreadableItemError,
    checked_key,
    get_items,
    has_status,
    millis,
    monitor_key,
    monitor_state,
    pause_of,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

HANDLED_RETENTION = timedelta(days=35)
# Problem executions remembered per monitor, re-read by the next check's recovery notice.
MAX_REMEMBERED = 5
_CONDITION_FAILED = "ConditionalCheckFailedException"


def _expiry(now: datetime) -> int:
    """When a ``handled#`` item expires (TTL, in epoch seconds)."""
    return int((now + HANDLED_RETENTION).timestamp())


@dataclass(frozen=True)
class Recalled:
    """What a check reads of the table: the last statuses of its monitor and of those it
    waits for, by monitor, and its monitor's pause (state/records.py)."""

    states: dict[str, MonitorState]
    pause: Pause | None = None


class ClaimHeldError(RuntimeError):
    """Another invocation is handling this check: fail, so that Lambda retries it later."""


class StateStore:
    """The monitor's memory: thin, so that every write's condition is visible here.

    A claim names its owner (``claimed_by``): completing or releasing it touches only
    that owner's claim, never one that another invocation made after it lapsed.
    """

    def __init__(
        self, table_name: str, dynamodb: DynamoDBClient, history: timedelta = timedelta(0)
    ) -> None:
        self.table_name = table_name
        self.dynamodb = dynamodb
        # How long each deadline's outcome is kept; zero keeps none.
        self.history = history

    def claim(self, key: str, owner: str, now: datetime, lease: timedelta) -> bool:
        """Claim a check or event for ``owner``; False when it was handled already.

        Raises ClaimHeldError while another owner's claim is live: that one may still
        fail, so this delivery must not be taken for a duplicate. The owner's own live
        claim is taken over at once. That is safe because the owner is the Lambda
        request ID, which Lambda keeps across the retries of one asynchronous event and
        starts only after the attempt before has ended (repost.aws/knowledge-center/
        lambda-function-duplicate-invocations): an own live claim is one its earlier
        attempt left when it was killed or could not release it, or this attempt's own
        put, resent by botocore after its answer was lost. Were Lambda ever to run one
        request twice at once, both would send: a duplicate, never a loss.
        """
        held = self._write_if(
            self.dynamodb.put_item,
            Item={
                "pk": {"S": key},
                "claimed_by": {"S": owner},
                "claimed_at": {"N": str(millis(now))},
                "lease_until": {"N": str(millis(now + lease))},
                "expires_at": {"N": str(_expiry(now))},
            },
            ConditionExpression=(
                "attribute_not_exists(pk) OR lease_until < :now"
                " OR (attribute_exists(lease_until) AND claimed_by = :me)"
            ),
            ExpressionAttributeValues={":now": {"N": str(millis(now))}, ":me": {"S": owner}},
        )
        if held is None:
            return True
        if "lease_until" in held:
            raise ClaimHeldError(f"{key} is being handled by another invocation")
        return False

    def complete(self, key: str, owner: str, now: datetime) -> None:
        """Mark the check as handled for good: its lease never lapses. Written also when
        the claim itself could not be (the table failed before the publish), so that a
        later delivery of the check is still known for a duplicate."""
        self._write_if(
            self.dynamodb.update_item,
            Key={"pk": {"S": key}},
            UpdateExpression=(
                "SET claimed_by = :me, expires_at = if_not_exists(expires_at, :expires)"
                " REMOVE lease_until"
            ),
            ConditionExpression="attribute_not_exists(pk) OR claimed_by = :me",
            ExpressionAttributeValues={
                ":me": {"S": owner},
                ":expires": {"N": str(_expiry(now))},
            },
        )

    def release(self, key: str, owner: str) -> None:
        """Give ``owner``'s live claim back after a failed publish, for any retry."""
        self._write_if(
            self.dynamodb.delete_item,
            Key={"pk": {"S": key}},
            ConditionExpression="claimed_by = :me AND attribute_exists(lease_until)",
            ExpressionAttributeValues={":me": {"S": owner}},
        )

    def _write_if(self, write: Any, **request: Any) -> dict[str, Any] | None:
        """Make a conditional write: None when written, else the item that failed the
        condition (returned with the refusal, so no second read is needed)."""
        try:
            write(
                TableName=self.table_name, ReturnValuesOnConditionCheckFailure="ALL_OLD", **request
            )
        except ClientError as error:
            if error_code(error) != _CONDITION_FAILED:
                raise
            # DynamoDB returns the refusing item beside the error, which botocore's
            # types do not describe.
            refused: dict[str, Any] = getattr(error, "response", {}).get("Item", {})
            return refused
        return None

    def recall(self, monitors: tuple[str, ...]) -> Recalled:
        """The last reported statuses of ``monitors`` (the checked one, then those it waits
        for) and the first one's pause, strongly consistent: one GetItem for one, one
        BatchGetItem for more. One before its first status, or whose item this release
        cannot read, is left out; a pause it cannot read is none (its alert is sent)."""
        if len(monitors) == 1:
            key = monitor_key(monitors[0])
            item = self.dynamodb.get_item(
                TableName=self.table_name, Key={"pk": {"S": key}}, ConsistentRead=True
            ).get("Item")
            found = {} if item is None else {key: item}
        else:
            found = get_items(self.dynamodb, self.table_name, [monitor_key(m) for m in monitors])
        readable = ((m, _readable(m, found.get(monitor_key(m)))) for m in monitors)
        states = {monitor: state for monitor, state in readable if state is not None}
        try:
            pause = pause_of(found.get(monitor_key(monitors[0])))
        except UnreadableItemError as unreadable:
            log("unreadable_state", monitor=monitors[0], reason=str(unreadable))
            pause = None
        return Recalled(states, pause)

    def last(self, monitor: str) -> MonitorState | None:
        """The monitor's last reported status, or None before its first."""
        return self.recall((monitor,)).states.get(monitor)

    def record(
        self,
        monitor: str,
        status: Status,
        as_of: datetime,
        problem_executions: tuple[str, ...],
        now: datetime,
        *,
        since: datetime | None = None,
        incident_key: str | None = None,
        held_until: datetime | None = None,
    ) -> None:
        """Store the status a check reported (held until ``held_until``, when a window or
        pause held its alert), unless a later one is already stored. An update, so that a
        pause on the item stays."""
        values: dict[str, Any] = {
            ":status": {"S": status.value},
            ":as_of": {"N": str(millis(as_of))},
            ":since": {"N": str(millis(since or as_of))},
            ":executions": {"L": [{"S": arn} for arn in problem_executions[:MAX_REMEMBERED]]},
            ":updated_at": {"S": now.isoformat()},
            ":number": {"S": "N"},
        }
        sets = ["#status = :status", "as_of = :as_of", "since = :since"]
        sets += ["problem_executions = :executions", "updated_at = :updated_at"]
        removes = []
        for name, value in (("incident_key", incident_key), ("held_until", held_until)):
            if value is None:
                removes.append(name)
                continue
            sets.append(f"{name} = :{name}")
            values[f":{name}"] = (
                {"S": value} if isinstance(value, str) else {"N": str(millis(value))}
            )
        self._write_if(
            self.dynamodb.update_item,
            Key={"pk": {"S": monitor_key(monitor)}},
            UpdateExpression=f"SET {', '.join(sets)}"
            + (f" REMOVE {', '.join(removes)}" if removes else ""),
            # An as_of this release cannot compare (absent, or of another type) is
            # overwritten, as the item it belongs to is read as absent.
            ConditionExpression=(
                "attribute_not_exists(as_of) OR NOT attribute_type(as_of, :number)"
                " OR as_of <= :as_of"
            ),
            ExpressionAttributeNames={"#status": "status"},  # a DynamoDB reserved word
            ExpressionAttributeValues=values,
        )

    def mark_checked(
        self,
        monitor: str,
        check: str,
        scheduled: datetime,
        now: datetime,
        status: Status | None = None,
    ) -> None:
        """Record that a scheduled check completed, and the status it came to (``status``
        shows a SKIPPED one), unless a later one already did."""
        came_to = {} if status is None else {"status": {"S": status.value}}
        self._write_if(
            self.dynamodb.put_item,
            Item={
                "pk": {"S": checked_key(monitor, check)},
                "scheduled_time": {"N": str(millis(scheduled))},
                "checked_at": {"S": now.isoformat()},
                **came_to,
            },
            ConditionExpression=(
                "attribute_not_exists(pk) OR NOT attribute_type(scheduled_time, :number)"
                " OR scheduled_time <= :t"
            ),
            ExpressionAttributeValues={
                ":t": {"N": str(millis(scheduled))},
                ":number": {"S": "N"},
            },
        )

    def record_outcome(self, outcome: Outcome) -> None:
        """Keep what a deadline came to for the history's retention. Unconditional: the
        item's key is the deadline, so a retry of the check writes the same item again."""
        expires = outcome.checked_at + self.history
        self.dynamodb.put_item(TableName=self.table_name, Item=outcome_item(outcome, expires))


def _readable(monitor: str, item: dict[str, Any] | None) -> MonitorState | None:
    """A ``monitor#`` item as a state; None when absent, or when written by a later
    release (a rollback, or two versions side by side) or damaged: then the alert is still
    sent, as for a monitor without one."""
    if item is None or not has_status(item):  # a pause set before the first check
        return None
    try:
        return monitor_state(item)
    except UnreadableItemError as unreadable:
        log("unreadable_state", monitor=monitor, reason=str(unreadable))
        return None


def handled_key(monitor: str, check: str, occurrence: str) -> str:
    """The claim key of one scheduled check or one failure event of a monitor."""
    return f"handled#{monitor}#{check}#{occurrence}"
