"""The shape of an alert's facts, as mypy checks it: the json format is a Report, and the
text and chat formats render one, so a renamed or missing field fails the type check
rather than a subscriber's parser. docs/alerts.md documents each field."""

from __future__ import annotations

from typing import TypedDict


class ExecutionEntry(TypedDict):
    name: str
    arn: str
    status: str
    verdict: str | None  # None for a run outside the window (before it, or a previous one)
    start: str
    stop: str | None
    duration_seconds: int
    still_running: bool
    error: str | None
    cause: str | None
    redrive_count: int
    console_url: str | None


class WindowEntry(TypedDict):
    start: str
    deadline: str
    timezone: str


class PreviousEntry(TypedDict):
    status: str
    as_of: str | None
    executions: list[ExecutionEntry]


class PaceEntry(TypedDict):
    successful_runs: int
    shortest_seconds: int
    longest_seconds: int
    p90_seconds: int
    median_seconds: int


class PredictionEntry(TypedDict):
    kind: str
    deadline: str
    run: str | None
    overdue: bool
    expected_finish: str | None
    usual_latest_start: str | None
    windows_judged: int
    pace: PaceEntry | None


class BeforeWindow(TypedDict):
    last_run: ExecutionEntry | None
    last_success: ExecutionEntry | None
    still_running: list[ExecutionEntry]
    runs_per_window: int | None
    pace: PaceEntry | None
    never_ran: bool


class UpstreamEntry(TypedDict):
    monitor: str
    status: str
    as_of: str


class HeldEntry(TypedDict):
    kind: str
    name: str
    until: str
    reason: str | None


class CheckEntry(TypedDict):
    kind: str
    checked_at: str
    deadline_from_invocation_time: bool
    scheduler_execution_id: str | None
    attempt_number: int | None


class Report(TypedDict):
    status: str
    severity: str
    incident_key: str | None
    monitor: str
    subject: str
    reason: str | None
    advice: str | None
    state_machine_arn: str | None
    state_machine_console_url: str | None
    window: WindowEntry | None
    executions_in_window: int
    execution_status_counts: dict[str, int]
    executions: list[ExecutionEntry]
    executions_not_listed: int
    previous: PreviousEntry | None
    before_window: BeforeWindow | None
    prediction: PredictionEntry | None
    # The upstream problems that explain this one, and the monitors waiting for this one.
    upstream: list[UpstreamEntry]
    downstream: list[str]
    # The maintenance window or pause that held this alert until it ended.
    held: HeldEntry | None
    check: CheckEntry
