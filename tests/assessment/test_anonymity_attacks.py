"""Differencing attacks on the dashboard's views, checked by an attacker written independently of the module.

The attacker knows every shown view's sums and n and that empty views are empty. A group of respondents
is revealed when its indicator vector over the non-empty atomic cells lies in the span of the shown views'
indicator vectors. The module decides with a sparse exact elimination and a search over atoms; here the
span is tested with a dense SVD null space (numpy), and every hit is confirmed with dense Gaussian
elimination over fractions, so a bug would have to be made twice, differently.
"""

from fractions import Fraction
from itertools import combinations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.anonymity import (
    ALL,
    EMPTY,
    FEWER_THAN_K,
    PROTECTS_SMALL_GROUP,
    SHOWN,
    WITHHELD,
    Population,
    Selector,
    offered_sets,
    publishable,
)


def in_span_exactly(rows: np.ndarray, target: np.ndarray) -> bool:
    """Dense Gauss-Jordan over the rationals: is target a combination of rows?"""
    matrix = [[Fraction(int(v)) for v in row] for row in rows]
    rank_before = _rank(matrix)
    return _rank(matrix + [[Fraction(int(v)) for v in target]]) == rank_before


def _rank(matrix: list[list[Fraction]]) -> int:
    rows = [row[:] for row in matrix]
    rank, width = 0, len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][column] != 0:
                factor = rows[i][column] / rows[rank][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank])]
        rank += 1
    return rank


class Attacker:
    """What the shown views of one decision pattern let anyone compute."""

    def __init__(self, population: Population, decisions):
        self.cells = sorted((cell for cell, n in population.counts.items() if n > 0), key=repr)
        self.counts = np.array([population.counts[cell] for cell in self.cells])
        self.shown = [selector for selector, decision in decisions.items() if decision.shown]
        self.published = self.vectors(self.shown)
        if len(self.shown) and len(self.cells):
            _, singular, vt = np.linalg.svd(self.published.astype(float))
            rank = int((singular > 1e-9 * max(1.0, singular.max())).sum())
            self.null = vt[rank:]
        else:
            self.null = np.eye(len(self.cells))

    def vectors(self, selectors) -> np.ndarray:
        matrix = np.zeros((len(selectors), len(self.cells)), dtype=np.int64)
        for i, selector in enumerate(selectors):
            matrix[i] = [selector.contains(cell) for cell in self.cells]
        return matrix

    def revealed(self, groups: np.ndarray) -> list[np.ndarray]:
        """The groups (0/1 rows over the cells) whose sums follow from the shown views."""
        if not self.cells or not len(groups):
            return []
        groups = np.asarray(groups, dtype=np.int64).reshape(-1, len(self.cells))
        if len(self.null):
            residual = np.abs(groups.astype(float) @ self.null.T).max(axis=1)
        else:
            residual = np.zeros(len(groups))
        hits = [group for group, r in zip(groups, residual) if r < 1e-6]
        return [group for group in hits if in_span_exactly(self.published, group)]

    def small(self, groups: np.ndarray, k: int) -> np.ndarray:
        """The groups with 0 < n < k."""
        if not self.cells:
            return np.zeros((0, 0), dtype=np.int64)
        groups = np.asarray(groups, dtype=np.int64).reshape(-1, len(self.cells))
        n = groups @ self.counts
        return groups[(n > 0) & (n < k)]

    def revealed_small_groups(self, population: Population, k: int, round_groups=None) -> list[list]:
        """Every group with 0 < n < k among: unions of up to three cells, offered views, and the set
        differences of any two offered views - that the shown views reveal."""
        cells = len(self.cells)
        if not cells:
            return []
        unions = [
            np.eye(cells, dtype=np.int64)[list(chosen)].sum(axis=0)
            for size in (1, 2, 3)
            for chosen in combinations(range(cells), size)
            if 0 < sum(self.counts[list(chosen)]) < k
        ]
        offered = self.vectors(offered_sets(population, round_groups)).astype(bool)
        differences = (offered[:, None, :] & ~offered[None, :, :]).reshape(-1, cells)
        candidates = np.unique(
            np.concatenate(
                [
                    np.array(unions, dtype=np.int64).reshape(-1, cells),
                    self.small(offered, k),
                    self.small(differences, k),
                ]
            ),
            axis=0,
        )
        return [[cell for cell, member in zip(self.cells, group) if member] for group in self.revealed(candidates)]


