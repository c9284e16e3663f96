"""ContextReuse: an organisation's read used again for the next views, never in place of authorising,
checking the filters or deciding, and read again as soon as what it rests on has changed."""

from __future__ import annotations

from datetime import timedelta
from random import Random

import pytest
from sqlalchemy import update

import services.dashboard.view as dashboard_module
from db.org_models import Organisation
from services.accounts.auth import AccountView
from services.dashboard.view import ContextReuse, Filters, dashboard
from services.errors import InvalidInput, NotAuthorised, NotFound
from tests.support.dashboard_data import ADMIN, OPENS, make_org, make_round, random_answers, respond

NOW = OPENS + timedelta(weeks=20)


@pytest.fixture
def north(runtime):
    """Teams A (7 answers in R1, 6 in R2) and B (6 in R1); R2 is about another intervention; South apart."""
    rng = Random(3)
    with runtime.sessions.begin() as session:
        org = make_org(session, "North", {"A": 10, "B": 10})
        make_round(session, org, "R1", instrument=runtime.instrument)
        make_round(session, org, "R2", instrument=runtime.instrument, teams=["A"], intervention="Video", weeks=8)
        for team, round_name, n in (("A", "R1", 7), ("B", "R1", 6), ("A", "R2", 6)):
            for _ in range(n):
                respond(session, runtime.instrument, org, team, round_name, random_answers(runtime.instrument, rng))
        south = make_org(session, "South", {"S": 10})
    return org, south


@pytest.fixture
def loads(monkeypatch):
    """The organisations read (dashboard_data.load_context), in order."""
    seen: list[int] = []
    real = dashboard_module._load

    def counted(rt, session, filters, language, now):
        seen.append(filters.organisation_id)
        return real(rt, session, filters, language, now)

    monkeypatch.setattr(dashboard_module, "_load", counted)
    return seen


def every_filter(org) -> list[Filters]:
    return [
        Filters(org.id),
        Filters(org.id, team_id=org.teams["A"]),
        Filters(org.id, team_id=org.teams["B"]),
        Filters(org.id, round_id=org.rounds["R1"]),
        Filters(org.id, intervention_id=org.interventions["Video"]),
        Filters(org.id, team_id=org.teams["A"], round_id=org.rounds["R2"]),
    ]


def test_a_view_from_a_kept_read_is_the_view_read_afresh(runtime, north, loads):
    org, _south = north
    reuse = ContextReuse()
    for language in ("en", "nl"):
        for filters in every_filter(org):
            kept = dashboard(runtime, ADMIN, filters, language=language, now=NOW, reuse=reuse)
            assert kept == dashboard(runtime, ADMIN, filters, language=language, now=NOW)
    # Read once for all 12 kept views (and once for each of the 12 fresh ones).
    assert len(loads) == 1 + 12


def test_authorisation_and_the_filter_checks_still_come_first(runtime, north, loads):
    org, south = north
    reuse = ContextReuse()
    dashboard(runtime, ADMIN, Filters(org.id), now=NOW, reuse=reuse)
    limited = AccountView(7, "tim", "manager", {org.id: frozenset({org.teams["B"]})})
    other = AccountView(8, "sam", "manager", {south.id: None})
    for account, filters in (
        (limited, Filters(org.id)),
        (limited, Filters(org.id, team_id=org.teams["A"])),
        (other, Filters(org.id)),
        (None, Filters(org.id)),
    ):
        with pytest.raises(NotAuthorised):
            dashboard(runtime, account, filters, now=NOW, reuse=reuse)
    with pytest.raises(NotFound):
        dashboard(runtime, ADMIN, Filters(org.id, team_id=south.teams["S"]), now=NOW, reuse=reuse)
    with pytest.raises(NotFound):
        dashboard(runtime, ADMIN, Filters(org.id, round_id=987654), now=NOW, reuse=reuse)
    with pytest.raises(InvalidInput):
        dashboard(
            runtime,
            ADMIN,
            Filters(org.id, intervention_id=org.interventions["Video"], round_id=org.rounds["R1"]),
            now=NOW,
            reuse=reuse,
        )
    view = dashboard(runtime, limited, Filters(org.id, team_id=org.teams["B"]), now=NOW, reuse=reuse)
    assert [row.team_name for row in view.heatmap] == ["B"]
    assert [o.label for o in view.options.teams] == ["B"]
    assert loads == [org.id]


def test_a_new_round_a_new_response_a_round_closing_or_another_k_is_read_again(runtime, north, loads):
    org, _south = north
    reuse = ContextReuse()

    def look(now=NOW, **filters):
        return dashboard(runtime, ADMIN, Filters(org.id, **filters), now=now, reuse=reuse)

    assert look().selection.n == 19 and look().open_rounds == () and len(loads) == 1
    with runtime.sessions.begin() as session:
        live = make_round(session, org, "R3", instrument=runtime.instrument, weeks=19)  # open at NOW
    assert [r.id for r in look().open_rounds] == [live] and len(loads) == 2
    assert not any(team.enough for team in look().open_rounds[0].teams)
    with runtime.sessions.begin() as session:
        for _ in range(5):
            respond(session, runtime.instrument, org, "B", "R3", random_answers(runtime.instrument, Random(1)))
    assert {team.name for team in look().open_rounds[0].teams if team.enough} == {"B"} and len(loads) == 3
    closed = OPENS + timedelta(weeks=23)
    assert look(closed).selection.n == 24 and look(closed).open_rounds == () and len(loads) == 4
    with runtime.sessions.begin() as session:
        session.execute(update(Organisation).where(Organisation.id == org.id).values(min_group_size=7))
    raised = look(closed, team_id=org.teams["B"])
    assert len(loads) == 5 and raised.k == 7
    assert raised == dashboard(runtime, ADMIN, Filters(org.id, team_id=org.teams["B"]), now=closed)


def test_a_kept_read_is_used_for_a_while_only(runtime, north, loads):
    org, _south = north
    reuse = ContextReuse(seconds=0)
    for _ in range(2):
        dashboard(runtime, ADMIN, Filters(org.id), now=NOW, reuse=reuse)
    assert len(loads) == 2
