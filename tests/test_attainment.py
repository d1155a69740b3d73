"""The report's figures against numbers worked out by hand, then each format parsed back.

Three monitors over 2026-03-01 to 03-10: etl-daily (06:00 UTC) and billing (18:00 UTC, two
deadlines on 03-03; 03-09, a day its calendar excludes, skipped) with every outcome among
them, idle with none. By hand:

etl-daily  met 5, late 2, missing 1, too_fast 1, unknown 1: 5 of 9 judged (0.5556); runs
           that ended took 2, 50, 60, 65, 70, 80, 105 min: p50 (4th) 65m, p90 (7th) 105m;
           margins -45 (03-08, still running), -15 (03-03), +5 (03-04) the tightest.
billing    met 4, late 2, missing 2, failed 1, unknown 1, skipped 1: 4 of 9 (0.4444), the
           unknown and the skipped left out; took 10, 30, 30, 35, 40, 45, 55 min: p50 35m,
           p90 55m; tightest -30 (03-08), -5, +15.
all        21 deadlines, 9 of 18 (0.5); 14 runs: p50 (7th) 45m, p90 (13th) 80m, max 105m.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from sfn_deadline_monitor.attainment.chart import period_days
from sfn_deadline_monitor.attainment.figures import Figures, Report, build_report, nearest_rank
from sfn_deadline_monitor.attainment.render import FORMATS, render
from sfn_deadline_monitor.state.outcomes import (
    FAILED,
    LATE,
    MET,
    MISSING,
    OUTCOMES,
    SKIPPED,
    TOO_FAST,
    UNKNOWN,
    Outcome,
)
from testkit.events import at

START, END = at("2026-03-01T00:00"), at("2026-03-11T00:00")
MINUTE = timedelta(minutes=1)


def deadline(
    monitor: str,
    day: int,
    outcome: str,
    margin: int | None = None,
    took: int | None = None,
    *,
    hour: str = "06:00",
    running: bool = False,
    run: str | None = None,
) -> Outcome:
    """An outcome; ``margin`` and ``took`` in minutes, the run ending margin before."""
    due = at(f"2026-03-{day:02d}T{hour}")
    end = None if took is None else due - timedelta(minutes=margin or 0)
    start = due - timedelta(hours=2) if running else None
    if end is not None and took is not None:
        start = end - timedelta(minutes=took)
    return Outcome(
        monitor=monitor,
        deadline=due,
        day=f"2026-03-{day:02d}",
        outcome=outcome,
        checked_at=due + timedelta(minutes=1),
        run_name=run or (f"{monitor}-{day:02d}" if start else None),
        run_start=start,
        run_end=end,
        margin=None if margin is None else timedelta(minutes=margin),
    )


ETL = [
    deadline("etl-daily", 1, MET, 30, 60),
    deadline("etl-daily", 2, MET, 10, 80),
    deadline("etl-daily", 3, LATE, -15, 105),
    deadline("etl-daily", 4, MET, 5, 70),
    deadline("etl-daily", 5, MISSING),
    deadline("etl-daily", 6, MET, 40, 50),
    deadline("etl-daily", 7, TOO_FAST, 170, 2),
    deadline("etl-daily", 8, LATE, -45, running=True),
    deadline("etl-daily", 9, UNKNOWN),
    deadline("etl-daily", 10, MET, 20, 65),
]
BILLING = [
    deadline("billing", 1, MET, 60, 30, hour="18:00"),
    deadline("billing", 2, FAILED, 120, 10, hour="18:00"),
    deadline("billing", 3, LATE, -5, 40, hour="09:00"),
    deadline("billing", 3, MISSING, hour="18:00"),
    deadline("billing", 4, MET, 15, 35, hour="18:00"),
    deadline("billing", 5, MET, 25, 30, hour="18:00"),
    deadline("billing", 6, UNKNOWN, hour="18:00"),
    deadline("billing", 7, MET, 45, 45, hour="18:00"),
    deadline("billing", 8, LATE, -30, 55, hour="18:00"),
    deadline("billing", 9, SKIPPED, hour="18:00"),
    deadline("billing", 10, MISSING, hour="18:00"),
]


def hand_worked() -> Report:
    """The report of ETL and BILLING, built in each test that reads it, not at import:
    mutation testing charges a call to the test that makes it."""
    return build_report("prod", {"idle": [], "etl-daily": ETL, "billing": BILLING}, START, END)


NAMES = ("billing", "etl-daily", "idle")
# By hand: counts in OUTCOMES order (met, late, missing, failed, too_fast, unknown,
# skipped), share met, p50/p90/max duration and tightest margin in seconds, share met as
# people read it.
COUNTS = {
    "billing": (4, 2, 2, 1, 0, 1, 1),
    "etl-daily": (5, 2, 1, 0, 1, 1, 0),
    "idle": (0, 0, 0, 0, 0, 0, 0),
    "*": (9, 4, 3, 1, 1, 2, 1),
}
SHARE = {"billing": 0.4444, "etl-daily": 0.5556, "idle": None, "*": 0.5}
PERCENT = {"billing": "44.4%", "etl-daily": "55.6%", "idle": "n/a", "*": "50.0%"}
SECONDS = {
    "billing": (2100, 3300, 3300, -1800),
    "etl-daily": (3900, 6300, 6300, -2700),
    "idle": (None, None, None, None),
    "*": (2700, 4800, 6300, -2700),
}
WORDS = {  # p50, p90, max as people read them
    "billing": ("35m 00s", "55m 00s", "55m 00s"),
    "etl-daily": ("1h 05m 00s", "1h 45m 00s", "1h 45m 00s"),
    "*": ("45m 00s", "1h 20m 00s", "1h 45m 00s"),
}
# (day, margin in minutes, run) of the tightest; (day, not met, counts) of the worst days.
TIGHTEST = {
    "billing": [("2026-03-08", -30, "billing-08"), ("2026-03-03", -5, "billing-03"),
                ("2026-03-04", 15, "billing-04")],
    "etl-daily": [("2026-03-08", -45, "etl-daily-08"), ("2026-03-03", -15, "etl-daily-03"),
                  ("2026-03-04", 5, "etl-daily-04")],
    "*": [("2026-03-08", -45, "etl-daily-08"), ("2026-03-08", -30, "billing-08"),
          ("2026-03-03", -15, "etl-daily-03")],
}  # fmt: skip
WORST = {
    "billing": [("2026-03-03", 2, (0, 1, 1, 0, 0, 0, 0)), ("2026-03-08", 1, (0, 1, 0, 0, 0, 0, 0)),
                ("2026-03-02", 1, (0, 0, 0, 1, 0, 0, 0)), ("2026-03-10", 1, (0, 0, 1, 0, 0, 0, 0))],
    "etl-daily": [("2026-03-08", 1, (0, 1, 0, 0, 0, 0, 0)),
                  ("2026-03-03", 1, (0, 1, 0, 0, 0, 0, 0)),
                  ("2026-03-07", 1, (0, 0, 0, 0, 1, 0, 0)),
                  ("2026-03-05", 1, (0, 0, 1, 0, 0, 0, 0))],
    # 03-07 (1 not met, tightest +45) is the sixth: left out.
    "*": [("2026-03-03", 3, (0, 2, 1, 0, 0, 0, 0)), ("2026-03-08", 2, (0, 2, 0, 0, 0, 0, 0)),
          ("2026-03-02", 1, (1, 0, 0, 1, 0, 0, 0)), ("2026-03-10", 1, (1, 0, 1, 0, 0, 0, 0)),
          ("2026-03-05", 1, (1, 0, 1, 0, 0, 0, 0))],
}  # fmt: skip
DEADLINES = {"billing": 11, "etl-daily": 10, "idle": 0, "*": 21}


def figures_of(name: str) -> Figures:
    report = hand_worked()
    return report.rollup if name == "*" else {m.name: m.figures for m in report.monitors}[name]


def seconds(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


@pytest.mark.parametrize("name", [*NAMES, "*"])
def test_the_figures_are_those_worked_out_by_hand(name: str) -> None:
    figures = figures_of(name)
    assert figures.deadlines == DEADLINES[name]
    assert tuple(figures.counts.values()) == COUNTS[name]
    assert list(figures.counts) == [MET, LATE, MISSING, FAILED, TOO_FAST, UNKNOWN, SKIPPED]
    share = figures.share_met
    assert (None if share is None else round(share, 4)) == SHARE[name]
    durations = (figures.p50_duration, figures.p90_duration, figures.max_duration)
    tightest = figures.tightest[0].margin if figures.tightest else None
    assert tuple(map(seconds, (*durations, tightest))) == SECONDS[name]
    margins = [(m.day, m.margin / MINUTE, m.run_name) for m in figures.tightest]
    assert margins == TIGHTEST.get(name, [])
    days = [(d.day, d.not_met, tuple(d.counts.values())) for d in figures.worst_days]
    assert days == WORST.get(name, [])


def test_the_roll_up_names_the_monitors_and_ranks_them_worst_first() -> None:
    report = hand_worked()
    rollup = report.rollup
    assert [m.monitor for m in rollup.tightest] == ["etl-daily", "billing", "etl-daily"]
    assert [m.still_running for m in rollup.tightest] == [True, False, False]
    assert [d.monitors for d in rollup.worst_days] == [
        ("billing", "etl-daily"),
        ("billing", "etl-daily"),
        ("billing",),
        ("billing",),
        ("etl-daily",),
    ]
    assert [seconds(d.tightest_margin) for d in rollup.worst_days] == [-900, -2700, 600, 1200, 1500]
    assert (rollup.runs_ended, rollup.judged, rollup.not_met) == (14, 18, 9)
    assert [m.name for m in report.monitors] == ["billing", "etl-daily", "idle"]
    assert [m.name for m in report.ranking] == ["billing", "etl-daily", "idle"]


def test_equal_shares_rank_by_deadlines_not_met_then_by_name() -> None:
    two_of_four = [deadline("b", 1, MET, 5, 5), deadline("b", 2, LATE, -5, 5)] * 2
    one_of_two = [deadline("a", 1, MET, 5, 5), deadline("a", 2, MISSING)]
    also = [deadline("c", 1, MET, 5, 5), deadline("c", 2, FAILED)]
    report = build_report("x", {"a": one_of_two, "b": two_of_four, "c": also}, START, END)
    assert [m.name for m in report.ranking] == ["b", "a", "c"]


def test_the_lowest_share_ranks_first_whatever_the_counts() -> None:
    """none met 0 of 1 (0%), half 1 of 2 (50%, 1 not met), most 18 of 20 (90%, 2 not met):
    by share, not by how many were missed."""
    most = [deadline("most", d, MET, 5, 5) for d in range(1, 19)]
    most += [deadline("most", 19, LATE, -5, 5), deadline("most", 20, MISSING)]
    half = [deadline("half", 1, MET, 5, 5), deadline("half", 2, MISSING)]
    none = [deadline("none", 1, FAILED)]
    report = build_report("x", {"most": most, "half": half, "none": none}, START, END)
    assert [m.name for m in report.ranking] == ["none", "half", "most"]


def test_a_day_that_finished_on_the_deadline_is_worse_than_one_ahead_of_it() -> None:
    """Equal misses: the smaller margin first, a margin of exactly 0 included."""
    on_time = [deadline("a", 1, MISSING), deadline("b", 1, MET, 0, 5)]
    ahead = [deadline("a", 2, MISSING), deadline("b", 2, MET, 60, 5)]
    (figures,) = (
        m.figures for m in build_report("x", {"ab": on_time + ahead}, START, END).monitors
    )
    assert [d.day for d in figures.worst_days] == ["2026-03-01", "2026-03-02"]


def test_the_percentiles_are_nearest_rank() -> None:
    values = [timedelta(seconds=s) for s in (40, 10, 30, 20)]
    assert nearest_rank(values, 50) == timedelta(seconds=20)  # ceil(2.0) = 2nd
    assert nearest_rank(values, 90) == timedelta(seconds=40)  # ceil(3.6) = 4th
    assert nearest_rank(values[:1], 90) == timedelta(seconds=40)
    assert nearest_rank([], 50) is None
    tens = [timedelta(seconds=s) for s in range(1, 11)]
    assert nearest_rank(tens, 90) == timedelta(seconds=9)  # ceil(9.0) = 9th, not the 10th
    many = [timedelta(seconds=s) for s in range(1, 201)]
    assert nearest_rank(many, 90) == timedelta(seconds=180)  # ceil(180.0) = 180th
    # A monitor's ten runs of 1 to 10 minutes: p90 is the 9th, p50 the 5th.
    runs = [deadline("ten", d, MET, 5, d) for d in range(1, 11)]
    (ten,) = (m.figures for m in build_report("x", {"ten": runs}, START, END).monitors)
    assert (ten.p50_duration, ten.p90_duration) == (5 * MINUTE, 9 * MINUTE)


def test_the_charts_days_reach_a_day_past_the_period() -> None:
    """A monitor in Tokyo has a 2026-03-11 deadline before the period's end in UTC."""
    tokyo = replace(deadline("tokyo", 10, MET, 5, 5, hour="20:00"), day="2026-03-11")
    days = period_days(START, END, [tokyo])
    assert (len(days), str(days[0]), str(days[-1])) == (11, "2026-03-01", "2026-03-11")


