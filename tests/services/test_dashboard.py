"""The dashboard service on a real SQLite database: anonymity in every part of the view and its export,
authorisation before anything is read, and numbers that match direct computation from the answers."""
from __future__ import annotations

import dataclasses
import itertools
import math
import uuid
from collections.abc import Iterable
from random import Random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import services.dashboard as dashboard_module
from assessment.anonymity import EMPTY, FEWER_THAN_K, PROTECTS_SMALL_GROUP, SHOWN, WITHHELD, Selector
from assessment.scoring import keyed, score_answers
from db import AnswerTally, ResponseTally, ScoreTally, count_cells
from questions.model import NOT_APPLICABLE, localise
from services.auth import AccountView
from services.dashboard import (
    EXPORT_COLUMNS,
    LEAST_ALIGNED,
    MISALIGNED,
    SPLIT_VIEW,
    DashboardView,
    Filters,
    Group,
    dashboard,
    export_rows,
)
from services.dashboard_stats import TOO_FEW_FOR_ALPHA, t_critical_95
from services.errors import InvalidInput, NotAuthorised, NotFound
from services.runtime import build_runtime
from services.settings import Settings
from tests.services.dashboard_fixtures import make_org, make_round, random_answers, respond

ADMIN = AccountView(1, "root", "admin", {})
NUMBERS = ("n", "mean", "low", "high", "value")

# North, k = 5. Round 1 and 2 are about the mood app, round 3 about video consultations.
#   team   round  role -> responses
NORTH = {
    ("Small", "R1", "nurse"): 2, ("Small", "R1", None): 2,                                  # 4 in all
    ("Mid", "R1", "nurse"): 5, ("Mid", "R1", "psychologist"): 3, ("Mid", "R1", None): 2,
    ("Mid", "R2", "nurse"): 6,
    ("Large", "R1", "nurse"): 6, ("Large", "R1", "psychologist"): 6,
    ("Large", "R2", "psychologist"): 4, ("Large", "R2", "nurse"): 3,
    ("Large", "R3", "nurse"): 8,
}


class Shared:
    """One database for the tests that only read: North (above) and South (one team of 6)."""

    def __init__(self, runtime):
        self.runtime = runtime
        self.world = _world(runtime)

    def __repr__(self) -> str:    # hypothesis prints its arguments; the runtime's repr is pages long
        return "Shared()"


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    db_url = f"sqlite:///{tmp_path_factory.mktemp('dashboard') / 'vm.db'}"
    runtime = build_runtime(Settings(database_url=db_url))
    yield Shared(runtime)
    runtime.engine.dispose()


@pytest.fixture
def world(shared):
    return shared.world


@pytest.fixture
def north_runtime(shared):
    return shared.runtime


def _world(runtime) -> dict:
    instrument = runtime.instrument
    rng = Random(11)
    with runtime.sessions.begin() as session:
        north = make_org(session, "North", {"Small": 8, "Mid": 12, "Large": 40})
        make_round(session, north, "R1", instrument=instrument, weeks=0)
        make_round(session, north, "R2", instrument=instrument, teams=["Mid", "Large"], weeks=26)
        make_round(session, north, "R3", instrument=instrument, teams=["Large"], intervention="Video", weeks=30)
        for (team, round_name, role), n in NORTH.items():
            for _ in range(n):
                respond(session, instrument, north, team, round_name,
                        random_answers(instrument, rng, lean=rng.choice((2, 3, 4)), na_rate=0.05), role)
        south = make_org(session, "South", {"Only": None})
        make_round(session, south, "S1", instrument=instrument)
        for _ in range(6):
            respond(session, instrument, south, "Only", "S1", random_answers(instrument, rng))
    return {"north": north, "south": south}


def groups_of(view: DashboardView) -> list[Group]:
    """Every decided group a view holds."""
    return [view.selection, *(r.group for r in view.heatmap), *(a.group for a in view.agreement),
            *(p.group for p in view.participation), *(t.group for t in view.trends)]


