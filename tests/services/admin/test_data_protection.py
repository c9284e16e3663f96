"""Retention and erasure (services/admin/data_protection.py, db/retention.py): the periods accepted, what a
purge and an erasure delete and keep, the tallies staying equal to the raw tables, dry runs, audit."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from db import (
    AuditLog,
    Draft,
    LookupFailure,
    Respondent,
    Response,
    Workshop,
    WorkshopParticipant,
    add_intervention,
    create_organisation,
    create_round,
    create_team,
    retention,
    snapshot,
)
from db import organisations as db_organisations
from db import responses as db_responses
from db.org_models import SurveyRound
from services.admin import data_protection
from services.errors import InvalidInput, NotFound
from services.respond import questionnaire
from services.respond.resume_codes import code_hash
from tests.support.filled import fill, table_rows
from tests.support.overlap import hold_first_call, in_background
from tests.support.tallies import alignment_bin

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
LONG_AGO = datetime.now(UTC) - timedelta(days=800)


# --- periods --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cutoff"),
    [
        ("365d", datetime(2025, 3, 31, 12, 0, tzinfo=UTC)),
        ("1d", datetime(2026, 3, 30, 12, 0, tzinfo=UTC)),
        ("26w", NOW - timedelta(weeks=26)),
        ("18m", datetime(2024, 9, 30, 12, 0, tzinfo=UTC)),
        ("1m", datetime(2026, 2, 28, 12, 0, tzinfo=UTC)),  # 31 March less a month: the last day of February
        ("25m", datetime(2024, 2, 29, 12, 0, tzinfo=UTC)),  # a leap year's February
        ("2y", datetime(2024, 3, 31, 12, 0, tzinfo=UTC)),
        (" 2y ", datetime(2024, 3, 31, 12, 0, tzinfo=UTC)),  # spaces around are forgiven
        ("100y", datetime(1926, 3, 31, 12, 0, tzinfo=UTC)),
    ],
)
def test_a_period_gives_its_cutoff(text, cutoff):
    assert data_protection.parse_period(text).cutoff(NOW) == cutoff


def test_a_year_back_from_29_february_is_28_february():
    assert data_protection.parse_period("1y").cutoff(datetime(2028, 2, 29, tzinfo=UTC)) == datetime(
        2027, 2, 28, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not a period"),
        ("365", "not a period"),  # no unit
        ("d", "not a period"),  # no number
        ("18 m", "not a period"),  # a space inside
        ("18M", "not a period"),  # minutes or months? refused rather than guessed
        ("1.5y", "not a period"),
        ("-5d", "not a period"),
        ("5 days", "not a period"),
        ("2y6m", "not a period"),
        ("1e3d", "not a period"),
        ("\u0663d", "not a period"),  # an Arabic-Indic digit three
        ("0d", "is zero"),
        ("101y", "longer than 100 years"),
        ("1300m", "longer than 100 years"),
        ("9999999d", "not a period"),
    ],
)
def test_other_forms_are_refused_with_the_accepted_ones_named(text, message):
    with pytest.raises(InvalidInput, match=message) as refused:
        data_protection.parse_period(text)
    if message == "not a period":
        assert "365d" in str(refused.value) and "18m" in str(refused.value) and "2y" in str(refused.value)


# --- the tallies stay equal to the raw tables --------------------------------------------------------


def named(rows: dict[str, list[tuple]], table: str) -> list[dict]:
    columns = snapshot_columns[table]
    return [dict(zip(columns, row, strict=True)) for row in rows[table]]


snapshot_columns = {table.name: table.columns.keys() for table in snapshot.data_tables()}
CELL = ("organisation_id", "team_id", "round_id", "role")


def tallies_from_raw(rows: dict[str, list[tuple]]) -> dict[str, dict]:
    """The three tally tables as they should be, counted in Python from the remaining responses."""
    cells = {
        r["id"]: (r["organisation_id"], r["team_id"], r["round_id"], r["role"] or "")
        for r in named(rows, "response")
        if r["organisation_id"] is not None
    }
    scores: dict[tuple, list[float]] = defaultdict(list)
    for r in named(rows, "response_score"):
        if r["response_id"] in cells and r["value"] is not None:
            scores[(*cells[r["response_id"]], r["key"])].append(r["value"])
            if r["key"] == "alignment_index":
                scores[(*cells[r["response_id"]], alignment_bin(r["value"]))].append(r["value"])
    answers = Counter(
        (*cells[r["response_id"]], r["item_id"], 0 if r["value"] is None else r["value"])
        for r in named(rows, "response_answer")
        if r["response_id"] in cells
    )
    return {
        "response_tally": dict(Counter(cells.values())),
        "score_tally": {key: (len(v), sum(v), sum(x * x for x in v)) for key, v in scores.items()},
        "answer_tally": dict(answers),
    }


def tallies_stored(rows: dict[str, list[tuple]]) -> dict[str, dict]:
    return {
        "response_tally": {tuple(r[c] for c in CELL): r["n"] for r in named(rows, "response_tally")},
        "score_tally": {
            (*(r[c] for c in CELL), r["key"]): (r["n"], r["total"], r["total_sq"]) for r in named(rows, "score_tally")
        },
        "answer_tally": {
            (*(r[c] for c in CELL), r["item_id"], r["value"]): r["count"] for r in named(rows, "answer_tally")
        },
    }


def assert_tallies_match_raw_tables(engine) -> None:
    rows = table_rows(engine)
    stored, expected = tallies_stored(rows), tallies_from_raw(rows)
    assert stored["response_tally"] == expected["response_tally"]
    assert stored["answer_tally"] == expected["answer_tally"]
    assert stored["score_tally"].keys() == expected["score_tally"].keys()
    for key, (n, total, total_sq) in expected["score_tally"].items():
        assert stored["score_tally"][key] == (n, pytest.approx(total), pytest.approx(total_sq)), key


# --- purge ------------------------------------------------------------------------------------------


@pytest.fixture
def aged(runtime):
    """The filled database with part of it made 800 days old (as time would), and an old empty round."""
    filled = fill(runtime)
    old_responses = filled.response_ids[1:4] + [filled.personal_response_id]
    with runtime.sessions.begin() as session:
        session.execute(update(Response).where(Response.id.in_(old_responses)).values(created_at=LONG_AGO))
        session.execute(update(Workshop).values(created_at=LONG_AGO))
        session.execute(update(Respondent).values(created_at=LONG_AGO))
        first_failure = session.scalar(select(func.min(LookupFailure.id)))
        session.execute(update(LookupFailure).where(LookupFailure.id == first_failure).values(created_at=LONG_AGO))
        team_id = db_organisations.list_teams(session, organisation_id=filled.organisation_id)[0].id
        intervention_id = session.scalar(select(SurveyRound.intervention_id))
        db_organisations.create_round(
            session,
            organisation_id=filled.organisation_id,
            intervention_id=intervention_id,
            name="Long ago",
            opens_at=LONG_AGO - timedelta(days=30),
            closes_at=LONG_AGO,
            instrument_hash=runtime.instrument.content_hash,
            team_ids=[team_id],
        )
    return filled, old_responses


def test_a_purge_deletes_what_is_older_and_keeps_the_rest(runtime, aged):
    filled, old_responses = aged
    before = table_rows(runtime.engine)
    done = data_protection.purge(runtime, older_than="365d")
    after = table_rows(runtime.engine)

    assert done.counts == {
        "responses": 4,
        "answers": sum(1 for r in before["response_answer"] if r[0] in old_responses),
        "scores": sum(1 for r in before["response_score"] if r[0] in old_responses),
        "drafts": 4 + 5,  # those the old responses were submitted from, and the old workshop's
        "workshop_sessions": 1,
        "workshop_participants": 5,
        "workshop_entries": 5,
        "workshop_actions": 1,
        "plan_actions": 0,  # the plan's one action is open: it stays however old (test_plan_retention.py)
        "plan_notes": 0,
        "plan_follow_ups": 0,
        "survey_rounds": 1,
        "invitations": 1,
        "respondents": 4,
        "lookup_failures": 1,
        "sign_in_sessions": 0,
    }
    assert {r[0] for r in after["response"]} == {r[0] for r in before["response"]} - set(old_responses)
    assert after["workshop_session"] == after["workshop_entry"] == after["workshop_round"] == []
    assert [r["name"] for r in named(after, "survey_round")] == ["Spring", "Autumn"]
    assert len(after["draft"]) == len(before["draft"]) - 9
    assert len(after["response"]) == len(before["response"]) - 4  # the workshop's newer answers stay
    # Still opens the respondent's newer draft and response: the first respondent kept what is newer.
    found = questionnaire.resume(runtime, resume_code=filled.resume_code, client_key="me")
    assert len(found.open_drafts) == 1 and [v.response_id for v in found.results] == [filled.response_ids[0]]
    assert_tallies_match_raw_tables(runtime.engine)


def test_a_purge_is_audited_with_its_counts(runtime, aged):
    done = data_protection.purge(runtime, older_than="12m", now=datetime.now(UTC))
    with runtime.sessions() as session:
        last = session.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert last.action == "data_purged" and last.account_id is None
    assert last.detail == {"older_than": "12m", "cutoff": done.cutoff.isoformat(), **done.counts}


def test_a_dry_run_counts_the_same_and_changes_nothing(runtime, aged):
    before = table_rows(runtime.engine)
    planned = data_protection.purge(runtime, older_than="365d", dry_run=True)
    assert table_rows(runtime.engine) == before
    assert planned.dry_run and planned.total > 0
    assert data_protection.purge(runtime, older_than="365d").counts == planned.counts


def test_nothing_old_means_nothing_deleted_and_tallies_untouched(runtime):
    fill(runtime)
    before = table_rows(runtime.engine)
    done = data_protection.purge(runtime, older_than="30d")
    after = table_rows(runtime.engine)
    assert done.total == 0
    assert {name: rows for name, rows in after.items() if name != "audit_log"} == {
        name: rows for name, rows in before.items() if name != "audit_log"
    }


# --- erasure by resume code ------------------------------------------------------------------------


def test_erasure_deletes_everything_under_the_code_and_nothing_else(runtime):
    filled = fill(runtime)
    before = table_rows(runtime.engine)
    erased = filled.response_ids[0]
    done = data_protection.erase(runtime, resume_code=filled.resume_code.lower())  # typed as it comes
    after = table_rows(runtime.engine)

    assert done.counts["responses"] == 1 and done.counts["respondents"] == 1
    assert done.counts["drafts"] == 2  # the submitted draft and the open one
    assert done.counts["answers"] == sum(1 for r in before["response_answer"] if r[0] == erased) > 0
    assert {r[0] for r in after["response"]} == {r[0] for r in before["response"]} - {erased}
    assert not [r for r in after["response_answer"] if r[0] == erased]
    assert len(after["respondent"]) == len(before["respondent"]) - 1
    assert_tallies_match_raw_tables(runtime.engine)
    with pytest.raises(NotFound):
        questionnaire.resume(runtime, resume_code=filled.resume_code, client_key="me")


def test_erasure_is_audited_without_the_code(runtime):
    filled = fill(runtime)
    done = data_protection.erase(runtime, resume_code=filled.resume_code)
    with runtime.sessions() as session:
        last = session.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert last.action == "respondent_erased" and last.detail == done.counts
    written = json.dumps(last.detail)
    assert filled.resume_code not in written and code_hash(filled.resume_code) not in written


@pytest.mark.parametrize("code", ["0000-0000-0000-0001", "not a code", "", "ABCD-EFGH-JKMN-PQR"])
def test_a_wrong_code_changes_nothing(runtime, code):
    fill(runtime)
    before = table_rows(runtime.engine)
    with pytest.raises(NotFound, match="resume_code"):
        data_protection.erase(runtime, resume_code=code)
    assert table_rows(runtime.engine) == before


def test_an_erasure_dry_run_changes_nothing(runtime):
    filled = fill(runtime)
    before = table_rows(runtime.engine)
    planned = data_protection.erase(runtime, resume_code=filled.resume_code, dry_run=True)
    assert planned.counts["responses"] == 1
    assert table_rows(runtime.engine) == before


def test_erasing_a_workshop_participant_takes_their_entry_and_device(runtime):
    """Workshop participants are never shown their code, so this is reached by respondent id."""
    fill(runtime)
    with runtime.sessions() as session:
        participant = session.scalars(select(WorkshopParticipant).order_by(WorkshopParticipant.id)).first()
        respondent_id = participant.respondent_id
    with runtime.sessions.begin() as session:
        counts = retention.erase_respondent(session, respondent_id=respondent_id)
    assert counts["workshop_entries"] == counts["workshop_participants"] == counts["responses"] == 1
    with runtime.sessions() as session:
        assert session.get(WorkshopParticipant, participant.id) is None
        assert session.scalar(select(func.count()).select_from(Draft).where(Draft.respondent_id == respondent_id)) == 0
    assert_tallies_match_raw_tables(runtime.engine)


def test_an_erasure_during_the_respondents_submit_leaves_the_tallies_true(runtime, monkeypatch):
    """The respondent submits a team response while the erasure runs: the response is erased with the
    rest, and the team's tallies count it neither way."""
    started = questionnaire.start_assessment(runtime, language="en", intervention="Mood app", role=None)
    now = datetime.now(UTC)
    with runtime.sessions.begin() as session:
        organisation = create_organisation(session, name="GGZ Oost")
        team = create_team(session, organisation_id=organisation.id, name="Team A")
        app = add_intervention(session, name="Online CBT", organisation_id=organisation.id)
        _round, tokens = create_round(
            session,
            organisation_id=organisation.id,
            intervention_id=app.id,
            name="Now",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=1),
            instrument_hash=runtime.instrument.content_hash,
            team_ids=[team.id],
        )
    draft = questionnaire.start_assessment(
        runtime,
        language="en",
        intervention="",
        role=None,
        resume_code=started.resume_code,
        invite_token=tokens[team.id],
    )
    questionnaire.save_answers(
        runtime, token=draft.draft_token, step=0, answers={item: 4 for item in runtime.instrument.required_ids}
    )
    first_is_held, other_done = hold_first_call(monkeypatch, db_responses, "add_response")
    submitting = in_background(lambda: questionnaire.submit(runtime, token=draft.draft_token))
    assert first_is_held.wait(timeout=30)
    data_protection.erase(runtime, resume_code=started.resume_code)
    other_done.set()
    submitting()
    assert_tallies_match_raw_tables(runtime.engine)
