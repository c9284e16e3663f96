"""The dashboard service on a real database: anonymity in every part of the view and its export.
Shared world and fixtures: tests/support/dashboard_data.py and conftest.py."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterable
from random import Random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import services.dashboard.view as dashboard_module
from assessment.anonymity import EMPTY, FEWER_THAN_K, PROTECTS_SMALL_GROUP, SHOWN, WITHHELD, Selector
from db import AnswerTally, ResponseTally, ScoreTally, count_cells
from services.dashboard.view import EXPORT_COLUMNS, DashboardView, Filters, Group, dashboard, export_rows
from tests.support.dashboard_data import ADMIN, NORTH, make_org, make_round, random_answers, respond

NUMBERS = ("n", "mean", "low", "high", "value")


def groups_of(view: DashboardView) -> list[Group]:
    """Every decided group a view holds."""
    return [
        view.selection,
        *(r.group for r in view.heatmap),
        *(a.group for a in view.agreement),
        *(p.group for p in view.participation),
        *(t.group for t in view.trends),
    ]


def north_filters(north) -> list[Filters]:
    """Every filter combination a manager of North can choose."""
    teams = [None, *north.teams.values()]
    rounds = [
        (None, None),
        *((None, r) for r in north.rounds.values()),
        *((i, None) for i in north.interventions.values()),
    ]
    roles = [None, "nurse", "psychologist"]
    return [
        Filters(north.id, team_id=t, intervention_id=i, round_id=r, role=o)
        for t, (i, r), o in itertools.product(teams, rounds, roles)
    ]


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
        (),
        None,
        (),
        (),
        (),
        (),
    )
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
    assert view.selection.shown  # R1 over all teams: 4 + 10 + 12
    assert decisions["Small"].reason == FEWER_THAN_K
    assert decisions["Mid"].reason == PROTECTS_SMALL_GROUP  # the smallest other team goes with it
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
    candidates = [
        combination
        for size in range(1, k)
        for combination in itertools.combinations(small, size)
        if sum(population[cells[i]] for i in combination) < k
    ]
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
    assert (
        revealed_small_groups(
            {Selector(): 47, Selector(north.teams["Mid"]): 16, Selector(north.teams["Large"]): 27}, population, 5
        )
        != []
    )


CELL_GRID = [
    (team, round_name, role)
    for team in ("T0", "T1", "T2")
    for round_name in ("R1", "R2", "R3")
    for role in ("nurse", "psychologist", None)
]


@settings(max_examples=12, deadline=None)
@given(sizes=st.lists(st.integers(0, 7), min_size=len(CELL_GRID), max_size=len(CELL_GRID)), k=st.sampled_from([3, 5]))
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
                cell = dict(
                    organisation_id=org.id, team_id=org.teams[team], round_id=org.rounds[round_name], role=role or ""
                )
                session.add(ResponseTally(**cell, n=n))
                session.add(ScoreTally(**cell, key="alignment_index", n=n, total=10.0 * n, total_sq=100.0 * n))
                session.add(AnswerTally(**cell, item_id="ca1", value=3, count=n))
    population = {(org.teams[t], org.rounds[r], o): n for (t, r, o), n in zip(CELL_GRID, sizes) if n}
    rounds = [(None, None), *((None, r) for r in org.rounds.values()), *((i, None) for i in org.interventions.values())]
    # Without a team filter every view offers all teams as rows, so these cover every offered view.
    views = [
        dashboard(runtime, ADMIN, Filters(org.id, intervention_id=i, round_id=r, role=o))
        for (i, r), o in itertools.product(rounds, [None, "nurse", "psychologist"])
    ]
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
            elif row["group"] not in shown:  # empty: at most its n of 0
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
