"""Write docs/alerts.md's sample alerts from real checks against emulated AWS.

Each scenario runs the check function's handler in-process against moto, with real
executions in emulated Step Functions and the state table on (as by default), and reads
back what reached the alert topic's SQS subscriber (the account: dev/sample_account.py).
The handler's clock is frozen
(``sfn_deadline_monitor.handler.datetime``, as testkit/fire_check.py's ``_CLOCK`` does),
and execution names and the Scheduler's execution id are fixed, so every run writes the
same text. The samples go between the ``<!-- BEGIN_ALERT_SAMPLES -->`` and
``<!-- END_ALERT_SAMPLES -->`` markers; tests/test_alert_samples.py runs ``--check``.

    PYTHONPATH=lambda_src python -m dev.alert_samples           # rewrite docs/alerts.md
    PYTHONPATH=lambda_src python -m dev.alert_samples --check   # exit 1 if it is stale
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from unittest import mock

from moto.core.config import default_user_config
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.scheduler.models import scheduler_backends

from dev import generated
from dev.sample_account import (
    DAILY,
    DEADLINE,
    MODULE,
    REGION,
    SCHEDULER_EXECUTION_ID,
    TABLE,
    ZONE,
    Account,
    Sample,
    check,
    client,
    emulated,
    only,
    scheduled,
    tokyo,
)
from sfn_deadline_monitor import aws
from sfn_deadline_monitor.alerts.bus import EVENT_BUS_ENV
from sfn_deadline_monitor.state.store import StateStore
from testkit import aws_answers
from testkit.bus import AlertBus
from testkit.fire_check import status_change_event
from testkit.paths import ROOT
from testkit.registry_items import discovery, manifest, monitor, write_registry

DOC = ROOT / "docs" / "alerts.md"
BEGIN = "<!-- BEGIN_ALERT_SAMPLES -->"
END = "<!-- END_ALERT_SAMPLES -->"
EVENTS_BEGIN = "<!-- BEGIN_EVENT_SAMPLES -->"
T = TypeVar("T")
EVENTS_END = "<!-- END_EVENT_SAMPLES -->"


def missing() -> list[Sample]:
    with emulated() as account:
        sm = account.state_machine()
        account.history(sm, 7, tokyo("2026-11-27T00:00"))
        account.run(sm, "2026-11-27-0000", "RUNNING", tokyo("2026-11-27T00:00:04"))
        check(scheduled(sm, DEADLINE), DEADLINE + timedelta(seconds=1))
        return [
            only(
                account,
                "MISSING: no run started, and yesterday's is still running",
                "The job starts at 00:00 and must succeed by 02:00 Tokyo time. Yesterday's "
                "run never finished, and its trigger starts no run while one is going.",
            )
        ]


def failed(message_format: str) -> Sample:
    with emulated() as account:
        sm = account.state_machine()
        account.history(sm, 7, tokyo("2026-11-28T00:00"))
        account.run(
            sm,
            "2026-11-28-0000",
            "FAILED",
            tokyo("2026-11-28T00:00:04"),
            timedelta(minutes=41, seconds=15),
            error="States.TaskFailed",
            cause='{"errorMessage": "relation \\"orders_staging\\" is locked by another '
            'transaction"}',
        )
        check(scheduled(sm, DEADLINE, message_format=message_format), DEADLINE)
        return only(
            account,
            f"FAILED at the deadline ({message_format})",
            "Tonight's run failed at 00:41; the deadline check at 02:00 reports it with "
            "its error and cause.",
            message_format,
        )


def instant_failure() -> list[Sample]:
    with emulated() as account:
        sm = account.state_machine()
        start, took = tokyo("2026-11-28T00:00:04"), timedelta(minutes=41, seconds=15)
        error, cause = "States.TaskFailed", "relation orders_staging is locked"
        arn = account.run(sm, "2026-11-28-0000", "FAILED", start, took, error=error, cause=cause)
        event = status_change_event(arn, "FAILED", start, start + took, error=error, cause=cause)
        rule_input = {
            "version": 1,
            "check": "status_change",
            "monitors": [{"monitor": "nightly-etl", "state_machine_arn": sm, "timezone": ZONE}],
            "event": event,
        }
        check(rule_input, start + took + timedelta(seconds=2))
        return [
            only(
                account,
                "FAILED at once (instant failure alert)",
                "The same failure, reported from Step Functions' status change event 2 "
                "seconds after the run failed, long before the 02:00 deadline.",
            )
        ]


def late() -> list[Sample]:
    with emulated() as account:
        sm = account.state_machine()
        account.history(sm, 10, tokyo("2026-11-28T00:00"))
        account.run(sm, "2026-11-28-0000", "RUNNING", tokyo("2026-11-28T00:00:04"))
        check(scheduled(sm, DEADLINE), DEADLINE + timedelta(seconds=1))
        return [
            only(
                account,
                "LATE: still running, slower than usual",
                "Tonight's run started on time and is still running at 02:00; its last 10 "
                "runs took 39 to 45 minutes.",
            )
        ]


def at_risk() -> list[Sample]:
    with emulated() as account:
        sm = account.state_machine()
        account.history(sm, 10, tokyo("2026-11-28T00:00"))
        account.run(sm, "2026-11-28-0124", "RUNNING", tokyo("2026-11-28T01:24:10"))
        at = tokyo("2026-11-28T01:30")
        payload = scheduled(sm, at, check="at_risk", deadline_expression=DAILY)
        for field in ("notify_on_success", "schedule_expression"):
            del payload[field]
        check(payload, at + timedelta(seconds=1))
        return [
            only(
                account,
                "AT_RISK: the run will end after the deadline",
                "The at-risk check fires at 01:30 (at_risk_check = { schedule_expression = "
                '"cron(30 1 * * ? *)" }). Tonight\'s run started late, at 01:24; at the pace '
                "of its recent runs it ends after 02:00.",
            )
        ]


def too_fast() -> list[Sample]:
    with emulated() as account:
        sm = account.state_machine()
        account.history(sm, 7, tokyo("2026-11-28T00:00"))
        start = tokyo("2026-11-28T00:00:04")
        account.run(sm, "2026-11-28-0000", "SUCCEEDED", start, timedelta(seconds=9))
        payload = scheduled(sm, DEADLINE, min_duration={"fraction_of_median": 0.1})
        check(payload, DEADLINE + timedelta(seconds=1))
        return [
            only(
                account,
                "TOO_FAST: succeeded in a fraction of its usual time",
                "The monitor sets min_duration = { fraction_of_median = 0.1 }. Tonight's run "
                "succeeded in 9 seconds; its last 7 runs took 39 to 45 minutes.",
            )
        ]


def upstream() -> list[Sample]:
    """nightly-etl never ran, so billing, which waits for it (upstream = ["nightly-etl"]),
    could not either: each alert names the other."""
    with emulated() as account:
        etl = account.state_machine()
        billing = account.state_machine("billing")
        check(scheduled(etl, DEADLINE, downstream=["billing"]), DEADLINE + timedelta(seconds=1))
        upstream_alert = only(
            account,
            "MISSING upstream: the alert names the monitors that wait for it",
            'billing names nightly-etl upstream (upstream = ["nightly-etl"]); nightly-etl '
            "did not run tonight.",
        )
        due = tokyo("2026-11-28T06:30")
        payload = scheduled(
            billing,
            due,
            monitor="billing",
            lookback_minutes=120,
            schedule_expression="cron(30 6 * * ? *)",
            upstream=["nightly-etl"],
        )
        check(payload, due + timedelta(seconds=1))
        downstream_alert = only(
            account,
            "MISSING downstream: caused by its upstream",
            "billing, due at 06:30, did not run either: its alert names the upstream problem "
            "first, and carries the message attribute upstream for subscriptions to filter "
            "on. With upstream_suppresses = true it would be recorded and not sent.",
        )
        return [upstream_alert, downstream_alert]


def calendar_day_off() -> list[Sample]:
    """A business-day job (its calendar excludes weekends and a holiday): a run that ran
    on a Saturday and failed is reported as on any day; Sunday, with no run, sends nothing
    (SKIPPED)."""
    with emulated() as account:
        sm = account.state_machine()
        for day in (18, 19, 20, 24, 25, 26, 27):  # business days: 11-23 is a holiday
            start = tokyo(f"2026-11-{day}T00:00:04")
            account.run(sm, f"2026-11-{day}-0000", "SUCCEEDED", start, timedelta(minutes=40))
        calendar = {
            "name": "jp-business",
            "exclude_dates": ["2026-11-23"],
            "exclude_weekdays": ["SAT", "SUN"],
        }
        account.run(
            sm,
            "manual-2026-11-28",
            "FAILED",
            tokyo("2026-11-28T00:20:31"),
            timedelta(minutes=3, seconds=12),
            error="States.TaskFailed",
            cause="source file orders-20261128.csv not found",
        )
        check(scheduled(sm, DEADLINE, calendar=calendar), DEADLINE + timedelta(seconds=1))
        sunday = DEADLINE + timedelta(days=1)
        check(scheduled(sm, sunday, calendar=calendar), sunday + timedelta(seconds=1))
        return [
            only(
                account,
                "FAILED on a calendar's day off: a run that ran is still reported",
                "The monitor names calendar jp-business, which excludes weekends and "
                "2026-11-23. On Saturday 2026-11-28 no run was expected, but one was started "
                "by hand and failed: the 02:00 deadline check reports it as on any day. On "
                "Sunday nothing ran: that check records SKIPPED and sends nothing (this is "
                "the only alert of the two nights).",
            )
        ]


def recovered() -> list[Sample]:
    with emulated() as account:
        recovered_after_failed(account)
        return [
            only(
                account,
                "RECOVERED: succeeded by the deadline, after FAILED",
                "Yesterday's check reported FAILED; tonight's run succeeded by 02:00. The "
                "notice lists yesterday's problem run as it is now.",
            )
        ]


def recovered_after_failed(account: Account) -> None:
    """Yesterday's run FAILED and its check said so; tonight's run succeeded by 02:00 and
    its check runs. Yesterday's alert is taken from the inbox."""
    sm = account.state_machine()
    yesterday = DEADLINE - timedelta(days=1)
    account.history(sm, 7, tokyo("2026-11-27T00:00"))
    account.run(
        sm,
        "2026-11-27-0000",
        "FAILED",
        tokyo("2026-11-27T00:00:04"),
        timedelta(minutes=12, seconds=3),
        error="States.TaskFailed",
        cause="relation orders_staging is locked",
    )
    check(scheduled(sm, yesterday), yesterday + timedelta(seconds=1))
    account.published()  # yesterday's FAILED
    account.run(
        sm,
        "2026-11-28-0000",
        "SUCCEEDED",
        tokyo("2026-11-28T00:00:04"),
        timedelta(minutes=40, seconds=2),
    )
    check(scheduled(sm, DEADLINE), DEADLINE + timedelta(seconds=1))


