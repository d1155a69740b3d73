"""The command-line check, against moto with the caller's (fake) credentials."""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sfn_deadline_monitor.__main__ import main
from sfn_deadline_monitor.cli.check import lookback_minutes
from sfn_deadline_monitor.cli.common import EXIT_ERROR, EXIT_NOT_OK, EXIT_OK, EXIT_USAGE
from testkit.account import Account
from testkit.checks import attributes, only_alert
from testkit.events import at

AT = "2026-03-11T02:00:00+09:00"


def run(*args: str) -> int:
    return main(["check", *args])


def test_failed_run_prints_verdict_and_message_and_exits_1(
    account: Account, capsys: pytest.CaptureFixture
) -> None:
    sm = account.state_machine()
    account.execution(
        sm,
        status="FAILED",
        start=at("2026-03-10T15:00"),
        stop=at("2026-03-10T15:05"),
        name="run-1",
        error="Etl.LoadFailed",
    )
    code = run(
        "--state-machine-arn", sm, "--lookback", "3h", "--at", AT, "--timezone", "Asia/Tokyo"
    )
    out = capsys.readouterr().out
    assert code == EXIT_NOT_OK
    assert out.startswith("Verdict: FAILED\n\n[FAILED] nightly-etl: 1 of 1 run(s) failed")
    assert "Error:    Etl.LoadFailed" in out
    assert account.published() == []  # nothing is sent unless asked


def test_ok_exits_0(account: Account, capsys: pytest.CaptureFixture) -> None:
    sm = account.state_machine()
    account.execution(
        sm, status="SUCCEEDED", start=at("2026-03-10T15:00"), stop=at("2026-03-10T15:05")
    )
    assert run("--state-machine-arn", sm, "--lookback", "180", "--at", AT) == EXIT_OK
    assert capsys.readouterr().out.startswith("Verdict: OK\n")


def test_publish_sends_the_alert_to_the_topic(account: Account) -> None:
    sm = account.state_machine()
    code = run(
        "--state-machine-arn", sm, "--lookback", "3h", "--at", AT, "--publish", account.topic_arn
    )
    assert code == EXIT_NOT_OK
    # Outside the state table, no episode: a severity, no incident key.
    assert attributes(only_alert(account)) == {
        "status": "MISSING",
        "monitor": "nightly-etl",
        "severity": "critical",
    }


def test_json_goes_to_stdout_alone_and_the_verdict_to_stderr(
    account: Account, capsys: pytest.CaptureFixture
) -> None:
    sm = account.state_machine()
    run("--state-machine-arn", sm, "--lookback", "1h30m", "--at", AT, "--format", "json")
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["status"] == "MISSING"
    assert report["window"]["start"] == "2026-03-10T15:30:00Z"
    assert captured.err == "Verdict: MISSING\n"


def test_an_unreadable_state_machine_exits_3(
    account: Account, capsys: pytest.CaptureFixture
) -> None:
    sm = account.state_machine().replace("nightly-etl", "no-such-machine")
    assert run("--state-machine-arn", sm, "--lookback", "3h", "--at", AT) == EXIT_ERROR
    assert "StateMachineDoesNotExist" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "2026-03-11T02:00:00"], "--at '2026-03-11T02:00:00' has no UTC offset"),
        (["--at", "2999-01-01T00:00:00Z"], "--at 2999-01-01T00:00:00Z lies in the future"),
        (["--at", "yesterday"], "--at 'yesterday' is not an ISO 8601 time"),
        (["--lookback", "50000"], "--lookback must be a whole number from 1 to 44640"),
        (["--publish", "arn:aws:sns:eu-west-1:123456789012:alerts"], "a topic in us-east-1"),
        (["--timezone", "Europe/Tokio"], "'Europe/Tokio' is not an IANA time zone name"),
        (["--role-arn", "arn:aws:iam::1:role/x"], "--role-arn 'arn:aws:iam::1:role/x' is not"),
    ],
)
def test_bad_arguments_exit_2_with_what_is_wrong(
    account: Account, capsys: pytest.CaptureFixture, args: list[str], message: str
) -> None:
    sm = account.state_machine()
    with contextlib.suppress(SystemExit):  # argparse exits 2 on a flag it refuses itself
        assert run("--state-machine-arn", sm, "--lookback", "3h", *args) == EXIT_USAGE
    assert message in capsys.readouterr().err


def test_a_start_check_that_finds_a_failed_run_says_it_started_not_succeeded(
    account: Account, capsys: pytest.CaptureFixture
) -> None:
    """The start check asks only whether a run started; how it ends is the deadline's."""
    sm = account.state_machine()
    account.execution(
        sm, status="FAILED", start=at("2026-03-10T15:00"), stop=at("2026-03-10T15:05")
    )
    code = run("--state-machine-arn", sm, "--lookback", "3h", "--at", AT, "--start-check")
    out = capsys.readouterr().out
    assert code == EXIT_OK
    assert "[OK] nightly-etl: 1 run(s) started by 2026-03-10 17:00 UTC" in out
    assert "succeeded" not in out


def test_the_monitor_is_named_after_the_state_machine_also_for_an_alias(
    account: Account, capsys: pytest.CaptureFixture
) -> None:
    sm = account.state_machine()
    run("--state-machine-arn", account.alias(sm), "--lookback", "3h", "--at", AT)
    assert "[MISSING] nightly-etl: " in capsys.readouterr().out


def test_a_state_machine_of_another_region_is_read_in_its_region(
    account: Account, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The profile's region is not the state machine's: the ARN's region is used."""
    sm = account.state_machine()
    account.execution(
        sm, status="SUCCEEDED", start=at("2026-03-10T15:00"), stop=at("2026-03-10T15:05")
    )
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    assert run("--state-machine-arn", sm, "--lookback", "3h", "--at", AT) == EXIT_OK
    assert capsys.readouterr().out.startswith("Verdict: OK\n")


@pytest.mark.parametrize(
    ("text", "minutes"), [("3h", 180), ("90m", 90), ("1d", 1440), ("1h30m", 90), ("45", 45)]
)
def test_lookback_durations(text: str, minutes: int) -> None:
    assert lookback_minutes(text) == minutes


@pytest.mark.parametrize("text", ["", "3 hours", "h", "-5"])
def test_bad_lookback_is_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="is not a duration"):
        lookback_minutes(text)


def test_runs_as_python_dash_m_from_the_committed_zip() -> None:
    """The documented way to run it: the package straight from dist/lambda.zip."""
    zip_path = Path(__file__).resolve().parent.parent / "dist" / "lambda.zip"
    result = subprocess.run(
        [sys.executable, "-m", "sfn_deadline_monitor", "check", "--help"],
        env={"PYTHONPATH": str(zip_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "--state-machine-arn" in result.stdout
    assert "Exit status: 0 OK, 1 FAILED, LATE or MISSING" in result.stdout


def test_a_failed_publish_exits_3_not_1(account: Account, capsys: pytest.CaptureFixture) -> None:
    sm = account.state_machine()
    account.execution(
        sm, status="SUCCEEDED", start=at("2026-03-10T15:00"), stop=at("2026-03-10T15:05")
    )
    gone = account.topic_arn + "-gone"
    code = run("--state-machine-arn", sm, "--lookback", "3h", "--at", AT, "--publish", gone)
    assert code == EXIT_ERROR
    assert "could not publish" in capsys.readouterr().err
