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

from sfn_deadline_monitor.check import executions
from sfn_deadline_monitor.check.contract import CheckRequest, parse_event
from sfn_deadline_monitor.check.executions import (
    ALERT_CONTEXT,
    MAX_CAUSE_CHARS,
    MAX_DESCRIBED,
    MAX_ERROR_CHARS,
    PACE_ONLY,
    Reading,
    WindowExecutions,
    describe_failures,
    list_window_executions,
    look_further,
    read_window,
    report_status_change,
    reread_executions,
)
from sfn_deadline_monitor.check.failure_events import FailureEvent
from sfn_deadline_monitor.check.history import PACE_RUNS, History
from sfn_deadline_monitor.check.verdict import Execution, Finding, Status, Verdict, Window
from sfn_deadline_monitor.formatting import clip
from testkit.events import at, event, status_change

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


class Clock:
    """time.monotonic as the reads see it: it stands still until the test moves it."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(sfn: tuple[Any, Stubber], monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The reads' own clock, and the stubbed client as the function's Step Functions client."""
    clock = Clock()
    monkeypatch.setattr(executions, "time", clock)
    monkeypatch.setattr(executions.aws, "client", lambda *_: sfn[0])
    return clock


def test_a_check_whose_time_ran_out_while_listing_reports_the_failed_run_undescribed(
    sfn: tuple[Any, Stubber], clock: Clock
) -> None:
    """The time left is spent on the alert: a failed run found by the last page is sent
    as listed, not described."""
    client, stubber = sfn
    failed_run = run("f1", "2026-03-10T04:00", "FAILED")
    stubber.add_response(
        "list_executions",
        {"executions": [item(failed_run)]},
        {"stateMachineArn": MACHINE, "maxResults": executions.PAGE_SIZE},
    )
    client.meta.events.register(
        "after-call.*.ListExecutions", lambda **_: setattr(clock, "now", 10)
    )
    request = parse_event(event(MACHINE, WINDOW.deadline, lookback_minutes=180), WINDOW.deadline)
    assert isinstance(request, CheckRequest)
    reading = read_window(request, WINDOW.deadline, stop_at=5)
    assert reading.verdict.findings == (Finding(failed_run, Status.FAILED),)
    assert reading.list_calls == 1


def test_an_event_whose_time_ran_out_is_sent_as_it_came(
    sfn: tuple[Any, Stubber], clock: Clock
) -> None:
    """An event without error or cause is described only while time is left."""
    failed_run = run("f1", "2026-03-10T04:00", "FAILED", stop=at("2026-03-10T04:05"))
    payload = status_change(
        failed_run.arn, "FAILED", failed_run.start, at("2026-03-10T04:05"), error=None, cause=None
    )
    parsed = parse_event(payload, WINDOW.deadline)
    assert isinstance(parsed, FailureEvent)
    clock.now = 10
    verdict = report_status_change(parsed.changes[0], stop_at=5)
    assert verdict.findings[0].execution.error is None


def test_no_time_left_is_no_call(sfn: tuple[Any, Stubber], clock: Clock) -> None:
    """Time is up the moment time.monotonic() reaches stop_at: nothing more is asked
    (the Stubber fails any call it was not given)."""
    client, _ = sfn
    clock.now = 5
    assert list_window_executions(client, MACHINE, WINDOW, stop_at=5) == WindowExecutions(
        [], 0, complete=False
    )
    assert look_further(client, MACHINE, WINDOW, History(), 5, wanted=ALERT_CONTEXT) == (
        History(),
        0,
    )
    verdict = Verdict(Status.FAILED, (failed(1),))
    assert describe_failures(client, verdict, stop_at=5) == verdict


def test_a_run_started_at_the_windows_start_is_in_it_so_the_listing_goes_on(
    sfn: tuple[Any, Stubber],
) -> None:
    client, stubber = sfn
    first, older = run("first", "2026-03-10T03:00"), run("older", "2026-03-09T03:00")
    assert first.start == WINDOW.start
    for runs, more in (([first], {"nextToken": "t"}), ([older], {})):
        stubber.add_response("list_executions", {"executions": [item(e) for e in runs], **more})
    seen = list_window_executions(client, MACHINE, WINDOW)
    assert (seen.executions, seen.list_calls, seen.history.read) == ([first], 2, (older,))


def test_an_event_with_an_error_is_not_described_and_its_texts_are_clipped(
    sfn: tuple[Any, Stubber], clock: Clock
) -> None:
    """Error or cause, either one says the event carried its details (the Stubber fails
    a DescribeExecution)."""
    failed_run = run("f1", "2026-03-10T04:00", "FAILED")
    for error, cause in (("E" * 300, None), (None, "C" * 2000)):
        payload = status_change(
            failed_run.arn,
            "FAILED",
            failed_run.start,
            at("2026-03-10T04:05"),
            error=error,
            cause=cause,
        )
        parsed = parse_event(payload, WINDOW.deadline)
        assert isinstance(parsed, FailureEvent)
        [finding] = report_status_change(parsed.changes[0]).findings
        assert finding.execution.error == clip(error, MAX_ERROR_CHARS)
        assert finding.execution.cause == clip(cause, MAX_CAUSE_CHARS)


