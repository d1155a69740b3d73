"""The facts of an alert: its subject, its advice and the machine-readable report.

Pure functions of a verdict and the check's context. The text and chat formats render
this report, so every format says the same thing.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from ..check.context import CheckContext
from ..check.contract import START
from ..check.failure_events import STATUS_CHANGE
from ..check.history import Pace
from ..check.risk import Prediction
from ..check.too_fast import reported_shortfall
from ..check.verdict import PROBLEMS, Execution, Finding, Status, Verdict
from ..formatting import console_url, format_duration, iso, resolve_timezone
from .advice import advise
from .facts import BeforeWindow, ExecutionEntry, PaceEntry, PredictionEntry, Report
from .incident import severity_of

# SNS rejects a subject of 100 characters or more.
MAX_SUBJECT_CHARS = 99
# An alert lists at most this many executions, worst first, and says how many it left out.
MAX_LISTED_EXECUTIONS = 10
# What a subject writes in place of a double quote or a backslash (clean_subject).
_UNQUOTED = {'"': "'", "\\": "/"}


def subject(context: CheckContext, verdict: Verdict) -> str:
    """``[STATUS] monitor: summary``, within what SNS accepts."""
    zone, _ = resolve_timezone(context.timezone)
    deadline = (
        context.window.deadline.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
        if context.window
        else ""
    )
    total = len(verdict.findings)
    if context.check == STATUS_CHANGE and verdict.findings:
        execution = verdict.findings[0].execution
        moment = execution.stop or execution.start
        summary = (
            f"run {execution.name} {execution.status} at "
            f"{moment.astimezone(zone).strftime('%Y-%m-%d %H:%M %Z')}"
        )
        return clean_subject(f"[{verdict.status.value}] {context.monitor}: {summary}")
    match verdict.status:
        case Status.OK if context.check == START:
            summary = f"{total} run(s) started by {deadline}"
        case Status.OK:
            summary = f"{total} run(s) succeeded by {deadline}"
        case Status.RECOVERED:
            after = f", after {context.previous_status.value}" if context.previous_status else ""
            summary = f"{total} run(s) succeeded by {deadline}{after}"
        case Status.FAILED:
            failed = sum(1 for f in verdict.findings if f.status is Status.FAILED)
            summary = f"{failed} of {total} run(s) failed, deadline {deadline}"
        case Status.LATE:
            summary = f"{len(verdict.problems)} of {total} run(s) not finished by {deadline}"
        case Status.AT_RISK if context.prediction is not None:
            summary = _at_risk_summary(context.prediction, zone)
        case Status.TOO_FAST:
            summary = _too_fast_summary(context, verdict, deadline)
        case Status.MISSING:
            lookback = context.window.deadline - context.window.start if context.window else None
            summary = f"no run started in the {_span(lookback)} before {deadline}"
        case Status.SKIPPED:  # never sent
            summary = f"no run before {deadline}, a day its calendar excludes"
        case _:
            summary = f"check could not be made: {verdict.reason}"
    return clean_subject(f"[{verdict.status.value}] {context.monitor}: {summary}")


def _at_risk_summary(prediction: Prediction, zone: tzinfo) -> str:
    def hhmm(moment: datetime | None) -> str:
        return "-" if moment is None else moment.astimezone(zone).strftime("%H:%M")

    deadline = prediction.deadline.astimezone(zone).strftime("%H:%M %Z")
    run = prediction.run
    if run is not None and prediction.expected_finish is None:
        return f"run {run.name} overdue, deadline {deadline}"
    if run is not None:
        return f"run {run.name} to end {hhmm(prediction.expected_finish)}, deadline {deadline}"
    return f"no run started, usually by {hhmm(prediction.usual_latest_start)}; deadline {deadline}"


def _too_fast_summary(context: CheckContext, verdict: Verdict, deadline: str) -> str:
    short = reported_shortfall(verdict, context.min_duration, context.history)
    if short is None:
        return f"{len(verdict.problems)} run(s) succeeded too fast by {deadline}"
    took = f"run {short.run.name} succeeded in {format_duration(short.took.total_seconds())}"
    if short.pace is None:
        return f"{took}, under the {format_duration(short.bound.total_seconds())} minimum"
    return f"{took}, usually {format_duration(short.pace.median.total_seconds())}"


def clean_subject(text: str) -> str:
    """Printable ASCII on one line, under 100 characters: SNS rejects a subject with line
    breaks, control characters or non-ASCII text (docs.aws.amazon.com/sns/latest/api/
    API_Publish.html), and a rejected publish would lose the alert. Without double quotes
    or backslashes either: an EventBridge input transformer writes the subject into a
    vendor's JSON unescaped ("EventBridge doesn't escape values extracted by Input Path",
    eventbridge/latest/userguide/eb-transform-target-input.html)."""
    printable = "".join(
        c if " " <= c <= "~" and c not in '"\\' else _UNQUOTED.get(c, " ")
        for c in text.encode("ascii", "replace").decode()
    )
    text = " ".join(printable.split())
    if len(text) > MAX_SUBJECT_CHARS:
        text = text[: MAX_SUBJECT_CHARS - 3].rstrip() + "..."
    return text


def _span(lookback: timedelta | None) -> str:
    if lookback is None:
        return "window"
    minutes = int(lookback.total_seconds() // 60)
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes} min"


def report(context: CheckContext, verdict: Verdict, subject_line: str) -> Report:
    """The machine-readable alert; the text and chat formats render the same facts."""
    listed = listed_findings(verdict)
    counts: dict[str, int] = {}
    for finding in verdict.findings:
        counts[finding.execution.status] = counts.get(finding.execution.status, 0) + 1
    return {
        "status": verdict.status.value,
        "severity": severity_of(verdict.status, context.severities),
        "incident_key": context.incident_key,
        "monitor": context.monitor,
        "subject": subject_line,
        "reason": verdict.reason or None,
        "advice": advise(context, verdict),
        "state_machine_arn": context.state_machine_arn or None,
        "state_machine_console_url": console_url(context.state_machine_arn),
        "window": None
        if context.window is None
        else {
            "start": iso(context.window.start),
            "deadline": iso(context.window.deadline),
            "timezone": context.timezone,
        },
        "executions_in_window": len(verdict.findings),
        "execution_status_counts": counts,
        "executions": [execution_entry(f, context.checked_at) for f in listed],
        "executions_not_listed": len(_listable(verdict)) - len(listed),
        "previous": None
        if context.previous_status is None
        else {
            "status": context.previous_status.value,
            "as_of": iso(context.previous_as_of),
            "executions": [outside_window(e, context.checked_at) for e in context.earlier_problems],
        },
        "before_window": None if context.window is None else before_window(context),
        "prediction": None if context.prediction is None else prediction_entry(context.prediction),
        "upstream": [
            {"monitor": p.monitor, "status": p.status.value, "as_of": iso(p.as_of)}
            for p in context.upstream_problems
        ],
        # Only a problem affects the monitors downstream.
        "downstream": list(context.dependencies.downstream) if verdict.status in PROBLEMS else [],
        "held": None
        if context.hold is None or verdict.status not in PROBLEMS
        else {
            "kind": context.hold.kind,
            "name": context.hold.name,
            "until": iso(context.hold.until),
            "reason": context.hold.reason,
        },
        "check": {
            "kind": context.check,
            "checked_at": iso(context.checked_at),
            "deadline_from_invocation_time": context.deadline_from_invocation_time,
            "scheduler_execution_id": context.scheduler_execution_id,
            "attempt_number": context.attempt_number,
        },
    }


def pace_entry(pace: Pace | None) -> PaceEntry | None:
    """How long the recent successful runs took, as the JSON format carries it."""
    if pace is None:
        return None
    return {
        "successful_runs": pace.runs,
        "shortest_seconds": int(pace.shortest.total_seconds()),
        "longest_seconds": int(pace.longest.total_seconds()),
        "p90_seconds": int(pace.p90.total_seconds()),
        "median_seconds": int(pace.median.total_seconds()),
    }


def prediction_entry(prediction: Prediction) -> PredictionEntry:
    """An at-risk check's prediction and its basis, as the JSON format carries it."""
    return {
        "kind": prediction.kind,
        "deadline": iso(prediction.deadline),
        "run": None if prediction.run is None else prediction.run.name,
        "overdue": prediction.run is not None and prediction.expected_finish is None,
        "expected_finish": iso(prediction.expected_finish),
        "usual_latest_start": iso(prediction.usual_latest_start),
        "windows_judged": prediction.starts_judged,
        "pace": pace_entry(prediction.pace),
    }


