"""The state table's items as the audit and the status command read them: their keys and
shapes, and a batched read. StateStore (state/store.py) writes them.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from ..check.maintenance import Pause
from ..check.verdict import Status
from ..formatting import iso

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# Pauses before a write the table refused after an alert was published is written again: a write
# that fails once is done by the next try, without the retry of the whole check that
# would publish again. Short against the 15 s a check keeps for publishing.
WRITE_PAUSES = (0.2, 1.0)
# BatchGetItem reads at most 100 keys a call.
MAX_BATCH_KEYS = 100
# Unprocessed keys are asked for again this many times before the read fails.
MAX_BATCH_ROUNDS = 5
AUDIT_KEY = "audit"


@dataclass(frozen=True)
class MonitorState:
    """The last status reported for a monitor, since when it has been so, and the key of
    the problem episode it belongs to (alerts/incident.py; None when healthy, or stored by
    a release before keys)."""

    status: Status
    as_of: datetime
    problem_executions: tuple[str, ...] = ()
    since: datetime | None = None
    incident_key: str | None = None
    # Until when the status's alert is held (a maintenance window or a pause): it was not
    # sent, so no RECOVERED follows it; None once sent (alerts/held.py).
    held_until: datetime | None = None

    def since_if(self, status: Status, as_of: datetime) -> datetime:
        """When the monitor entered ``status``, if ``status`` follows this state: still
        this state's start when the monitor stays healthy or keeps the same problem."""
        healthy = (Status.OK, Status.RECOVERED)
        same = status is self.status or (status in healthy and self.status in healthy)
        return (self.since or self.as_of) if same else as_of


def monitor_key(monitor: str) -> str:
    """The key of a monitor's last reported status."""
    return f"monitor#{monitor}"


def checked_key(monitor: str, check: str) -> str:
    """The key of the latest completed check of one kind of a monitor."""
    return f"checked#{monitor}#{check}"


class UnreadableItemError(ValueError):
    """An item this release cannot read: written by a later release (a status it does not
    know, an attribute of another type) or damaged. Readers treat it as absent."""


