"""Guesses sent at the same moment are counted one after another, on each backend: the slow-down
cannot be sidestepped by sending many tries at once (from one app server or several)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services import throttle
from services.accounts import auth
from services.errors import LoginFailed, NotFound, TooManyAttempts
from services.respond import questionnaire, workshop_join
from tests.support.overlap import hold_first_call, in_background

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DEVICE = "d" * 32


def wrong_password(rt):
    auth.login(rt, "nobody", "wrong password!", "attacker", now=T0)


def wrong_resume_code(rt):
    questionnaire.resume(rt, resume_code="AAAA-BBBB-CCCC-DDDD", client_key="attacker")


def wrong_join_code(rt):
    workshop_join.join(rt, "ZZZZZZ", DEVICE, "attacker", now=T0)


@pytest.fixture
def rt(make_runtime, monkeypatch):
    monkeypatch.setattr(questionnaire, "_now", lambda: T0)
    return make_runtime(login_free_attempts=1, resume_free_attempts=1)


@pytest.mark.parametrize(
    "guess, miss",
    [
        (wrong_password, LoginFailed),
        (wrong_resume_code, NotFound),
        (wrong_join_code, NotFound),
    ],
)
def test_a_guess_sent_during_another_waits_for_its_count(rt, monkeypatch, guess, miss):
    """One free try: the first guess is held after it read the count (nothing yet) and before it
    records its miss; a second guess meanwhile must see that miss and be told to wait."""
    first_is_held, other_done = hold_first_call(monkeypatch, throttle, "wait_seconds")
    first_done = in_background(lambda: guess(rt))
    assert first_is_held.wait(timeout=30)
    with pytest.raises(TooManyAttempts):
        guess(rt)
    other_done.set()
    with pytest.raises(miss):
        first_done()
