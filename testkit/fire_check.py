"""Deliver a check to the deployed function the way the Scheduler, EventBridge and Lambda
would, on emulated AWS.

moto stores a Lambda function but cannot run it without Docker, and its Scheduler never
fires, so this plays those services' parts from what Terraform deployed: it substitutes
the schedule's context attributes in its input (literally, as the Scheduler documents),
matches a Step Functions event against the deployed rule's pattern and renders its input
transformer (both with moto's EventBridge code), runs the deployed code in a child process
whose boto3 talks to the same endpoint, and, for an asynchronous invocation that fails,
retries it and hands Lambda's on-failure record to the deployed destination. Used by the
tests of deployed examples and by ``make demo``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import uuid
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from moto.events.models import EventPattern
from moto.events.utils import EventTemplateParser

from testkit import call_recorder
from testkit.paths import ZIP_PATH

if TYPE_CHECKING:
    from moto.events.utils import EventMessageType


def scheduled_event(
    scheduler: Any, group: str, name: str, scheduled_time: datetime, attempt: int = 1
) -> dict[str, Any]:
    """The schedule's target input with the context attributes substituted as the
    Scheduler does: by replacing their literal text, so an input that hides them (for
    example JSON-escaped as \\u003c...\\u003e) stays unsubstituted here as well."""
    template = scheduler.get_schedule(GroupName=group, Name=name)["Target"]["Input"]
    for placeholder, value in {
        "<aws.scheduler.scheduled-time>": scheduled_time.astimezone(UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        ),
        "<aws.scheduler.execution-id>": str(uuid.uuid4()),
        "<aws.scheduler.attempt-number>": str(attempt),
    }.items():
        template = template.replace(placeholder, value)
    payload: dict[str, Any] = json.loads(template)
    return payload


def status_change_event(
    execution_arn: str,
    status: str,
    start: datetime,
    stop: datetime,
    *,
    error: str | None = None,
    cause: str | None = None,
    redrive_count: int = 0,
) -> dict[str, Any]:
    """A "Step Functions Execution Status Change" event as Step Functions emits it."""
    _, partition, _, region, account, _, machine, name = execution_arn.split(":")
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Step Functions Execution Status Change",
        "source": "aws.states",
        "account": account,
        "time": stop.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [execution_arn],
        "detail": {
            "executionArn": execution_arn,
            "stateMachineArn": f"arn:{partition}:states:{region}:{account}:stateMachine:{machine}",
            "name": name,
            "status": status,
            "startDate": int(start.timestamp() * 1000),
            "stopDate": int(stop.timestamp() * 1000),
            "input": "{}",
            "output": None,
            "inputDetails": {"included": True},
            "outputDetails": None,
            "redriveCount": redrive_count,
            "redriveDate": None,
            "redriveStatus": "REDRIVABLE",
            "redriveStatusReason": f"Execution is {status} and can be redriven",
            "error": error,
            "cause": cause,
        },
    }


def rule_input(events: Any, rule_name: str, event: dict[str, Any]) -> dict[str, Any]:
    """What the failure rule hands the function for ``event``: the rule's pattern must
    match it, and its target's input transformer wraps it, as EventBridge does.

    moto implements neither TestEventPattern nor Lambda targets; the pattern matcher and
    the input transformer its event buses route other targets with judge and render the
    deployed rule instead.
    """
    pattern = events.describe_rule(Name=rule_name)["EventPattern"]
    if not EventPattern.load(pattern).matches_event(cast("EventMessageType", event)):
        msg = f"rule {rule_name} does not match the event"
        raise RuntimeError(msg)
    (target,) = events.list_targets_by_rule(Rule=rule_name)["Targets"]
    transformer = target["InputTransformer"]
    return EventTemplateParser.parse(
        input_template=transformer["InputTemplate"],
        input_paths_map=transformer.get("InputPathsMap", {}),
        event=cast("EventMessageType", {**event, "ingestion-time": event["time"]}),
    )


# Called after each run of the deployed function: tests/apply/conftest.py evaluates the
# calls it recorded (SFN_DEADLINE_CALL_LOG) against IAM as soon as the function returns.
after_invocation: list[Callable[[], None]] = []

# The handler's clock, set to a given time: it reads datetime.now once per invocation.
_CLOCK = (
    "import datetime as d, {module} as m; "
    "m.datetime = type('Clock', (d.datetime,), {{'now': classmethod("
    "lambda cls, tz=None: d.datetime.fromisoformat('{at}').astimezone(tz))}}); "
)


def invoke_deployed(
    lambda_client: Any, function_name: str, event: dict[str, Any], at: datetime | None = None
) -> dict[str, Any]:
    """Run the deployed function's handler on ``event`` and return what it returned.

    moto's Code.Location names an S3 host it does not serve, so the code comes from the
    committed zip after its sha256 is checked against the deployed function's: the code
    that runs is byte for byte the code Terraform uploaded. ``at`` runs it as if the
    clock read that time (the handler's one reading of it), so that a test can let hours
    pass: an audit after a grace period, a check at a deadline to come.
    """
    function = lambda_client.get_function(FunctionName=function_name)["Configuration"]
    code = ZIP_PATH.read_bytes()
    digest = base64.b64encode(hashlib.sha256(code).digest()).decode()
    if function["CodeSha256"] != digest:
        msg = f"{function_name} runs other code than {ZIP_PATH.name} (sha256 {digest})"
        raise RuntimeError(msg)
    module, handler = function["Handler"].rsplit(".", 1)
    # With SFN_DEADLINE_CALL_LOG set, every AWS call of the function is recorded there.
    recording = bool(os.environ.get(call_recorder.LOG_ENV))
    with tempfile.TemporaryDirectory() as directory:
        zipfile.ZipFile(io.BytesIO(code)).extractall(directory)
        preamble = "import call_recorder; call_recorder.install(); " if recording else ""
        preamble += "" if at is None else _CLOCK.format(module=module, at=at.isoformat())
        run = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import json, sys; from {module} import {handler}; {preamble}"
                f"print(json.dumps({handler}(json.load(sys.stdin), None)))",
            ],
            input=json.dumps(event),
            cwd=directory,
            env={
                **os.environ,
                **function.get("Environment", {}).get("Variables", {}),
                "PYTHONPATH": os.pathsep.join(
                    [directory, *([str(Path(call_recorder.__file__).parent)] if recording else [])]
                ),
                call_recorder.ROLE_ENV: function["Role"],
            },
            capture_output=True,
            text=True,
            check=False,
        )
    for callback in after_invocation:
        callback()
    if run.returncode != 0:
        msg = f"{function_name} failed:\n{run.stderr}"
        raise RuntimeError(msg)
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def invoke_deployed_async(
    lambda_client: Any,
    sqs: Any,
    function_name: str,
    event: dict[str, Any],
    at: datetime | None = None,
) -> dict[str, Any] | None:
    """Run the deployed function as Lambda runs an asynchronous invocation: a failed one is
    retried as the function's event invoke config says, then Lambda's on-failure record
    (docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html) goes to its
    on-failure destination queue. Returns the function's result, or None when the
    invocation ended in the queue; ``at`` sets the clock as for ``invoke_deployed``."""
    config = lambda_client.get_function_event_invoke_config(FunctionName=function_name)
    attempts = 1 + config["MaximumRetryAttempts"]
    for _ in range(attempts):
        try:
            return invoke_deployed(lambda_client, function_name, event, at=at)
        except RuntimeError as error:
            failure = str(error)
    function = lambda_client.get_function(FunctionName=function_name)["Configuration"]
    record = {
        "version": "1.0",
        "timestamp": datetime.now(UTC).isoformat(),
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "functionArn": f"{function['FunctionArn']}:$LATEST",
            "condition": "RetriesExhausted",
            "approximateInvokeCount": attempts,
        },
        "requestPayload": event,
        "responseContext": {
            "statusCode": 200,
            "executedVersion": "$LATEST",
            "functionError": "Unhandled",
        },
        "responsePayload": {"errorMessage": failure.splitlines()[-1]},
    }
    destination = config["DestinationConfig"]["OnFailure"]["Destination"]
    queue_url = sqs.get_queue_url(QueueName=destination.rsplit(":", 1)[-1])["QueueUrl"]
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(record))
    return None


def run_command(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m sfn_deadline_monitor ARGS`` from the committed zip, as a user runs it:
    its output, its stderr apart (``replay`` writes the function's log lines there), and
    its exit status."""
    return subprocess.run(
        [sys.executable, "-m", "sfn_deadline_monitor", *args],
        env={**os.environ, "PYTHONPATH": str(ZIP_PATH)},
        capture_output=True,
        text=True,
        check=False,
    )
