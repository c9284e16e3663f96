"""Failed lookups counted by the throttle (db/lookup_failures.py), on a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from db import delete_lookup_failures_before, recent_failures, record_lookup_failure

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("since_minutes_ago", "expected_minutes_ago"),
    [
        (60, [30, 10, 0]),
        (30, [30, 10, 0]),  # the window includes its start
        (15, [10, 0]),
        (0, [0]),
    ],
)
def test_failures_are_queried_by_time_window(
    session_factory, since_minutes_ago: int, expected_minutes_ago: list[int]
) -> None:
    with session_factory.begin() as session:
        for minutes in (0, 90, 30, 10):  # out of order on purpose
            at = NOW - timedelta(minutes=minutes)
            record_lookup_failure(session, scope="resume", client_key="ip:1", at=at)
        record_lookup_failure(session, scope="resume", client_key="ip:2", at=NOW)
        record_lookup_failure(session, scope="admin", client_key="ip:1", at=NOW)
    with session_factory() as session:
        since = NOW - timedelta(minutes=since_minutes_ago)
        times = recent_failures(session, scope="resume", client_key="ip:1", since=since)
    assert times == [NOW - timedelta(minutes=m) for m in expected_minutes_ago]


def test_failure_without_time_is_recorded_now(session) -> None:
    before = datetime.now(UTC)
    with session.begin():
        record_lookup_failure(session, scope="resume", client_key="ip:1")
    with session.begin():
        times = recent_failures(session, scope="resume", client_key="ip:1", since=before)
    assert len(times) == 1
    assert before <= times[0] <= datetime.now(UTC)


def test_old_failures_can_be_forgotten(session) -> None:
    with session.begin():
        for minutes in (120, 61, 5):
            at = NOW - timedelta(minutes=minutes)
            record_lookup_failure(session, scope="resume", client_key="ip:1", at=at)
    with session.begin():
        assert delete_lookup_failures_before(session, before=NOW - timedelta(hours=1)) == 2
    with session.begin():
        since = NOW - timedelta(days=1)
        times = recent_failures(session, scope="resume", client_key="ip:1", since=since)
    assert times == [NOW - timedelta(minutes=5)]
