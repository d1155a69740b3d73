"""What on call should do: advice chosen from the verdict and from what the runs before
the window show (a stuck run, a failed one, no run ever), short and specific to the case.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ..check.contract import START
from ..check.failure_events import STATUS_CHANGE
from ..check.history import Pace
from ..check.too_fast import reported_shortfall
from ..check.verdict import Execution, Status, Verdict
from ..formatting import format_duration, resolve_timezone

if TYPE_CHECKING:
    from ..check.context import CheckContext

# Statuses a run ends in that did not succeed (ListExecutions' statusFilter values).
ENDED_BADLY = ("FAILED", "TIMED_OUT", "ABORTED")

_FIXED = {
    Status.FAILED: "Open the failed execution below, fix its cause, then redrive it "
    "(aws stepfunctions redrive-execution --execution-arn <ARN>) or start a new execution.",
    Status.ERROR: "The monitor could not check the state machine: until this is fixed, a "
    "failed, late or missing run of this job goes unnoticed.",
    Status.RECOVERED: "No action needed: the job succeeded by its deadline again.",
}
_EARLIER_PROBLEMS = (
    " Check that the earlier problem runs listed below were redriven or are no longer needed."
)
_STATUS_CHANGE = (
    "Step Functions reported this failure as it happened, before the deadline: open the "
    "execution, fix its cause, then redrive it (aws stepfunctions redrive-execution "
    "--execution-arn <ARN>) or start a new execution. The deadline check still follows."
)
_LATE = (
    "The run has not finished by its deadline. Check in the console whether it is stuck, "
    "warn whoever consumes its output, and stop it if it cannot finish."
)
_MISSING = (
    "Nothing started the state machine in the window. Check what triggers it (its "
    "schedule, rule or upstream job), then start the run by hand if it is still needed."
)
_START = (
    "No run has started by the time one must have. Check what triggers the state machine "
    "(its schedule, rule or upstream job) and start the run by hand if it is still needed: "
    "there is still time before the deadline."
)
_START_SUFFIX = " There is still time before the deadline."
_TOO_FAST = (
    "A run this short often did nothing: check its input (empty, or not the one meant), "
    "whether a Choice state skipped the work, and whether the source it reads was empty. "
    "If its output is missing, start the run again."
)


def advise(context: CheckContext, verdict: Verdict) -> str | None:
    """The advice for this verdict, in this kind of check, given the runs before it; an
    upstream problem that explains it comes first, as what to look at first."""
    own = _own_advice(context, verdict)
    if not context.upstream_problems:
        return own
    names = ", ".join(f"{p.monitor} ({p.status.value})" for p in context.upstream_problems)
    first = f"Start upstream: this job waits for {names}; once that has run, this may follow."
    return f"{first} {own}" if own else first


def _own_advice(context: CheckContext, verdict: Verdict) -> str | None:
    status = verdict.status
    if context.check == STATUS_CHANGE and status is Status.FAILED:
        return _STATUS_CHANGE
    chosen = {
        Status.MISSING: _missing_in_check,
        Status.LATE: _late,
        Status.AT_RISK: _at_risk,
        Status.TOO_FAST: _too_fast,
    }
    if status in chosen:
        return chosen[status](context, verdict)
    if status is Status.RECOVERED and context.earlier_problems:
        return _FIXED[status] + _EARLIER_PROBLEMS
    return _FIXED.get(status)


def _missing_in_check(context: CheckContext, verdict: Verdict) -> str:
    advice = _missing(context)
    if context.check != START:
        return advice
    return _START if advice == _MISSING else advice + _START_SUFFIX


def _missing(context: CheckContext) -> str:
    history = context.history
    running = history.still_running
    if running:
        oldest = running[-1]
        others = f" (and {len(running) - 1} more)" if len(running) > 1 else ""
        return (
            f"No run started in the window, but {oldest.name}{others} has been running since "
            f"{_at(context, oldest.start)} ({_ago(context, oldest.start)}). It may be stuck, "
            "and a trigger that will not start a run while one is going (a concurrency "
            "guard, a lock, a chained job) would explain the missing run: open it first, "
            "stop it if it cannot finish, then start this run by hand if it is still needed."
        )
    if history.never_ran:
        return (
            "The state machine has no runs at all (Step Functions keeps closed runs for 90 "
            "days): check that its trigger exists, is enabled and targets this state "
            "machine (or the alias or version the monitor watches)."
        )
    if history.typical_runs(context.earlier_windows) == 0:
        return (
            "No run started in the window, and most earlier windows of the same length had "
            "none either: the monitor's schedule or lookback_minutes may not match when "
            "the job runs. Compare them with the job's trigger."
        )
    last = history.last
    if last is not None and last.status in ENDED_BADLY:
        return (
            f"No run started in the window, and the last run before it, {last.name}, ended "
            f"{last.status}{_ended(context, last)}. If the trigger waits for a successful "
            "run (a chained job), fix and redrive that run; otherwise check what triggers "
            "the state machine, then start the run by hand if it is still needed."
        )
    return _MISSING


def _late(context: CheckContext, verdict: Verdict) -> str:
    late = next((f.execution for f in verdict.problems if f.status is Status.LATE), None)
    if late is None:
        return _LATE
    if late.stop is not None:
        return (
            f"{late.name} succeeded{_ended(context, late)}, after its deadline: warn whoever "
            "used its output in the meantime. If it keeps happening, start it earlier or "
            "move the deadline."
        )
    pace = Pace.of(context.history)
    if pace is None:
        return _LATE
    running_for = context.checked_at - late.start
    if running_for > pace.p90:
        return (
            f"{late.name} has been running {format_duration(running_for.total_seconds())}, "
            f"longer than 9 in 10 of its last {pace.runs} successful runs "
            f"({_range(pace)}): it is likely stuck. Look at its current state in the console, "
            "warn whoever consumes its output, and stop it if it cannot finish."
        )
    return (
        f"{late.name} started at {_at(context, late.start)}, late for this deadline; at its "
        f"usual pace (90th percentile {format_duration(pace.p90.total_seconds())}) it should "
        f"finish about {_at(context, pace.finish_of(late.start))}. Warn whoever consumes its "
        "output; if it keeps starting late, look at what triggers it."
    )


def _at_risk(context: CheckContext, verdict: Verdict) -> str | None:
    prediction = context.prediction
    if prediction is None:
        return None
    deadline = _at(context, prediction.deadline)
    pace = prediction.pace
    if prediction.run is not None and pace is not None:
        run = prediction.run
        basis = (
            f"{run.name} has been running {_ago(context, run.start)}; its last {pace.runs} "
            f"successful runs took {_range(pace)} (90th percentile "
            f"{format_duration(pace.p90.total_seconds())})"
        )
        outlook = (
            f"so it should end about {_at(context, prediction.expected_finish)}, after the "
            f"deadline ({deadline})"
            if prediction.expected_finish
            else f"so it is overdue and may be stuck; the deadline is {deadline}"
        )
        return (
            f"{basis}, {outlook}. Look at its current step in the console now: if it is "
            "stuck, stop it and start it again while there is time; otherwise warn whoever "
            "consumes its output."
        )
    usual = _at(context, prediction.usual_latest_start or prediction.deadline)
    needs = (
        f"; at its usual pace a run needs {format_duration(pace.p90.total_seconds())}"
        if pace
        else ""
    )
    return (
        f"No run has started, yet in each of its last {prediction.starts_judged} windows one "
        f"had started by this point before its deadline (here: {usual}){needs}. Check what "
        f"triggers the state machine and start the run by hand: the deadline is {deadline}."
    )


def _too_fast(context: CheckContext, verdict: Verdict) -> str:
    short = reported_shortfall(verdict, context.min_duration, context.history)
    if short is None:
        return _TOO_FAST
    bound = format_duration(short.bound.total_seconds())
    fraction = short.min_duration.fraction_of_median
    rule = (
        f"{fraction * 100:g}% of its usual duration ({bound})"
        if fraction
        else f"the monitor's min_duration of {bound}"
    )
    pace = short.pace
    usual = (
        f"; the median of its last {pace.runs} successful runs is "
        f"{format_duration(pace.median.total_seconds())}"
        if pace
        else ""
    )
    return (
        f"{short.run.name} succeeded in {format_duration(short.took.total_seconds())}, "
        f"under {rule}{usual}. {_TOO_FAST}"
    )


def _range(pace: Pace) -> str:
    return (
        f"{format_duration(pace.shortest.total_seconds())} to "
        f"{format_duration(pace.longest.total_seconds())}"
    )


def _at(context: CheckContext, moment: datetime) -> str:
    zone, _ = resolve_timezone(context.timezone)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def _ago(context: CheckContext, moment: datetime) -> str:
    return format_duration((context.checked_at - moment).total_seconds())


def _ended(context: CheckContext, execution: Execution) -> str:
    return f" at {_at(context, execution.stop)}" if execution.stop else ""
