"""The tags a state machine carries, read as a monitor (discovery/tags.py): each form the
docs show, within what a Step Functions tag may hold, and every way a tag can be wrong,
each refused with the tag and the fix named."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from sfn_deadline_monitor.check.contract import parse_event
from sfn_deadline_monitor.discovery.plan import record_of
from sfn_deadline_monitor.discovery.tags import MAX_TAG_VALUE, Discovered, TagProblem, read_tags
from sfn_deadline_monitor.state.discovered import MONITORS_PER_ITEM, discovered_items
from sfn_deadline_monitor.state.registry import DiscoverySettings
from testkit.item_size import item_size

ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:orders"
MEMBER_ROLE = "arn:aws:iam::111122223333:role/sfn-deadline-member"
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
HOLIDAYS = {"name": "jp-holidays", "exclude_dates": ["2027-01-01"], "exclude_weekdays": []}
SETTINGS = DiscoverySettings(
    tag_prefix="deadline-monitor:",
    member_role_arns=(MEMBER_ROLE,),
    schedule_groups={"deadline": "ops-discovered"},
    scheduler_role_arn="arn:aws:iam::123456789012:role/ops-sfn-deadline-scheduler",
    dead_letter_arn="arn:aws:sqs:us-east-1:123456789012:ops-undelivered",
    retry_policy={"maximum_event_age_in_seconds": 3600, "maximum_retry_attempts": 5},
    kms_key_arn=None,
    lookback_minutes=180,
    message_format="text",
    calendars={"jp-holidays": HOLIDAYS},
    maintenance_windows=(),
)


def read(role: str | None = None, **tags: str) -> Discovered | TagProblem:
    given = {f"deadline-monitor:{k.replace('_', '-')}": v for k, v in tags.items()}
    return read_tags(ARN, {"team": "payments", **given}, SETTINGS, role, NOW)


def monitor(**tags: str) -> Discovered:
    found = read(**tags)
    assert isinstance(found, Discovered), found
    return found


def problem(**tags: str) -> TagProblem:
    found = read(**tags)
    assert isinstance(found, TagProblem), found
    return found


def is_tag_value(text: str) -> bool:
    """API_Tag: "Unicode letters, digits, white space, or these symbols: _ . : / = + - @"."""
    return all(unicodedata.category(c)[0] in "LNZ" or c in "_.:/=+-@" for c in text)


@pytest.mark.parametrize(
    ("deadline", "cron"),
    [
        ("02:00", "cron(0 2 * * ? *)"),
        ("23:59", "cron(59 23 * * ? *)"),
        ("02:00 MON-FRI", "cron(0 2 ? * MON-FRI *)"),
        ("06:30 MON+WED+FRI", "cron(30 6 ? * MON,WED,FRI *)"),
        ("06:30 SAT-SUN+WED", "cron(30 6 ? * SAT-SUN,WED *)"),
        ("04:00 1", "cron(0 4 1 * ? *)"),
        ("04:00 1+15", "cron(0 4 1,15 * ? *)"),
        ("04:00 1-7", "cron(0 4 1-7 * ? *)"),
        ("04:00 L", "cron(0 4 L * ? *)"),
    ],
)
def test_each_deadline_form_is_a_tag_value_and_reads_as_its_cron(deadline: str, cron: str) -> None:
    assert is_tag_value(deadline)
    assert monitor(deadline=deadline).expressions == {"deadline": cron}


def test_every_setting_reaches_the_inputs_the_check_parses() -> None:
    found = monitor(
        deadline="02:00 MON-FRI",
        timezone="Asia/Tokyo",
        lookback="1h30m",
        start_by="01:30",
        at_risk="01:45 TUE-SAT",
        format="chat",
        calendar="jp-holidays",
        upstream="billing  ingest",
        name="orders-nightly",
    )
    assert found.expressions == {
        "deadline": "cron(0 2 ? * MON-FRI *)",
        "start": "cron(30 1 ? * MON-FRI *)",  # the deadline's days when it names none
        "at_risk": "cron(45 1 ? * TUE-SAT *)",
    }
    start = parse_event(found.inputs["start"], NOW)
    assert start.monitor == "orders-nightly"
    assert start.timezone == "Asia/Tokyo"
    assert start.lookback.total_seconds() == 90 * 60
    assert start.message_format == "chat"
    assert start.calendar is not None and start.calendar.name == "jp-holidays"
    assert start.dependencies.upstream == ("billing", "ingest")
    assert found.inputs["at_risk"]["deadline_expression"] == "cron(0 2 ? * MON-FRI *)"


def test_the_defaults_are_the_modules_and_a_member_role_is_in_the_input() -> None:
    found = read(MEMBER_ROLE, deadline="02:00")
    assert isinstance(found, Discovered)
    assert (found.name, found.timezone, found.lookback_minutes) == ("orders", "UTC", 180)
    assert found.inputs["deadline"]["role_arn"] == MEMBER_ROLE
    assert found.inputs["deadline"]["message_format"] == "text"
    assert "role_arn" not in monitor(deadline="02:00").inputs["deadline"]


def test_a_tag_change_that_reaches_a_schedule_changes_the_digest() -> None:
    digest = monitor(deadline="02:00").digest
    assert monitor(deadline="02:00").digest == digest
    assert monitor(deadline="02:01").digest != digest
    assert monitor(deadline="02:00", lookback="2h").digest != digest
    assert monitor(deadline="02:00", timezone="Europe/Paris").digest != digest


@pytest.mark.parametrize(
    ("tags", "tag", "said"),
    [
        ({}, "deadline", "deadline-monitor:deadline is required"),
        ({"deadline": "2am"}, "deadline", "'2am' is not HH:MM, optionally followed by its days"),
        ({"deadline": "24:00"}, "deadline", "is not HH:MM"),
        ({"deadline": "2:00"}, "deadline", "is not HH:MM"),
        ({"deadline": "02:00 MON-FRI extra"}, "deadline", "is not HH:MM"),
        ({"deadline": "02:00 MONDAY"}, "deadline", "days 'MONDAY' are not MON-FRI"),
        ({"deadline": "02:00 MON+1"}, "deadline", "days 'MON+1' are not"),
        (
            {"deadline": "02:00 32"},
            "deadline",
            "makes cron(0 2 32 * ? *), which the Scheduler refuses",
        ),
        ({"deadline": "02:00", "start_by": "1:30"}, "start-by", "'1:30' is not HH:MM"),
        ({"deadline": "02:00", "at_risk": "01:45 0"}, "at-risk", "which the Scheduler refuses"),
        ({"deadline": "02:00", "timezone": "Asia/Tokio"}, "timezone", "is not an IANA time zone"),
        ({"deadline": "02:00", "lookback": "0m"}, "lookback", "is not a look-back from 1m to 31d"),
        ({"deadline": "02:00", "lookback": "32d"}, "lookback", "is not a look-back"),
        ({"deadline": "02:00", "lookback": "180"}, "lookback", "is not a look-back"),
        ({"deadline": "02:00", "format": "slack"}, "format", "is not one of text, json, chat"),
        (
            {"deadline": "02:00", "calendar": "us"},
            "calendar",
            "is not one of the module's: jp-holidays",
        ),
        ({"deadline": "02:00", "upstream": "orders"}, "upstream", "is not another monitor's name"),
        ({"deadline": "02:00", "upstream": "a/b"}, "upstream", "is not another monitor's name"),
        ({"deadline": "02:00", "name": "x" * 65}, "name", "must be 1 to 64 letters"),
        ({"deadline": "02:00", "owner": "me"}, "owner", "is not a tag discovery reads"),
        ({"deadline": "02:00\t"}, "deadline", "is not a tag value: at most 256 printable"),
        ({"deadline": "02:00", "name": "x" * (MAX_TAG_VALUE + 1)}, "name", "is not a tag value"),
    ],
)
def test_a_wrong_tag_is_refused_naming_it(tags: dict[str, str], tag: str, said: str) -> None:
    found = problem(**tags)
    assert found.tag == f"deadline-monitor:{tag}"
    assert found.state_machine_arn == ARN
    assert said in found.text


def test_a_state_machine_name_that_cannot_name_schedules_asks_for_the_name_tag() -> None:
    arn = "arn:aws:states:us-east-1:123456789012:stateMachine:" + "n" * 80
    found = read_tags(arn, {"deadline-monitor:deadline": "02:00"}, SETTINGS, None, NOW)
    assert isinstance(found, TagProblem)
    assert found.tag is None
    assert "set the tag deadline-monitor:name" in found.text


def test_a_calendar_too_long_for_a_schedule_input_is_refused() -> None:
    dates = [f"{2027 + n // 365}-01-01" for n in range(20_000)]
    long = {**HOLIDAYS, "exclude_dates": dates}
    settings = replace(SETTINGS, calendars={"jp-holidays": long})
    tags = {"deadline-monitor:deadline": "02:00", "deadline-monitor:calendar": "jp-holidays"}
    found = read_tags(ARN, tags, settings, None, NOW)
    assert isinstance(found, TagProblem)
    assert found.tag == "deadline-monitor:calendar"
    assert "over the Scheduler's 262144 bytes" in found.text


def test_other_prefixes_are_not_read() -> None:
    found = read_tags(
        ARN,
        {"deadline-monitor:deadline": "02:00", "other:deadline": "{json}", "aws:x": "y"},
        SETTINGS,
        None,
        NOW,
    )
    assert isinstance(found, Discovered)


def test_a_hundred_of_the_longest_discovered_monitors_fit_one_item() -> None:
    """state/discovered.py keeps 100 monitors an item: at their longest (64-character
    names, 80-character state machine names, a member role, three schedules, every tag
    set, a member role ARN of 440 characters) they take 108 KB, under a third of
    DynamoDB's 400 KB item."""
    records = {}
    for n in range(MONITORS_PER_ITEM):
        arn = ARN.replace(":orders", ":" + f"{n:03d}" + "s" * 77)
        tags = {
            "deadline-monitor:deadline": "23:59 MON+TUE+WED+THU+FRI",
            "deadline-monitor:start-by": "22:59",
            "deadline-monitor:at-risk": "23:29",
            "deadline-monitor:timezone": "America/Argentina/ComodRivadavia",
            "deadline-monitor:name": f"{n:03d}" + "m" * 61,
        }
        found = read_tags(arn, tags, SETTINGS, MEMBER_ROLE + "x" * 400, NOW)
        assert isinstance(found, Discovered), found
        records[found.name] = record_of(found)
    chunk, index = discovered_items(records, NOW)
    assert index["chunks"] == {"N": "1"}
    assert item_size(chunk) < 400_000 // 3, item_size(chunk)