def test_every_format_is_stable_and_an_unknown_one_refused() -> None:
    assert FORMATS == ("text", "json", "csv", "markdown", "html")
    for fmt in FORMATS:
        assert render(hand_worked(), fmt) == render(hand_worked(), fmt)
        assert render(hand_worked(), fmt).endswith("\n")
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        render(hand_worked(), "xml")


def test_json_carries_every_figure_in_seconds_and_fractions() -> None:
    document = json.loads(render(hand_worked(), "json"))
    assert list(document) == ["deployment", "period", "rollup", "monitors"]
    assert document["period"] == {"start": "2026-03-01T00:00:00Z", "end": "2026-03-11T00:00:00Z"}
    assert [m["monitor"] for m in document["monitors"]] == list(NAMES)
    ranking = [(m["monitor"], m["share_met"]) for m in document["rollup"]["ranking"]]
    assert ranking == [("billing", 0.4444), ("etl-daily", 0.5556), ("idle", None)]
    for name, entry in [
        *((m["monitor"], m) for m in document["monitors"]),
        ("*", document["rollup"]),
    ]:
        assert entry["deadlines"] == DEADLINES[name]
        assert tuple(entry["counts"].values()) == COUNTS[name]
        assert entry["share_met"] == SHARE[name]
        tightest = entry["tightest_margins"][0]["margin_s"] if entry["tightest_margins"] else None
        durations = (entry["p50_duration_s"], entry["p90_duration_s"], entry["max_duration_s"])
        assert (*durations, tightest) == SECONDS[name]
        margins = [(m["day"], m["margin_s"] / 60, m["run_name"]) for m in entry["tightest_margins"]]
        assert margins == TIGHTEST.get(name, [])
        days = [(d["day"], d["not_met"], tuple(d["counts"].values())) for d in entry["worst_days"]]
        assert days == WORST.get(name, [])
    first = document["rollup"]["tightest_margins"][0]
    assert first["deadline"] == "2026-03-08T06:00:00Z"
    assert (first["monitor"], first["still_running"]) == ("etl-daily", True)