def north_filters(north) -> list[Filters]:
    """Every filter combination a manager of North can choose."""
    teams = [None, *north.teams.values()]
    rounds = [(None, None), *((None, r) for r in north.rounds.values()),
              *((i, None) for i in north.interventions.values())]
    roles = [None, "nurse", "psychologist"]
    return [Filters(north.id, team_id=t, intervention_id=i, round_id=r, role=o)
            for t, (i, r), o in itertools.product(teams, rounds, roles)]


def has_numbers(row: dict) -> bool:
    return any(row[column] is not None for column in NUMBERS)


# --- a team of 4 ----------------------------------------------------------------------------------

def test_a_team_of_four_shows_nothing_of_its_own_anywhere(north_runtime, world):
    north = world["north"]
    small = north.teams["Small"]

    whole = dashboard(north_runtime, ADMIN, Filters(north.id))
    assert whole.selection.shown and whole.selection.n == sum(NORTH.values())
    for part in (whole.heatmap, whole.agreement, whole.participation):
        row = next(r for r in part if r.team_id == small)
        assert row.group.decision.status == WITHHELD and row.group.decision.reason == FEWER_THAN_K
        assert row.group.n is None
    assert next(r for r in whole.heatmap if r.team_id == small).means == ()
    assert next(r for r in whole.heatmap if r.team_id == small).alignment is None
    assert next(r for r in whole.agreement if r.team_id == small).themes == ()
    assert next(r for r in whole.participation if r.team_id == small).rate is None

    own = dashboard(north_runtime, ADMIN, Filters(north.id, team_id=small))
    assert own.selection.decision == dashboard_module.Decision(WITHHELD, FEWER_THAN_K)
    assert own.selection.n is None
    assert (own.theme_means, own.alignment, own.likert, own.compassion, own.reliability, own.where_to_start) == (
        (), None, (), (), (), ())
    assert all(not g.shown for g in groups_of(own))
    assert all(not point.means and point.alignment is None for point in own.trends)
    rows = export_rows(own)
    assert rows and not any(has_numbers(row) for row in rows)
    # Its own trend points are withheld too; rounds it was not in have no data.
    assert {row["note"] for row in rows} == {"withheld: fewer than 5 responses", "no data"}
    assert [p.group.decision.status for p in own.trends] == [WITHHELD, EMPTY, EMPTY]


def test_the_extra_cell_is_withheld_so_the_total_minus_the_other_teams_reveals_nothing(north_runtime, world):
    north = world["north"]
    view = dashboard(north_runtime, ADMIN, Filters(north.id, round_id=north.rounds["R1"]))
    decisions = {row.team_name: row.group.decision for row in view.heatmap}
    assert view.selection.shown                       # R1 over all teams: 4 + 10 + 12
    assert decisions["Small"].reason == FEWER_THAN_K
    assert decisions["Mid"].reason == PROTECTS_SMALL_GROUP     # the smallest other team goes with it
    assert decisions["Large"].status == SHOWN
    shown_teams = sum(d.n for d in decisions.values() if d.shown)
    assert view.selection.n - shown_teams >= 5


def revealed_small_groups(shown: dict[Selector, int], population: dict, k: int) -> list[tuple]:
    """Every set of cells with 0 < n < k whose sum the shown views determine (by any +/- combination).

    A 0/1 vector is a combination of the shown views' indicator vectors iff it is orthogonal to their
    null space. Only non-empty cells are coordinates: an empty cell adds nothing to any sum.
    """
    cells = sorted((cell for cell, n in population.items() if n > 0), key=repr)
    if not cells:
        return []
    views = np.array([[1.0 if s.contains(cell) else 0.0 for cell in cells] for s in shown] or [[0.0] * len(cells)])
    _, singular, vh = np.linalg.svd(views)
    rank = int((singular > 1e-9).sum())
    null_space = vh[rank:].T
    small = [i for i, cell in enumerate(cells) if population[cell] < k]
    candidates = [combination for size in range(1, k)
                  for combination in itertools.combinations(small, size)
                  if sum(population[cells[i]] for i in combination) < k]
    if not candidates or null_space.shape[1] == 0:
        return [tuple(cells[i] for i in c) for c in candidates]
    vectors = np.zeros((len(candidates), len(cells)))
    for row, combination in enumerate(candidates):
        vectors[row, list(combination)] = 1.0
    inside = np.abs(vectors @ null_space).max(axis=1) < 1e-9
    return [tuple(cells[i] for i in c) for c, hit in zip(candidates, inside) if hit]