def assert_nothing_small_revealed(population: Population, k: int, round_groups=None):
    decisions = publishable(population, k, round_groups)
    attacker = Attacker(population, decisions)
    assert attacker.revealed_small_groups(population, k, round_groups) == []
    return decisions, attacker


def team(name, counts_by_role, round_=1):
    return {(name, round_, role): n for role, n in counts_by_role.items()}


# --- attack families, table-driven -----------------------------------------------------------------------


@pytest.mark.parametrize("k", [3, 5, 10])
def test_a_team_below_k_shows_nothing_of_its_own_and_no_subtraction_reveals_it(k):
    small = k - 1
    population = Population(
        {
            **team("A", {"nurse": small - 1, "doctor": 1}),
            **team("B", {"nurse": 2 * k, "doctor": k + 1}),
            **team("C", {"nurse": 2 * k + 3, "doctor": k + 2}),
        }
    )
    decisions, attacker = assert_nothing_small_revealed(population, k)
    for selector, decision in decisions.items():
        if selector.team == "A":
            assert not decision.shown, selector.label
    team_a = attacker.vectors([Selector("A")])
    assert attacker.revealed(team_a) == []  # organisation minus B minus C
    assert decisions[Selector()].shown  # the organisation as a whole still is


@pytest.mark.parametrize(
    "k, children",
    [
        (5, {"nurse": 2, "doctor": 8, "admin": 9}),
        (5, {"nurse": 1, "doctor": 5, "admin": 30}),
        (3, {"nurse": 2, "doctor": 3, "admin": 4}),
        (10, {"nurse": 9, "doctor": 10, "admin": 25, "porter": 11}),
    ],
)
def test_parent_minus_shown_children_cannot_reveal_a_withheld_child(k, children):
    population = Population({**team("A", children), **team("B", {role: 3 * k for role in children})})
    decisions, attacker = assert_nothing_small_revealed(population, k)
    small_role = min(children, key=children.get)
    assert decisions[Selector("A", role=small_role)].reason == FEWER_THAN_K
    siblings = [Selector("A", role=role) for role in children if role != small_role]
    parent = Selector("A")
    protected = [s for s in siblings if decisions[s].reason == PROTECTS_SMALL_GROUP]
    assert protected or not decisions[parent].shown  # a sibling is withheld, or the parent
    child = attacker.vectors([Selector("A", role=small_role)])
    assert attacker.revealed(child) == []


@pytest.mark.parametrize("k, nurses, others", [(5, 20, 2), (5, 7, 4), (3, 10, 2), (10, 40, 9)])
def test_a_filter_and_its_small_complement(k, nurses, others):
    # role = nurse is large; all roles minus nurses would be the small rest of the team
    population = Population(
        {("A", 1, "nurse"): nurses, ("A", 1, "doctor"): others, ("B", 1, "nurse"): 3 * k, ("B", 1, "doctor"): 3 * k}
    )
    decisions, attacker = assert_nothing_small_revealed(population, k)
    nurse, everyone = Selector("A", role="nurse"), Selector("A")
    assert not (decisions[nurse].shown and decisions[everyone].shown)
    complement = attacker.vectors([Selector("A", role="doctor")])
    assert attacker.revealed(complement) == []


@pytest.mark.parametrize("k, first, second", [(5, 12, 3), (5, 4, 9), (3, 6, 2), (10, 30, 7)])
def test_two_rounds_of_a_team_and_all_rounds_minus_round_one(k, first, second):
    population = Population(
        {("A", 1, "nurse"): first, ("A", 2, "nurse"): second, ("B", 1, "nurse"): 2 * k, ("B", 2, "nurse"): 2 * k}
    )
    decisions, attacker = assert_nothing_small_revealed(population, k)
    small_round = 2 if second < k else 1
    assert decisions[Selector("A", {small_round})].reason == FEWER_THAN_K
    assert attacker.revealed(attacker.vectors([Selector("A", {small_round})])) == []
    other = Selector("A", {3 - small_round})
    assert not (decisions[other].shown and decisions[Selector("A")].shown)