def test_csv_has_a_row_a_monitor_then_the_deployment() -> None:
    rows = list(csv.reader(io.StringIO(render(hand_worked(), "csv"))))
    assert rows[0] == [
        "monitor", "deadlines", "met", "late", "missing", "failed", "too_fast", "unknown",
        "skipped", "share_met", "p50_duration_s", "p90_duration_s", "max_duration_s",
        "tightest_margin_s",
    ]  # fmt: skip
    assert [row[0] for row in rows[1:]] == [*NAMES, "*"]
    for row in rows[1:]:
        name = row[0]
        assert row[1:9] == [str(DEADLINES[name]), *map(str, COUNTS[name])]
        expected = (SHARE[name], *SECONDS[name])
        assert row[9:] == ["" if value is None else str(value) for value in expected]


def markdown_tables(text: str) -> list[list[list[str]]]:
    """Every table: runs of lines that start with a pipe, cut into cells at each pipe not
    escaped."""
    tables: list[list[list[str]]] = []
    previous = ""
    for line in text.splitlines():
        if line.startswith("|"):
            if not previous.startswith("|"):
                tables.append([])
            tables[-1].append([cell.strip() for cell in re.split(r"(?<!\\)\|", line[1:-1])])
        previous = line
    return tables


def test_markdown_tables_are_valid_and_say_the_figures() -> None:
    text = render(hand_worked(), "markdown")
    tables = markdown_tables(text)
    for table in tables:
        assert all(re.fullmatch(r"---:?", cell) for cell in table[1])
        assert {len(row) for row in table} == {len(table[0])}
    summary = {row[0]: row for row in tables[0][2:]}
    assert list(summary) == ["**all 3 monitor(s)**", "billing", "etl-daily", "idle"]
    for name, row in zip(["*", *NAMES], summary.values(), strict=True):
        assert row[1:9] == [str(DEADLINES[name]), *map(str, COUNTS[name])]
        assert row[9] == PERCENT[name]
        assert tuple(row[10:13]) == WORDS.get(name, ("n/a",) * 3)
    assert [row[-1] for row in summary.values()] == ["-45m 00s", "-30m 00s", "-45m 00s", "n/a"]
    sections = text.split("\n## ")[2:]  # all monitors, then one a monitor
    assert [s.splitlines()[0] for s in sections] == ["All monitors", *NAMES]
    for name, section in zip(["*", *NAMES], sections, strict=True):
        if name == "idle":
            assert "No deadline in the period." in section
            continue
        margins, days = markdown_tables(section)
        assert [(row[0], row[2].split(" (")[0]) for row in margins[2:]] == [
            (day, f"{'-' if m < 0 else '+'}{abs(m)}m 00s") for day, m, _ in TIGHTEST[name]
        ]
        assert [(row[0], int(row[1])) for row in days[2:]] == [(d, n) for d, n, _ in WORST[name]]


