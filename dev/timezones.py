"""Maintainers: write data/timezones.json, the IANA time zone names the module accepts, from tzdata.

EventBridge Scheduler takes IANA time zone names (ScheduleExpressionTimezone); moto takes
anything, so the module checks the names itself against this list. Each name comes with
the smallest UTC offset the zone takes between FIRST_YEAR and LAST_YEAR, which lets the
module refuse an at() deadline that is in the past in that zone whatever its daylight
saving time. The list comes from the pinned `tzdata` package (requirements-dev.txt), not
from this machine's zone files, so every machine writes the same file; a test fails when
the committed file differs from what the pinned package gives.

    python -m dev.timezones [--check]
"""

from __future__ import annotations

import importlib.resources
import json
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import tzdata

from dev import generated
from testkit.paths import ROOT

OUTPUT = ROOT / "data" / "timezones.json"
FIRST_YEAR, LAST_YEAR = 2024, 2040
# A weekly sample sees every offset: no zone keeps one for less than a week.
SAMPLE_EVERY = timedelta(days=7)
# In tzdata but not a place: its abbreviation says the zone was never set.
NOT_A_ZONE = {"Factory"}


def zone_names() -> list[str]:
    """The zone names the pinned tzdata package carries."""
    names = importlib.resources.files("tzdata").joinpath("zones").read_text().split()
    return sorted(set(names) - NOT_A_ZONE)


def smallest_offset_minutes(name: str) -> int:
    """The zone's smallest UTC offset over the years, sampled weekly."""
    source = importlib.resources.files("tzdata.zoneinfo").joinpath(*name.split("/"))
    with source.open("rb") as data:
        zone = ZoneInfo.from_file(data, key=name)
    moment = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
    smallest = None
    while moment.year <= LAST_YEAR:
        offset = moment.astimezone(zone).utcoffset()
        assert offset is not None
        minutes = int(offset.total_seconds() // 60)
        smallest = minutes if smallest is None else min(smallest, minutes)
        moment += SAMPLE_EVERY
    assert smallest is not None
    return smallest


def render() -> str:
    """The JSON validation.tf reads: the tzdata version and each zone's smallest offset."""
    names = zone_names()
    table = {
        "generated_by": "python -m dev.timezones, from the PyPI tzdata package: do not edit",
        "tzdata_version": tzdata.IANA_VERSION,
        "years": [FIRST_YEAR, LAST_YEAR],
        "smallest_utc_offset_minutes": {name: smallest_offset_minutes(name) for name in names},
    }
    return json.dumps(table, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = generated.parser(__doc__.split("\n\n")[0]).parse_args(argv)
    command = "python -m dev.timezones"
    return generated.publish({OUTPUT: render()}, check=args.check, command=command)


if __name__ == "__main__":
    sys.exit(main())
