"""What an alert says about the check itself, beside the verdict: the monitor, the window,
the runs before it and the prediction. Built once per check, from the parsed request, for
the Lambda and the ``check`` command alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .contract import DEADLINE, CheckRequest
from .dependencies import Dependencies, UpstreamProblem
from .failure_events import StatusChange
from .history import WINDOWS_COUNTED, History
from .maintenance import Hold, MaintenanceWindow
from .risk import Prediction
from .too_fast import MinDuration
from .verdict import Execution, Status, Window


@dataclass(frozen=True)
class CheckContext:
    """What the alert says about the check itself, beside the verdict."""

    monitor: str
    state_machine_arn: str
    window: Window | None
    timezone: str
    checked_at: datetime
    check: str = DEADLINE
    deadline_from_invocation_time: bool = False
    scheduler_execution_id: str | None = None
    attempt_number: int | None = None
    # For a RECOVERED notice: the status it follows, and the executions that status was
    # about, as they are now (a redriven execution may have SUCCEEDED since).
    previous_status: Status | None = None
    previous_as_of: datetime | None = None
    earlier_problems: tuple[Execution, ...] = ()
    # The runs before the window that the check read, and the schedule's earlier
    # windows (newest first): the alert's context.
    history: History = field(default_factory=History)
    earlier_windows: tuple[Window, ...] = ()
    # An at-risk check's prediction and its basis.
    prediction: Prediction | None = None
    # The monitor's bound under which a successful run is TOO_FAST.
    min_duration: MinDuration | None = None
    # The monitor's own severities (alerts/incident.py), and the key of the problem
    # episode the alert belongs to (set by delivery, which reads the last status).
    severities: Mapping[str, str] = field(default_factory=dict)
    incident_key: str | None = None
    # The monitors this one waits for and that wait for it, and the upstream problems
    # that explain this check's (set by delivery, which reads their last statuses).
    dependencies: Dependencies = field(default_factory=Dependencies)
    upstream_problems: tuple[UpstreamProblem, ...] = ()
    # The monitor's maintenance windows, and the window or pause that holds this check's
    # problem (set by delivery, which reads the pause; check/maintenance.py).
    maintenance_windows: tuple[MaintenanceWindow, ...] = ()
    hold: Hold | None = None


def check_context(
    request: CheckRequest | StatusChange,
    now: datetime,
    history: History | None = None,
    prediction: Prediction | None = None,
) -> CheckContext:
    """What the alert says about the check itself and the runs before its window; a
    failure event has no window."""
    if isinstance(request, StatusChange):
        return CheckContext(
            monitor=request.monitor,
            state_machine_arn=request.state_machine_arn,
            window=None,
            timezone=request.timezone,
            checked_at=now,
            check=request.check,
            severities=request.severities,
            maintenance_windows=request.maintenance_windows,
        )
    return CheckContext(
        monitor=request.monitor,
        state_machine_arn=request.state_machine_arn,
        window=request.window,
        timezone=request.timezone,
        checked_at=now,
        check=request.check,
        deadline_from_invocation_time=request.deadline_from_invocation_time,
        scheduler_execution_id=request.scheduler_execution_id,
        attempt_number=request.attempt_number,
        history=history or History(),
        earlier_windows=request.earlier_windows(WINDOWS_COUNTED),
        prediction=prediction,
        min_duration=request.min_duration,
        severities=request.severities,
        dependencies=request.dependencies,
        maintenance_windows=request.maintenance_windows,
    )