def test_text_lines_fit_100_columns_and_say_the_figures() -> None:
    text = render(hand_worked(), "text")
    assert max(len(line) for line in text.splitlines()) <= 100
    for name in NAMES:
        assert f"Monitor {name}: {DEADLINES[name]} deadline(s)" in text
    deployment, *blocks = text.split("\n\nMonitor ")
    assert "Share met:      50.0% (9 of 18 judged deadlines met)" in deployment
    assert "9 met, 4 late, 3 missing, 1 failed, 1 too_fast, 2 unknown, 1 skipped" in deployment
    assert "p50 45m 00s, p90 1h 20m 00s, max 1h 45m 00s (14 run(s)" in deployment
    ranking = deployment.split("worst first:\n")[1].splitlines()
    assert [line.split() for line in ranking] == [
        ["44.4%", "billing", "4", "of", "9", "met"],
        ["55.6%", "etl-daily", "5", "of", "9", "met"],
        ["n/a", "idle", "no", "judged", "deadline"],
    ]
    assert (
        "    2026-03-08  etl-daily: still running 45m 00s after the deadline (late), "
        "run etl-daily-08\n    2026-03-08  billing: 30m 00s after the deadline (late)"
    ) in deployment
    assert (
        "    2026-03-03  3 not met of 3 (2 late, 1 missing), tightest -15m 00s: billing, "
        "etl-daily\n    2026-03-08  2 not met of 2 (2 late), tightest -45m 00s"
    ) in deployment
    billing, etl, idle = blocks
    assert "44.4% (4 of 9 judged deadlines met)" in billing
    assert "p50 35m 00s, p90 55m 00s, max 55m 00s" in billing
    assert "p50 1h 05m 00s, p90 1h 45m 00s, max 1h 45m 00s" in etl
    assert "No deadline in the period." in idle


