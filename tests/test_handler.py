"""The handler against moto: real state machines, executions, and an SNS topic whose
messages are read back from an SQS subscriber."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from botocore.awsrequest import AWSPreparedRequest
from botocore.exceptions import ClientError, ReadTimeoutError

from sfn_deadline_monitor import aws, errors, handler
from sfn_deadline_monitor.alerts import delivery
from sfn_deadline_monitor.check import executions
from testkit.account import Account
from testkit.checks import LambdaContext, answer_once, attributes, check, only_alert
from testkit.events import at, event

DEADLINE = at("2026-03-10T17:00")


def test_success_is_silent_and_costs_one_list_call(account: Account) -> None:
    sm = account.state_machine()
    account.execution(
        sm, status="SUCCEEDED", start=at("2026-03-10T15:00"), stop=at("2026-03-10T15:40")
    )
    result = check(event(sm, DEADLINE))
    assert result["status"] == "OK"
    assert result["notified"] is False
    assert account.published() == []
    assert account.calls == {"ListExecutions": 1}


def test_success_notice_when_the_monitor_asks_for_it(account: Account) -> None:
    sm = account.state_machine()
    account.execution(
        sm, status="SUCCEEDED", start=at("2026-03-10T15:00"), stop=at("2026-03-10T15:40")
    )
    check(event(sm, DEADLINE, notify_on_success=True))
    alert = only_alert(account)
    assert attributes(alert) == {"status": "OK", "monitor": "nightly-etl", "severity": "info"}
    assert alert["Subject"].startswith("[OK] nightly-etl: 1 run(s) succeeded by")


def test_failed_run_alert_carries_error_cause_and_link(account: Account) -> None:
    sm = account.state_machine()
    account.execution(
        sm,
        name="etl-2026-03-10",
        status="FAILED",
        start=at("2026-03-10T15:00"),
        stop=at("2026-03-10T15:12:37"),
        error="States.TaskFailed",
        cause="Load step: table locked",
    )
    result = check(event(sm, DEADLINE))
    alert = only_alert(account)
    assert result["status"] == "FAILED"
    assert result["message_id"] == alert["MessageId"]
    assert attributes(alert) == {
        "status": "FAILED",
        "monitor": "nightly-etl",
        "severity": "critical",
        "incident_key": "nightly-etl@2026-03-10T17:00:00Z",
    }
    assert alert["Subject"].startswith("[FAILED] nightly-etl: 1 of 1 run(s) failed")
    assert len(alert["Subject"]) <= 100
    for text in ["etl-2026-03-10", "States.TaskFailed", "Load step: table locked", "12m 37s"]:
        assert text in alert["Message"]
    assert (
        "console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/"
        in (alert["Message"])
    )
    assert account.calls == {"ListExecutions": 1, "DescribeExecution": 1, "Publish": 1}


def test_run_still_going_at_the_deadline_is_late(account: Account) -> None:
    sm = account.state_machine()
    account.execution(sm, status="RUNNING", start=at("2026-03-10T15:00"))
    result = check(event(sm, DEADLINE))
    alert = only_alert(account)
    assert result["status"] == "LATE"
    assert attributes(alert)["status"] == "LATE"
    assert "at check time" in alert["Message"]


def test_yesterdays_success_does_not_pass_todays_check(account: Account) -> None:
    sm = account.state_machine()
    account.execution(
        sm, status="SUCCEEDED", start=at("2026-03-09T15:00"), stop=at("2026-03-09T15:40")
    )
    assert check(event(sm, DEADLINE))["status"] == "MISSING"
    alert = only_alert(account)
    assert alert["Subject"].startswith("[MISSING] nightly-etl: no run started in the 3h before")
    assert account.calls["ListExecutions"] == 1


def test_state_machine_that_never_ran_is_missing(account: Account) -> None:
    sm = account.state_machine()
    assert check(event(sm, DEADLINE))["status"] == "MISSING"
    assert attributes(only_alert(account))["status"] == "MISSING"


def test_retried_check_judges_the_scheduled_window(account: Account) -> None:
    """The Scheduler retries 20 minutes late: the next run has started, today's succeeded
    after the deadline. The scheduled time, not the clock, decides."""
    sm = account.state_machine()
    account.execution(sm, status="RUNNING", start=at("2026-03-10T17:10"), name="next")
    account.execution(
        sm,
        status="SUCCEEDED",
        start=at("2026-03-10T15:00"),
        stop=at("2026-03-10T17:05"),
        name="today",
    )
    result = check(event(sm, DEADLINE, attempt_number="2"))
    assert result["status"] == "LATE"
    assert result["executions_in_window"] == 1
    assert "attempt 2" in only_alert(account)["Message"]


def test_overlapping_runs_are_all_examined(account: Account) -> None:
    sm = account.state_machine()
    account.execution(
        sm, status="SUCCEEDED", start=at("2026-03-10T16:00"), stop=at("2026-03-10T16:30")
    )
    account.execution(sm, status="RUNNING", start=at("2026-03-10T15:30"), name="stuck")
    account.execution(
        sm,
        status="TIMED_OUT",
        start=at("2026-03-10T15:00"),
        stop=at("2026-03-10T16:00"),
        name="timed-out",
    )
    result = check(event(sm, DEADLINE, message_format="json"))
    report = json.loads(only_alert(account)["Message"])
    assert result["status"] == "FAILED"
    assert [e["name"] for e in report["executions"]] == ["timed-out", "stuck"]
    assert report["executions_in_window"] == 3


@pytest.mark.parametrize(
    ("in_window", "older", "expected_calls"),
    [(1, 150, 1), (100, 0, 1), (250, 5, 3)],
    ids=["one-run-many-older", "one-full-page", "three-pages"],
)
def test_listing_stops_at_the_window_start(
    account: Account, in_window: int, older: int, expected_calls: int
) -> None:
    sm = account.state_machine()
    for n in range(older):
        start = at("2026-03-09T12:00") - timedelta(minutes=n)
        account.execution(sm, status="SUCCEEDED", start=start, stop=start + timedelta(minutes=1))
    for n in range(in_window):
        start = at("2026-03-10T14:00") + timedelta(seconds=30 * n)
        account.execution(sm, status="SUCCEEDED", start=start, stop=start + timedelta(seconds=5))
    result = check(event(sm, DEADLINE))
    assert result["status"] == "OK"
    assert result["executions_in_window"] == in_window
    assert account.calls["ListExecutions"] == expected_calls


def test_empty_page_with_a_token_does_not_end_the_listing(account: Account) -> None:
    """Step Functions may answer a page with no executions and a nextToken."""
    sm = account.state_machine()
    account.execution(
        sm, status="SUCCEEDED", start=at("2026-03-10T15:00"), stop=at("2026-03-10T15:40")
    )
    answer_once("ListExecutions", 200, {"executions": [], "nextToken": "page-2"}, times=1)

    def follow_token_from_start(params: dict, **_: object) -> None:
        if params.get("nextToken") == "page-2":  # moto knows no such token: list anew
            del params["nextToken"]

    aws.client("stepfunctions").meta.events.register(
        "before-parameter-build.states.ListExecutions", follow_token_from_start
    )
    assert check(event(sm, DEADLINE))["status"] == "OK"
    assert account.calls["ListExecutions"] == 2


def test_throttling_beyond_the_retries_fails_the_invocation_for_lambda_to_retry(
    account: Account, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """Throttled beyond botocore's retries, a check neither passes nor cries ERROR (1,000
    checks due at once empty ListExecutions' token bucket for minutes): it fails, so that
    Lambda runs it again later, and says so in its log."""
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    aws.reset_clients()
    sm = account.state_machine()
    throttled = answer_once(
        "ListExecutions",
        400,
        {"__type": "ThrottlingException", "message": "Rate exceeded"},
        times=100,
    )
    with pytest.raises(executions.ThrottledError, match="ThrottlingException"):
        check(event(sm, DEADLINE))
    assert throttled() == 2  # both attempts were made
    assert account.published() == []
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["event"] for line in logged] == ["throttled"]
    assert logged[0]["monitor"] == "nightly-etl"


def test_the_retried_check_judges_the_same_window_once_the_throttling_passes(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    aws.reset_clients()
    sm = account.state_machine()
    account.execution(
        sm, status="FAILED", start=at("2026-03-10T15:00"), stop=at("2026-03-10T15:10")
    )
    answer_once("ListExecutions", 400, {"__type": "ThrottlingException", "message": "x"}, times=1)
    with pytest.raises(executions.ThrottledError):
        check(event(sm, DEADLINE))
    assert check(event(sm, DEADLINE))["status"] == "FAILED"  # Lambda's retry: same event
    assert [attributes(n)["status"] for n in account.published()] == ["FAILED"]


def test_a_monitor_of_an_alias_judges_only_the_runs_started_through_it(
    account: Account,
) -> None:
    """ListExecutions with the alias's ARN lists the runs started through the alias (the
    emulator is made to answer as AWS does): a failed run started otherwise is not this
    monitor's."""
    sm = account.state_machine()
    prod = account.alias(sm)
    account.execution(
        sm, status="FAILED", start=at("2026-03-10T15:00"), stop=at("2026-03-10T15:05")
    )
    account.execution(
        prod,
        status="SUCCEEDED",
        start=at("2026-03-10T15:10"),
        stop=at("2026-03-10T15:40"),
        name="through-prod",
    )
    listed = []
    aws.client("stepfunctions").meta.events.register(
        "before-parameter-build.states.ListExecutions",
        lambda params, **_: listed.append(params["stateMachineArn"]),
    )
    result = check(event(prod, DEADLINE))
    assert (result["status"], result["executions_in_window"]) == ("OK", 1)
    assert listed == [prod]
    assert check(event(sm, DEADLINE + timedelta(seconds=1)))["status"] == "FAILED"