def audited_module(
    account: Account, monitors: dict[str, str], disabled: str | None = None
) -> tuple[dict[str, str], dict[str, Any], dict[str, str]]:
    """What the audit reads of a module, as Terraform leaves it: the monitors' schedules
    (``disabled`` turned off by hand), the failure queues and the state machines. The
    queues, the registry's manifest and the state machines, by monitor."""
    scheduler = client("scheduler")
    scheduler.create_schedule_group(Name=MODULE)
    queues = {
        use: account.sqs.create_queue(QueueName=f"{MODULE}-sfn-deadline-{suffix}")["QueueUrl"]
        for use, suffix in (
            ("undelivered", "scheduler-dlq"),
            ("check_failures", "check-failures"),
        )
    }
    registry = manifest(
        MODULE,
        REGION,
        DEFAULT_ACCOUNT_ID,
        alert_topic_arn=account.topic_arn,
        alarm_topic_arn=account.topic_arn,
        queues=queues,
        schedule_groups={"deadline": MODULE, "audit": f"{MODULE}-audit"},
    )
    for name, expression in monitors.items():
        scheduler.create_schedule(
            Name=name,
            GroupName=MODULE,
            ScheduleExpression=expression,
            ScheduleExpressionTimezone=ZONE,
            State="DISABLED" if name == disabled else "ENABLED",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={"Arn": registry["function_arn"], "RoleArn": account.role_arn},
        )
        schedule = scheduler_backends[DEFAULT_ACCOUNT_ID][REGION].schedule_groups[MODULE]
        schedule.schedules[name].last_modified_date = tokyo("2026-11-01T00:00").timestamp()
    return queues, registry, {name: account.state_machine(name) for name in monitors}


