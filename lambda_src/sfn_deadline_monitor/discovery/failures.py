"""Instant failure alerts for the discovered monitors: one rule for the whole account
(events.tf), not one per monitor, whose input says ``"discovered": true`` instead of
listing monitors. The function finds the monitor of the failed run's state machine among
the discovered ones (2 BatchGetItem, the registry's reads) and hands the check the input a
declared monitor's rule would have given it. A run of a state machine no discovered
monitor watches (a declared monitor's, whose own rule reports it, or an untagged one) is
logged and left: the rule hears every state machine of the account.
"""

from __future__ import annotations

import os
from typing import Any

from .. import aws
from ..alerts.delivery import STATE_TABLE_ENV
from ..check.failure_events import DISCOVERED_FIELD, failure_detail
from ..check.monitor_settings import InvalidEventError
from ..state.registry import load


def with_discovered_monitors(event: dict[str, Any]) -> dict[str, Any] | None:
    """``event`` as a declared failure rule's input for the discovered monitors of its
    state machine; None when no discovered monitor watches it. InvalidEventError for an
    event that is no failed run's (reported like any malformed event)."""
    arn = failure_detail(event.get("event"))["stateMachineArn"]
    table = os.environ.get(STATE_TABLE_ENV)
    if not table:
        raise InvalidEventError(
            f"discovered failure events need the state table ({STATE_TABLE_ENV})"
        )
    registry = load(aws.client("dynamodb"), table)
    settings = registry.manifest.discovery
    monitors = [
        {
            "monitor": name,
            "state_machine_arn": record["state_machine_arn"],
            "timezone": record["timezone"],
            "message_format": record.get("message_format", "text"),
            **({} if record.get("role_arn") is None else {"role_arn": record["role_arn"]}),
        }
        for name, record in sorted(registry.discovered_records.items())
        if record.get("state_machine_arn") == arn
        and name in registry.monitors
        and registry.monitors[name].discovered
    ]
    if settings is None or not monitors:
        return None
    given = {k: v for k, v in event.items() if k != DISCOVERED_FIELD}
    windows = list(settings.maintenance_windows)
    return {**given, "monitors": monitors, **({"maintenance_windows": windows} if windows else {})}
