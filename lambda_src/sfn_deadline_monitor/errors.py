"""What an AWS error means for a check, and what fixes it: every error a check meets
becomes an ERROR alert that names its cause and its fix, or a retry when AWS throttled.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

_HINTS = {
    "StateMachineDoesNotExist": "the state machine does not exist (deleted or renamed?); "
    "update or remove this monitor",
    "StateMachineTypeNotSupported": "it is an EXPRESS state machine, whose executions "
    "ListExecutions cannot read; monitor it with its CloudWatch Logs or the "
    "ExecutionsFailed/ExecutionsTimedOut metrics",
    "AccessDeniedException": "the function's role may not read this state machine; "
    "is it in this account and region, and monitored through this module's monitors?",
    "InvalidArn": "the state machine ARN is not valid",
    "ThrottlingException": "Step Functions throttled the check beyond its retries",
}
# What AWS answers when a caller exceeds its request rate (Step Functions, STS).
THROTTLING_CODES = frozenset({"ThrottlingException", "Throttling", "TooManyRequestsException"})
_ASSUME_ROLE_HINT = (
    "the function may not assume the monitor's role_arn: is modules/member-role deployed "
    "in the state machine's account, trusting this function's role?"
)


def error_code(error: ClientError) -> str:
    """The code AWS answered, e.g. ThrottlingException. botocore's parsers always set one
    (the HTTP status when the body names none); the default is for an error built by hand."""
    return error.response.get("Error", {}).get("Code", "Unknown")


def explain_client_error(error: ClientError) -> str:
    """Say what an AWS error means for the check and what fixes it."""
    code = error_code(error)
    text = error.response.get("Error", {}).get("Message", "")
    operation = error.operation_name
    hint = _ASSUME_ROLE_HINT if operation == "AssumeRole" else _HINTS.get(code)
    hint = hint or "the call failed after retries"
    return f"{operation} answered {code}: {hint} ({text})" if text else f"{operation}: {hint}"
