"""boto3 clients and credentials: one client per service, role and thread.

Per thread because Lambda runs one invocation per environment at a time: a check run
beside others in one process (a load test, the CLI) then has its own clients and its own
retry quota, as each concurrent check has in Lambda. boto3 itself honours
AWS_ENDPOINT_URL, which is how the same code runs against an emulator.
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, overload

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    # Type stubs only (boto3-stubs, a development dependency): the Lambda runtime has
    # boto3 without them.
    from botocore.config import _RetryDict
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_scheduler import EventBridgeSchedulerClient
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_stepfunctions import SFNClient
    from mypy_boto3_sts import STSClient

# The default retry budget, in standard mode: throttling that outlasts it becomes an
# ERROR alert. AWS_RETRY_MODE and AWS_MAX_ATTEMPTS change it.
DEFAULT_MAX_ATTEMPTS = 8
# Assumed-role credentials are renewed this long before they expire.
CREDENTIALS_MARGIN = timedelta(minutes=5)
SESSION_NAME = "sfn-deadline-monitor"

_local = threading.local()


def retry_config() -> Config:
    """Standard-mode retries with the attempts the environment allows, short timeouts."""
    attempts = int(os.environ.get("AWS_MAX_ATTEMPTS", str(DEFAULT_MAX_ATTEMPTS)))
    retries: _RetryDict = {"mode": "standard", "total_max_attempts": attempts}
    match os.environ.get("AWS_RETRY_MODE"):
        case "adaptive":
            retries["mode"] = "adaptive"
        case "legacy":
            retries["mode"] = "legacy"
    return Config(retries=retries, connect_timeout=5, read_timeout=20)


@overload
def client(
    service: Literal["stepfunctions"], role_arn: str | None = None, region: str | None = None
) -> SFNClient: ...
@overload
def client(
    service: Literal["sns"], role_arn: str | None = None, region: str | None = None
) -> SNSClient: ...
@overload
def client(
    service: Literal["sqs"], role_arn: str | None = None, region: str | None = None
) -> SQSClient: ...
@overload
def client(
    service: Literal["dynamodb"], role_arn: str | None = None, region: str | None = None
) -> DynamoDBClient: ...
@overload
def client(
    service: Literal["sts"], role_arn: str | None = None, region: str | None = None
) -> STSClient: ...
@overload
def client(
    service: Literal["events"], role_arn: str | None = None, region: str | None = None
) -> EventBridgeClient: ...
@overload
def client(
    service: Literal["scheduler"], role_arn: str | None = None, region: str | None = None
) -> EventBridgeSchedulerClient: ...
@overload
def client(  # no type stubs are installed for the tagging API (discovery/run.py)
    service: Literal["resourcegroupstaggingapi"],
    role_arn: str | None = None,
    region: str | None = None,
) -> Any: ...
def client(service: str, role_arn: str | None = None, region: str | None = None) -> Any:
    """This thread's client for ``service``, with ``role_arn``'s credentials if given, in
    ``region`` (the resource's, from its ARN) or else the environment's default region."""
    clients: dict[tuple[str, str | None, str | None], tuple[boto3.session.Session, Any]]
    clients = vars(_local).setdefault("clients", {})
    session = _session(role_arn)
    region = region or session.region_name
    key = (service, role_arn, region)
    cached = clients.get(key)
    if cached is None or cached[0] is not session:
        made = session.client(service, region_name=region, config=retry_config())  # type: ignore[call-overload]
        clients[key] = (session, made)
    return clients[key][1]


def region_of(arn: str) -> str | None:
    """The region an ARN names; None when it names none (or is not an ARN)."""
    parts = arn.split(":")
    return (parts[3] or None) if len(parts) > 3 else None


def _session(role_arn: str | None) -> boto3.session.Session:
    """This thread's session, or one with the credentials of ``role_arn``, renewed
    before they expire.

    One session per thread: boto3's default session is not thread-safe, and one session
    loads the endpoint and credential data once for every service.
    """
    sessions: dict[str | None, tuple[boto3.session.Session, datetime]]
    sessions = vars(_local).setdefault("sessions", {})
    cached = sessions.get(role_arn)
    if cached is not None and cached[1] - datetime.now(UTC) > CREDENTIALS_MARGIN:
        return cached[0]
    if role_arn is None:
        session, expires = boto3.session.Session(), datetime.max.replace(tzinfo=UTC)
    else:
        credentials = client("sts").assume_role(RoleArn=role_arn, RoleSessionName=SESSION_NAME)[
            "Credentials"
        ]
        session = boto3.session.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )
        expires = credentials["Expiration"]
    sessions[role_arn] = (session, expires)
    return session


def reset_clients() -> None:
    """Forget this thread's clients, for callers that change endpoint or credentials."""
    vars(_local).clear()
