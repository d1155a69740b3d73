"""The text format: the report rendered for people and e-mail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from ..check.context import CheckContext
from ..check.contract import START
from ..check.failure_events import STATUS_CHANGE
from ..check.verdict import Status, Verdict
from ..formatting import format_duration, resolve_timezone
from .facts import BeforeWindow, ExecutionEntry, PredictionEntry, PreviousEntry, Report

_CHECK_LINES = {
    START: "start check (a run must have started by the end of the window)",
    STATUS_CHANGE: "failure event from Step Functions (the deadline check still follows)",
}


def render_text(context: CheckContext, verdict: Verdict, report: Report) -> str:
    """The alert as plain text, the subject first."""
    zone, zone_name = resolve_timezone(context.timezone)

    def both(moment: datetime) -> str:
        """Local time, and UTC beside it unless the zone is UTC."""
        local = moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z")
        if moment.astimezone(zone).utcoffset() == timedelta(0) and local.endswith("UTC"):
            return local
        return f"{local} ({moment.astimezone(UTC).strftime('%Y-%m-%d %H:%M:%S UTC')})"

    # First the upstream problems: what on call should look at before this job.
    lines = [report["subject"], "", *_held_lines(report, both), *_dependency_lines(report, both)]
    if verdict.reason:
        lines.append(f"Why:            {verdict.reason}")
    if report["advice"]:
        lines += [f"What to do:     {report['advice']}", ""]
    lines.append(f"Monitor:        {context.monitor}")
    if context.state_machine_arn:
        lines.append(f"State machine:  {context.state_machine_arn}")
        lines.append(f"                {report['state_machine_console_url'] or ''}".rstrip())
    if context.window is not None:
        lines += [
            f"Window:         {both(context.window.start)}",
            f"  to deadline   {both(context.window.deadline)}",
            f"Time zone:      {zone_name}",
        ]
    if context.check in _CHECK_LINES:
        lines.append(f"Check:          {_CHECK_LINES[context.check]}")
    if verdict.status is not Status.ERROR and context.check != STATUS_CHANGE:
        counts = report["execution_status_counts"]
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        counted = f": {summary}" if summary else ""
        lines.append(f"In the window:  {len(verdict.findings)} execution(s){counted}")
    if report["executions"]:
        heading = (
            "Executions" if verdict.status in (Status.OK, Status.RECOVERED) else "Needs attention"
        )
        lines += ["", f"{heading}:"]
    for number, entry in enumerate(report["executions"], start=1):
        lines += _execution_lines(number, entry, both)
    if report["executions_not_listed"]:
        lines.append(f"... and {report['executions_not_listed']} more not listed.")
    if report["prediction"]:
        lines += _prediction_lines(report["prediction"], both)
    if report["before_window"] and verdict.status is not Status.ERROR:
        lines += _before_window_lines(report["before_window"], both)
    if report["previous"]:
        lines += _previous_lines(report["previous"], both)
    lines += _check_lines(context, both)
    return "\n".join(lines) + "\n"


def _held_lines(report: Report, both: Callable[[datetime], str]) -> list[str]:
    """Why the alert comes late: a maintenance window or a pause held it."""
    held = report["held"]
    if held is None:
        return []
    until = both(datetime.fromisoformat(held["until"]))
    by = (
        f"paused by {held['name']}: {held['reason']}"
        if held["kind"] == "pause"
        else f"maintenance window {held['name']}"
    )
    return [
        f"Held:           {by}, until {until}",
        "                Found during it, sent after it: nothing has cleared it since.",
    ]


def _dependency_lines(report: Report, both: Callable[[datetime], str]) -> list[str]:
    """The upstream problems that explain this one, the monitors this one affects."""
    lines = [
        f"Caused by:      upstream {u['monitor']}: {u['status']} at "
        f"{both(datetime.fromisoformat(u['as_of']))}"
        for u in report["upstream"]
    ]
    if report["downstream"]:
        lines.append(f"Affects:        downstream {', '.join(report['downstream'])}")
    return [*lines, ""] if lines else []


def _check_lines(context: CheckContext, both: Callable[[datetime], str]) -> list[str]:
    """When and how the check ran."""
    lines = ["", f"Checked at {both(context.checked_at)}"]
    if context.incident_key is not None:
        lines.append(f"Incident {context.incident_key}")
    if context.deadline_from_invocation_time:
        lines.append("The event carried no scheduled time, so the deadline is the invocation time.")
    if context.scheduler_execution_id or context.attempt_number:
        lines.append(
            f"Scheduler execution {context.scheduler_execution_id or '-'}, "
            f"attempt {context.attempt_number or '-'}"
        )
    return lines


def _prediction_lines(prediction: PredictionEntry, both: Callable[[datetime], str]) -> list[str]:
    """What an at-risk check predicted, and from what."""
    lines = ["", "Prediction:"]
    lines.append(f"  Deadline:      {both(datetime.fromisoformat(prediction['deadline']))}")
    if prediction["expected_finish"]:
        finish = both(datetime.fromisoformat(prediction["expected_finish"]))
        lines.append(f"  Expected end:  {finish} ({prediction['run']}, at the usual pace)")
    if prediction["overdue"]:
        lines.append(
            f"  Expected end:  unknown: {prediction['run']} has run longer than 9 in 10 "
            "of the recent successful runs"
        )
    if prediction["usual_latest_start"]:
        latest = both(datetime.fromisoformat(prediction["usual_latest_start"]))
        lines.append(
            f"  Usual start:   by {latest} at the latest "
            f"(the last {prediction['windows_judged']} windows)"
        )
    return lines


def _before_window_lines(before: BeforeWindow, both: Callable[[datetime], str]) -> list[str]:
    """The runs before the window, as far as the check read them."""
    lines = ["", "Before the window:"]
    for entry in before["still_running"]:
        lines.append(
            f"  Still running: {entry['name']}, since "
            f"{both(datetime.fromisoformat(entry['start']))} "
            f"({format_duration(entry['duration_seconds'])})"
        )
        lines.append(f"                 {entry['console_url'] or entry['arn']}")
    shown = {entry["arn"] for entry in before["still_running"]}
    for label, run in (
        ("Last run:", before["last_run"]),
        ("Last success:", before["last_success"]),
    ):
        if run is not None and run["arn"] not in shown:
            lines.append(f"  {label:<14} {_run_line(run, both)}")
            shown.add(run["arn"])
    if before["never_ran"]:
        lines.append("  No run at all: Step Functions lists none (it keeps closed runs 90 days).")
    elif before["last_run"] is None and not before["still_running"]:
        lines.append("  No earlier run was read.")
    if before["runs_per_window"] is not None:
        lines.append(
            f"  Usual runs:    {before['runs_per_window']} a window "
            "(median of the earlier windows read)"
        )
    pace = before["pace"]
    if pace is not None:
        lines.append(
            f"  Usual pace:    {format_duration(pace['shortest_seconds'])} to "
            f"{format_duration(pace['longest_seconds'])} over the last "
            f"{pace['successful_runs']} successful runs (median "
            f"{format_duration(pace['median_seconds'])}, 90th percentile "
            f"{format_duration(pace['p90_seconds'])})"
        )
    return lines


def _run_line(entry: ExecutionEntry, both: Callable[[datetime], str]) -> str:
    """``name STATUS, start to stop (duration)`` for one run before the window."""
    start = both(datetime.fromisoformat(entry["start"]))
    if entry["stop"] is None:
        return f"{entry['name']} {entry['status']}, started {start}"
    stop = both(datetime.fromisoformat(entry["stop"]))
    duration = format_duration(entry["duration_seconds"])
    return f"{entry['name']} {entry['status']}, {start} to {stop} ({duration})"


def _previous_lines(previous: PreviousEntry, both: Callable[[datetime], str]) -> list[str]:
    """What a RECOVERED notice follows, and the runs it was about as they are now."""
    since = (
        f", as of {both(datetime.fromisoformat(previous['as_of']))}" if previous["as_of"] else ""
    )
    lines = ["", f"Previously:     {previous['status']}{since}"]
    if previous["executions"]:
        lines.append("Those runs now:")
    for number, entry in enumerate(previous["executions"], start=1):
        lines += _execution_lines(number, entry, both)
    return lines


def _execution_lines(
    number: int, entry: ExecutionEntry, both: Callable[[datetime], str]
) -> list[str]:
    """One listed execution, rendered from its JSON entry so both formats say the same."""
    verdict = f"  ({entry['verdict']})" if entry["verdict"] else ""
    lines = [f"{number}. {entry['status']}  {entry['name']}{verdict}"]
    lines.append(f"   Started:  {both(datetime.fromisoformat(entry['start']))}")
    duration = format_duration(entry["duration_seconds"])
    if entry["stop"] is not None:
        lines.append(f"   Stopped:  {both(datetime.fromisoformat(entry['stop']))}")
        lines.append(f"   Duration: {duration}")
    elif entry["still_running"]:
        lines.append(f"   Running:  {duration} at check time")
    if entry["error"]:
        lines.append(f"   Error:    {entry['error']}")
    if entry["cause"]:
        lines.append(f"   Cause:    {entry['cause']}")
    if entry["redrive_count"]:
        lines.append(f"   Redrives: {entry['redrive_count']}")
    lines.append(f"   Console:  {entry['console_url'] or entry['arn']}")
    return lines