def shown_groups(views: Iterable[DashboardView]) -> dict[Selector, int]:
    shown: dict[Selector, int] = {}
    for view in views:
        for group in groups_of(view):
            if group.shown:
                assert shown.setdefault(group.selector, group.n) == group.n
    return shown


def test_no_combination_of_every_view_offered_reveals_a_small_group(north_runtime, world):
    """The attacker collects every shown number of every filter combination and subtracts at will."""
    north = world["north"]
    with north_runtime.sessions.begin() as session:
        population = count_cells(session, organisation_id=north.id)
    shown = shown_groups(dashboard(north_runtime, ADMIN, f) for f in north_filters(north))
    assert len(shown) >= 6
    assert revealed_small_groups(shown, population, 5) == []
    # (Team Small as a whole, its two cells of 2, is among the groups checked.) The check does find a
    # subtraction when there is one: all teams minus Mid minus Large is Small.
    assert revealed_small_groups({Selector(): 47, Selector(north.teams["Mid"]): 16,
                                  Selector(north.teams["Large"]): 27}, population, 5) != []


CELL_GRID = [(team, round_name, role) for team in ("T0", "T1", "T2") for round_name in ("R1", "R2", "R3")
             for role in ("nurse", "psychologist", None)]


@settings(max_examples=12, deadline=None)
@given(sizes=st.lists(st.integers(0, 7), min_size=len(CELL_GRID), max_size=len(CELL_GRID)),
       k=st.sampled_from([3, 5]))
def test_property_nothing_the_dashboard_shows_reveals_a_small_group(shared, sizes, k):
    """Random organisations (tallies written directly: the dashboard reads nothing else)."""
    runtime = shared.runtime
    with runtime.sessions.begin() as session:
        org = make_org(session, f"Random {uuid.uuid4().hex}", {"T0": None, "T1": None, "T2": None}, k=k)
        make_round(session, org, "R1", instrument=runtime.instrument)
        make_round(session, org, "R2", instrument=runtime.instrument, weeks=26)
        make_round(session, org, "R3", instrument=runtime.instrument, intervention="Video", weeks=30)
        for (team, round_name, role), n in zip(CELL_GRID, sizes):
            if n:
                cell = dict(organisation_id=org.id, team_id=org.teams[team], round_id=org.rounds[round_name],
                            role=role or "")
                session.add(ResponseTally(**cell, n=n))
                session.add(ScoreTally(**cell, key="alignment_index", n=n, total=10.0 * n, total_sq=100.0 * n))
                session.add(AnswerTally(**cell, item_id="ca1", value=3, count=n))
    population = {(org.teams[t], org.rounds[r], o): n for (t, r, o), n in zip(CELL_GRID, sizes) if n}
    rounds = [(None, None), *((None, r) for r in org.rounds.values()),
              *((i, None) for i in org.interventions.values())]
    # Without a team filter every view offers all teams as rows, so these cover every offered view.
    views = [dashboard(runtime, ADMIN, Filters(org.id, intervention_id=i, round_id=r, role=o))
             for (i, r), o in itertools.product(rounds, [None, "nurse", "psychologist"])]
    shown = shown_groups(views)
    assert all(n >= k or n == 0 for n in shown.values())
    assert revealed_small_groups(shown, population, k) == []


def test_decisions_do_not_depend_on_the_filters(north_runtime, world):
    north = world["north"]
    seen: dict[Selector, object] = {}
    for filters in north_filters(north)[::5]:
        for group in groups_of(dashboard(north_runtime, ADMIN, filters)):
            assert seen.setdefault(group.selector, group.decision) == group.decision


