"""The emulated account docs/alerts.md's samples run in (dev/alert_samples.py): a topic
with an SQS subscriber, the state table, real executions with the times and statuses a
scenario needs, and the handler run with its clock frozen, so that every run writes the
same text."""

from __future__ import annotations

import contextlib
import functools
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Self
from unittest import mock
from zoneinfo import ZoneInfo

import boto3
from moto import mock_aws

import testkit.account
from sfn_deadline_monitor import handler
from sfn_deadline_monitor.alerts import delivery
from testkit.state_table import create_state_table

REGION = "ap-northeast-1"
ZONE = "Asia/Tokyo"
MODULE = "nightly-jobs"
TABLE = f"{MODULE}-sfn-deadline-state"
DAILY = "cron(0 2 * * ? *)"  # the deadline: 02:00 Tokyo time, every day
SCHEDULER_EXECUTION_ID = "6c1f1a52-8f1e-4a7b-9d0e-2b8c1e0f3a91"


def tokyo(text: str) -> datetime:
    """A Tokyo wall time, ``2026-11-28T02:00``, as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(ZONE))


DEADLINE = tokyo("2026-11-28T02:00")


@dataclass(frozen=True)
class Sample:
    """One alert as it reached the topic's subscriber."""

    title: str
    story: str
    message_format: str
    attributes: dict[str, str]
    body: str


@functools.cache
def client(service: str) -> Any:
    """One boto3 client per service for every scenario: moto answers each while it runs."""
    return boto3.client(service, region_name=REGION)  # type: ignore[call-overload]


class Account(testkit.account.Account):
    """The shared emulated account (testkit.account) named as the samples' module names it,
    with the state table, the function's environment pointing at both, and the nightly
    runs a scenario needs."""

    @classmethod
    def open(cls) -> Self:
        account = cls.create(
            client, topic=f"{MODULE}-sfn-deadline-alerts", queue="on-call-inbox", role="nightly-etl"
        )
        create_state_table(client("dynamodb"), TABLE)
        os.environ[delivery.TOPIC_ENV] = account.topic_arn
        os.environ[delivery.STATE_TABLE_ENV] = TABLE
        return account

    def run(
        self,
        state_machine: str,
        name: str,
        status: str,
        start: datetime,
        took: timedelta | None = None,
        *,
        error: str | None = None,
        cause: str | None = None,
    ) -> str:
        """A run that started at ``start`` and, unless ``took`` is None, ended after it."""
        stop = None if took is None else (start + took).astimezone(UTC)
        return self.execution(
            state_machine,
            name=name,
            status=status,
            start=start.astimezone(UTC),
            stop=stop,
            error=error,
            cause=cause,
        )

    def history(self, state_machine: str, days: int, first_day: datetime) -> None:
        """A successful run each night before ``first_day``, starting at 00:00:04 and
        taking 38 to 44 minutes."""
        for day in range(1, days + 1):
            start = first_day - timedelta(days=day) + timedelta(seconds=4)
            took = timedelta(minutes=38 + day % 7, seconds=10 * day)
            self.run(state_machine, f"{start:%Y-%m-%d}-0000", "SUCCEEDED", start, took)


def frozen(moment: datetime) -> type[datetime]:
    """A datetime class whose now() is ``moment``: the handler's one reading of the clock."""

    class Clock(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            return moment.astimezone(tz)

    return Clock


def check(payload: dict[str, Any], at: datetime) -> dict[str, Any]:
    """Run the handler on ``payload`` with its clock at ``at``; its log lines are dropped."""
    with (
        mock.patch.object(handler, "datetime", frozen(at)),
        contextlib.redirect_stdout(io.StringIO()),
    ):
        result: dict[str, Any] = handler.lambda_handler(payload, None)
    return result


def scheduled(state_machine: str, at: datetime, **overrides: Any) -> dict[str, Any]:
    """A deadline schedule's input as the module writes it, after the Scheduler replaced
    its <aws.scheduler.*> placeholders."""
    return {
        "version": 1,
        "monitor": "nightly-etl",
        "state_machine_arn": state_machine,
        "lookback_minutes": 180,
        "timezone": ZONE,
        "message_format": "text",
        "notify_on_success": False,
        "schedule_expression": DAILY,
        "scheduled_time": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "scheduler_execution_id": SCHEDULER_EXECUTION_ID,
        "attempt_number": "1",
        **overrides,
    }


@contextlib.contextmanager
def emulated() -> Iterator[Account]:
    """A fresh emulated AWS for one scenario. The function's clients are kept from one
    scenario to the next (moto answers every client while it runs): making them anew
    would cost seconds."""
    with mock_aws():
        yield Account.open()


def only(account: Account, title: str, story: str, message_format: str = "text") -> Sample:
    (alert,) = account.published()
    attributes = {k: v["Value"] for k, v in alert["MessageAttributes"].items()}
    return Sample(title, story, message_format, attributes, alert["Message"])
