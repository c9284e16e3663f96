"""Account repository functions on a migrated database: accounts, scope, sessions, audit, failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db import Account, AccountScope, AuditLog, SignIn, UsernameTaken
from db import accounts as db_accounts
from db.models import LookupFailure
from db.org_models import Organisation
from tests.support.organisations import add_two_organisations

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def orgs(session: Session) -> dict[str, int]:
    """Two organisations with two teams each: ids by name."""
    with session.begin():
        return add_two_organisations(session)


def _account(session: Session, name: str = "anna", role: str = "manager") -> Account:
    return db_accounts.add_account(session, username=name, password_hash="$argon2id$x", role=role)


# --- accounts -----------------------------------------------------------------------------


def test_add_and_find_an_account(session: Session) -> None:
    with session.begin():
        account = _account(session)
    with session.begin():
        found = db_accounts.find_account(session, username="anna")
        assert found is not None and found.id == account.id
        assert found.active is True and found.last_login_at is None
        assert found.created_at.tzinfo is not None
        assert db_accounts.get_account(session, account_id=account.id) is found
        assert db_accounts.find_account(session, username="nobody") is None


def test_a_taken_username_is_refused_and_the_transaction_goes_on(session: Session) -> None:
    with session.begin():
        _account(session)
        with pytest.raises(UsernameTaken):
            _account(session, role="facilitator")
        _account(session, "bert")
    with session.begin():
        assert [a.username for a in db_accounts.list_accounts(session)] == ["anna", "bert"]


def test_an_unknown_role_is_refused_by_the_database(session: Session) -> None:
    with pytest.raises(IntegrityError), session.begin():
        _account(session, role="owner")


def test_count_active_admins(session: Session) -> None:
    with session.begin():
        assert db_accounts.count_active_admins(session) == 0
        _account(session, "m", "manager")
        first = _account(session, "a1", "admin")
        _account(session, "a2", "admin")
        assert db_accounts.count_active_admins(session) == 2
        first.active = False
        session.flush()
        assert db_accounts.count_active_admins(session) == 1


# --- scope --------------------------------------------------------------------------------


def test_scope_round_trip(session: Session, orgs: dict[str, int]) -> None:
    north, south = orgs["north"], orgs["south"]
    with session.begin():
        anna, bert = _account(session), _account(session, "bert")
        db_accounts.set_scope(
            session, account_id=anna.id, scope={north: None, south: [orgs["south.a"], orgs["south.b"]]}
        )
        scopes = db_accounts.scopes_of(session, account_ids=[anna.id, bert.id])
    assert scopes == {
        anna.id: {north: None, south: frozenset({orgs["south.a"], orgs["south.b"]})},
        bert.id: {},
    }


def test_set_scope_replaces_the_old_one(session: Session, orgs: dict[str, int]) -> None:
    with session.begin():
        anna = _account(session)
        db_accounts.set_scope(session, account_id=anna.id, scope={orgs["north"]: None})
        db_accounts.set_scope(session, account_id=anna.id, scope={orgs["south"]: [orgs["south.b"]]})
        scope = db_accounts.scopes_of(session, account_ids=[anna.id])[anna.id]
    assert scope == {orgs["south"]: frozenset({orgs["south.b"]})}


def test_an_empty_team_list_is_refused(session: Session, orgs: dict[str, int]) -> None:
    with session.begin():
        anna = _account(session)
        with pytest.raises(ValueError, match="at least one team"):
            db_accounts.set_scope(session, account_id=anna.id, scope={orgs["north"]: []})


def test_the_whole_organisation_wins_over_single_teams(session: Session, orgs: dict[str, int]) -> None:
    with session.begin():
        anna = _account(session)
        db_accounts.set_scope(session, account_id=anna.id, scope={orgs["north"]: [orgs["north.a"]]})
        session.add(AccountScope(account_id=anna.id, organisation_id=orgs["north"], team_id=None))
        session.flush()
        assert db_accounts.scopes_of(session, account_ids=[anna.id])[anna.id] == {orgs["north"]: None}


def test_teams_outside_their_organisation(session: Session, orgs: dict[str, int]) -> None:
    with session.begin():
        scope = {orgs["north"]: [orgs["north.a"], orgs["south.b"]], orgs["south"]: None}
        assert db_accounts.teams_outside_their_organisation(session, scope=scope) == [(orgs["north"], orgs["south.b"])]
        assert db_accounts.teams_outside_their_organisation(session, scope={orgs["north"]: None}) == []


def test_a_scope_naming_a_missing_organisation_fails(session: Session) -> None:
    with pytest.raises(IntegrityError), session.begin():
        anna = _account(session)
        db_accounts.set_scope(session, account_id=anna.id, scope={999: None})


# --- sign-ins ---------------------------------------------------------------------


def test_sessions_found_by_hash_and_deleted(session: Session) -> None:
    with session.begin():
        anna, bert = _account(session), _account(session, "bert")
        for token_hash, account, hours in (("h1", anna, 8), ("h2", anna, -1), ("h3", bert, 8)):
            db_accounts.add_sign_in(
                session,
                token_hash=token_hash,
                account_id=account.id,
                created_at=NOW,
                expires_at=NOW + timedelta(hours=hours),
            )
    with session.begin():
        assert db_accounts.find_sign_in(session, token_hash="h1").account_id == anna.id
        assert db_accounts.find_sign_in(session, token_hash="nope") is None
        assert db_accounts.delete_expired_sign_ins(session, now=NOW) == 1  # h2
        assert db_accounts.delete_sign_in(session, token_hash="h3") == 1
        assert db_accounts.delete_account_sign_ins(session, account_id=anna.id) == 1
        assert session.scalars(select(SignIn)).all() == []


def test_a_token_hash_is_unique(session: Session) -> None:
    with pytest.raises(IntegrityError), session.begin():
        anna = _account(session)
        for _ in range(2):
            db_accounts.add_sign_in(session, token_hash="same", account_id=anna.id, created_at=NOW, expires_at=NOW)


# --- audit log and deleting accounts ------------------------------------------------------


def test_audit_entries_newest_first(session: Session) -> None:
    with session.begin():
        anna = _account(session, role="admin")
        db_accounts.add_audit(session, actor_id=None, action="first", detail={"n": 1}, at=NOW)
        db_accounts.add_audit(
            session, actor_id=anna.id, action="second", detail={"n": 2}, at=NOW + timedelta(seconds=1)
        )
    with session.begin():
        entries = db_accounts.audit_entries(session, limit=10)
        assert [(e.action, e.account_id, e.detail) for e in entries] == [
            ("second", anna.id, {"n": 2}),
            ("first", None, {"n": 1}),
        ]
        assert len(db_accounts.audit_entries(session, limit=1)) == 1


def test_deleting_an_account_keeps_its_log_and_drops_its_sessions(session: Session, orgs: dict[str, int]) -> None:
    with session.begin():
        anna = _account(session)
        db_accounts.set_scope(session, account_id=anna.id, scope={orgs["north"]: None})
        db_accounts.add_sign_in(session, token_hash="h", account_id=anna.id, created_at=NOW, expires_at=NOW)
        db_accounts.add_audit(session, actor_id=anna.id, action="x", detail={})
    with session.begin():
        session.delete(db_accounts.get_account(session, account_id=anna.id))
    with session.begin():
        assert session.scalars(select(SignIn)).all() == []
        assert db_accounts.scopes_of(session, account_ids=[anna.id]) == {anna.id: {}}
        assert session.scalar(select(AuditLog.account_id)) is None


def test_deleting_an_organisation_drops_it_from_scopes(session: Session, orgs: dict[str, int]) -> None:
    with session.begin():
        anna = _account(session)
        db_accounts.set_scope(session, account_id=anna.id, scope={orgs["north"]: None, orgs["south"]: None})
    with session.begin():
        session.delete(session.get(Organisation, orgs["north"]))
    with session.begin():
        assert db_accounts.scopes_of(session, account_ids=[anna.id])[anna.id] == {orgs["south"]: None}


# --- failed sign-ins ----------------------------------------------------------------------


def test_login_failures_added_taken_back_and_cleared(session: Session) -> None:
    with session.begin():
        first = db_accounts.add_lookup_failure(session, scope="login", client_key="user:x", at=NOW)
        db_accounts.add_lookup_failure(session, scope="login", client_key="user:x", at=NOW)
        db_accounts.add_lookup_failure(session, scope="login", client_key="client:y", at=NOW)
        db_accounts.add_lookup_failure(session, scope="resume", client_key="user:x", at=NOW)
    with session.begin():
        assert db_accounts.delete_lookup_failures(session, ids=[first]) == 1
        assert db_accounts.clear_lookup_failures(session, scope="login", client_key="user:x") == 1
        left = session.execute(select(LookupFailure.scope, LookupFailure.client_key)).all()
    assert sorted(left) == [("login", "client:y"), ("resume", "user:x")]


# --- schema -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "unique_name"),
    [
        ("account", "uq_account_username"),
        ("auth_session", "uq_auth_session_token_hash"),
    ],
)
def test_account_unique_constraints(fresh_db: Engine, table: str, unique_name: str) -> None:
    assert unique_name in {u["name"] for u in inspect(fresh_db).get_unique_constraints(table)}