def test_deleted_state_machine_is_an_error(account: Account) -> None:
    sm = account.state_machine()
    account.sfn.delete_state_machine(stateMachineArn=sm)
    result = check(event(sm, DEADLINE))
    alert = only_alert(account)
    assert result["status"] == "ERROR"
    assert attributes(alert)["status"] == "ERROR"
    assert "StateMachineDoesNotExist" in alert["Message"]
    assert "update or remove this monitor" in alert["Message"]


def test_state_machine_deleted_between_two_checks(account: Account) -> None:
    sm = account.state_machine()
    account.execution(
        sm, status="SUCCEEDED", start=at("2026-03-10T15:00"), stop=at("2026-03-10T15:40")
    )
    assert check(event(sm, DEADLINE))["status"] == "OK"
    account.sfn.delete_state_machine(stateMachineArn=sm)
    tomorrow = DEADLINE + timedelta(days=1)
    assert check(event(sm, tomorrow))["status"] == "ERROR"
    assert "StateMachineDoesNotExist" in only_alert(account)["Message"]


def test_access_denied_is_an_error_that_names_the_fix(account: Account) -> None:
    sm = account.state_machine()
    answer_once(
        "ListExecutions",
        400,
        {"__type": "AccessDeniedException", "message": "not authorized: states:ListExecutions"},
        times=1,
    )
    result = check(event(sm, DEADLINE))
    alert = only_alert(account)
    assert result["status"] == "ERROR"
    assert "AccessDeniedException" in alert["Message"]
    assert "may not read this state machine" in alert["Message"]
    assert account.calls["ListExecutions"] == 1  # access denied is not retried


