"""The deadline history: one item per deadline a monitor's deadline check judged.

The record behind the ``report`` command and the attainment metrics. Each item's key is
``outcome#<monitor>#<deadline in epoch ms>``, so that a retry of the same check writes the
same item again; a sparse global secondary index (``outcomes``: ``outcome_of`` = the
monitor, ``deadline_at`` = the deadline in epoch ms, state.tf) reads a monitor's last 90
days with one Query. Items expire (TTL ``expires_at``) after the module's
``history_retention_days``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..check.context import CheckContext
from ..check.contract import DEADLINE
from ..check.verdict import Finding, Status, Verdict
from ..formatting import resolve_timezone
from .records import UnreadableItemError, millis, moment

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

OUTCOMES_INDEX = "outcomes"
# What a deadline came to. ``met``: a run succeeded by the deadline; ``too_fast``: it
# did, in a small part of its usual time (likely did nothing: counted as not met);
# ``unknown``: the check could not judge (ERROR); ``skipped``: no run on a day the
# monitor's calendar excludes, when none was expected (SKIPPED).
MET, LATE, MISSING, FAILED, TOO_FAST, UNKNOWN, SKIPPED = (
    "met",
    "late",
    "missing",
    "failed",
    "too_fast",
    "unknown",
    "skipped",
)
OUTCOMES = (MET, LATE, MISSING, FAILED, TOO_FAST, UNKNOWN, SKIPPED)
# Neither met nor not met: the share met and the DeadlineMet metric leave them out.
NOT_JUDGED = frozenset({UNKNOWN, SKIPPED})


@dataclass(frozen=True)
class Outcome:
    """What one deadline came to, and the run that decided it (None when none ran).

    ``day`` is the deadline's date in the monitor's time zone (ISO, ``2026-12-07``);
    ``run_end`` is None for a run still going at the check; ``margin`` is how long before
    the deadline the run ended (negative: after it; for a run still going, at least
    that late: measured to the check; None for a failed run).
    """

    monitor: str
    deadline: datetime
    day: str
    outcome: str
    checked_at: datetime
    run_name: str | None = None
    run_start: datetime | None = None
    run_end: datetime | None = None
    margin: timedelta | None = None

    @property
    def duration(self) -> timedelta | None:
        """How long the deciding run took; None when it had not ended or none ran."""
        if self.run_start is None or self.run_end is None:
            return None
        return self.run_end - self.run_start

    @property
    def met(self) -> bool:
        return self.outcome == MET


# The outcome each deadline check's verdict stands for (RECOVERED is an OK that follows a
# problem); AT_RISK is an early check's, never a deadline's.
_OUTCOME_OF_STATUS = {
    Status.OK: MET,
    Status.RECOVERED: MET,
    Status.TOO_FAST: TOO_FAST,
    Status.LATE: LATE,
    Status.MISSING: MISSING,
    Status.FAILED: FAILED,
    Status.ERROR: UNKNOWN,
    Status.SKIPPED: SKIPPED,
}


def deadline_outcome(check: CheckContext, verdict: Verdict) -> Outcome | None:
    """What the deadline a check judged came to; None for what is not a deadline's
    verdict: an early or failure-event check, or a deadline taken from the invocation
    time (an invocation by hand, not the schedule's deadline)."""
    outcome = _OUTCOME_OF_STATUS.get(verdict.status)
    window = check.window
    if (
        outcome is None
        or window is None
        or check.check != DEADLINE
        or check.deadline_from_invocation_time
    ):
        return None
    zone, _ = resolve_timezone(check.timezone)
    base = Outcome(
        check.monitor,
        window.deadline,
        window.deadline.astimezone(zone).date().isoformat(),
        outcome,
        check.checked_at,
    )
    run = _deciding_run(verdict)
    if run is None:
        return base
    execution = run.execution
    # A margin says how close a run came to missing the deadline: a failed run's says
    # nothing of that.
    finished = execution.stop or check.checked_at
    return replace(
        base,
        run_name=execution.name,
        run_start=execution.start,
        run_end=execution.stop,
        margin=None if outcome == FAILED else window.deadline - finished,
    )


def _deciding_run(verdict: Verdict) -> Finding | None:
    """The run whose status is the verdict's (the newest such; for OK, the newest run)."""
    wanted = Status.OK if verdict.status is Status.RECOVERED else verdict.status
    return next((f for f in verdict.findings if f.status is wanted), None)


def outcome_key(monitor: str, deadline: datetime) -> str:
    """The key of the outcome of one deadline of a monitor."""
    return f"outcome#{monitor}#{millis(deadline)}"


def outcome_item(outcome: Outcome, expires: datetime) -> dict[str, Any]:
    """The item that stores ``outcome`` until ``expires``."""
    optional: dict[str, Any] = {}
    if outcome.run_name is not None:
        optional["run_name"] = {"S": outcome.run_name}
    if outcome.run_start is not None:
        optional["run_start"] = {"N": str(millis(outcome.run_start))}
    if outcome.run_end is not None:
        optional["run_end"] = {"N": str(millis(outcome.run_end))}
    if outcome.margin is not None:
        optional["margin_s"] = {"N": str(int(outcome.margin.total_seconds()))}
    return {
        "pk": {"S": outcome_key(outcome.monitor, outcome.deadline)},
        "outcome_of": {"S": outcome.monitor},
        "deadline_at": {"N": str(millis(outcome.deadline))},
        "day": {"S": outcome.day},
        "outcome": {"S": outcome.outcome},
        "checked_at": {"N": str(millis(outcome.checked_at))},
        "expires_at": {"N": str(int(expires.timestamp()))},
        **optional,
    }


def read_outcome(item: dict[str, Any]) -> Outcome:
    """An outcome item as this release reads it; UnreadableItemError for one it cannot
    (an outcome it does not know, written by a later release, or a damaged item)."""
    try:
        outcome = item["outcome"]["S"]
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        return Outcome(
            monitor=item["outcome_of"]["S"],
            deadline=moment(item["deadline_at"]),
            day=item["day"]["S"],
            outcome=outcome,
            checked_at=moment(item["checked_at"]),
            run_name=item["run_name"]["S"] if "run_name" in item else None,
            run_start=moment(item["run_start"]) if "run_start" in item else None,
            run_end=moment(item["run_end"]) if "run_end" in item else None,
            margin=timedelta(seconds=int(item["margin_s"]["N"])) if "margin_s" in item else None,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise UnreadableItemError(f"{item.get('pk')} cannot be read: {error!r}") from error


@dataclass(frozen=True)
class OutcomesRead:
    """A monitor's outcomes between two moments, oldest first, what the read cost, and
    how many items this release could not read (written by a later one)."""

    outcomes: tuple[Outcome, ...]
    queries: int
    unreadable: int


def read_outcomes(
    dynamodb: DynamoDBClient, table: str, monitor: str, start: datetime, end: datetime
) -> OutcomesRead:
    """The outcomes of ``monitor``'s deadlines in ``[start, end)``: one Query of the
    ``outcomes`` index a 1 MB page (DynamoDB's limit for one Query answer), so one for 90
    days of a daily job. Eventually consistent, as a global secondary index is read."""
    request: dict[str, Any] = {
        "TableName": table,
        "IndexName": OUTCOMES_INDEX,
        "KeyConditionExpression": "outcome_of = :monitor AND deadline_at BETWEEN :start AND :end",
        "ExpressionAttributeValues": {
            ":monitor": {"S": monitor},
            ":start": {"N": str(millis(start))},
            ":end": {"N": str(millis(end) - 1)},
        },
    }
    outcomes: list[Outcome] = []
    queries = unreadable = 0
    while True:
        page = dynamodb.query(**request)
        queries += 1
        for item in page.get("Items", []):
            try:
                outcomes.append(read_outcome(item))
            except UnreadableItemError:
                unreadable += 1
        if "LastEvaluatedKey" not in page:
            return OutcomesRead(tuple(outcomes), queries, unreadable)
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
