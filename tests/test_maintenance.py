"""Maintenance windows and pauses, pure (check/maintenance.py): which moments a window or a
pause covers, which hold wins, and every malformed window the contract refuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sfn_deadline_monitor.check.maintenance import (
    MAX_WINDOW_MINUTES,
    Hold,
    Pause,
    hold_of,
    parse_windows,
)
from sfn_deadline_monitor.check.monitor_settings import InvalidEventError
from testkit.events import at

# Sundays 01:00 to 04:00 in Tokyo: 16:00 to 19:00 UTC on Saturdays.
WEEKLY = {
    "name": "db-upgrade",
    "schedule": "cron(0 1 ? * SUN *)",
    "timezone": "Asia/Tokyo",
    "duration_minutes": 180,
}
ONE_OFF = {"name": "dc-move", "from": "2026-12-24T00:00:00+09:00", "until": "2026-12-24T06:00:00Z"}


@pytest.mark.parametrize(
    ("moment", "until"),
    [
        ("2026-12-05T15:59:59", None),  # a second before it opens
        ("2026-12-05T16:00:00", "2026-12-05T19:00"),  # it opens at the fire
        ("2026-12-05T18:59:59", "2026-12-05T19:00"),
        ("2026-12-05T19:00:00", None),  # its end is outside it
        ("2026-12-06T17:00:00", None),  # Monday in Tokyo
        ("2026-12-12T17:00:00", "2026-12-12T19:00"),  # the next week's
    ],
)
def test_a_recurring_window_covers_its_duration_from_each_fire_in_its_zone(
    moment: str, until: str | None
) -> None:
    (window,) = parse_windows([WEEKLY])
    assert window.end_covering(at(moment)) == (at(until) if until else None)


def test_a_window_whose_opening_the_zone_skips_does_not_open_that_day() -> None:
    """02:30 does not exist in New York on 2026-03-08; the Scheduler skips it, and so
    does the window (check/fire_times.py)."""
    given = {**WEEKLY, "schedule": "cron(30 2 * * ? *)", "timezone": "America/New_York"}
    (window,) = parse_windows([{**given, "duration_minutes": 60}])
    assert window.end_covering(at("2026-03-07T07:45")) == at("2026-03-07T08:30")  # EST
    assert window.end_covering(at("2026-03-08T07:45")) is None


def test_a_one_off_window_covers_from_until_whatever_their_offsets() -> None:
    (window,) = parse_windows([ONE_OFF])
    assert window.end_covering(at("2026-12-23T14:59:59")) is None
    assert window.end_covering(at("2026-12-23T15:00")) == at("2026-12-24T06:00")
    assert window.end_covering(at("2026-12-24T05:59:59")) == at("2026-12-24T06:00")
    assert window.end_covering(at("2026-12-24T06:00")) is None


def pause(at_: str, until: str) -> Pause:
    return Pause(
        until=at(until), by="arn:aws:iam::111122223333:user/alice", reason="DB move", at=at(at_)
    )


def test_a_pause_covers_from_when_it_was_set_until_its_end() -> None:
    paused = pause("2026-12-05T10:00", "2026-12-05T12:00")
    assert hold_of((), paused, at("2026-12-05T09:59")) is None
    assert hold_of((), paused, at("2026-12-05T10:00")) == Hold(
        "pause", paused.by, at("2026-12-05T12:00"), "DB move"
    )
    assert hold_of((), paused, at("2026-12-05T12:00")) is None  # expired: nothing to undo


def test_the_hold_that_ends_last_wins() -> None:
    windows = parse_windows([WEEKLY, ONE_OFF])
    paused = pause("2026-12-05T15:00", "2026-12-05T20:00")
    hold = hold_of(windows, paused, at("2026-12-05T17:00"))
    assert hold is not None and (hold.kind, hold.until) == ("pause", at("2026-12-05T20:00"))
    shorter = pause("2026-12-05T15:00", "2026-12-05T18:00")
    hold = hold_of(windows, shorter, at("2026-12-05T17:00"))
    assert hold == Hold("maintenance window", "db-upgrade", at("2026-12-05T19:00"))
    assert hold_of(windows, None, at("2026-12-05T20:00")) is None


def test_a_hold_says_what_held_it() -> None:
    assert (
        Hold("maintenance window", "db-upgrade", at("2026-12-05T19:00")).describe()
        == "maintenance window db-upgrade until 2026-12-05T19:00:00Z"
    )
    assert Hold("pause", "alice", at("2026-12-05T19:00"), "DB move").describe() == (
        "paused by alice until 2026-12-05T19:00:00Z: DB move"
    )


def test_null_fields_count_as_absent_and_no_windows_is_none() -> None:
    assert parse_windows(None) == ()
    assert parse_windows([]) == ()
    (window,) = parse_windows([{**ONE_OFF, "schedule": None, "duration_minutes": None}])
    assert (window.opens, window.closes) == (at("2026-12-23T15:00"), at("2026-12-24T06:00"))
    assert window.opens is not None and window.opens.tzinfo is UTC


NAMED = "maintenance window db-upgrade"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"name": "x"}, "maintenance_windows {'name': 'x'} must be a list of windows"),
        (["x"], "maintenance window 'x' must be an object"),
        ([{"name": ""}], "maintenance window {'name': ''} needs a name"),
        (
            [{"schedule": "cron(0 1 * * ? *)"}],
            "maintenance window {'schedule': 'cron(0 1 * * ? *)'} needs a name",
        ),
        (
            [{**WEEKLY, "from": "2026-12-24T00:00:00Z"}],
            f"{NAMED} must hold either schedule, timezone and duration_minutes, or from and "
            "until; it holds duration_minutes, from, name, schedule, timezone",
        ),
        (
            [{"name": "x", "from": "2026-12-24T00:00:00Z"}],
            "maintenance window x must hold either schedule, timezone and duration_minutes, "
            "or from and until; it holds from, name",
        ),
        (
            [{**WEEKLY, "schedule": "rate(1 day)"}],
            f"{NAMED}: schedule 'rate(1 day)' must be a cron() expression",
        ),
        ([{**WEEKLY, "schedule": 7}], f"{NAMED}: schedule 7 must be a cron() expression"),
        ([{**WEEKLY, "schedule": "cron(0 1 * * * *)"}], f"{NAMED}: "),
        (
            [{**WEEKLY, "timezone": "Mars/Olympus"}],
            f"{NAMED}: timezone 'Mars/Olympus' is not an IANA time zone",
        ),
        *(
            (
                [{**WEEKLY, "duration_minutes": bad}],
                f"{NAMED}: duration_minutes {bad!r} must be a whole number from 1 to 10080 "
                "(a week)",
            )
            for bad in (0, MAX_WINDOW_MINUTES + 1, 90.0, True)
        ),
        (
            [{**ONE_OFF, "from": "2026-12-24T00:00:00"}],
            "maintenance window dc-move: from '2026-12-24T00:00:00' must be an RFC 3339 time "
            "with its offset, such as 2026-12-24T01:00:00+09:00",
        ),
        (
            [{**ONE_OFF, "until": "tomorrow"}],
            "maintenance window dc-move: until 'tomorrow' must be an RFC 3339 time "
            "with its offset, such as 2026-12-24T01:00:00+09:00",
        ),
        (
            [{**ONE_OFF, "until": 1}],
            "maintenance window dc-move: until 1 must be an RFC 3339 time "
            "with its offset, such as 2026-12-24T01:00:00+09:00",
        ),
        (
            [{**ONE_OFF, "until": "2026-12-23T15:00:00Z"}],
            "maintenance window dc-move: from must be before until",
        ),
    ],
)
def test_a_malformed_window_is_an_error_naming_it(given: Any, message: str) -> None:
    with pytest.raises(InvalidEventError) as raised:
        parse_windows(given)
    if message.endswith(": "):  # the cron grammar's own message follows
        assert str(raised.value).startswith(message)
    else:
        assert str(raised.value) == message


def test_windows_keep_their_names_and_the_shortest_is_a_minute() -> None:
    weekly, one_off = parse_windows([{**WEEKLY, "duration_minutes": 1}, ONE_OFF])
    assert (weekly.name, weekly.duration, one_off.name) == (
        "db-upgrade",
        timedelta(minutes=1),
        "dc-move",
    )


def test_the_longest_window_is_a_week() -> None:
    (window,) = parse_windows([{**WEEKLY, "duration_minutes": MAX_WINDOW_MINUTES}])
    assert window.duration == timedelta(days=7)
    # A weekly window of a week covers every moment: each opening ends at the next.
    moment = datetime(2026, 12, 9, tzinfo=UTC)
    assert window.end_covering(moment) == at("2026-12-12T16:00")