def test_express_state_machine_is_an_error_that_says_what_to_use(account: Account) -> None:
    sm = account.state_machine(name="fast", machine_type="EXPRESS")
    result = check(event(sm, DEADLINE))
    alert = only_alert(account)
    assert result["status"] == "ERROR"
    assert "EXPRESS" in alert["Message"]
    assert "ExecutionsFailed" in alert["Message"]


@pytest.mark.parametrize(
    ("payload", "monitor", "why"),
    [
        ("not json", "unknown-monitor", "must be a JSON object"),
        ({"monitor": "billing"}, "billing", "lacks required field(s)"),
        (
            {"version": 1, "monitor": "billing", "state_machine_arn": "x", "lookback_minutes": 5},
            "billing",
            "is not a state machine ARN",
        ),
    ],
)
def test_malformed_event_becomes_an_error_alert(
    account: Account, payload: object, monitor: str, why: str
) -> None:
    result = check(payload)
    alert = only_alert(account)
    assert result["status"] == "ERROR"
    carried = attributes(alert)
    assert carried.pop("incident_key").startswith(f"{monitor}@")  # when the event came
    assert carried == {"status": "ERROR", "monitor": monitor, "severity": "critical"}
    assert why in alert["Message"]
    assert "ListExecutions" not in account.calls