def test_export_rows_never_carry_numbers_of_a_withheld_group(north_runtime, world):
    north = world["north"]
    for filters in north_filters(north)[::3]:
        view = dashboard(north_runtime, ADMIN, filters)
        withheld = {g.label for g in groups_of(view) if g.decision.status == WITHHELD}
        shown = {g.label for g in groups_of(view) if g.shown}
        for row in export_rows(view):
            assert tuple(row) == EXPORT_COLUMNS
            if row["group"] in withheld:
                assert not has_numbers(row) and row["note"].startswith("withheld")
            elif row["group"] not in shown:   # empty: at most its n of 0
                assert row["n"] in (0, None) and not any(row[c] is not None for c in NUMBERS if c != "n")


def test_two_rounds_of_one_team_cannot_be_subtracted(runtime):
    instrument = runtime.instrument
    rng = Random(5)
    with runtime.sessions.begin() as session:
        org = make_org(session, "Pair org", {"Pair": None, "Other": None})
        make_round(session, org, "A", instrument=instrument)
        make_round(session, org, "B", instrument=instrument, weeks=26)
        for round_name, n in (("A", 5), ("B", 3)):
            for _ in range(n):
                respond(session, instrument, org, "Pair", round_name, random_answers(instrument, rng))
        for _ in range(9):
            respond(session, instrument, org, "Other", "A", random_answers(instrument, rng))
    view = dashboard(runtime, ADMIN, Filters(org.id, team_id=org.teams["Pair"]))
    assert view.selection.shown and view.selection.n == 8
    points = {p.round_name: p.group.decision for p in view.trends}
    assert points["B"].reason == FEWER_THAN_K
    assert points["A"].reason == PROTECTS_SMALL_GROUP
    assert all(p.means == () and p.alignment is None for p in view.trends)


def test_no_data_is_not_withheld(north_runtime, world):
    north = world["north"]
    filters = Filters(north.id, team_id=north.teams["Small"], round_id=north.rounds["R3"])
    view = dashboard(north_runtime, ADMIN, filters)
    assert view.selection.decision.status == EMPTY and view.selection.n == 0
    assert {row["note"] for row in export_rows(view) if row["what"] != "participation"} == {"no data"}
    participation = view.participation[0]
    assert (participation.invited_rounds, participation.rate) == (0, None)


def test_an_organisation_without_responses_or_rounds_has_no_data(runtime):
    with runtime.sessions.begin() as session:
        org = make_org(session, "New", {"T": 12})
    view = dashboard(runtime, ADMIN, Filters(org.id))
    assert view.selection.decision.status == EMPTY and view.trends == ()
    assert view.instruments == (runtime.instrument.label,)
    assert [(p.invited_rounds, p.rate) for p in view.participation] == [(0, None)]
    assert {row["note"] for row in export_rows(view)} == {"no data", "not invited"}


def test_participation_is_not_a_rate_within_a_role(north_runtime, world):
    north = world["north"]
    view = dashboard(north_runtime, ADMIN, Filters(north.id, team_id=north.teams["Mid"], role="nurse"))
    (participation,) = view.participation
    assert participation.group.shown and participation.rate is None
    whole = dashboard(north_runtime, ADMIN, Filters(north.id, team_id=north.teams["Large"]))
    # 27 responses over 3 invitations of a team of 40
    assert whole.participation[0].rate == pytest.approx(27 / 120) and whole.participation[0].low


# --- authorisation --------------------------------------------------------------------------------

def test_a_manager_of_one_organisation_reaches_nothing_of_another(north_runtime, world):
    north, south = world["north"], world["south"]
    manager = AccountView(2, "mia", "manager", {north.id: None})
    assert dashboard(north_runtime, manager, Filters(north.id)).selection.shown
    for filters in (Filters(south.id), Filters(south.id, team_id=south.teams["Only"]),
                    Filters(south.id, round_id=south.rounds["S1"]), Filters(987654)):
        with pytest.raises(NotAuthorised):
            dashboard(north_runtime, manager, filters)
    # A team id of South asked for under North's id: checked against North, never read.
    with pytest.raises(NotFound):
        dashboard(north_runtime, manager, Filters(north.id, team_id=south.teams["Only"]))
    with pytest.raises(NotFound):
        dashboard(north_runtime, manager, Filters(north.id, round_id=south.rounds["S1"]))


