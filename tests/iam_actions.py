"""Check IAM action names against the API operations botocore knows.

IAM accepts any action string, so a typo such as ``lambda:InvokeLambda`` deploys cleanly
and then denies every call. Each service's API model lists its real operations.
"""

from __future__ import annotations

import fnmatch
from functools import cache

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


def unknown_actions(actions: list[str]) -> list[str]:
    """The actions, among ``actions``, that name no operation of their service."""
    unknown = []
    for action in actions:
        prefix, _, name = _RENAMED_ACTIONS.get(action, action).partition(":")
        if not any(fnmatch.fnmatchcase(op, name) for op in _operations(prefix)):
            unknown.append(action)
    return unknown
