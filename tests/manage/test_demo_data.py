"""`manage.py demo-data` and services/data_tools/demo_data.py: structure, reproducibility, tallies, the dashboard."""

from __future__ import annotations

import sys
import types
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from assessment import score_answers
from db import (
    bulk,
    list_round_teams,
    list_rounds,
    list_teams,
    load_answers_and_scores,
    rebuild_tallies,
)
from db.models import Intervention, Response
from db.org_models import Organisation, SurveyRound
from services.accounts.auth import AccountView
from services.dashboard.view import Filters, dashboard
from services.data_tools import demo_data
from services.errors import InvalidInput
from services.runtime import build_runtime
from tests.manage.manage_helpers import run
from tests.support.tallies import assert_same_snapshot, tally_snapshot

NOW = datetime(2026, 6, 1, tzinfo=UTC)
ADMIN = AccountView(1, "root", "admin", {})


@pytest.fixture
def rt():
    runtime = build_runtime()
    yield runtime
    runtime.engine.dispose()


def make(rt, name: str, responses: int = 300, seed: int = 1, **options) -> demo_data.DemoSummary:
    return demo_data.create_demo_organisation(rt, responses=responses, seed=seed, organisation=name, now=NOW, **options)


def aggregates(rt, organisation_id: int) -> tuple:
    """Tallies keyed by names instead of ids, so two organisations can be compared."""
    with rt.sessions.begin() as session:
        teams = {t.id: t.name for t in list_teams(session, organisation_id=organisation_id)}
        rounds = {r.id: r.name for r in list_rounds(session, organisation_id=organisation_id)}
        counts, scores, answers = tally_snapshot(session, organisation_id)
    counts = sorted((teams[t], rounds[r], role or "", n) for (t, r, role), n in counts.items())
    scores = sorted((teams[c.team_id], rounds[c.round_id], c.role or "", c.key, c.n, round(c.total, 6)) for c in scores)
    answers = sorted((teams[c.team_id], rounds[c.round_id], c.role or "", c.item_id, c.value, c.n) for c in answers)
    return counts, scores, answers


def test_the_command_creates_and_summarises(capsys):
    code, out, err = run(capsys, "demo-data", "--responses", 250, "--seed", 4, "--organisation", "Demo")
    assert code == 0, err
    assert "Created 'Demo' (seed 4): 11 teams, 3 interventions, 7 closed rounds and 1 open round, 250 responses" in out
    assert "'Herstelwerkplaats' has 4 responses" in out
    assert err == ""  # no progress bar when stderr is not a terminal


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["--responses", "0"], 1, "must be 1 to 2,000,000, not 0"),
        (["--responses", "2000001"], 1, "must be 1 to 2,000,000"),
        (["--responses", "ten"], 2, "invalid int value"),
        ([], 2, "--responses"),
    ],
)
def test_the_command_refuses_bad_counts(capsys, argv, code, message):
    got, _out, err = run(capsys, "demo-data", *argv)
    assert got == code
    assert message in err


def test_an_existing_name_is_refused_and_nothing_is_added(capsys, rt):
    make(rt, "Demo", responses=20)
    code, _out, err = run(capsys, "demo-data", "--responses", 20, "--organisation", " Demo ")
    assert code == 1
    assert "an organisation named 'Demo' already exists" in err
    with rt.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Organisation)) == 1
        assert bulk.count_responses(session) == 20


def test_help(capsys):
    code, out, _err = run(capsys, "demo-data", "--help")
    assert code == 0 and "--responses N" in out and "--seed" in out