def test_failed_publish_raises_so_the_event_is_retried(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    sm = account.state_machine()
    account.execution(
        sm, status="FAILED", start=at("2026-03-10T15:00"), stop=at("2026-03-10T15:01")
    )
    monkeypatch.setenv(delivery.TOPIC_ENV, account.topic_arn + "-deleted")
    with pytest.raises(ClientError, match="NotFound"):
        check(event(sm, DEADLINE))


def test_missing_topic_configuration_raises(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(delivery.TOPIC_ENV)
    with pytest.raises(RuntimeError, match="ALERT_TOPIC_ARN"):
        check(event(account.state_machine(), DEADLINE))


def test_failed_publish_still_logs_the_check(
    account: Account, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    sm = account.state_machine()
    monkeypatch.setenv(delivery.TOPIC_ENV, account.topic_arn + "-deleted")
    with pytest.raises(ClientError):
        check(event(sm, DEADLINE))
    logged = json.loads(capsys.readouterr().out)
    assert logged["status"] == "MISSING"
    assert logged["notified"] is False
    assert "NotFound" in logged["publish_error"]
    assert logged["MISSING"] == 1  # the metric still counts the check
    assert logged["AlertsSent"] == 0


def test_check_stops_reading_before_the_function_times_out(account: Account) -> None:
    almost_out_of_time = LambdaContext(remaining_millis=0)
    sm = account.state_machine()
    account.execution(
        sm, status="SUCCEEDED", start=at("2026-03-10T15:00"), stop=at("2026-03-10T15:40")
    )
    result = handler.lambda_handler(event(sm, DEADLINE), almost_out_of_time)
    assert result["status"] == "ERROR"
    assert "could not read the whole window" in only_alert(account)["Message"]


def test_a_function_with_the_shortest_timeout_still_reads_its_window(account: Account) -> None:
    """lambda_timeout may be 10 s: the time kept back to publish is then half of it, not
    15 s, which would leave none to read and make every check an ERROR."""
    sm = account.state_machine()
    account.execution(
        sm, status="SUCCEEDED", start=at("2026-03-10T15:00"), stop=at("2026-03-10T15:40")
    )
    result = handler.lambda_handler(event(sm, DEADLINE), LambdaContext(remaining_millis=10_000))
    assert result["status"] == "OK"


def test_unreachable_describe_keeps_the_failed_verdict(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    aws.reset_clients()
    sm = account.state_machine()
    account.execution(
        sm, status="FAILED", start=at("2026-03-10T15:00"), stop=at("2026-03-10T15:01")
    )

    def time_out(request: AWSPreparedRequest, **_: object) -> None:
        if request.headers.get("X-Amz-Target", b"").endswith(b".DescribeExecution"):
            raise ReadTimeoutError(endpoint_url=request.url)

    aws.client("stepfunctions").meta.events.register("before-send.states.*", time_out)
    assert check(event(sm, DEADLINE))["status"] == "FAILED"
    assert "(DescribeExecution: ReadTimeoutError)" in only_alert(account)["Message"]


def test_one_json_log_line_per_check(account: Account, capsys: pytest.CaptureFixture) -> None:
    sm = account.state_machine()
    check(event(sm, DEADLINE))
    (line,) = capsys.readouterr().out.splitlines()
    logged = json.loads(line)
    assert logged["event"] == "check"
    assert logged["status"] == "MISSING"
    assert logged["monitor"] == "nightly-etl"
    assert logged["list_calls"] == 1
    assert logged["notified"] is True


def test_log_line_carries_one_count_per_status_as_emf(
    account: Account, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("METRICS_NAMESPACE", "Team/Deadlines")
    sm = account.state_machine()
    account.execution(sm, status="RUNNING", start=at("2026-03-10T15:00"))
    check(event(sm, DEADLINE))
    logged = json.loads(capsys.readouterr().out)
    (directive,) = logged["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "Team/Deadlines"
    assert directive["Dimensions"] == [["Monitor"]]
    assert [m["Name"] for m in directive["Metrics"]] == [
        "OK",
        "FAILED",
        "LATE",
        "MISSING",
        "ERROR",
        "RECOVERED",
        "AT_RISK",
        "TOO_FAST",
        "SKIPPED",
        "AlertsSent",
        "DeadlineMet",
        "MarginSeconds",
    ]
    assert logged["Monitor"] == "nightly-etl"
    assert {name: logged[name] for name in ("OK", "FAILED", "LATE", "MISSING", "ERROR")} == {
        "OK": 0,
        "FAILED": 0,
        "LATE": 1,
        "MISSING": 0,
        "ERROR": 0,
    }
    assert logged["AlertsSent"] == 1
    # The run still going: the deadline not met, and past it by at least the time to the check.
    assert logged["DeadlineMet"] == 0
    assert logged["MarginSeconds"] < 0
    assert abs(logged["_aws"]["Timestamp"] / 1000 - datetime.now(UTC).timestamp()) < 60


def _client_error(code: str, message: str = "denied") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "ListExecutions")


@pytest.mark.parametrize(
    ("code", "hint"),
    [
        ("AccessDeniedException", "may not read this state machine"),
        ("StateMachineTypeNotSupported", "EXPRESS"),
        ("InternalServerError", "the call failed after retries"),
    ],
)
def test_aws_errors_are_explained(code: str, hint: str) -> None:
    reason = errors.explain_client_error(_client_error(code))
    assert reason.startswith(f"ListExecutions answered {code}: ")
    assert hint in reason