def monitor_state(item: dict[str, Any]) -> MonitorState:
    """A ``monitor#`` item as the monitor's last reported state; UnreadableItemError when
    it lacks ``status`` or ``as_of`` or holds values this release does not know."""
    try:
        return MonitorState(
            status=Status(item["status"]["S"]),
            as_of=moment(item["as_of"]),
            problem_executions=tuple(
                value["S"] for value in item.get("problem_executions", {}).get("L", [])
            ),
            since=moment(item["since"]) if "since" in item else None,
            incident_key=item["incident_key"]["S"] if "incident_key" in item else None,
            held_until=moment(item["held_until"]) if "held_until" in item else None,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise UnreadableItemError(f"{item.get('pk')} cannot be read: {error!r}") from error


def has_status(item: dict[str, Any]) -> bool:
    """Whether a ``monitor#`` item holds a status: one the ``pause`` command wrote before
    the monitor's first check holds only the pause."""
    return "status" in item or "as_of" in item


# The attributes of a pause on a ``monitor#`` item (the CLI's ``pause``; the check reads
# them with the status, so a pause costs no read of its own).
PAUSE_ATTRIBUTES = ("paused_until", "paused_by", "pause_reason", "paused_at")


def pause_of(item: dict[str, Any] | None) -> Pause | None:
    """The pause a ``monitor#`` item holds, expired or not; None without one.
    UnreadableItemError for one this release cannot read (its reader sends, as unpaused)."""
    if item is None or "paused_until" not in item:
        return None
    try:
        return Pause(
            until=moment(item["paused_until"]),
            by=item["paused_by"]["S"],
            reason=item["pause_reason"]["S"],
            at=moment(item["paused_at"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise UnreadableItemError(f"{item.get('pk')}'s pause cannot be read: {error!r}") from error


def pause_attributes(pause: Pause) -> dict[str, dict[str, str]]:
    """The attributes that hold ``pause`` on a ``monitor#`` item, as pause_of reads them."""
    values = (
        {"N": str(millis(pause.until))},
        {"S": pause.by},
        {"S": pause.reason},
        {"N": str(millis(pause.at))},
    )
    return dict(zip(PAUSE_ATTRIBUTES, values, strict=True))


def held_key(monitor: str) -> str:
    """The key of the alert a monitor's check held (alerts/held.py)."""
    return f"held#{monitor}"


def millis(moment: datetime) -> int:
    """A time as the epoch milliseconds the table's number attributes hold."""
    return int(moment.timestamp() * 1000)


def moment(value: dict[str, Any]) -> datetime:
    """A number attribute of epoch milliseconds as a time."""
    return datetime.fromtimestamp(int(value["N"]) / 1000, UTC)


def last_checked(item: dict[str, Any]) -> datetime:
    """The scheduled time a ``checked#`` item records; UnreadableItemError when it holds
    none this release can read."""
    try:
        return moment(item["scheduled_time"])
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise UnreadableItemError(f"{item.get('pk')} cannot be read: {error!r}") from error


def was_skipped(item: dict[str, Any]) -> bool:
    """Whether a ``checked#`` item's check came to SKIPPED (its calendar's day off); False
    for an item without a status, as a release before calendars wrote them."""
    return item.get("status") == {"S": Status.SKIPPED.value}


def written(write: Callable[[], None]) -> str | None:
    """Make a write, again after each pause (WRITE_PAUSES) while it fails; its last
    error, if any."""
    for pause in (*WRITE_PAUSES, None):
        try:
            write()
        except (ClientError, BotoCoreError) as error:
            if pause is None:
                return str(error)
            time.sleep(pause)
        else:
            return None
    return None


def get_items(dynamodb: DynamoDBClient, table: str, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The items of ``keys`` that exist, by key, with strongly consistent reads: 100 keys
    a BatchGetItem call, asking again, after a growing pause, for the keys DynamoDB left
    unprocessed (as its documentation advises)."""
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(keys), MAX_BATCH_KEYS):
        request: dict[str, Any] = {
            table: {
                "Keys": [{"pk": {"S": key}} for key in keys[start : start + MAX_BATCH_KEYS]],
                "ConsistentRead": True,
            }
        }
        for round_number in range(MAX_BATCH_ROUNDS):
            time.sleep(0 if round_number == 0 else 0.05 * 2**round_number)
            answer = dynamodb.batch_get_item(RequestItems=request)
            for item in answer.get("Responses", {}).get(table, []):
                found[item["pk"]["S"]] = item
            request = dict(answer.get("UnprocessedKeys") or {})
            if not request:
                break
        else:
            raise RuntimeError(
                f"DynamoDB left keys of {table} unprocessed {MAX_BATCH_ROUNDS} times"
            )
    return found


@dataclass(frozen=True)
class OpenProblem:
    """A problem the audit found and reported, open until an audit finds it gone.

    ``monitor`` is None for a problem of the module itself (a failure queue that holds
    messages); ``kind`` names the problem (``schedule_missing``, ``quiet`` ...).
    """

    monitor: str | None
    kind: str
    text: str
    since: datetime

    @property
    def key(self) -> str:
        return f"{self.monitor or '-'}#{self.kind}"

    def as_json(self) -> dict[str, Any]:
        """The problem as the state table keeps it and the audit alert and `status --json`
        show it: one shape, so that what is stored reads back as what was shown."""
        return {
            "monitor": self.monitor,
            "kind": self.kind,
            "text": self.text,
            "since": iso(self.since),
        }


def open_problems(item: dict[str, Any] | None) -> dict[str, OpenProblem]:
    """The problems an ``audit`` item holds open, by key: compressed (``open_z``) or, as
    it was written before it was compressed, plain JSON (``open``); UnreadableItemError
    for one this release cannot read."""
    if item is None:
        return {}
    try:
        if "open_z" in item:
            listed = json.loads(zlib.decompress(item["open_z"]["B"]))
        else:
            listed = json.loads(item.get("open", {}).get("S", "[]"))
        problems = [
            OpenProblem(p["monitor"], p["kind"], p["text"], datetime.fromisoformat(p["since"]))
            for p in listed
        ]
    except (KeyError, TypeError, ValueError, AttributeError, zlib.error) as error:
        raise UnreadableItemError(f"{AUDIT_KEY} cannot be read: {error!r}") from error
    return {p.key: p for p in problems}


def audit_episode(item: dict[str, Any] | None) -> str | None:
    """The key of the audit's open episode an ``audit`` item holds; None without one (no
    problem open, or an item written before episodes had keys)."""
    value = (item or {}).get("incident_key")
    key = value.get("S") if isinstance(value, dict) else None
    return key if isinstance(key, str) else None


def audit_item(
    problems: dict[str, OpenProblem], now: datetime, incident_key: str | None = None
) -> dict[str, Any]:
    """The ``audit`` item that holds ``problems`` open, compressed: at 1,000 monitors
    with every kind of schedule, 3,000 open problems take about 1 MB as JSON, over
    DynamoDB's 400 KB item (docs.aws.amazon.com/amazondynamodb/latest/developerguide/
    ServiceQuotas.html); their repeated wording compresses to 55 KB even with names that
    do not (tests/test_audit.py)."""
    listed = [p.as_json() for _, p in sorted(problems.items())]
    episode = {} if incident_key is None else {"incident_key": {"S": incident_key}}
    return {
        "pk": {"S": AUDIT_KEY},
        "open_z": {"B": zlib.compress(json.dumps(listed).encode(), 9)},
        "audited_at": {"S": now.isoformat()},
        **episode,
    }
