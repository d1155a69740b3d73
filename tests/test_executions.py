"""The reads beyond a window's page, call by call: which listings look further back and
what they keep, and what DescribeExecution adds to a failed run or, when it fails, says
instead. botocore's Stubber answers, so each request's parameters are asserted and each
error is the one AWS would send; no AWS, no emulator."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber

from sfn_deadline_monitor.check.executions import (
    ALERT_CONTEXT,
    MAX_CAUSE_CHARS,
    MAX_DESCRIBED,
    MAX_ERROR_CHARS,
    describe_failures,
    look_further,
    reread_executions,
)
from sfn_deadline_monitor.check.history import History
from sfn_deadline_monitor.check.verdict import Execution, Finding, Status, Verdict, Window
from sfn_deadline_monitor.formatting import clip
from testkit.events import at

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:etl"
WINDOW = Window.ending_at(at("2026-03-10T06:00"), timedelta(hours=3))


def run(name: str, start: str, status: str = "SUCCEEDED", **more: Any) -> Execution:
    return Execution(
        f"{MACHINE.replace('stateMachine', 'execution')}:{name}", name, status, at(start), **more
    )


def item(e: Execution) -> dict[str, Any]:
    return {
        "executionArn": e.arn,
        "stateMachineArn": MACHINE,
        "name": e.name,
        "status": e.status,
        "startDate": e.start,
    }


@pytest.fixture
def sfn() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client(
        "stepfunctions",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def listing(stubber: Stubber, status: str, limit: int, *runs: Execution) -> None:
    stubber.add_response(
        "list_executions",
        {"executions": [item(e) for e in runs]},
        {"stateMachineArn": MACHINE, "statusFilter": status, "maxResults": limit},
    )


def test_a_complete_history_needs_no_further_read(sfn: tuple[Any, Stubber]) -> None:
    client, _ = sfn
    seen = History(complete=True)
    assert look_further(client, MACHINE, WINDOW, seen, math.inf, wanted=ALERT_CONTEXT) == (
        seen,
        0,
    )


def test_the_filtered_listings_keep_only_runs_older_than_the_oldest_read(
    sfn: tuple[Any, Stubber],
) -> None:
    client, stubber = sfn
    oldest_read = run("read", "2026-03-09T01:00")
    newer = (run("newest", "2026-03-09T03:00"), run("newer", "2026-03-09T02:00"))
    seen = History(read=(*newer, oldest_read))
    running_old = run("old-running", "2026-03-08T01:00", "RUNNING")
    running_at_bound = run("at-bound", "2026-03-09T01:00", "RUNNING")
    success_old = run("old-success", "2026-03-07T01:00")
    listing(stubber, "RUNNING", 10, running_at_bound, running_old)
    listing(stubber, "SUCCEEDED", 20, oldest_read, success_old)
    history, calls = look_further(client, MACHINE, WINDOW, seen, math.inf, wanted=ALERT_CONTEXT)
    assert (history, calls) == (
        History(read=seen.read, running_earlier=(running_old,), successes_earlier=(success_old,)),
        2,
    )


def test_with_nothing_read_the_bound_is_the_windows_start(sfn: tuple[Any, Stubber]) -> None:
    client, stubber = sfn
    before = run("before", "2026-03-10T02:59")
    listing(stubber, "SUCCEEDED", 20, run("in-window", "2026-03-10T03:00"), before)
    history, calls = look_further(
        client, MACHINE, WINDOW, History(), math.inf, wanted=(("SUCCEEDED", 20),)
    )
    assert (history.successes_earlier, history.running_earlier, calls) == ((before,), (), 1)


def test_a_listing_that_fails_leaves_only_its_line_out(sfn: tuple[Any, Stubber]) -> None:
    client, stubber = sfn
    stubber.add_client_error("list_executions", "ThrottlingException", http_status_code=400)
    old = run("old", "2026-03-01T01:00")
    listing(stubber, "SUCCEEDED", 20, old)
    history, calls = look_further(
        client, MACHINE, WINDOW, History(), math.inf, wanted=ALERT_CONTEXT
    )
    assert (history, calls) == (History(successes_earlier=(old,)), 2)


def test_no_listing_once_the_time_is_up(sfn: tuple[Any, Stubber]) -> None:
    client, _ = sfn
    history, calls = look_further(
        client, MACHINE, WINDOW, History(), time.monotonic() - 1, wanted=ALERT_CONTEXT
    )
    assert (history, calls) == (History(), 0)


def failed(n: int) -> Finding:
    return Finding(run(f"f{n}", f"2026-03-10T0{3 + n % 3}:00", "FAILED"), Status.FAILED)


def describing(stubber: Stubber, e: Execution, **answer: Any) -> None:
    stubber.add_response(
        "describe_execution",
        {
            "executionArn": e.arn,
            "stateMachineArn": MACHINE,
            "status": e.status,
            "startDate": e.start,
            **answer,
        },
        {"executionArn": e.arn},
    )


def test_a_failed_run_gains_its_error_cause_redrives_and_end_clipped(
    sfn: tuple[Any, Stubber],
) -> None:
    client, stubber = sfn
    finding = failed(0)
    stop = at("2026-03-10T03:20")
    describing(
        stubber,
        finding.execution,
        error="E" * (MAX_ERROR_CHARS + 9),
        cause="C" * (MAX_CAUSE_CHARS + 9),
        redriveCount=2,
        stopDate=stop,
    )
    ok = Finding(run("fine", "2026-03-10T04:00"), Status.OK)
    verdict = describe_failures(client, Verdict(Status.FAILED, (ok, finding)))
    described = finding.execution
    assert verdict == Verdict(
        Status.FAILED,
        (
            ok,
            Finding(
                Execution(
                    described.arn,
                    described.name,
                    "FAILED",
                    described.start,
                    stop,
                    redrive_count=2,
                    error=clip("E" * (MAX_ERROR_CHARS + 9), MAX_ERROR_CHARS),
                    cause=clip("C" * (MAX_CAUSE_CHARS + 9), MAX_CAUSE_CHARS),
                ),
                Status.FAILED,
            ),
        ),
    )


def test_what_describe_execution_leaves_out_keeps_what_the_listing_said(
    sfn: tuple[Any, Stubber],
) -> None:
    client, stubber = sfn
    listed = run("f", "2026-03-10T03:00", "FAILED", stop=at("2026-03-10T03:05"), redrive_count=1)
    describing(stubber, listed)
    verdict = describe_failures(client, Verdict(Status.FAILED, (Finding(listed, Status.FAILED),)))
    assert verdict.findings[0].execution == listed


def test_a_describe_that_fails_says_why_in_place_of_the_error(sfn: tuple[Any, Stubber]) -> None:
    client, stubber = sfn
    stubber.add_client_error("describe_execution", "ExecutionDoesNotExist")
    verdict = describe_failures(client, Verdict(Status.FAILED, (failed(0),)))
    assert verdict.findings[0].execution.error == "(DescribeExecution: ExecutionDoesNotExist)"


def test_a_describe_that_cannot_reach_aws_names_the_failure(
    sfn: tuple[Any, Stubber], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = sfn

    def unreachable(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="https://states.us-east-1.amazonaws.com")

    monkeypatch.setattr(client, "describe_execution", unreachable)
    verdict = describe_failures(client, Verdict(Status.FAILED, (failed(0),)))
    assert verdict.findings[0].execution.error == "(DescribeExecution: EndpointConnectionError)"


def test_only_the_first_failed_runs_are_described_and_none_once_the_time_is_up(
    sfn: tuple[Any, Stubber],
) -> None:
    client, stubber = sfn
    findings = tuple(failed(n) for n in range(MAX_DESCRIBED + 2))
    for finding in findings[:MAX_DESCRIBED]:
        describing(stubber, finding.execution, error="States.TaskFailed")
    verdict = describe_failures(client, Verdict(Status.FAILED, findings))
    assert [f.execution.error for f in verdict.findings] == [
        "States.TaskFailed"
    ] * MAX_DESCRIBED + [
        None,
        None,
    ]
    late = describe_failures(client, Verdict(Status.FAILED, findings), time.monotonic() - 1)
    assert late == Verdict(Status.FAILED, findings)


def test_runs_read_again_are_as_aws_now_describes_them_and_one_that_fails_is_left_out(
    sfn: tuple[Any, Stubber],
) -> None:
    client, stubber = sfn
    gone, redriven, unnamed = (run(n, "2026-03-10T03:00", "FAILED") for n in ("a", "b", "c"))
    stubber.add_client_error("describe_execution", "ExecutionDoesNotExist")
    describing(stubber, redriven, name="b-as-aws-names-it", redriveCount=3)
    stubber.add_response(  # DescribeExecution's answer may lack the name: the ARN holds it
        "describe_execution",
        {
            "executionArn": unnamed.arn,
            "stateMachineArn": MACHINE,
            "status": "SUCCEEDED",
            "startDate": unnamed.start,
            "stopDate": at("2026-03-10T04:00"),
        },
        {"executionArn": unnamed.arn},
    )
    assert reread_executions(client, (gone.arn, redriven.arn, unnamed.arn)) == (
        Execution(redriven.arn, "b-as-aws-names-it", "FAILED", redriven.start, redrive_count=3),
        Execution(unnamed.arn, "c", "SUCCEEDED", unnamed.start, at("2026-03-10T04:00")),
    )