def test_a_listing_that_cannot_reach_aws_is_an_error_that_says_so(
    sfn: tuple[Any, Stubber], clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = sfn

    def unreachable(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="https://states.us-east-1.amazonaws.com/")

    monkeypatch.setattr(client, "list_executions", unreachable)
    request = parse_event(event(MACHINE, WINDOW.deadline), WINDOW.deadline)
    assert isinstance(request, CheckRequest)
    reason = (
        "AWS could not be reached: Could not connect to the endpoint URL: "
        '"https://states.us-east-1.amazonaws.com/"'
    )
    assert read_window(request, WINDOW.deadline) == Reading(
        Verdict(Status.ERROR, reason=reason), None
    )


def test_a_start_check_is_judged_by_whether_a_run_started(
    sfn: tuple[Any, Stubber], clock: Clock
) -> None:
    """A run still going at a start check is what it looks for (a deadline check would
    call it LATE)."""
    _, stubber = sfn
    going = run("going", "2026-03-10T04:00", "RUNNING")
    stubber.add_response("list_executions", {"executions": [item(going)]})
    payload = event(MACHINE, WINDOW.deadline, check="start")
    del payload["notify_on_success"]  # not a start check's setting
    request = parse_event(payload, WINDOW.deadline)
    assert isinstance(request, CheckRequest)
    reading = read_window(request, WINDOW.deadline)
    assert reading.verdict == Verdict(Status.OK, (Finding(going, Status.OK),))


def test_a_late_run_in_a_window_too_long_to_read_looks_before_the_windows_start(
    sfn: tuple[Any, Stubber], clock: Clock
) -> None:
    """50 pages that never reach the window's start: the run still going is LATE all the
    same, and the alert's listings keep what started before the window."""
    _, stubber = sfn
    going = run("going", "2026-03-10T04:00", "RUNNING")
    earlier = run("earlier", "2026-03-09T04:00", "RUNNING")
    for page in range(executions.MAX_PAGES):
        runs = [item(going)] if page == 0 else []
        stubber.add_response("list_executions", {"executions": runs, "nextToken": "t"})
    listing(stubber, "RUNNING", executions.MAX_RUNNING_EARLIER, going, earlier)
    listing(stubber, "SUCCEEDED", PACE_RUNS)
    request = parse_event(event(MACHINE, WINDOW.deadline), WINDOW.deadline)
    assert isinstance(request, CheckRequest)
    reading = read_window(request, WINDOW.deadline)
    assert (reading.verdict.status, reading.list_calls) == (Status.LATE, 52)
    assert reading.history.running_earlier == (earlier,)


def test_a_page_without_its_executions_is_an_error_not_an_empty_window(
    sfn: tuple[Any, Stubber],
) -> None:
    client, _ = sfn
    page: dict[str, Any] = {"nextToken": "t"}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(client, "list_executions", lambda **_: page)
        with pytest.raises(KeyError):
            list_window_executions(client, MACHINE, WINDOW)
        with pytest.raises(KeyError):
            look_further(client, MACHINE, WINDOW, History(), math.inf, wanted=PACE_ONLY)


def ended(e: Execution) -> dict[str, Any]:
    """A listed run with its stop date, as ListExecutions lists a closed run."""
    return {**item(e), "stopDate": e.stop}


def night(day: int) -> Execution:
    """The successful run ``day`` nights before the window's, 40 minutes long."""
    start = at("2026-03-10T04:00") - timedelta(days=day)
    return run(f"d{day}", f"{start:%Y-%m-%dT%H:%M}", stop=start + timedelta(minutes=40))


@pytest.mark.parametrize(
    ("min_duration", "days_on_page", "judged"),
    [
        pytest.param(None, 3, (Status.OK, 1), id="no min_duration: one call"),
        pytest.param({"fraction_of_median": 0.1}, 3, (Status.TOO_FAST, 2), id="3 read: one more"),
        pytest.param({"fraction_of_median": 0.1}, 20, (Status.TOO_FAST, 1), id="20 read: enough"),
        pytest.param({"seconds": 60}, 1, (Status.TOO_FAST, 1), id="seconds need no runs"),
    ],
)
def test_a_too_fast_judgement_reads_further_back_only_for_a_median_of_too_few(
    sfn: tuple[Any, Stubber],
    clock: Clock,
    min_duration: dict[str, float] | None,
    days_on_page: int,
    judged: tuple[Status, int],
) -> None:
    """Tonight's run took 12 s; the job's runs took 40 minutes. The page read holds the
    runs of ``days_on_page`` earlier nights and more exist: a fraction of the median takes
    20 successful runs, one filtered listing more when the page holds fewer."""
    _, stubber = sfn
    tonight = run("tonight", "2026-03-10T04:00", stop=at("2026-03-10T04:00:12"))
    nights = [night(day) for day in range(1, PACE_RUNS + 1)]
    page = [ended(e) for e in [tonight, *nights[:days_on_page]]]
    stubber.add_response("list_executions", {"executions": page, "nextToken": "t"})
    if judged[1] == 2:
        stubber.add_response(
            "list_executions",
            {"executions": [ended(e) for e in [tonight, *nights[:PACE_RUNS]]]},
            {"stateMachineArn": MACHINE, "statusFilter": "SUCCEEDED", "maxResults": PACE_RUNS},
        )
    extra = {} if min_duration is None else {"min_duration": min_duration}
    request = parse_event(event(MACHINE, WINDOW.deadline, **extra), WINDOW.deadline)
    assert isinstance(request, CheckRequest)
    reading = read_window(request, WINDOW.deadline)
    assert (reading.verdict.status, reading.list_calls) == judged
