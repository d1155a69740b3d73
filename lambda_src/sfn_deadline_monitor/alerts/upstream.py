"""Upstream problems: is a monitor's problem explained by a job it waits for? Pure functions
of the check and the upstream monitors' last statuses, which delivery reads with the
monitor's own in one call (state/store.py ``last_states``).

An upstream's latest verdict explains this check's when it is a problem (FAILED, LATE,
MISSING, AT_RISK or TOO_FAST) about a moment of this check's cycle: after the monitor's
previous deadline (the start of its window when that cannot be told), up to this one. A
job due at 06:30 that waits for one due at 02:00 is explained by the 02:00 verdict of the
same night, never by last week's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from ..check.context import CheckContext
from ..check.dependencies import UpstreamProblem
from ..check.verdict import Status, Verdict
from ..state.records import MonitorState

# The upstream statuses that explain a downstream problem.
CAUSES = frozenset({Status.FAILED, Status.LATE, Status.MISSING, Status.AT_RISK, Status.TOO_FAST})
# The downstream statuses an upstream problem may hold back (upstream_suppresses): never a
# FAILED run of its own (it ran, and broke), an ERROR (the check could not judge) or a
# RECOVERED.
SUPPRESSIBLE = frozenset({Status.MISSING, Status.LATE, Status.AT_RISK, Status.TOO_FAST})
# The downstream statuses an upstream problem is named in.
EXPLAINED = SUPPRESSIBLE | {Status.FAILED}


def explain(
    context: CheckContext, verdict: Verdict, states: Mapping[str, MonitorState]
) -> CheckContext:
    """The check, with the upstream problems that explain its verdict (none when its
    verdict is no problem an upstream can cause, when it has no window (a failure event),
    or when none of its upstream failed this cycle: since the previous deadline, else
    since the window's start)."""
    window = context.window
    if verdict.status not in EXPLAINED or window is None:
        return context
    start = context.earlier_windows[0].deadline if context.earlier_windows else window.start
    found = tuple(
        UpstreamProblem(name, state.status, state.as_of)
        for name in context.dependencies.upstream
        if (state := states.get(name)) is not None
        and state.status in CAUSES
        and start < state.as_of <= window.deadline
    )
    return replace(context, upstream_problems=found)


def is_suppressed(context: CheckContext, verdict: Verdict) -> bool:
    """Whether the alert is recorded but not sent: the monitor asked so, and an upstream
    problem explains a status that may be held back."""
    return (
        context.dependencies.suppresses
        and bool(context.upstream_problems)
        and verdict.status in SUPPRESSIBLE
    )


def upstream_attribute(context: CheckContext) -> dict[str, str]:
    """The message attribute that names the failing upstream monitors, for subscriptions
    to filter on (a comma-separated list), when there are any: the fifth an alert carries
    at most, of the 10 an SQS subscription with raw message delivery takes
    (docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html)."""
    names = ",".join(p.monitor for p in context.upstream_problems)
    return {"upstream": names} if names else {}