def before_window(context: CheckContext) -> BeforeWindow:
    """What the runs before the window show: the last run, the last success, runs still
    going, and the job's usual runs per window and pace, where the runs read tell."""
    history, checked_at = context.history, context.checked_at

    def entry(execution: Execution) -> ExecutionEntry:
        return outside_window(execution, checked_at)

    return {
        "last_run": None if history.last is None else entry(history.last),
        "last_success": None if history.last_success is None else entry(history.last_success),
        "still_running": [entry(e) for e in history.still_running],
        "runs_per_window": history.typical_runs(context.earlier_windows),
        "pace": pace_entry(Pace.of(history)),
        "never_ran": history.never_ran,
    }


def _listable(verdict: Verdict) -> tuple[Finding, ...]:
    """Executions worth listing: the problems, worst first, or all of them when OK."""
    if verdict.status in (Status.OK, Status.RECOVERED):
        return verdict.findings
    return tuple(sorted(verdict.problems, key=lambda f: f.status is not Status.FAILED))


def listed_findings(verdict: Verdict) -> tuple[Finding, ...]:
    """The executions an alert lists, at most MAX_LISTED_EXECUTIONS."""
    return _listable(verdict)[:MAX_LISTED_EXECUTIONS]


def execution_entry(finding: Finding, checked_at: datetime) -> ExecutionEntry:
    """One execution as the JSON format lists it."""
    execution = finding.execution
    end = execution.stop or checked_at
    return {
        "name": execution.name,
        "arn": execution.arn,
        "status": execution.status,
        "verdict": finding.status.value,
        "start": iso(execution.start),
        "stop": iso(execution.stop),
        "duration_seconds": int((end - execution.start).total_seconds()),
        "still_running": execution.stop is None and execution.status == "RUNNING",
        "error": execution.error,
        "cause": execution.cause,
        "redrive_count": execution.redrive_count,
        "console_url": console_url(execution.arn),
    }


def outside_window(execution: Execution, checked_at: datetime) -> ExecutionEntry:
    """A run the window's verdict did not judge (before the window, or a previous alert's)."""
    entry = execution_entry(Finding(execution, Status.OK), checked_at)
    entry["verdict"] = None
    return entry