def register(registry: dict[str, Any], machines: dict[str, str], monitors: dict[str, str]) -> None:
    """The registry Terraform writes, of ``monitors`` watching ``machines``."""
    write_registry(
        client("dynamodb"),
        TABLE,
        registry,
        {
            name: monitor(machines[name], schedule=expression, timezone=ZONE)
            for name, expression in monitors.items()
        },
    )


def audit_at(at: datetime) -> None:
    """The audit, as its schedule fires it at ``at``."""
    payload = {
        "version": 1,
        "check": "audit",
        "scheduled_time": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "scheduler_execution_id": SCHEDULER_EXECUTION_ID,
        "attempt_number": "1",
    }
    check(payload, at + timedelta(seconds=1))


def held() -> list[Sample]:
    """A database upgrade declared as a maintenance window, Saturdays 01:30 to 03:00 in
    Tokyo: the 02:00 check records MISSING and sends nothing; the audit after the window
    sends it, since nothing ran since."""
    with emulated() as account:
        _, registry, machines = audited_module(account, {"nightly-etl": DAILY})
        register(registry, machines, {"nightly-etl": DAILY})
        window = {
            "name": "db-upgrade",
            "schedule": "cron(30 1 ? * SAT *)",
            "timezone": ZONE,
            "duration_minutes": 90,
        }
        payload = scheduled(machines["nightly-etl"], DEADLINE, maintenance_windows=[window])
        check(payload, DEADLINE + timedelta(seconds=1))
        assert account.published() == [], "held, not sent"
        audit_at(tokyo("2026-11-28T03:10"))
        return [
            only(
                account,
                "MISSING held by a maintenance window, sent when it ended",
                "The monitor declares maintenance window db-upgrade, Saturdays 01:30 to 03:00. "
                "Nothing ran by 02:00: the check recorded MISSING and sent nothing. At 03:10 "
                "the hourly audit, the first after the window, found it still MISSING and "
                "sent it. Had a run succeeded and its check found it before then, nothing "
                "would have been sent, neither the problem nor a RECOVERED.",
            )
        ]


