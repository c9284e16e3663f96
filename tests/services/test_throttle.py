"""The slow-down rule for repeated misses."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from services.throttle import ThrottlePolicy, shared_wait_seconds, wait_seconds

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
POLICY = ThrottlePolicy(free_attempts=3, window=timedelta(minutes=15), max_wait_seconds=60)


def ago(*seconds):
    return [NOW - timedelta(seconds=s) for s in seconds]


@pytest.mark.parametrize(
    "failures, expected",
    [
        ([], 0),
        (ago(1, 2), 0),  # within the free attempts
        (ago(0, 1, 2), 1),  # 3rd miss: wait 1 s
        (ago(0, 1, 2, 3), 2),  # 4th: 2 s
        (ago(0, 1, 2, 3, 4, 5), 8),  # doubling
        (ago(*range(20)), 60),  # capped
        (ago(10, 11, 12), 0),  # the wait has passed
        (ago(2000, 2001, 2002, 2003), 0),  # outside the window: forgotten
    ],
)
def test_wait_grows_with_recent_misses(failures, expected):
    assert wait_seconds(POLICY, failures, NOW) == expected


@pytest.mark.parametrize(
    "shared, own, expected",
    [
        (ago(*range(10)), [], 0),  # a client without misses of its own is never held
        (ago(*range(10)), ago(0), 60),  # many misses for the username, and one of its own: capped
        (ago(*range(3)), ago(0), 1),  # just past the free attempts
        (ago(*range(2)), ago(0), 0),  # within them
        (ago(*range(10)), ago(59), 1),  # counted from its own last miss ...
        (ago(*range(10)), ago(60), 0),  # ... so others' later misses do not renew it
        (ago(*range(10)), ago(2000), 0),  # its own miss is outside the window: forgotten
    ],
)
def test_a_shared_count_only_slows_a_client_with_misses_of_its_own(shared, own, expected):
    assert shared_wait_seconds(POLICY, shared, own, NOW) == expected
