"""Dependencies between monitors, as a scheduled check's input carries them: the monitors
whose jobs this one's job waits for (``upstream``), whether their problems keep this one's
quiet (``upstream_suppresses``), and the monitors that wait for it (``downstream``).

The module writes them from the monitors' ``upstream`` (dependencies.tf), which plan
checks (every name a monitor, no cycle); parsing is strict all the same, so that a
malformed input is an ERROR alert that names the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .monitor_settings import MONITOR_NAME, InvalidEventError, quoted
from .verdict import Status

FIELDS = ("upstream", "upstream_suppresses", "downstream")


@dataclass(frozen=True)
class Dependencies:
    """A monitor's place among the others: none by default."""

    upstream: tuple[str, ...] = ()
    suppresses: bool = False
    downstream: tuple[str, ...] = ()


@dataclass(frozen=True)
class UpstreamProblem:
    """An upstream monitor's latest verdict, a problem, that explains this one's: its
    status and the deadline (or failed run's stop) it is about."""

    monitor: str
    status: Status
    as_of: datetime


def parse_dependencies(event: dict[str, Any]) -> Dependencies:
    """The dependencies a scheduled check's input carries (none when it carries none)."""
    suppresses = event.get("upstream_suppresses", False)
    if not isinstance(suppresses, bool):
        raise InvalidEventError(f"upstream_suppresses {quoted(suppresses)} must be true or false")
    return Dependencies(_names(event, "upstream"), suppresses, _names(event, "downstream"))


def _names(event: dict[str, Any], field: str) -> tuple[str, ...]:
    names = event.get(field, [])
    if not isinstance(names, list) or not all(
        isinstance(name, str) and MONITOR_NAME.fullmatch(name) for name in names
    ):
        raise InvalidEventError(
            f"{field} {quoted(names)} must be a list of monitor names (1 to 64 letters, "
            "digits, '.', '-' or '_')"
        )
    return tuple(names)