def audit() -> list[Sample]:
    """The module's audit: one schedule disabled by hand, one monitor whose check never
    completed (the function failed, and the check waits in the check-failures queue), and
    one whose state_machine_arn has a typo (its checks completed, each an ERROR)."""
    with emulated() as account:
        monitors = {
            "nightly-etl": DAILY,
            "billing": "cron(0 5 * * ? *)",
            "weekly-report": "cron(0 1 * * ? *)",
        }
        queues, registry, machines = audited_module(account, monitors, disabled="billing")
        machines["weekly-report"] = machines["weekly-report"].replace("report", "reprot")
        register(registry, machines, monitors)
        StateStore(TABLE, client("dynamodb")).mark_checked(
            "weekly-report", "deadline", tokyo("2026-11-28T01:00"), tokyo("2026-11-28T01:00")
        )
        account.sqs.send_message(QueueUrl=queues["check_failures"], MessageBody="{}")
        audit_at(tokyo("2026-11-28T03:10"))
        return [
            only(
                account,
                "ERROR from the audit",
                "At 03:10 the hourly audit finds billing's schedule disabled by hand, no "
                "completed check for nightly-etl's 02:00 deadline, that check waiting "
                "in the check-failures queue, and weekly-report watching weekly-reprot, "
                "a state machine that does not exist.",
            )
        ]


