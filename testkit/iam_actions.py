"""Check IAM action names against the API operations botocore knows.

IAM accepts any action string, so a typo such as ``lambda:InvokeLambda`` deploys cleanly
and then denies every call. Each service's API model lists its real operations.
"""

from __future__ import annotations

import fnmatch
from functools import cache
from typing import Any

import botocore.session

# IAM service prefixes whose botocore service name differs.
_BOTOCORE_SERVICE = {"states": "stepfunctions"}
# IAM actions named otherwise than the operation they authorize.
_RENAMED_ACTIONS = {
    "lambda:InvokeFunction": "lambda:Invoke",
}


@cache
def _operations(prefix: str) -> frozenset[str]:
    session = botocore.session.get_session()
    model = session.get_service_model(_BOTOCORE_SERVICE.get(prefix, prefix))
    return frozenset(model.operation_names)


# Actions that AWS authorizes only on "*" and that the module may therefore grant so.
# Every entry needs a comment saying why.
ACTIONS_AWS_CANNOT_SCOPE: frozenset[str] = frozenset(
    {
        # The audit lists the schedules; ListSchedules has no resource type (docs.aws.
        # amazon.com/service-authorization/latest/reference/list_amazoneventbridgescheduler.html).
        "scheduler:ListSchedules",
        # The audit (and the member role, for it) lists the state machines, to find those
        # monitored that do not exist; ListStateMachines has no resource type (docs.aws.
        # amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html).
        "states:ListStateMachines",
    }
)


def wildcard_grants(statements: list[dict[str, Any]]) -> list[str]:
    """Allowed actions granted on resource "*" that are not on the allow-list above."""
    found = []
    for statement in statements:
        if statement.get("Effect", "Allow") != "Allow":
            continue
        resources = statement.get("Resource", [])
        resources = [resources] if isinstance(resources, str) else resources
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if "*" in resources:
            found += [a for a in actions if a not in ACTIONS_AWS_CANNOT_SCOPE]
    return found


def unknown_actions(actions: list[str]) -> list[str]:
    """The actions, among ``actions``, that name no operation of their service."""
    unknown = []
    for action in actions:
        prefix, _, name = _RENAMED_ACTIONS.get(action, action).partition(":")
        if not any(fnmatch.fnmatchcase(op, name) for op in _operations(prefix)):
            unknown.append(action)
    return unknown