def test_a_manager_limited_to_a_team_must_ask_for_that_team(north_runtime, world):
    north = world["north"]
    manager = AccountView(3, "tim", "manager", {north.id: frozenset({north.teams["Mid"]})})
    for filters in (Filters(north.id), Filters(north.id, team_id=north.teams["Large"]),
                    Filters(north.id, round_id=north.rounds["R1"])):
        with pytest.raises(NotAuthorised):
            dashboard(north_runtime, manager, filters)
    view = dashboard(north_runtime, manager, Filters(north.id, team_id=north.teams["Mid"]))
    assert [row.team_name for row in view.heatmap] == ["Mid"]
    assert view.selection.selector.team == north.teams["Mid"]


@pytest.mark.parametrize("account", [None, AccountView(4, "fay", "facilitator", {1: None, 2: None})])
def test_no_dashboard_without_a_dashboard_role(north_runtime, world, account):
    with pytest.raises(NotAuthorised):
        dashboard(north_runtime, account, Filters(world["north"].id))


def test_an_admin_sees_every_organisation(north_runtime, world):
    for org in world.values():
        assert dashboard(north_runtime, ADMIN, Filters(org.id)).selection.shown
    with pytest.raises(NotFound):
        dashboard(north_runtime, ADMIN, Filters(987654))


def test_authorisation_comes_before_any_read(north_runtime, world, monkeypatch):
    def no_reading(*args, **kwargs):
        raise AssertionError("read before authorising")

    monkeypatch.setattr(dashboard_module, "_load", no_reading)
    with pytest.raises(NotAuthorised):
        dashboard(north_runtime, AccountView(2, "mia", "manager", {world["north"].id: None}),
                  Filters(world["south"].id))


@pytest.mark.parametrize("fields", [{"organisation_id": "1"}, {"organisation_id": None},
                                    {"organisation_id": 1, "team_id": "2"}, {"organisation_id": True},
                                    {"organisation_id": 1, "round_id": 1.0}, {"organisation_id": 1, "role": 3}])
def test_filters_are_whole_numbers_and_text(fields):
    with pytest.raises(InvalidInput):
        Filters(**fields)


def test_filters_that_do_not_fit_together(north_runtime, world):
    north = world["north"]
    with pytest.raises(InvalidInput):
        dashboard(north_runtime, ADMIN, Filters(north.id, intervention_id=north.interventions["Video"],
                                          round_id=north.rounds["R1"]))
    with pytest.raises(NotFound):
        dashboard(north_runtime, ADMIN, Filters(north.id, intervention_id=987654))


# --- numbers --------------------------------------------------------------------------------------

def _keyed_matrix(instrument, answers_list, domain):
    items = instrument.items_in(domain)
    return np.array([[keyed(instrument, i, a[i.id]) for i in items] for a in answers_list], dtype=float)


def _interval(values):
    data = np.array(values, dtype=float)
    half = t_critical_95(len(data) - 1) * data.std(ddof=1) / math.sqrt(len(data))
    return data.mean(), data.mean() - half, data.mean() + half


