"""Releases over time (assessment/anonymity/history.py): each case publishes one moment, then the next, and
hands everything shown at either moment to the independent attacker (tests/support/attacker.py), which
works on respondents, not on cells. Each case leaks with the rule for one moment alone (``publishable``)."""

from __future__ import annotations

from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.anonymity import Population, publishable
from assessment.anonymity.history import PastRelease, publishable_after, view_cells
from tests.support.attacker import Attacker

K = 5


def people(counts: dict) -> dict:
    """Respondent ids per cell, stable across moments: cell -> list of ids."""
    ids = count(1)
    return {cell: [next(ids) for _ in range(n)] for cell, n in counts.items()}


def publish(attacker: Attacker, population: Population, decisions, members: dict) -> PastRelease:
    shown = [s for s, d in decisions.items() if d.shown]
    rows = view_cells(population, shown)
    for cells in rows.values():
        attacker.publish("count", (m for cell in cells for m in members.get(cell, ())))
    return PastRelease(dict(population.counts), tuple(v for v in rows.values() if v))


def two_moments(
    before: dict, after: dict, rule, k: int = K, k_after: int | None = None, groups_before=None, groups_after=None
):
    """Publish `before`, then `after` (cells keep their people; a cell losing n people loses its last n)."""
    k_after = k_after or k
    everyone = people({cell: max(before.get(cell, 0), after.get(cell, 0)) for cell in {*before, *after}})
    attacker = Attacker(k)
    first = Population(before)
    past = publish(
        attacker, first, publishable(first, k, groups_before), {c: everyone[c][:n] for c, n in before.items()}
    )
    checkpoint = attacker.checkpoint()
    second = Population(after)
    decisions = rule(second, k_after, groups_after, [past])
    publish(attacker, second, decisions, {c: everyone[c][:n] for c, n in after.items()})
    return attacker, checkpoint, decisions


def one_moment(population, k, groups, past):
    return publishable(population, k, groups)


# (name, counts before, counts after, k before, k after). Cells: (team, round, role).
CASES = [
    (
        "a round with a small cell closes under 'all rounds'",
        {("A", 1, "x"): 6, ("B", 1, "x"): 6},
        {("A", 1, "x"): 6, ("B", 1, "x"): 6, ("A", 2, "x"): 2, ("B", 2, "x"): 6},
        K,
        K,
    ),
    (
        "a purged round leaves 'all rounds'",
        {("A", 1, "x"): 6, ("B", 1, "x"): 6, ("A", 2, "x"): 2, ("B", 2, "x"): 6, ("A", 3, "x"): 7, ("B", 3, "x"): 7},
        {("A", 2, "x"): 2, ("B", 2, "x"): 6, ("A", 3, "x"): 7, ("B", 3, "x"): 7},
        K,
        K,
    ),
    (
        "k raised from 5 to 6",
        {("A", 1, "x"): 3, ("A", 1, "y"): 4, ("B", 1, "x"): 2, ("C", 1, "y"): 9},
        {("A", 1, "x"): 3, ("A", 1, "y"): 4, ("B", 1, "x"): 2, ("C", 1, "y"): 9},
        5,
        6,
    ),
]


@pytest.mark.parametrize("name, before, after, k, k_after", CASES, ids=[c[0] for c in CASES])
def test_the_rule_for_one_moment_leaks_over_two(name, before, after, k, k_after):
    attacker, checkpoint, _ = two_moments(before, after, one_moment, k, k_after)
    assert attacker.revealed_small_groups(k_after, since=checkpoint), name


@pytest.mark.parametrize("name, before, after, k, k_after", CASES, ids=[c[0] for c in CASES])
def test_releases_checked_against_the_ledger_reveal_nothing_new(name, before, after, k, k_after):
    attacker, checkpoint, decisions = two_moments(before, after, publishable_after, k, k_after)
    assert attacker.revealed_small_groups(k_after, since=checkpoint) == [], name
    assert any(d.shown for d in decisions.values())  # not everything withheld


def test_nothing_changed_means_nothing_more_withheld():
    counts = {("A", 1, "x"): 6, ("B", 1, "x"): 7, ("A", 2, "x"): 8, ("B", 2, "x"): 2}
    population = Population(counts)
    first = publishable(population, K)
    past = PastRelease(
        counts, tuple(v for s, v in view_cells(population, [s for s, d in first.items() if d.shown]).items() if v)
    )
    assert publishable_after(population, K, None, [past]) == first


cells = st.tuples(st.sampled_from("ABC"), st.sampled_from([1, 2, 3]), st.sampled_from(["x", "y"]))
new_cells = st.tuples(st.sampled_from("ABC"), st.sampled_from([4, 5]), st.sampled_from(["x", "y"]))  # later rounds


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    before=st.dictionaries(cells, st.integers(1, 9), min_size=1, max_size=8),
    added=st.dictionaries(new_cells, st.integers(1, 9), max_size=4),
    removed_rounds=st.sets(st.sampled_from([1, 2, 3]), max_size=1),
    k_after=st.sampled_from([3, 5, 6]),
)
def test_any_second_moment_reveals_nothing_new(before, added, removed_rounds, k_after):
    """Rounds close (cells added), a round is purged (its cells leave) and k changes, at random."""
    after = {cell: n for cell, n in before.items() if cell[1] not in removed_rounds}
    after.update(added)  # a released cell never changes: new cells come with rounds closing later
    if not after:
        return
    attacker, checkpoint, _ = two_moments(before, after, publishable_after, 5, k_after)
    assert attacker.revealed_small_groups(k_after, since=checkpoint) == []
