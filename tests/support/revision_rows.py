"""Rows that fit the schema of each earlier revision, for the upgrade tests in tests/db/test_migrations.py.

Each table is written through a lightweight table holding only the columns of the revision that
created it (written in plain SQL terms, not through today's models, which may have moved on), and
read back through the same columns, so that "every row is still there and unchanged" compares like
with like. Revision names sort in order ("0001" < "0002" < ...).
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

AT = datetime(2025, 12, 1, 9, 30, tzinfo=UTC)
LATER = datetime(2026, 1, 20, 14, 0, tzinfo=UTC)
HASH = "f" * 64

_TYPES = {
    "created_at": sa.DateTime(timezone=True),
    "updated_at": sa.DateTime(timezone=True),
    "opens_at": sa.DateTime(timezone=True),
    "closes_at": sa.DateTime(timezone=True),
    "expires_at": sa.DateTime(timezone=True),
    "last_login_at": sa.DateTime(timezone=True),
    "at": sa.DateTime(timezone=True),
    "answers": sa.JSON(),
    "detail": sa.JSON(),
    "active": sa.Boolean(),
    "not_applicable": sa.Boolean(),
}


def _table(name: str, *columns: str) -> sa.TableClause:
    return sa.table(name, *(sa.column(c, _TYPES.get(c)) for c in columns))


# Tables by the revision that created them, with that revision's columns, in insert order.
TABLES: dict[str, dict[str, sa.TableClause]] = {
    "0001": {
        "respondent": _table("respondent", "id", "code_hash", "created_at"),
        "intervention": _table("intervention", "id", "name", "active", "created_at"),
        "response": _table(
            "response",
            "id",
            "submission_token",
            "respondent_id",
            "instrument_id",
            "instrument_version",
            "instrument_hash",
            "language",
            "intervention",
            "role",
            "created_at",
        ),
        "response_answer": _table("response_answer", "response_id", "item_id", "value", "not_applicable"),
        "response_score": _table("response_score", "response_id", "key", "value", "status"),
        "draft": _table(
            "draft",
            "id",
            "token",
            "respondent_id",
            "instrument_hash",
            "language",
            "intervention",
            "role",
            "answers",
            "step",
            "created_at",
            "updated_at",
            "submitted_response_id",
        ),
        "lookup_failure": _table("lookup_failure", "id", "scope", "client_key", "created_at"),
    },
    "0002": {
        "organisation": _table("organisation", "id", "name", "min_group_size", "comment_min_group_size", "created_at"),
        "team": _table("team", "id", "organisation_id", "name", "size"),
        "survey_round": _table(
            "survey_round",
            "id",
            "organisation_id",
            "intervention_id",
            "name",
            "opens_at",
            "closes_at",
            "instrument_hash",
            "created_at",
        ),
        "round_team": _table("round_team", "id", "round_id", "team_id", "token_hash"),
        "response_tally": _table("response_tally", "organisation_id", "team_id", "round_id", "role", "n"),
        "score_tally": _table(
            "score_tally", "organisation_id", "team_id", "round_id", "role", "key", "n", "total", "total_sq"
        ),
        "answer_tally": _table(
            "answer_tally", "organisation_id", "team_id", "round_id", "role", "item_id", "value", "count"
        ),
    },
    "0003": {
        "account": _table(
            "account", "id", "username", "password_hash", "role", "active", "created_at", "last_login_at"
        ),
        "account_scope": _table("account_scope", "id", "account_id", "organisation_id", "team_id"),
        "auth_session": _table("auth_session", "id", "token_hash", "account_id", "created_at", "expires_at"),
        "audit_log": _table("audit_log", "id", "at", "account_id", "action", "detail"),
    },
}
# Columns that later revisions added to tables created earlier: (revision, table) -> columns.
ADDED_COLUMNS = {
    ("0002", "intervention"): ("organisation_id",),
    ("0002", "response"): ("organisation_id", "team_id", "round_id"),
}


# An order the foreign keys accept.
INSERT_ORDER = (
    "respondent",
    "organisation",
    "team",
    "intervention",
    "survey_round",
    "round_team",
    "response",
    "response_answer",
    "response_score",
    "draft",
    "lookup_failure",
    "response_tally",
    "score_tally",
    "answer_tally",
    "account",
    "account_scope",
    "auth_session",
    "audit_log",
)


def tables_at(revision: str) -> dict[str, sa.TableClause]:
    """Every table a database at `revision` has (of those filled here), with its columns then, in
    INSERT_ORDER."""
    tables: dict[str, sa.TableClause] = {}
    for created, created_tables in TABLES.items():
        if created <= revision:
            tables.update(created_tables)
    for (added, name), columns in ADDED_COLUMNS.items():
        if added <= revision:
            old = tables[name]
            tables[name] = _table(name, *old.c.keys(), *columns)
    return {name: tables[name] for name in INSERT_ORDER if name in tables}


def _response(rid: int, respondent_id: int | None, role: str | None, **attribution: int) -> dict:
    return {
        "id": rid,
        "submission_token": f"sub-{rid}",
        "respondent_id": respondent_id,
        "instrument_id": "valuematch",
        "instrument_version": "1.0",
        "instrument_hash": HASH,
        "language": "nl",
        "intervention": "Mood app",
        "role": role,
        "created_at": AT,
        **attribution,
    }


def _answers(rids: range) -> list[dict]:
    return [
        {"response_id": rid, "item_id": item, "value": value, "not_applicable": value is None}
        for rid in rids
        for item, value in (("ca1", rid % 5 + 1), ("ca2", None), ("tn1", 5))
    ]


def _scores(rids: range) -> list[dict]:
    # Values that a careless type change would alter: thirds, negatives, the edges of the scale.
    return [
        {"response_id": rid, "key": key, "value": value, "status": status}
        for rid in rids
        for key, value, status in (
            ("alignment_index", 12.5 * rid - 60, "ok"),
            ("domain:client_autonomy", 100 / 3, "ok"),
            ("domain:financial_benefit", None, "not_enough"),
            ("gap:helping_people", -100.0 if rid % 2 else 100.0, "ok"),
        )
    ]


ROWS_0001: dict[str, list[dict]] = {
    "respondent": [
        {"id": 1, "code_hash": "a" * 64, "created_at": AT},
        {"id": 2, "code_hash": "b" * 64, "created_at": AT},
    ],
    "intervention": [
        {"id": 1, "name": "Mood app", "active": True, "created_at": AT},
        {"id": 2, "name": "Old portal", "active": False, "created_at": AT},
    ],
    "response": [_response(1, 1, "nurse"), _response(2, None, None), _response(3, 2, "")],
    "response_answer": _answers(range(1, 4)),
    "response_score": _scores(range(1, 4)),
    "draft": [
        {
            "id": 1,
            "token": "draft-submitted",
            "respondent_id": 1,
            "instrument_hash": HASH,
            "language": "nl",
            "intervention": "Mood app",
            "role": "nurse",
            "answers": {"ca1": 1, "ca2": "na"},
            "step": 2,
            "created_at": AT,
            "updated_at": AT,
            "submitted_response_id": 1,
        },
        {
            "id": 2,
            "token": "draft-open",
            "respondent_id": 2,
            "instrument_hash": HASH,
            "language": "en",
            "intervention": None,
            "role": None,
            "answers": {},
            "step": 0,
            "created_at": AT,
            "updated_at": AT,
            "submitted_response_id": None,
        },
    ],
    "lookup_failure": [{"id": 1, "scope": "resume", "client_key": "ip:1", "created_at": AT}],
}

# From 0002: an organisation with two teams and a round; responses 4..7 came in through it.
ATTRIBUTED = range(4, 8)
_NORTH = {"organisation_id": 1, "round_id": 1}
ROWS_0002: dict[str, list[dict]] = {
    "organisation": [
        {"id": 1, "name": "Zorggroep Noord", "min_group_size": 3, "comment_min_group_size": 10, "created_at": AT}
    ],
    "team": [
        {"id": 1, "organisation_id": 1, "name": "A", "size": 12},
        {"id": 2, "organisation_id": 1, "name": "B", "size": None},
    ],
    "intervention": [{"id": 3, "name": "Mood app", "active": True, "created_at": AT, "organisation_id": 1}],
    "survey_round": [
        {
            "id": 1,
            "organisation_id": 1,
            "intervention_id": 3,
            "name": "Spring",
            "opens_at": AT,
            "closes_at": LATER,
            "instrument_hash": HASH,
            "created_at": AT,
        }
    ],
    "round_team": [
        {"id": 1, "round_id": 1, "team_id": 1, "token_hash": "c" * 64},
        {"id": 2, "round_id": 1, "team_id": 2, "token_hash": "d" * 64},
    ],
    "response": [_response(rid, None, "nurse", team_id=1 + rid % 2, **_NORTH) for rid in ATTRIBUTED],
    "response_answer": _answers(ATTRIBUTED),
    "response_score": _scores(ATTRIBUTED),
    "response_tally": [{**_NORTH, "team_id": team, "role": "nurse", "n": 2} for team in (1, 2)],
    # Team 1 holds responses 4 and 6: alignment index -10 and 15.
    "score_tally": [
        {
            **_NORTH,
            "team_id": 1,
            "role": "nurse",
            "key": "alignment_index",
            "n": 2,
            "total": -10.0 + 15.0,
            "total_sq": 100.0 + 225.0,
        }
    ],
    "answer_tally": [{**_NORTH, "team_id": 1, "role": "nurse", "item_id": "tn1", "value": 5, "count": 2}],
}

ROWS_0003: dict[str, list[dict]] = {
    "account": [
        {
            "id": 1,
            "username": "anna",
            "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
            "role": "admin",
            "active": True,
            "created_at": AT,
            "last_login_at": LATER,
        },
        {
            "id": 2,
            "username": "mia",
            "password_hash": None,
            "role": "manager",
            "active": False,
            "created_at": AT,
            "last_login_at": None,
        },
    ],
    "account_scope": [
        {"id": 1, "account_id": 2, "organisation_id": 1, "team_id": None},
        {"id": 2, "account_id": 2, "organisation_id": 1, "team_id": 2},
    ],
    "auth_session": [{"id": 1, "token_hash": "e" * 64, "account_id": 1, "created_at": AT, "expires_at": LATER}],
    "audit_log": [
        {
            "id": 1,
            "at": AT,
            "account_id": 1,
            "action": "account_created",
            "detail": {"username": "mia", "scope": {"1": [2]}},
        }
    ],
}

_ROWS_FROM = {"0001": ROWS_0001, "0002": ROWS_0002, "0003": ROWS_0003}


def rows_at(revision: str) -> dict[str, list[dict]]:
    """The rows to store in a database at `revision`, by table, in INSERT_ORDER."""
    tables = tables_at(revision)
    rows: dict[str, list[dict]] = {name: [] for name in tables}
    for since, by_table in _ROWS_FROM.items():
        if since <= revision:
            for name, table_rows in by_table.items():
                rows[name] += table_rows
    # Rows written before a column existed get it as NULL, as the upgrade leaves them.
    return {
        name: [{c.key: row.get(c.key) for c in tables[name].c} for row in table_rows]
        for name, table_rows in rows.items()
    }


def fill(connection: sa.Connection, revision: str) -> None:
    """Store rows_at(revision) in a database at `revision`."""
    tables = tables_at(revision)
    for name, table_rows in rows_at(revision).items():
        if table_rows:
            connection.execute(sa.insert(tables[name]), table_rows)


def snapshot(connection: sa.Connection, revision: str) -> dict[str, list[tuple]]:
    """Every row of the tables known at `revision`, through that revision's columns, in key order."""
    result = {}
    for name, table in tables_at(revision).items():
        # JSON cannot be ordered by (PostgreSQL); every table's key is among the other columns.
        ordering = [c for c in table.c if not isinstance(c.type, sa.JSON)]
        result[name] = [tuple(row) for row in connection.execute(sa.select(table).order_by(*ordering))]
    return result
