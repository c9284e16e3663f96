"""Open rounds have no results until they close, and what the filters offer each account."""

from __future__ import annotations

from datetime import timedelta
from random import Random

import pytest

from services.accounts.auth import AccountView
from services.dashboard.view import Filters, dashboard, default_team, export_rows, organisations_for
from tests.support.dashboard_data import ADMIN, OPENS, make_org, make_round, random_answers, respond

WHILE_OPEN = OPENS + timedelta(weeks=1)  # make_round's round 0 runs OPENS .. OPENS + 3 weeks
AFTER_CLOSE = OPENS + timedelta(weeks=4)


@pytest.fixture
def org(runtime):
    """Teams A (6 answers) and B (2) in round 1; A (7) in round 2, which opens after round 1 closes."""
    instrument, rng = runtime.instrument, Random(3)
    with runtime.sessions.begin() as session:
        org = make_org(session, "Open", {"A": 10, "B": 8})
        make_round(session, org, "R1", instrument=instrument)
        make_round(session, org, "R2", instrument=instrument, teams=["A"], weeks=5)
        for team, round_name, n in (("A", "R1", 6), ("B", "R1", 2), ("A", "R2", 7)):
            for _ in range(n):
                respond(session, instrument, org, team, round_name, random_answers(instrument, rng))
    return org


def test_a_round_still_open_shows_no_results_only_whether_k_are_in(runtime, org):
    view = dashboard(runtime, ADMIN, Filters(org.id), now=WHILE_OPEN)
    assert not view.selection.shown and view.selection.n == 0  # "no data" yet, not withheld
    assert view.theme_means == () and view.likert == () and view.alignment is None
    assert all(not point.group.shown for point in view.trends)
    [status] = view.open_rounds
    assert status.name == "R1" and status.enough  # 8 in, k = 5
    assert [(t.name, t.enough) for t in status.teams] == [("A", True), ("B", False)]


def test_the_same_round_after_it_closed_has_results(runtime, org):
    view = dashboard(runtime, ADMIN, Filters(org.id, round_id=org.rounds["R1"]), now=AFTER_CLOSE)
    assert view.selection.n == 8 and view.theme_means and not view.round_open
    assert [r.name for r in view.open_rounds] == []  # R2 filtered out by the round chosen


def test_filtering_on_an_open_round_says_so(runtime, org):
    view = dashboard(runtime, ADMIN, Filters(org.id, round_id=org.rounds["R2"]), now=AFTER_CLOSE + timedelta(weeks=2))
    assert view.round_open and view.selection.n == 0 and view.theme_means == ()
    assert [(r.name, [(t.name, t.enough) for t in r.teams]) for r in view.open_rounds] == [("R2", [("A", True)])]
    assert [p.round_name for p in view.trends] == ["R1"]


def test_closed_rounds_count_while_a_later_one_is_open(runtime, org):
    view = dashboard(runtime, ADMIN, Filters(org.id), now=AFTER_CLOSE + timedelta(weeks=2))
    assert view.selection.n == 8  # R2's 7 wait for R2 to close
    assert [(r.name, r.is_open) for r in view.options.rounds] == [("R1", False), ("R2", True)]
    both = dashboard(
        runtime,
        ADMIN,
        Filters(org.id, intervention_id=org.interventions["Mood app"]),
        now=AFTER_CLOSE + timedelta(weeks=2),
    )
    assert both.selection.shown and both.selection.n == 8
    later = dashboard(runtime, ADMIN, Filters(org.id), now=OPENS + timedelta(weeks=20))
    assert later.selection.n == 15 and later.open_rounds == ()


def test_options_and_open_status_of_a_team_limited_manager(runtime, org):
    manager = AccountView(9, "mia", "manager", {org.id: frozenset({org.teams["B"]})})
    with pytest.raises(Exception):
        dashboard(runtime, manager, Filters(org.id), now=WHILE_OPEN)  # not the organisation as a whole
    assert default_team(runtime, manager, org.id) == org.teams["B"]
    view = dashboard(runtime, manager, Filters(org.id, team_id=org.teams["B"]), now=WHILE_OPEN)
    assert [t.label for t in view.options.teams] == ["B"] and not view.options.all_teams_allowed
    [status] = view.open_rounds
    assert [(t.name, t.enough) for t in status.teams] == [("B", False)] and not status.enough


@pytest.mark.parametrize(
    "account, expected",
    [
        (ADMIN, ["Open", "Other"]),
        ("manager of Open", ["Open"]),
        (AccountView(7, "fien", "facilitator", {}), []),
        (None, []),
    ],
)
def test_organisations_offered(runtime, org, account, expected):
    with runtime.sessions.begin() as session:
        other = make_org(session, "Other", {"X": None})
    if account == "manager of Open":
        account = AccountView(9, "mia", "manager", {org.id: None})
    assert [o.label for o in organisations_for(runtime, account)] == expected
    assert default_team(runtime, ADMIN, other.id) is None


def test_alignment_distribution_counts_every_scored_response_in_its_bin(runtime):
    """Two camps: the mean sits in the middle, the distribution shows both ends."""
    from assessment.scoring import score_answers

    instrument = runtime.instrument
    fits = {i: (4 if not i.startswith(("fb", "tp")) else 2) for i in instrument.required_ids}
    clashes = {i: (2 if not i.startswith(("fb", "tp")) else 4) for i in instrument.required_ids}
    with runtime.sessions.begin() as session:
        org = make_org(session, "Camps", {"A": None})
        make_round(session, org, "R", instrument=instrument)
        for answers in [fits] * 4 + [clashes] * 3:
            respond(session, instrument, org, "A", "R", answers)
    view = dashboard(runtime, ADMIN, Filters(org.id))
    indexes = [score_answers(instrument, a).alignment_index for a in [fits] * 4 + [clashes] * 3]
    expected = {}
    for value in indexes:
        lower = -100 + 25 * min(7, int((value + 100) // 25))
        expected[lower] = expected.get(lower, 0) + 1
    got = {b.lower: b.count for b in view.alignment_distribution if b.count}
    assert got == expected and len(got) == 2
    assert [(b.lower, b.upper) for b in view.alignment_distribution][:2] == [(-100, -75), (-75, -50)]
    rows = [r for r in export_rows(view) if r["what"] == "alignment distribution"]
    assert sum(r["n"] for r in rows) == 7 and sum(r["value"] for r in rows) == pytest.approx(100)
