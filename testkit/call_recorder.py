"""Record every AWS API call a process makes, so that a test can evaluate each one against
the IAM policies AWS would apply (testkit/iam_calls.py): the emulator evaluates none.

``install()`` wraps botocore's one door to AWS, BaseClient._make_api_call, when
SFN_DEADLINE_CALL_LOG names a file: each call appends a JSON line with the IAM service
prefix, the operation, the region, the access key that signed it and the parameters that
name its resource, written before the call so that a call AWS would refuse is recorded
too; an AssumeRole also records which role its new access key belongs to.
testkit/fire_check.py installs it in the deployed function's process.
"""

from __future__ import annotations

import json
import os
from typing import Any

from botocore.client import BaseClient

LOG_ENV = "SFN_DEADLINE_CALL_LOG"
# The function's own role, which signs every call not made with an assumed role's key.
ROLE_ENV = "SFN_DEADLINE_CALL_ROLE"
# The request parameters that name a call's resource, in the calls the function makes.
NAMING = ("TableName", "RequestItems", "TopicArn", "stateMachineArn", "executionArn", "QueueUrl")
# PutEvents names its buses and its sources (an IAM condition key) inside its entries.
NAMING_BUSES = "EventBusNames"
NAMING_SOURCES = "Sources"
NAMING_ROLE = "RoleArn"
# botocore's method through which every client's call goes (not in its type stubs).
_DOOR = "_make_api_call"


def install() -> None:
    path = os.environ.get(LOG_ENV)
    if not path:
        return
    make_api_call = getattr(BaseClient, _DOOR)

    def recording(self: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        credentials = self._request_signer._credentials  # type: ignore[attr-defined]
        names = {k: sorted(v) if k == "RequestItems" else v for k, v in params.items()}
        if operation == "PutEvents":
            entries = params["Entries"]
            names[NAMING_BUSES] = sorted({e.get("EventBusName", "default") for e in entries})
            names[NAMING_SOURCES] = sorted({e["Source"] for e in entries})
        _append(
            path,
            {
                "prefix": self.meta.service_model.signing_name,
                "operation": operation,
                "region": self.meta.region_name,
                "key": credentials.get_frozen_credentials().access_key,
                "function_role": os.environ.get(ROLE_ENV),
                "names": {
                    k: v
                    for k, v in names.items()
                    if k in (*NAMING, NAMING_ROLE, NAMING_BUSES, NAMING_SOURCES)
                },
            },
        )
        result = make_api_call(self, operation, params)
        if operation == "AssumeRole":
            key = result["Credentials"]["AccessKeyId"]
            _append(path, {"assumed": key, "role": params[NAMING_ROLE]})
        return result

    setattr(BaseClient, _DOOR, recording)


def _append(path: str, entry: dict[str, Any]) -> None:
    with open(path, "a", encoding="utf-8") as log:
        log.write(json.dumps(entry) + "\n")
