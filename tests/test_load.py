"""1,000 monitors whose checks fire in the same minute, under injected throttling:
every check reaches its verdict and every alert due is published exactly once.

The figures (wall time, retries) are printed, not asserted: performance is reported by
`make load-test` and `make bench`, not judged by a timed test.
"""

from __future__ import annotations

import pytest

from dev import load_test


def test_burst_of_checks_loses_nothing(capsys: pytest.CaptureFixture) -> None:
    result = load_test.run(checks=1000)
    with capsys.disabled():
        print("\n" + load_test.report(result))
    assert result.problems() == []
    assert result.verdicts == {"OK": 250, "FAILED": 250, "LATE": 250, "MISSING": 250}
    assert result.alerts_published == result.alerts_expected == 750
    assert result.throttles_injected == 999  # 0, 1 or 2 per state machine
    assert result.retries == result.throttles_injected  # each throttle retried, none lost