def test_the_planned_structure(rt):
    made = make(rt, "Demo", responses=400)
    with rt.sessions.begin() as session:
        teams = list_teams(session, organisation_id=made.organisation_id)
        rounds = list_rounds(session, organisation_id=made.organisation_id)
        assert 8 <= len(teams) <= 12 and all(t.size and t.size > 0 for t in teams)
        assert {r.intervention_id for r in rounds} == set(
            session.scalars(select(Intervention.id).where(Intervention.organisation_id == made.organisation_id))
        )
        assert len({r.intervention_id for r in rounds}) == 3
        assert (
            sum(r.closes_at <= NOW for r in rounds) == 7 and sum(r.opens_at <= NOW < r.closes_at for r in rounds) == 1
        )
        assert (NOW - rounds[0].opens_at).days > 500  # about 18 months of trends
        assert {r.instrument_hash for r in rounds} == {rt.instrument.content_hash}
        invited = {r.id: {t.id for t in list_round_teams(session, round_id=r.id)} for r in rounds}
        stored = session.execute(
            select(
                Response.team_id, Response.round_id, Response.role, Response.created_at, Response.instrument_hash
            ).where(Response.organisation_id == made.organisation_id)
        ).all()
    assert len(stored) == 400
    assert all(team in invited[round_id] for team, round_id, *_ in stored)
    assert {role for _t, _r, role, *_ in stored} <= {r.id for r in rt.instrument.roles} | {None}
    assert all(when <= NOW for *_x, when, _h in stored)
    small = [t.id for t in teams if t.name == made.small_team]
    assert len([s for s in stored if s[0] in small]) == 4


def test_same_seed_same_data_other_seed_other_data(rt):
    first, again, other = make(rt, "One", seed=5), make(rt, "Two", seed=5), make(rt, "Three", seed=6)
    assert aggregates(rt, first.organisation_id) == aggregates(rt, again.organisation_id)
    assert aggregates(rt, first.organisation_id) != aggregates(rt, other.organisation_id)


def test_a_worker_process_draws_the_same_data(rt, monkeypatch):
    # As after an AppTest in this pytest process, or in the benchmarks: a parent whose __main__ is a page
    # script, which a spawned worker must not run again.
    page = types.ModuleType("__main__")
    page.__file__ = str(Path(__file__).parents[2] / "app.py")
    monkeypatch.setitem(sys.modules, "__main__", page)
    in_process, with_worker = make(rt, "One", workers=0), make(rt, "Two", workers=1)
    assert aggregates(rt, in_process.organisation_id) == aggregates(rt, with_worker.organisation_id)


def test_tallies_equal_a_rebuild_and_scores_are_the_real_ones(rt):
    made = make(rt, "Demo")
    with rt.sessions.begin() as session:
        written = tally_snapshot(session, made.organisation_id)
        ids = list(session.scalars(select(Response.id).where(Response.organisation_id == made.organisation_id)))
        stored = load_answers_and_scores(session, response_ids=ids)
        rebuild_tallies(session, organisation_id=made.organisation_id)
        assert_same_snapshot(written, tally_snapshot(session, made.organisation_id))
    for answers, scores in stored.values():
        assert set(rt.instrument.required_ids) <= set(answers)  # complete, as a submission is
        assert scores == score_answers(rt.instrument, answers).flat()
    not_applicable = sum(v == "na" for answers, _s in stored.values() for v in answers.values())
    assert 0 < not_applicable < 0.1 * sum(len(answers) for answers, _s in stored.values())


def test_the_dashboard_shows_it_and_withholds_the_small_team(rt):
    made = make(rt, "Demo", responses=500)
    view = dashboard(rt, ADMIN, Filters(organisation_id=made.organisation_id))
    with rt.sessions.begin() as session:
        closed = session.scalar(
            select(func.count())
            .select_from(Response)
            .join(SurveyRound)
            .where(Response.organisation_id == made.organisation_id, SurveyRound.closes_at <= datetime.now(UTC))
        )
    # results are for closed rounds (an open round's responses are counted, not shown, by newer pages)
    assert view.selection.shown and view.selection.n in (closed, 500)
    assert view.theme_means and view.alignment is not None and len(view.trends) >= 7
    small = next(row for row in view.heatmap if row.team_name == made.small_team)
    assert not small.group.shown
    alphas = [r.reliability.alpha for r in view.reliability if r.reliability.alpha is not None]
    assert len(alphas) >= 10 and sorted(alphas)[len(alphas) // 2] > 0.6  # items of a theme hang together


def test_the_service_refuses_bad_input(rt):
    for count in (0, 2_000_001, True, 2.5):
        with pytest.raises(InvalidInput):
            make(rt, "Demo", responses=count)
    with pytest.raises(InvalidInput):
        make(rt, "  ")
