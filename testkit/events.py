"""The inputs a check receives, as the module writes them: a deadline schedule's input after
the Scheduler's substitutions, and a failure rule's; and the shorthand for times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from testkit.fire_check import status_change_event


def at(text: str) -> datetime:
    """A UTC datetime from ``2026-11-28T02:00`` shorthand."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def event(state_machine_arn: str, deadline: datetime | str, **overrides: Any) -> dict[str, Any]:
    """A schedule input as the module writes it, with the Scheduler's substitutions made."""
    scheduled = deadline if isinstance(deadline, str) else deadline.strftime("%Y-%m-%dT%H:%M:%SZ")
    base = {
        "version": 1,
        "monitor": "nightly-etl",
        "state_machine_arn": state_machine_arn,
        "lookback_minutes": 180,
        "timezone": "Asia/Tokyo",
        "notify_on_success": False,
        "message_format": "text",
        "scheduled_time": scheduled,
        "scheduler_execution_id": "d6a1e0f4-7c1b-4f9e-9a51-3c2f1b0e8a77",
        "attempt_number": "1",
    }
    return {**base, **overrides}


def clock(moment: datetime) -> type[datetime]:
    """``datetime`` whose ``now()`` reads ``moment``: set as a module's ``datetime`` (the
    handler's, or a command's), it is that code's one reading of the clock."""
    return type(
        "Clock", (datetime,), {"now": classmethod(lambda _, tz=None: moment.astimezone(tz))}
    )


def recent(hours: float = 0) -> datetime:
    """A moment ``hours`` ago, truncated to the second as the Scheduler's times are."""
    return (datetime.now(UTC) - timedelta(hours=hours)).replace(microsecond=0)


def status_change(
    execution_arn: str,
    status: str,
    start: datetime,
    stop: datetime,
    *,
    monitor: str = "nightly-etl",
    error: str | None = "Etl.LoadFailed",
    cause: str | None = "relation orders_staging is locked",
    redrive_count: int = 0,
) -> dict[str, Any]:
    """A failure rule's input: a real "Step Functions Execution Status Change" event,
    wrapped by the module's input transformer as the contract's status_change check of
    the rule's one monitor."""
    event = status_change_event(
        execution_arn, status, start, stop, error=error, cause=cause, redrive_count=redrive_count
    )
    return {
        "version": 1,
        "check": "status_change",
        "monitors": [
            {
                "monitor": monitor,
                "state_machine_arn": event["detail"]["stateMachineArn"],
                "timezone": "Asia/Tokyo",
            }
        ],
        "event": event,
    }