def test_numbers_of_a_hand_built_team_match_direct_computation(runtime):
    instrument = runtime.instrument
    rng = Random(7)
    answers_list = [random_answers(instrument, rng, lean=rng.choice((2, 4)), na_rate=0.1) for _ in range(6)]
    with runtime.sessions.begin() as session:
        org = make_org(session, "Hand", {"T": 10})
        make_round(session, org, "R", instrument=instrument)
        for answers in answers_list:
            respond(session, instrument, org, "T", "R", answers, role="nurse")
    reports = [score_answers(instrument, a) for a in answers_list]
    view = dashboard(runtime, ADMIN, Filters(org.id))
    assert view.selection.n == 6 and view.instruments == (instrument.label,)

    for mean in view.theme_means:
        values = [r.domain(mean.theme.id).score for r in reports if r.domain(mean.theme.id).score is not None]
        expected = _interval(values)
        got = mean.estimate
        assert got.n == len(values)
        assert (got.mean, got.low, got.high) == tuple(pytest.approx(v) for v in expected)
        # r_wg(J) from the raw answers (reverse keying leaves variances alone), not applicable left out
        variances = []
        for item in instrument.items_in(mean.theme.id):
            given = [a[item.id] for a in answers_list if a[item.id] != NOT_APPLICABLE]
            if len(given) >= 2:
                variances.append(np.var(given, ddof=1))
        ratio = np.mean(variances) / 2.0
        j = len(variances)
        expected_rwg = 0.0 if ratio > 1 else j * (1 - ratio) / (j * (1 - ratio) + ratio)
        assert mean.agreement.value == pytest.approx(expected_rwg)

    expected = _interval([r.alignment_index for r in reports if r.alignment_index is not None])
    assert (view.alignment.mean, view.alignment.low, view.alignment.high) == tuple(
        pytest.approx(v) for v in expected)

    for item in view.likert:
        given = [a[item.item_id] for a in answers_list]
        values = [v for v in given if v != NOT_APPLICABLE]
        assert item.distribution.na_rate == pytest.approx(100 * given.count(NOT_APPLICABLE) / len(given))
        assert item.distribution.percentages == {
            p: pytest.approx(100 * values.count(p) / len(values)) for p in instrument.scale.points}

    for element in view.compassion:
        values = [e.score for r in reports for e in r.elements
                  if e.element == element.element and e.score is not None]
        assert element.estimate.mean == pytest.approx(np.mean(values))

    # The team is the whole organisation: its heatmap row and agreement say the same.
    (row,) = view.heatmap
    assert [m.estimate for m in row.means] == [m.estimate for m in view.theme_means
                                               if m.theme.side in ("match", "mismatch")]
    (participation,) = view.participation
    assert (participation.rate, participation.low) == (pytest.approx(0.6), False)
    assert all(r.reliability.alpha is None and r.reliability.reason == TOO_FEW_FOR_ALPHA
               for r in view.reliability)

    rows = export_rows(view)
    theme_row = next(r for r in rows if r["what"] == "theme mean" and r["theme"] == view.theme_means[0].theme.name)
    first = view.theme_means[0].estimate
    assert (theme_row["n"], theme_row["mean"], theme_row["low"]) == (first.n, first.mean, first.low)


def test_alpha_is_reported_only_from_30_responses(runtime):
    instrument = runtime.instrument
    rng = Random(3)
    answers_list = [random_answers(instrument, rng, lean=rng.choice((1, 2, 3, 4, 5))) for _ in range(30)]
    with runtime.sessions.begin() as session:
        org = make_org(session, "Thirty", {"T": None})
        make_round(session, org, "R", instrument=instrument)
        for answers in answers_list[:29]:
            respond(session, instrument, org, "T", "R", answers)
    view = dashboard(runtime, ADMIN, Filters(org.id))
    assert {(r.reliability.alpha, r.reliability.reason, r.reliability.n) for r in view.reliability} == {
        (None, TOO_FEW_FOR_ALPHA, 29)}

    with runtime.sessions.begin() as session:
        respond(session, instrument, org, "T", "R", answers_list[29])
    view = dashboard(runtime, ADMIN, Filters(org.id))
    for domain in view.reliability:
        matrix = _keyed_matrix(instrument, answers_list, domain.theme.id)
        j = matrix.shape[1]
        alpha = j / (j - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / matrix.sum(axis=1).var(ddof=1))
        assert (domain.reliability.n, domain.reliability.reason) == (30, None)
        assert domain.reliability.alpha == pytest.approx(alpha)


