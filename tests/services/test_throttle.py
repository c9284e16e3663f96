"""The slow-down rule for repeated misses."""
from datetime import datetime, timedelta, timezone

import pytest

from services.throttle import ThrottlePolicy, wait_seconds

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)
POLICY = ThrottlePolicy(free_attempts=3, window=timedelta(minutes=15), max_wait_seconds=60)


def ago(*seconds):
    return [NOW - timedelta(seconds=s) for s in seconds]


@pytest.mark.parametrize("failures, expected", [
    ([], 0),
    (ago(1, 2), 0),                       # within the free attempts
    (ago(0, 1, 2), 1),                    # 3rd miss: wait 1 s
    (ago(0, 1, 2, 3), 2),                 # 4th: 2 s
    (ago(0, 1, 2, 3, 4, 5), 8),           # doubling
    (ago(*range(20)), 60),                # capped
    (ago(10, 11, 12), 0),                 # the wait has passed
    (ago(2000, 2001, 2002, 2003), 0),     # outside the window: forgotten
])
def test_wait_grows_with_recent_misses(failures, expected):
    assert wait_seconds(POLICY, failures, NOW) == expected
