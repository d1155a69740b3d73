"""Committed files that a script writes are what the script writes today: a stale one
fails here, not in a reader's hands (`make docs` rewrites them)."""

from __future__ import annotations

from dev import aws_limits, timezones


def test_the_timezone_table_is_what_the_pinned_tzdata_gives() -> None:
    assert timezones.OUTPUT.read_text() == timezones.render(), "run `make docs`"


def test_the_aws_limits_doc_is_what_the_limits_table_gives() -> None:
    assert aws_limits.DOC.read_text() == aws_limits.render(), "run `make docs`"
