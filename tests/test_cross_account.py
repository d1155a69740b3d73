"""Cross-account monitors: the check assumes the monitor's role in the account that owns
the state machine (moto keeps each account's resources apart, as AWS does)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from sfn_deadline_monitor import aws, handler
from testkit.account import REGION, Account
from testkit.checks import attributes, only_alert
from testkit.events import at, event, status_change
from testkit.member import MEMBER_ACCOUNT, MEMBER_ROLE, member_state_machine

DEADLINE = at("2026-03-10T17:00")


# The member's state machine in the function's region, and in another one: each call is
# made in the state machine's own region.
REGIONS = pytest.mark.parametrize("region", [REGION, "eu-west-1"])


@REGIONS
def test_the_check_reads_the_member_accounts_executions_through_its_role(
    account: Account, region: str
) -> None:
    sm = member_state_machine(region)
    assert sm.split(":")[3:5] == [region, MEMBER_ACCOUNT]
    result = handler.lambda_handler(event(sm, DEADLINE, role_arn=MEMBER_ROLE), None)
    assert result["status"] == "FAILED"
    notification = only_alert(account)
    assert attributes(notification)["status"] == "FAILED"
    assert "run-1" in notification["Message"]


def test_without_the_role_the_member_state_machine_cannot_be_read(account: Account) -> None:
    """Step Functions has no resource policies: AWS refuses another account's state
    machine with AccessDeniedException (the emulator is made to answer as AWS does)."""
    sm = member_state_machine()
    handler.lambda_handler(event(sm, DEADLINE), None)
    notification = only_alert(account)
    assert attributes(notification)["status"] == "ERROR"
    assert "ListExecutions answered AccessDeniedException" in notification["Message"]
    assert "may not read this state machine" in notification["Message"]


def test_assumed_credentials_are_reused_until_they_near_expiry(account: Account) -> None:
    sm = member_state_machine()
    assumed = []
    aws.client("sts").meta.events.register(
        "before-call.sts.AssumeRole", lambda **_: assumed.append(1)
    )
    for _ in range(3):
        handler.lambda_handler(event(sm, DEADLINE, role_arn=MEMBER_ROLE), None)
    assert len(assumed) == 1
    assert len(account.published()) == 3


def test_assumed_credentials_are_renewed_five_minutes_before_they_expire(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    """STS's credentials last an hour: 54 minutes on they are still used, 56 minutes on
    (within the 5-minute margin) the role is assumed again."""
    sm = member_state_machine()
    assumed = []
    aws.client("sts").meta.events.register(
        "before-call.sts.AssumeRole", lambda **_: assumed.append(1)
    )
    handler.lambda_handler(event(sm, DEADLINE, role_arn=MEMBER_ROLE), None)
    for minutes_later, assumptions in ((54, 1), (56, 2)):
        monkeypatch.setattr(aws, "datetime", LaterDatetime.by(minutes_later))
        handler.lambda_handler(event(sm, DEADLINE, role_arn=MEMBER_ROLE), None)
        assert len(assumed) == assumptions, minutes_later
    assert timedelta(minutes=5) == aws.CREDENTIALS_MARGIN


class LaterDatetime(datetime):
    """datetime, with now() some minutes ahead: the function's clock later on."""

    ahead = timedelta()

    @classmethod
    def by(cls, minutes: int) -> type[LaterDatetime]:
        return type("Later", (cls,), {"ahead": timedelta(minutes=minutes)})

    @classmethod
    def now(cls, tz: Any = None) -> LaterDatetime:
        return super().now(tz) + cls.ahead


def test_a_refused_assume_role_is_an_error_alert_that_says_what_to_fix(
    account: Account,
) -> None:
    sm = member_state_machine()

    def refuse(**_: object) -> None:
        raise ClientError(
            {"Error": {"Code": "AccessDenied", "Message": "not authorized"}}, "AssumeRole"
        )

    aws.client("sts").meta.events.register("before-call.sts.AssumeRole", refuse)
    handler.lambda_handler(event(sm, DEADLINE, role_arn=MEMBER_ROLE), None)
    notification = only_alert(account)
    assert attributes(notification)["status"] == "ERROR"
    assert "modules/member-role" in notification["Message"]


@REGIONS
def test_forwarded_failure_event_is_described_through_the_member_role(
    account: Account, region: str
) -> None:
    sm = member_state_machine(region)
    run = sm.replace(":stateMachine:", ":execution:") + ":run-1"
    payload = status_change(
        run, "FAILED", at("2026-03-10T15:00"), at("2026-03-10T15:05"), error=None, cause=None
    )
    payload["monitors"][0]["role_arn"] = MEMBER_ROLE
    handler.lambda_handler(payload, None)
    notification = only_alert(account)
    assert attributes(notification)["status"] == "FAILED"
    assert "run run-1 FAILED" in notification["Subject"]
    assert "(DescribeExecution:" not in notification["Message"]


def test_failure_event_is_sent_even_when_the_role_cannot_be_assumed(account: Account) -> None:
    sm = member_state_machine()
    run = sm.replace(":stateMachine:", ":execution:") + ":run-1"

    def refuse(**_: object) -> None:
        raise ClientError({"Error": {"Code": "AccessDenied"}}, "AssumeRole")

    aws.client("sts").meta.events.register("before-call.sts.AssumeRole", refuse)
    payload = status_change(
        run, "FAILED", at("2026-03-10T15:00"), at("2026-03-10T15:05"), error=None, cause=None
    )
    payload["monitors"][0]["role_arn"] = MEMBER_ROLE
    handler.lambda_handler(payload, None)
    assert attributes(only_alert(account))["status"] == "FAILED"
