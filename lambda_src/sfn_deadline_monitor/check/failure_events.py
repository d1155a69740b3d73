"""Failure events: a "Step Functions Execution Status Change" that a failure rule forwards.

A rule serves up to 20 monitors (EventBridge's rules per bus are few), so its input lists
their settings around the event, and the event is delivered to the monitors it is about:
those of its state machine, and of a version or alias only for runs started through it.
An event about none of the rule's state machines, or about a run that did not fail, is an
error, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .maintenance import MaintenanceWindow, parse_windows
from .monitor_settings import (
    SETTINGS_FIELDS,
    InvalidEventError,
    Settings,
    base_state_machine_arn,
    parse_settings,
    quoted,
)
from .verdict import Execution

STATUS_CHANGE = "status_change"
DETAIL_TYPE = "Step Functions Execution Status Change"
# The statuses the module's rules forward; any other is a misrouted event.
FAILURE_STATUSES = ("FAILED", "TIMED_OUT", "ABORTED")
# The discovered monitors' rule says this in place of listing monitors (discovery/failures.py).
DISCOVERED_FIELD = "discovered"


@dataclass(frozen=True)
class StatusChange:
    """One monitor's failed run, reported by an event."""

    monitor: str
    state_machine_arn: str
    execution: Execution
    timezone: str = "UTC"
    message_format: str = "text"
    role_arn: str | None = None
    severities: Mapping[str, str] = field(default_factory=dict)
    maintenance_windows: tuple[MaintenanceWindow, ...] = ()
    check: str = STATUS_CHANGE


@dataclass(frozen=True)
class FailureEvent:
    """A failed run and the monitors it concerns (none: a run of a version or alias that
    none of the rule's monitors watches)."""

    execution: Execution
    changes: tuple[StatusChange, ...]


def parse_failure_event(given: dict[str, Any]) -> FailureEvent:
    """The failure rule's input (its fields already checked): its monitors and the event,
    checked against each other."""
    listed = given["monitors"]
    if not isinstance(listed, list) or not listed or not all(isinstance(m, dict) for m in listed):
        raise InvalidEventError("monitors must be a non-empty list of monitor settings")
    unknown = sorted({field for m in listed for field in m.keys() - SETTINGS_FIELDS})
    if unknown:
        raise InvalidEventError(f"a monitor's settings have unknown field(s): {', '.join(unknown)}")
    # The module's windows once for all the rule's monitors, then each monitor's own.
    shared = parse_windows(given.get("maintenance_windows"))
    monitors = [
        (parse_settings(m), shared + parse_windows(m.get("maintenance_windows"))) for m in listed
    ]
    detail = failure_detail(given["event"])
    if detail["stateMachineArn"] not in {
        base_state_machine_arn(m.state_machine_arn) for m, _ in monitors
    }:
        raise InvalidEventError(
            f"event is about {detail['stateMachineArn']}, which none of the rule's monitors "
            f"({', '.join(m.monitor for m, _ in monitors)}) watches: the rule routed it wrongly"
        )
    execution = _execution(detail)
    return FailureEvent(
        execution,
        tuple(
            StatusChange(
                monitor=m.monitor,
                state_machine_arn=m.state_machine_arn,
                execution=execution,
                timezone=m.timezone,
                message_format=m.message_format,
                role_arn=m.role_arn,
                severities=m.severities,
                maintenance_windows=windows,
            )
            for m, windows in monitors
            if _is_about(m, detail)
        ),
    )


def is_discovered_failure(event: object) -> bool:
    """An input of the discovered monitors' rule, whose monitors the state table holds."""
    return isinstance(event, dict) and event.get(DISCOVERED_FIELD) is True


def _is_about(monitor: Settings, detail: dict[str, Any]) -> bool:
    """A monitor of a state machine hears of all its runs; one of a version or alias, of
    the runs started through it (the event names them)."""
    arn = monitor.state_machine_arn
    if base_state_machine_arn(arn) != detail["stateMachineArn"]:
        return False
    if arn == detail["stateMachineArn"]:
        return True
    return arn in (detail.get("stateMachineAliasArn"), detail.get("stateMachineVersionArn"))


def failure_detail(event: Any) -> dict[str, Any]:
    """The detail of a Step Functions status change event about a failed run."""
    if not isinstance(event, dict) or not isinstance(event.get("detail"), dict):
        raise InvalidEventError("event must be an EventBridge event with a detail object")
    if event.get("source") != "aws.states" or event.get("detail-type") != DETAIL_TYPE:
        raise InvalidEventError(
            f"event is not a {quoted(DETAIL_TYPE)} from aws.states (source "
            f"{quoted(event.get('source'))}, detail-type {quoted(event.get('detail-type'))})"
        )
    detail: dict[str, Any] = event["detail"]
    for name in ("executionArn", "stateMachineArn", "status", "startDate"):
        if name not in detail:
            raise InvalidEventError(f"event detail lacks {name}")
    if detail["status"] not in FAILURE_STATUSES:
        raise InvalidEventError(
            f"event status {quoted(detail['status'])} is not a failure "
            f"({', '.join(FAILURE_STATUSES)}): the rule should not have forwarded it"
        )
    return detail


def _execution(detail: dict[str, Any]) -> Execution:
    return Execution(
        arn=detail["executionArn"],
        name=detail.get("name") or detail["executionArn"].rsplit(":", 1)[-1],
        status=detail["status"],
        start=_epoch_millis(detail["startDate"], "startDate"),
        stop=None if detail.get("stopDate") is None else _epoch_millis(detail["stopDate"], "stop"),
        redrive_count=detail.get("redriveCount") or 0,
        error=detail.get("error"),
        cause=detail.get("cause"),
    )


def _epoch_millis(value: object, field: str) -> datetime:
    if type(value) is not int:
        raise InvalidEventError(
            f"event detail {field} must be epoch milliseconds, got {quoted(value)}"
        )
    return datetime.fromtimestamp(value / 1000, UTC)
