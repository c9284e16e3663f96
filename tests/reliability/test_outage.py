"""A database that goes away and comes back: every service call in between raises the typed
Unavailable ("try again"), nothing submitted before is lost, nothing half stored, and the person's
retry on the same runtime (no app restart) stores the response exactly once."""

from __future__ import annotations

import random
import sqlite3

import psycopg
import pytest
from sqlalchemy import event

from services import db_errors, i18n
from services.errors import ServiceError, Unavailable
from services.respond import questionnaire
from services.runtime import build_runtime
from services.settings import Settings
from tests.reliability.survey import (
    answers_for,
    assert_stored_once,
    assert_tallies_match_raw_tables,
    draft_answered,
    open_round,
    stored_counts,
)


def _sqlite_error(cls, message: str, code: int):
    error = cls(message)
    error.sqlite_errorcode = code
    return error


@pytest.mark.parametrize(
    "dialect, error, disconnect, outage",
    [
        ("sqlite", _sqlite_error(sqlite3.OperationalError, "database is locked", 5), False, True),
        ("sqlite", _sqlite_error(sqlite3.OperationalError, "database table is locked", 6), False, True),
        ("sqlite", _sqlite_error(sqlite3.OperationalError, "database is locked", 517), False, True),  # BUSY_SNAPSHOT
        ("sqlite", _sqlite_error(sqlite3.OperationalError, "no such table: response", 1), False, False),
        ("sqlite", _sqlite_error(sqlite3.IntegrityError, "UNIQUE constraint failed", 2067), False, False),
        ("postgresql", psycopg.OperationalError("connection refused"), False, True),
        ("postgresql", psycopg.errors.AdminShutdown("terminating connection"), True, True),
        ("postgresql", psycopg.errors.CannotConnectNow("the database system is starting up"), False, True),
        ("postgresql", psycopg.errors.DeadlockDetected("deadlock detected"), False, True),
        ("postgresql", psycopg.errors.UniqueViolation("duplicate key"), False, False),
        ("postgresql", psycopg.errors.UndefinedTable("relation does not exist"), False, False),
        ("postgresql", psycopg.InterfaceError("the connection is closed"), True, True),
    ],
)
def test_which_database_errors_mean_try_again(dialect, error, disconnect, outage):
    operational = sqlite3.OperationalError if dialect == "sqlite" else psycopg.OperationalError
    assert (
        db_errors.is_outage(error, dialect=dialect, is_disconnect=disconnect, dbapi_operational=operational) is outage
    )


def test_the_message_is_plain_in_both_languages():
    error = Unavailable()
    assert isinstance(error, ServiceError) and str(error) == "try_again"
    assert "try again" in i18n.t(f"error.{error}", "en")
    assert "nog eens" in i18n.t(f"error.{error}", "nl")


def test_an_outage_says_try_again_and_the_retry_stores_once(outage):
    rt = build_runtime(Settings(database_url=outage.url), migrate=False)
    try:
        organisation_id, invites = open_round(rt)
        rng = random.Random(3)
        before = {}
        for number in range(4):
            answers = answers_for(rt, rng)
            token = draft_answered(rt, invite=invites[number % 2], answers=answers)
            before[token] = (questionnaire.submit(rt, token=token), answers)
        answers = answers_for(rt, rng)
        waiting = draft_answered(rt, invite=invites[0], answers=answers)

        outage.begin()
        for call in (
            lambda: questionnaire.submit(rt, token=waiting),
            lambda: questionnaire.submit(rt, token=waiting),  # the impatient second click
            lambda: questionnaire.load_draft(rt, waiting),
            lambda: questionnaire.save_answers(rt, token=waiting, answers={}, step=0),
            lambda: questionnaire.start_assessment(rt, language="en", intervention="App", role=None),
        ):
            with pytest.raises(Unavailable):
                call()
        outage.end()

        assert stored_counts(rt)["responses"] == len(before)
        response_id = questionnaire.submit(rt, token=waiting)
        assert questionnaire.submit(rt, token=waiting) == response_id
        assert_stored_once(rt, {**before, waiting: (response_id, answers)})
        assert_tallies_match_raw_tables(rt, organisation_id, attributed=len(before) + 1)
    finally:
        rt.engine.dispose()


def test_a_server_gone_during_the_submit_transaction_keeps_nothing_of_it(outage_cluster):
    """PostgreSQL shut down while the submit's rows are written but not committed."""
    cluster, databases = outage_cluster
    rt = build_runtime(Settings(database_url=databases.fresh()), migrate=False)
    try:
        organisation_id, invites = open_round(rt)
        answers = answers_for(rt, random.Random(4))
        token = draft_answered(rt, invite=invites[0], answers=answers)

        stopped = []

        def stop_before_commit(_connection) -> None:
            if not stopped:
                stopped.append(True)
                cluster.stop()

        event.listen(rt.engine, "commit", stop_before_commit)
        try:
            with pytest.raises(Unavailable):
                questionnaire.submit(rt, token=token)
        finally:
            event.remove(rt.engine, "commit", stop_before_commit)
            cluster.start()
        assert stopped

        assert stored_counts(rt)["responses"] == 0
        response_id = questionnaire.submit(rt, token=token)
        assert questionnaire.submit(rt, token=token) == response_id
        assert_stored_once(rt, {token: (response_id, answers)})
        assert_tallies_match_raw_tables(rt, organisation_id, attributed=1)
    finally:
        rt.engine.dispose()