@pytest.mark.parametrize("k", [3, 5, 10])
def test_an_intervention_minus_one_of_its_rounds(k):
    groups = {"EHR": {1, 2}, "Telecare": {3}}
    population = Population(
        {
            ("A", 1, "nurse"): 2 * k,
            ("A", 2, "nurse"): k - 1,
            ("A", 3, "nurse"): 2 * k,
            ("B", 1, "nurse"): 2 * k,
            ("B", 2, "nurse"): 2 * k,
            ("B", 3, "nurse"): 2 * k,
        }
    )
    decisions, attacker = assert_nothing_small_revealed(population, k, groups)
    assert decisions[Selector("A", {2})].reason == FEWER_THAN_K
    assert attacker.revealed(attacker.vectors([Selector("A", {2})])) == []
    ehr, round_one = Selector("A", {1, 2}), Selector("A", {1})
    assert not (decisions[ehr].shown and decisions[round_one].shown)


def test_interventions_that_partition_the_rounds_cannot_be_subtracted_from_all_rounds():
    groups = {"EHR": {1, 2}, "Telecare": {3, 4}}
    population = Population(
        {("A", r, "nurse"): n for r, n in {1: 6, 2: 7, 3: 1, 4: 2}.items()}
        | {("B", r, "nurse"): 9 for r in (1, 2, 3, 4)}
    )
    decisions, attacker = assert_nothing_small_revealed(population, 5, groups)
    telecare = Selector("A", {3, 4})
    assert decisions[telecare].reason == FEWER_THAN_K
    assert not (decisions[Selector("A")].shown and decisions[Selector("A", {1, 2})].shown)


@pytest.mark.parametrize(
    "counts, round_groups, group",
    [
        # Each line is balanced, yet all teams minus T1 gives T0 + T2, all doctors minus T1's gives
        # T0 + T2's doctors, and the difference is T2's 2 admins.
        (
            {
                ("T0", 1, "doctor"): 10,
                ("T1", 1, "nurse"): 3,
                ("T1", 1, "doctor"): 10,
                ("T1", 1, "admin"): 2,
                ("T2", 1, "doctor"): 3,
                ("T2", 1, "admin"): 2,
            },
            {},
            [("T2", 1, "admin")],
        ),
        # A group of 4 spread over two teams and two rounds, reachable through the intervention's rounds.
        (
            {("T0", 1, "nurse"): 10, ("T0", 2, "nurse"): 1, ("T0", 3, "nurse"): 3, ("T1", 1, "nurse"): 1},
            {"I": {1, 2}},
            [("T0", 3, "nurse"), ("T1", 1, "nurse")],
        ),
    ],
    ids=["two-dimensional", "across-teams-and-rounds"],
)
def test_leaks_that_no_single_line_shows_are_found_by_the_verification(counts, round_groups, group):
    population = Population(counts)
    _, attacker = assert_nothing_small_revealed(population, 5, round_groups)
    target = np.array([[cell in group for cell in attacker.cells]], dtype=np.int64)
    assert attacker.revealed(target) == []


def test_an_empty_group_is_empty_not_withheld():
    population = Population({("A", 1, "nurse"): 12, ("A", 1, "doctor"): 0, ("B", 1, "nurse"): 9, ("B", 1, "doctor"): 7})
    decisions, _ = assert_nothing_small_revealed(population, 5)
    assert decisions[Selector("A", role="doctor")].status == EMPTY
    assert decisions[Selector("A", role="doctor")].n == 0
    assert decisions[Selector("A", role="nurse")].status == SHOWN  # an empty sibling protects nothing
    assert decisions[Selector("B", role="doctor")].status == SHOWN


# --- property: any population, any k ------------------------------------------------------------------

ROLES = ["nurse", "doctor", None, "manager"]


