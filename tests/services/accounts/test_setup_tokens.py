"""The first admin by a set-up token: printed by the server while no admin exists, stored only as a
hash, valid once and for a while, on every server of the database (issue 14)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from db.account_models import Account, SetupToken
from services.accounts import auth, setup_tokens
from services.accounts.setup_tokens import Announcer, SetupTokenRefused
from services.errors import AdminExists
from tests.support.rows import count_rows

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def rt(make_runtime):
    return make_runtime(setup_token_minutes=60)


@pytest.fixture
def second_server(make_runtime, rt):
    """Another runtime (another app process) on the same database."""
    return make_runtime(setup_token_minutes=60)


def set_up(rt, token, *, now=T0, username="anna"):
    return auth.create_first_admin(rt, username, PASSWORD, setup_token=token, now=now)


def test_the_printed_token_creates_the_first_admin(rt):
    issued = setup_tokens.issue(rt, now=T0)
    assert set_up(rt, issued.token).role == "admin"
    assert count_rows(rt, SetupToken) == 0  # every token is gone with set-up


@pytest.mark.parametrize(
    "typed",
    [
        "",  # left empty
        "   ",
        "AAAA-BBBB-CCCC-DDDD-EEEE",  # made up
        "x" * 10_000,  # very long
    ],
)
def test_set_up_without_a_valid_token_is_refused_and_stores_nothing(rt, typed):
    setup_tokens.issue(rt, now=T0)
    with pytest.raises(SetupTokenRefused):
        set_up(rt, typed)
    assert (count_rows(rt, Account), count_rows(rt, SetupToken)) == (0, 1)
    assert auth.needs_first_admin(rt)


def test_a_token_may_be_typed_in_small_letters_and_spaces(rt):
    issued = setup_tokens.issue(rt, now=T0)
    set_up(rt, "  " + issued.token.lower().replace("-", " ") + " ")


def test_a_token_expires(rt):
    issued = setup_tokens.issue(rt, now=T0)
    with pytest.raises(SetupTokenRefused):
        set_up(rt, issued.token, now=T0 + timedelta(minutes=60))
    set_up(rt, issued.token, now=T0 + timedelta(minutes=59))


def test_a_token_works_once(rt):
    issued = setup_tokens.issue(rt, now=T0)
    set_up(rt, issued.token)
    with pytest.raises(AdminExists):
        set_up(rt, issued.token, username="bram")
    with rt.sessions.begin() as session:
        session.execute(Account.__table__.update().values(active=False))  # set-up opens again ...
    with pytest.raises(SetupTokenRefused):  # ... but not with the old token
        set_up(rt, issued.token, username="bram")


def test_a_token_printed_by_one_server_works_on_another(rt, second_server):
    setup_tokens.issue(rt, now=T0)  # each server prints its own token
    issued = setup_tokens.issue(second_server, now=T0)
    set_up(rt, issued.token)


def test_only_a_hash_of_the_token_is_stored(rt):
    issued = setup_tokens.issue(rt, now=T0)
    with rt.sessions.begin() as session:
        stored = session.scalars(select(SetupToken.token_hash)).one()
    assert issued.token not in stored and setup_tokens.normalise(issued.token) not in stored
    assert len(issued.token.replace("-", "")) == 20 and issued.token not in repr(issued)


def test_no_token_once_an_admin_exists(rt):
    auth.create_first_admin(rt, "anna", PASSWORD)  # manage.py create-admin: no token needed
    assert setup_tokens.issue(rt, now=T0) is None
    assert count_rows(rt, SetupToken) == 0


def test_the_server_prints_a_token_once_and_again_when_it_expired(rt):
    printed: list[str] = []
    announcer = Announcer(printed.append)
    first = announcer.announce(rt, now=T0)
    assert first is not None and first.token in printed[0] and "python manage.py setup-token" in printed[0]
    assert announcer.announce(rt, now=T0 + timedelta(minutes=59)) is None  # still valid: quiet
    second = announcer.announce(rt, now=T0 + timedelta(minutes=60))  # expired, still needed
    assert second is not None and second.token in printed[1] and second.token != first.token
    set_up(rt, second.token, now=T0 + timedelta(minutes=61))
    assert announcer.announce(rt, now=T0 + timedelta(minutes=200)) is None  # set up: never again
    assert len(printed) == 2
