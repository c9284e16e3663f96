"""Slow-down without lock-out: wrong passwords count per (username, client), per client and per
username, and a stranger's guesses never keep the owner's right password out (issue 14)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.accounts import auth
from services.errors import LoginFailed, TooManyAttempts

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
FREE, SHARED_FREE, USERNAME_CAP = 3, 6, 10


@pytest.fixture
def rt(make_runtime):
    runtime = make_runtime(
        login_free_attempts=FREE,
        login_shared_free_attempts=SHARED_FREE,
        login_window_minutes=15,
        login_max_wait_seconds=60,
        login_username_max_wait_seconds=USERNAME_CAP,
    )
    auth.create_first_admin(runtime, "anna", PASSWORD)
    return runtime


def guess(rt, now: datetime, username: str, client: str) -> datetime:
    """One wrong password, sent as soon as the slow-down lets it through; returns when it was sent."""
    while True:
        try:
            auth.login(rt, username, "wrong password!", client, now=now)
        except TooManyAttempts as exc:
            now += timedelta(seconds=exc.wait_seconds)
        except LoginFailed:
            return now


def misses(rt, now: datetime, plan: list[tuple[str, str, int]]) -> datetime:
    """Wrong passwords as planned ((username, client, how many), in turn); returns the clock after them."""
    for username, client, count in plan:
        for _ in range(count):
            now = guess(rt, now, username, client)
    return now


def outcome(rt, now: datetime, client: str) -> str:
    try:
        auth.login(rt, "anna", PASSWORD, client, now=now)
    except auth.UsernameSlowedDown as exc:
        assert 0 < exc.wait_seconds <= USERNAME_CAP  # a slow-down, never a lock-out
        return "slowed: many misses for the username"
    except TooManyAttempts:
        return "waits: this client's own misses"
    return "signed in"


BOTNET = [("anna", f"bot-{n}", 1) for n in range(30)]


@pytest.mark.parametrize(
    "plan, client, expected",
    [
        # A stranger's many wrong passwords for anna, from one client or from many: the owner's right
        # password from her own client (no misses of its own) signs in at once.
        ([("anna", "stranger", 20)], "office", "signed in"),
        (BOTNET, "office", "signed in"),
        # The stranger's own client is held by its own misses, right password or not.
        ([("anna", "stranger", 20)], "stranger", "waits: this client's own misses"),
        ([("anna", "office", FREE)], "office", "waits: this client's own misses"),
        ([("anna", "office", FREE - 1)], "office", "signed in"),
        # One client guessing across usernames is held for every username, anna's too; others are not.
        ([(f"guess{n}", "attacker", 1) for n in range(SHARED_FREE)], "attacker", "waits: this client's own misses"),
        ([(f"guess{n}", "attacker", 1) for n in range(SHARED_FREE)], "office", "signed in"),
        # Under attack, a client that itself typed a wrong password lately is only slowed a little.
        ([("anna", "stranger", 20), ("anna", "office", 1)], "office", "slowed: many misses for the username"),
        ([*BOTNET, ("anna", "office", 1)], "office", "slowed: many misses for the username"),
        # Without an attack, one typo of one's own costs nothing.
        ([("anna", "office", 1)], "office", "signed in"),
    ],
)
def test_who_waits_and_who_signs_in(rt, plan, client, expected):
    now = misses(rt, T0, plan)
    assert outcome(rt, now, client) == expected


def test_the_stranger_cannot_renew_the_owners_wait(rt):
    """The owner typed one wrong password during an attack; the stranger keeps guessing from many
    clients: the owner waits at most the username cap after her own miss, then signs in."""
    now = misses(rt, T0, BOTNET)
    owner_missed = guess(rt, now, "anna", "office")
    for n in range(20):
        guess(rt, owner_missed + timedelta(seconds=n % USERNAME_CAP), "anna", f"late-bot-{n}")
    assert outcome(rt, owner_missed + timedelta(seconds=1), "office") == "slowed: many misses for the username"
    assert outcome(rt, owner_missed + timedelta(seconds=USERNAME_CAP), "office") == "signed in"


def test_a_success_forgets_the_usernames_misses_but_not_the_clients(rt):
    now = misses(rt, T0, [("anna", "stranger", 20), ("anna", "office", 1)])
    now += timedelta(seconds=USERNAME_CAP)
    assert outcome(rt, now, "office") == "signed in"
    assert outcome(rt, now, "home") == "signed in"
    guess(rt, now, "anna", "home")
    assert outcome(rt, now, "home") == "signed in"  # the username's count was cleared
    assert outcome(rt, now, "stranger") == "waits: this client's own misses"


def test_the_owner_sees_a_clear_message_in_both_languages():
    from services import i18n

    english = i18n.t("staff.login_wait_username", "en", seconds=8)
    dutch = i18n.t("staff.login_wait_username", "nl", seconds=8)
    assert "not locked" in english and "8 seconds" in english
    assert "niet geblokkeerd" in dutch and "8 seconden" in dutch