@st.composite
def populations(draw):
    n_teams, n_rounds, n_roles = draw(st.integers(1, 6)), draw(st.integers(1, 3)), draw(st.integers(1, 4))
    counts = st.one_of(st.integers(0, 4), st.integers(0, 12))
    table = {
        (f"T{t}", r, role): draw(counts)
        for t in range(n_teams)
        for r in range(1, n_rounds + 1)
        for role in ROLES[:n_roles]
    }
    groups = {}
    if n_rounds >= 2:
        for index, rounds in enumerate(draw(st.lists(st.sets(st.integers(1, n_rounds), min_size=2), max_size=2))):
            groups[f"I{index}"] = rounds
    return Population(table), groups, draw(st.integers(3, 6))


def lines(population: Population, round_groups):
    """(total, children) among the offered selectors, in each of the three coordinates."""
    teams, roles = population.teams, population.roles
    rounds = sorted({*population.rounds, *(r for g in round_groups.values() for r in g)})
    round_values = [ALL, *(frozenset({r}) for r in rounds), *(frozenset(g) for g in round_groups.values())]
    for r in round_values:
        for o in [ALL, *roles]:
            yield Selector(ALL, r, o), [Selector(t, r, o) for t in teams]
    for t in [ALL, *teams]:
        for r in round_values:
            yield Selector(t, r, ALL), [Selector(t, r, o) for o in roles]
        for o in [ALL, *roles]:
            yield Selector(t, ALL, o), [Selector(t, {r}, o) for r in rounds]
            for group in round_groups.values():
                yield Selector(t, group, o), [Selector(t, {r}, o) for r in group]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(populations())
def test_no_small_group_is_ever_revealed(case):
    population, round_groups, k = case
    decisions = publishable(population, k, round_groups)
    attacker = Attacker(population, decisions)
    assert attacker.revealed_small_groups(population, k, round_groups) == []

    for selector, decision in decisions.items():
        n = population.n(selector)
        if n == 0:
            assert decision.status == EMPTY and decision.n == 0
        elif n < k:
            assert (decision.status, decision.reason, decision.n) == (WITHHELD, FEWER_THAN_K, None)
        elif decision.shown:
            assert decision.n == n
        else:
            assert (decision.reason, decision.n) == (PROTECTS_SMALL_GROUP, None)

    # Views holding the same respondents publish the same sums: one decision for all of them.
    by_cells = {}
    for selector, decision in decisions.items():
        key = frozenset(cell for cell, n in population.counts.items() if n and selector.contains(cell))
        by_cells.setdefault(key, set()).add(decision)
    assert all(len(found) == 1 for found in by_cells.values())

    # No pointless suppression of a total whose children are all shown.
    for total, children in lines(population, round_groups):
        non_empty = [decisions[c] for c in children if not decisions[c].empty]
        if non_empty and all(d.shown for d in non_empty):
            assert decisions[total].shown, total.label

    # The easy case: every non-empty cell holds at least k responses, so everything non-empty is shown.
    if all(n == 0 or n >= k for n in population.counts.values()):
        assert all(d.shown or d.empty for d in decisions.values())


@st.composite
def small_populations(draw):
    n_teams, n_rounds, n_roles = draw(st.integers(1, 3)), draw(st.integers(1, 2)), draw(st.integers(1, 2))
    table = {
        (f"T{t}", r, role): draw(st.integers(0, 7))
        for t in range(n_teams)
        for r in range(1, n_rounds + 1)
        for role in ROLES[:n_roles]
    }
    return Population(table), draw(st.integers(3, 8))


@settings(max_examples=150, deadline=None)
@given(small_populations())
def test_no_group_of_any_shape_is_revealed_in_small_organisations(case):
    # Up to 12 cells: every one of the (at most 4,096) groups of cells is tried, not only the shapes above.
    population, k = case
    decisions = publishable(population, k)
    attacker = Attacker(population, decisions)
    cells = len(attacker.cells)
    every_group = (np.arange(1, 2**cells)[:, None] >> np.arange(cells)[None, :]) & 1
    assert attacker.revealed(attacker.small(every_group, k)) == []
