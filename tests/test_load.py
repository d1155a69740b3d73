"""Checks falling due at once against Step Functions' token-bucket throttling: every
check reaches its verdict, none is lost, none cries ERROR, and every alert due is
published exactly once.

Scaled down for the suite (100 checks, 110 deliveries; botocore giving up after 2
attempts; Lambda's retries after 1 and 2 minutes) and on a stopped clock: time passes
only between Lambda's attempts, so the outcome is the same however fast this machine
runs the checks. In real time it was not: with a bucket of 20 refilled at 5 a second,
about the rate at which 2 cores run these checks, one run in two lost a check. The
bucket starts drained, so every first attempt is throttled beyond botocore's retries and
Lambda's retries are needed; it refills at 2 a second, 120 calls before the first retry
and 240 before the second, more than the 2 calls each delivery may need. `make
load-test` runs 1,000 checks in real time with AWS's figures. The figures are printed,
not asserted: performance is reported by `make load-test` and `make bench`, not judged
by a timed test.
"""

from __future__ import annotations

import pytest

from dev import load_test

# 1,000 checks at once: 23 s of CPU time (make quick leaves it to make test).
pytestmark = pytest.mark.slow


def test_a_burst_of_checks_loses_nothing_under_throttling(
    capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    result = load_test.run(
        checks=100,
        workers=50,
        bucket=(300, 2.0),
        retry_delays=(60.0, 120.0),
        drained=True,
        stopped_clock=True,
    )
    with capsys.disabled():
        print("\n" + load_test.report(result))
    assert result.problems() == []
    assert result.verdicts == {"OK": 25, "FAILED": 25, "LATE": 25, "MISSING": 25}
    assert result.alerts_published == result.alerts_expected == 75
    assert result.throttled_calls > 0  # the bucket ran dry ...
    assert result.lambda_retries > 0  # ... beyond botocore's retries
