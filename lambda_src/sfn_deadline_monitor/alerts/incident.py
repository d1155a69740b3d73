"""Incidents: the severity of an alert and the key of the problem episode it belongs to.

An incident tool opens an incident for a problem and resolves it when told the same key
again: every alert of one episode of a monitor (from its first problem to its RECOVERED)
carries one key, so a FAILED after an AT_RISK, or a LATE that then FAILED, stays one
incident, and the RECOVERED closes it. Pure functions: delivery.py reads the last status
and records the key with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from ..check.verdict import PROBLEMS, Status
from ..formatting import iso
from ..state.records import MonitorState, OpenProblem

# Every status's severity unless the monitor maps it to another (its `severities`).
DEFAULT_SEVERITY: Mapping[Status, str] = {
    Status.FAILED: "critical",
    Status.LATE: "critical",
    Status.MISSING: "critical",
    Status.ERROR: "critical",
    Status.AT_RISK: "warning",
    Status.TOO_FAST: "error",
    Status.RECOVERED: "info",
    Status.OK: "info",
    Status.SKIPPED: "info",  # never sent
}


def severity_of(status: Status, overrides: Mapping[str, str]) -> str:
    """The monitor's severity for ``status``: its own mapping, else the default."""
    return overrides.get(status.value, DEFAULT_SEVERITY[status])


def incident_key(
    monitor: str, status: Status, as_of: datetime, previous: MonitorState | None
) -> str | None:
    """The key of the episode an alert of ``status`` belongs to; None for OK, which
    belongs to none.

    A problem continues the episode of a previous problem, or opens one named for the
    monitor and the moment it began; RECOVERED closes the previous problem's episode.
    A previous problem stored by an earlier release, without a key, is named for the
    moment its status began.
    """
    if status not in PROBLEMS and status is not Status.RECOVERED:
        return None
    if previous is not None and previous.status in PROBLEMS:
        return previous.incident_key or episode_key(monitor, previous.since or previous.as_of)
    # A RECOVERED follows a stored problem (follow_up): only a problem gets here.
    return episode_key(monitor, as_of)


def episode_key(monitor: str, began: datetime) -> str:
    """An episode's key: the monitor and when its first problem was about, to the second
    (a malformed event's ERROR is about the moment it came).

    One URL path segment (a monitor's name is letters, digits, '.', '-', '_'; '@' and ':'
    are allowed in a segment, RFC 3986 section 3.3), so that an incident tool's API can
    take it in a path: Opsgenie closes an alert at /v2/alerts/<alias>/close.
    """
    return f"{monitor}@{iso(began.replace(microsecond=0))}"


def audit_incident(
    module: str,
    open_before: Mapping[str, OpenProblem],
    key_before: str | None,
    open_now: Mapping[str, OpenProblem],
    *,
    any_new: bool,
    now: datetime,
) -> tuple[str | None, str | None]:
    """The audit's episode, from its first open problem to none open: the key to keep with
    what is open now, and the key its alert carries.

    New problems (ERROR) join the open episode, or open one named for the module's audit
    and this audit; the alert that finds nothing left open (RECOVERED) closes it. An
    alert that finds some problems gone and others still open carries no key: it must not
    resolve an incident whose problems remain. Problems stored by an earlier release,
    without a key, are named for the oldest of them.
    """
    name = f"{module}.audit"
    ongoing = key_before
    if ongoing is None and open_before:
        ongoing = episode_key(name, min(p.since for p in open_before.values()))
    if not open_now:
        return None, ongoing
    kept = ongoing or episode_key(name, now)
    return kept, kept if any_new else None