def test_text_wraps_long_monitor_and_run_names() -> None:
    name = "nightly.warehouse-load_" + "x" * 41  # 64 characters, the longest allowed
    run = "r" * 80  # Step Functions' longest execution name
    outcomes = [deadline(name, 3, LATE, -15, 105, run=run)]
    text = render(build_report("d" * 64, {name: outcomes}, START, END), "text")
    assert max(len(line) for line in text.splitlines()) <= 100
    # ranked, the roll-up's margin and day, its heading; the roll-up's margin and its own
    assert (text.count(name), text.count(run)) == (4, 2)


class Page(HTMLParser):
    """What the test reads of the page: nesting, sections, marks and every attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.section = ""
        self.texts: dict[str, list[str]] = {}
        self.svgs: Counter[str] = Counter()
        self.titles: Counter[str] = Counter()  # tooltips: <title> inside an svg
        self.marks: dict[str, list[tuple[str, str]]] = {}  # (tag, outcome) by section

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes += attrs
        values = {key: value or "" for key, value in attrs}
        if tag == "section":
            self.section = values["id"]
        self.svgs[self.section] += tag == "svg"
        self.titles[self.section] += tag == "title" and "svg" in self.open
        if values.get("class", "").startswith("mark "):
            self.marks.setdefault(self.section, []).append((tag, values["class"][5:]))
        if tag != "meta":  # the page's one void element
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open.pop() == tag
        self.section = "" if tag == "section" else self.section

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes += attrs

    def handle_data(self, data: str) -> None:
        self.texts.setdefault(self.section, []).append(data)


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    assert parser.open == []
    return parser


def test_html_is_one_self_contained_page_with_a_chart_a_monitor() -> None:
    page = render(hand_worked(), "html")
    parsed = parse(page)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*https?:|url\(""", page)
    assert not re.search(r"<(?:script|link|img|iframe)\b", page)
    assert all(not (value or "").startswith("http") for key, value in parsed.attributes
               if key != "xmlns")  # fmt: skip
    assert +parsed.svgs == {f"monitor-{name}": 1 for name in NAMES}
    for name, outcomes in (("billing", BILLING), ("etl-daily", ETL), ("idle", [])):
        section = f"monitor-{name}"
        marks = parsed.marks.get(section, [])
        assert (len(marks), parsed.titles[section]) == (len(outcomes), len(outcomes))
        by_outcome = Counter(outcome for _, outcome in marks)
        assert tuple(by_outcome[o] for o in OUTCOMES) == COUNTS[name]
        # No finish time: a square in the band; a finish: a dot.
        banded = (MISSING, FAILED, UNKNOWN, SKIPPED)
        assert all((tag == "rect") == (o in banded) for tag, o in marks)
        text = " ".join(parsed.texts[section])
        assert name in text
        assert PERCENT[name] in text
        for figure in WORDS.get(name, ()):
            assert figure in text
    everything = " ".join(parsed.texts["all-monitors"])
    assert all(figure in everything for figure in (PERCENT["*"], *WORDS["*"]))
    assert f'href="#monitor-{NAMES[0]}"' in page


def test_html_and_markdown_escape_names_from_outside() -> None:
    outcomes = [deadline("a<b", 3, LATE, -15, 105, run='<img src="http://x">&|')]
    report = build_report("<dep>", {"a<b": outcomes}, START, END)
    page = render(report, "html")
    assert "<img" not in page and "a<b" not in page and "<dep>" not in page
    parsed = parse(page)
    assert +parsed.svgs == {"monitor-a<b": 1}
    text = " ".join(parsed.texts["monitor-a<b"])
    assert "a<b" in text and '<img src="http://x">&|' in text
    markdown = render(report, "markdown")
    assert "<img" not in markdown and "a<b" not in markdown
    assert all(len({len(row) for row in table}) == 1 for table in markdown_tables(markdown))