def _answers_keyed(instrument, levels: dict[str, int], default: int = 3) -> dict:
    """Answers whose keyed value is levels[domain] (default elsewhere)."""
    out = {}
    for item in instrument.items:
        wanted = levels.get(item.domain, default)
        out[item.id] = keyed(instrument, item, wanted)   # mirroring is its own inverse
    return out


def test_where_to_start_names_the_misaligned_and_the_split_themes_with_their_question(runtime):
    instrument = runtime.instrument
    levels = {"client_autonomy": 1, "financial_benefit": 5, "treatment_needs": 4, "technology_push": 2}
    with runtime.sessions.begin() as session:
        org = make_org(session, "Start", {"T": 20})
        make_round(session, org, "R", instrument=instrument)
        for transparency in (1, 5, 1, 5, 1, 5):   # two camps on transparency
            respond(session, instrument, org, "T", "R",
                    _answers_keyed(instrument, {**levels, "transparency": transparency}))
    view = dashboard(runtime, ADMIN, Filters(org.id), language="nl")
    starts = [(s.theme.id, s.reasons) for s in view.where_to_start]
    assert starts == [("client_autonomy", (MISALIGNED,)), ("financial_benefit", (MISALIGNED,)),
                      ("transparency", (SPLIT_VIEW,))]
    for start in view.where_to_start:
        assert start.question == localise(instrument.domain(start.theme.id).interpretation.question, "nl")
        assert start.theme.name == localise(instrument.domain(start.theme.id).name, "nl")
    (team,) = view.agreement
    assert [t.theme.id for t in team.themes if t.split] == ["transparency"]
    (participation,) = view.participation
    assert (participation.rate, participation.low) == (pytest.approx(0.3), True)
    assert any(r["note"] == "low participation" for r in export_rows(view))


def test_where_to_start_without_misalignment_names_the_least_aligned(runtime):
    instrument = runtime.instrument
    with runtime.sessions.begin() as session:
        org = make_org(session, "Calm", {"T": None})
        make_round(session, org, "R", instrument=instrument)
        for _ in range(5):
            respond(session, instrument, org, "T", "R", _answers_keyed(
                instrument, {"client_autonomy": 5, "treatment_needs": 4, "financial_benefit": 2,
                             "technology_push": 1}))
    view = dashboard(runtime, ADMIN, Filters(org.id))
    assert [(s.theme.id, s.reasons) for s in view.where_to_start] == [
        ("financial_benefit", (LEAST_ALIGNED,)), ("treatment_needs", (LEAST_ALIGNED,))]


def test_rounds_on_two_instrument_versions_show_the_themes_they_share(runtime):
    instrument = runtime.instrument
    dropped = {i.id for i in instrument.items_in("transparency")}
    older = dataclasses.replace(
        instrument, version="0.9", content_hash="0" * 64,
        domains=tuple(d for d in instrument.domains if d.id != "transparency"),
        items=tuple(i for i in instrument.items if i.id not in dropped),
        steps=tuple(dataclasses.replace(s, items=tuple(i for i in s.items if i not in dropped))
                    for s in instrument.steps))
    runtime.banks[older.content_hash] = older
    rng = Random(9)
    with runtime.sessions.begin() as session:
        org = make_org(session, "Versions", {"T": None})
        make_round(session, org, "Old", instrument=older)
        make_round(session, org, "New", instrument=instrument, weeks=26)
        for round_name, version in (("Old", older), ("New", instrument)):
            for _ in range(6):
                respond(session, version, org, "T", round_name, random_answers(version, rng))
    both = dashboard(runtime, ADMIN, Filters(org.id))
    assert both.instruments == (older.label, instrument.label)
    assert "transparency" not in {t.id for t in both.themes}
    assert not dropped & {i.item_id for i in both.likert}
    assert len(both.themes) == len(instrument.domains) - 1
    new = dashboard(runtime, ADMIN, Filters(org.id, round_id=org.rounds["New"]))
    assert "transparency" in {t.id for t in new.themes}
    assert [p.round_name for p in new.trends] == ["Old", "New"]
    assert all(p.group.shown and len(p.means) == len(new.themes) for p in new.trends)