def discovered() -> list[Sample]:
    """Onboarding by tag (docs/discovery.md): two teams tag their state machines, one
    with a day discovery does not know; the hourly audit makes the first's schedules and
    refuses the second's tag, in one alert."""
    with emulated() as account:
        _, registry, machines = audited_module(account, {"nightly-etl": DAILY})
        registry["discovery"] = discovery(MODULE, REGION, DEFAULT_ACCOUNT_ID)
        for group in registry["discovery"]["schedule_groups"].values():
            client("scheduler").create_schedule_group(Name=group)
        register(registry, machines, {"nightly-etl": DAILY})
        StateStore(TABLE, client("dynamodb")).mark_checked(
            "nightly-etl", "deadline", DEADLINE, DEADLINE
        )
        tags = {
            "orders-export": {"deadline": "06:30 MON-FRI", "timezone": ZONE, "start-by": "06:00"},
            "billing-close": {"deadline": "04:00 LAST"},
        }
        for name, given in tags.items():
            account.sfn.tag_resource(
                resourceArn=account.state_machine(name),
                tags=[{"key": f"deadline-monitor:{k}", "value": v} for k, v in given.items()],
            )
        audit_at(tokyo("2026-11-28T03:10"))
        return [
            only(
                account,
                "Monitors discovered by their tags, and a tag refused",
                "At 03:10 the hourly audit finds two state machines tagged "
                "deadline-monitor:deadline. It makes orders-export's deadline and start "
                "checks, and refuses billing-close's tag (the month's last day is L): nothing "
                "is monitored from it until the tag is fixed, and the audit after the fix "
                "says RECOVERED.",
            )
        ]


def incident_events() -> list[dict[str, Any]]:
    """Yesterday's FAILED and tonight's RECOVERED, as a rule on the module's bus hands
    them to its target: one incident opened and resolved. The id EventBridge gives each
    event is shown zeroed (it differs on every put)."""
    with emulated() as account:
        alert_bus = AlertBus.create(client)
        os.environ[EVENT_BUS_ENV] = alert_bus.arn
        try:
            recovered_after_failed(account)
        finally:
            del os.environ[EVENT_BUS_ENV]
        return [{**e, "id": "00000000-0000-0000-0000-000000000000"} for e in alert_bus.events()]


SCENARIOS: tuple[Callable[[], list[Sample]], ...] = (
    missing,
    lambda: [failed("text")],
    instant_failure,
    late,
    at_risk,
    too_fast,
    upstream,
    recovered,
    audit,
    lambda: [failed("json"), failed("chat")],
    calendar_day_off,
    held,
    discovered,
)


def samples() -> list[Sample]:
    """Every scenario's alerts, each scenario on a fresh emulated account."""
    return with_env(lambda: [sample for scenario in SCENARIOS for sample in scenario()])


def with_env(make: Callable[[], T]) -> T:
    """``make()`` run with test credentials and the region, and nothing else of the
    caller's AWS settings."""
    settings = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }
    with mock.patch.dict(os.environ, settings):
        for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
            os.environ.pop(name, None)
        # Executions keep the status and times given; moto runs none by itself.
        default_user_config["stepfunctions"]["execute_state_machine"] = False
        aws_answers.install()
        aws.reset_clients()
        try:
            return make()
        finally:
            aws.reset_clients()


def render_events(events: list[dict[str, Any]]) -> str:
    """The incident's events as the rule's target receives them, one JSON block each."""
    lines = [EVENTS_BEGIN]
    for event in events:
        detail = event["detail"]
        lines += [
            "",
            f"#### {detail['status']} ({detail['severity']}, incident {detail['incident_key']})",
            "",
            "```json",
            json.dumps(event, indent=2, ensure_ascii=False),
            "```",
        ]
    lines.append(EVENTS_END)
    return "\n".join(lines)


def render(found: list[Sample]) -> str:
    lines = [BEGIN]
    for sample in found:
        attributes = ", ".join(f"`{key}` = `{value}`" for key, value in sample.attributes.items())
        language = "text" if sample.message_format == "text" else "json"
        lines += [
            "",
            f"### {sample.title}",
            "",
            sample.story,
            "",
            f"Message attributes: {attributes}.",
            "",
            f"```{language}",
            sample.body.rstrip("\n"),
            "```",
        ]
    lines.append(END)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = generated.parser(__doc__.split("\n\n")[0]).parse_args(argv)
    _, fresh = generated.between(DOC, BEGIN, END, render(samples()))
    events = render_events(with_env(incident_events))
    fresh = generated.replaced(fresh, EVENTS_BEGIN, EVENTS_END, events, DOC.relative_to(ROOT))
    return generated.publish({DOC: fresh}, check=args.check, command="make docs")


if __name__ == "__main__":
    sys.exit(main())
