"""Maintenance windows and pauses: when a monitor's problems are held rather than sent.
Pure, so every case is tested without AWS.

A window is declared in Terraform (the contract's ``maintenance_windows``): recurring (it
opens at each fire of a cron expression in its time zone and lasts ``duration_minutes``)
or one-off (``from``, ``until``). A pause is set from the CLI (``pause``) and kept on the
monitor's state item. A check whose time falls inside either holds its problem: it is
recorded, not sent, and the audit sends it once the hold has ended if it still holds
(alerts/held.py). Good news (OK, RECOVERED) is never held.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..formatting import iso
from .fire_times import previous_fire
from .monitor_settings import InvalidEventError, is_time_zone, quoted
from .schedule_expression import Cron, ScheduleExpressionError, parse

# A recurring window lasts at most a week (plan checks the same bound, maintenance.tf): a
# longer one would hold a weekly job's every problem.
MAX_WINDOW_MINUTES = 7 * 24 * 60
_RECURRING = {"name", "schedule", "timezone", "duration_minutes"}
_ONE_OFF = {"name", "from", "until"}


@dataclass(frozen=True)
class MaintenanceWindow:
    """A declared window: recurring (``schedule`` in ``timezone`` opens it for
    ``duration``) or one-off (from ``opens`` until ``closes``)."""

    name: str
    schedule: Cron | None = None
    timezone: str = "UTC"
    duration: timedelta = timedelta(0)
    opens: datetime | None = None
    closes: datetime | None = None

    def end_covering(self, moment: datetime) -> datetime | None:
        """When the occurrence of this window that covers ``moment`` ends; None outside it.

        The latest opening at or before ``moment`` decides: an earlier occurrence ends
        before a later one, so it cannot cover a moment the later one does not."""
        if self.schedule is None:
            assert self.opens is not None and self.closes is not None
            return self.closes if self.opens <= moment < self.closes else None
        opened = previous_fire(self.schedule, self.timezone, moment)
        if opened is None or moment >= opened + self.duration:
            return None
        return opened + self.duration


@dataclass(frozen=True)
class Pause:
    """A pause set with the CLI's ``pause``: until when, by whom (the caller's identity),
    why and when it was set. It ends on its own."""

    until: datetime
    by: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class Hold:
    """Why a check's problem is held rather than sent, and until when: its ``kind``,
    "maintenance window" or "pause" (the alert's json says which), named ``name`` (the
    window's, or who paused), with the pause's reason."""

    kind: str
    name: str
    until: datetime
    reason: str | None = None

    def describe(self) -> str:
        """The hold in one line, as the alert shows it."""
        if self.kind == "pause":
            return f"paused by {self.name} until {iso(self.until)}: {self.reason}"
        return f"maintenance window {self.name} until {iso(self.until)}"


def hold_of(
    windows: Iterable[MaintenanceWindow], pause: Pause | None, moment: datetime
) -> Hold | None:
    """The hold on a check at ``moment``: of the windows and the pause that cover it, the
    one that ends last (the problem is held until every one has ended); None when none
    does. A pause covers from when it was set until its end; an expired one is nothing."""
    holds = [
        Hold("maintenance window", window.name, end)
        for window in windows
        if (end := window.end_covering(moment)) is not None
    ]
    if pause is not None and pause.at <= moment < pause.until:
        holds.append(Hold("pause", pause.by, pause.until, pause.reason))
    return max(holds, key=lambda hold: hold.until, default=None)


def parse_windows(given: object) -> tuple[MaintenanceWindow, ...]:
    """The contract's ``maintenance_windows`` (absent: none), as plan checks them
    (maintenance.tf): each window an object of ``name`` and either ``schedule``,
    ``timezone`` and ``duration_minutes`` or ``from`` and ``until``; null values count as
    absent. Anything else is an error that names the field: a window misread would hold
    real problems, or send what should wait."""
    if given is None:
        return ()
    if not isinstance(given, list):
        raise InvalidEventError(f"maintenance_windows {quoted(given)} must be a list of windows")
    return tuple(_window({k: v for k, v in w.items() if v is not None}) for w in _objects(given))


def _objects(given: list[object]) -> list[dict[str, object]]:
    for window in given:
        if not isinstance(window, dict):
            raise InvalidEventError(f"maintenance window {quoted(window)} must be an object")
    return given  # type: ignore[return-value]  # every element was checked a dict


def _window(given: dict[str, object]) -> MaintenanceWindow:
    name = given.get("name")
    if not isinstance(name, str) or not name:
        raise InvalidEventError(f"maintenance window {quoted(given)} needs a name")
    if set(given) == _RECURRING:
        return _recurring(name, given)
    if set(given) == _ONE_OFF:
        opens, closes = (
            _instant(name, "from", given["from"]),
            _instant(name, "until", given["until"]),
        )
        if not opens < closes:
            raise InvalidEventError(f"maintenance window {name}: from must be before until")
        return MaintenanceWindow(name, opens=opens, closes=closes)
    raise InvalidEventError(
        f"maintenance window {name} must hold either schedule, timezone and duration_minutes, "
        f"or from and until; it holds {', '.join(sorted(given))}"
    )


def _recurring(name: str, given: dict[str, object]) -> MaintenanceWindow:
    schedule, timezone, minutes = given["schedule"], given["timezone"], given["duration_minutes"]
    try:
        expression = parse(schedule) if isinstance(schedule, str) else None
    except ScheduleExpressionError as error:
        raise InvalidEventError(f"maintenance window {name}: {error}") from error
    if not isinstance(expression, Cron):
        raise InvalidEventError(
            f"maintenance window {name}: schedule {quoted(schedule)} must be a cron() expression"
        )
    if not is_time_zone(timezone):
        raise InvalidEventError(
            f"maintenance window {name}: timezone {quoted(timezone)} is not an IANA time zone"
        )
    if type(minutes) is not int or not 0 < minutes <= MAX_WINDOW_MINUTES:
        raise InvalidEventError(
            f"maintenance window {name}: duration_minutes {quoted(minutes)} must be a whole "
            f"number from 1 to {MAX_WINDOW_MINUTES} (a week)"
        )
    assert isinstance(timezone, str)
    return MaintenanceWindow(name, expression, timezone, timedelta(minutes=minutes))


def _instant(name: str, field: str, value: object) -> datetime:
    """An RFC 3339 time with its offset, as plan checks it (timecmp)."""
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidEventError(
            f"maintenance window {name}: {field} {quoted(value)} must be an RFC 3339 time "
            "with its offset, such as 2026-12-24T01:00:00+09:00"
        )
    return moment.astimezone(UTC)
