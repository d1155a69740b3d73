"""Checks falling due at once against Step Functions' token-bucket throttling: every
check reaches its verdict, none is lost, none cries ERROR, and every alert due is
published exactly once.

Scaled down for the suite (100 checks, a bucket of 20 refilled at 5 a second, botocore
giving up after 2 attempts, Lambda's retries after 5 and 20 seconds) so that throttling
outlasts botocore's retries and Lambda's retries are needed; `make load-test` runs 1,000
checks with AWS's figures. The figures are printed, not asserted: performance is
reported by `make load-test` and `make bench`, not judged by a timed test.
"""

from __future__ import annotations

import pytest

from dev import load_test


def test_a_burst_of_checks_loses_nothing_under_throttling(
    capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    result = load_test.run(checks=100, workers=50, bucket=(20, 5.0), retry_delays=(5.0, 20.0))
    with capsys.disabled():
        print("\n" + load_test.report(result))
    assert result.problems() == []
    assert result.verdicts == {"OK": 25, "FAILED": 25, "LATE": 25, "MISSING": 25}
    assert result.alerts_published == result.alerts_expected == 75
    assert result.throttled_calls > 0  # the bucket ran dry ...
    assert result.lambda_retries > 0  # ... beyond botocore's retries
