"""Guesses sent at the same moment are counted one after another, on each backend: the slow-down
cannot be sidestepped by sending many tries at once (from one app server or several)."""
from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from services import assessments, auth, throttle, workshop_join
from services.errors import LoginFailed, NotFound, TooManyAttempts
from services.runtime import build_runtime
from services.settings import Settings

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DEVICE = "d" * 32


def wrong_password(rt):
    auth.login(rt, "nobody", "wrong password!", "attacker", now=T0)


def wrong_resume_code(rt):
    assessments.resume(rt, resume_code="AAAA-BBBB-CCCC-DDDD", client_key="attacker")


def wrong_join_code(rt):
    workshop_join.join(rt, "ZZZZZZ", DEVICE, "attacker", now=T0)


@pytest.fixture
def rt(migrated_database, monkeypatch):
    monkeypatch.setattr(assessments, "_now", lambda: T0)
    runtime = build_runtime(Settings(database_url=migrated_database, login_free_attempts=1,
                                     resume_free_attempts=1))
    yield runtime
    runtime.engine.dispose()


@pytest.mark.parametrize("guess, miss", [
    (wrong_password, LoginFailed),
    (wrong_resume_code, NotFound),
    (wrong_join_code, NotFound),
])
def test_a_guess_sent_during_another_waits_for_its_count(rt, monkeypatch, guess, miss):
    """One free try: the first guess is held after it read the count (nothing yet) and before it
    records its miss; a second guess meanwhile must see that miss and be told to wait."""
    first_has_counted, second_done = threading.Event(), threading.Event()
    calls = []
    count = throttle.wait_seconds

    def held_count(policy, failures, now):
        calls.append(len(failures))
        if len(calls) == 1:
            first_has_counted.set()
            second_done.wait(timeout=1.5)   # times out when the second guess waits for the first
        return count(policy, failures, now)
    monkeypatch.setattr(throttle, "wait_seconds", held_count)
    outcome = []

    def first():
        try:
            guess(rt)
        except Exception as exc:  # asserted below
            outcome.append(exc)
    thread = threading.Thread(target=first)
    thread.start()
    assert first_has_counted.wait(timeout=30)
    with pytest.raises(TooManyAttempts):
        guess(rt)
    second_done.set()
    thread.join()
    assert [type(exc) for exc in outcome] == [miss]
