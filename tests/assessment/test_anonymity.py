"""The anonymity rule's interface: views offered, decisions, labels, validation, breakdowns and speed.

The attacks on the decisions (differencing, checked by an independent attacker) are in
test_anonymity_attacks.py.
"""

import ast
import sys
from pathlib import Path
from random import Random

import pytest

import assessment.anonymity as anonymity
from assessment.anonymity import (
    ALL,
    DEFAULT_K,
    EMPTY,
    FEWER_THAN_K,
    NOT_OFFERED,
    PROTECTS_SMALL_GROUP,
    SHOWN,
    WITHHELD,
    AnonymityError,
    Decision,
    Population,
    Selector,
    offered_sets,
    publishable,
    safe_breakdown,
)
from assessment.anonymity.verification import Span, axpy

WARD = Population(
    {
        ("A", 1, "nurse"): 10,
        ("A", 1, "doctor"): 8,
        ("B", 1, "nurse"): 4,
        ("B", 1, "doctor"): 7,
        ("C", 1, "nurse"): 9,
        ("C", 1, "doctor"): 9,
    }
)


def grid(teams: int, rounds: int, roles: int, counts, seed: int = 0) -> Population:
    rng = Random(seed)
    return Population(
        {
            (f"T{t}", r, f"R{o}" if o else None): counts(rng)
            for t in range(teams)
            for r in range(1, rounds + 1)
            for o in range(roles)
        }
    )


# --- selectors and populations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "selector, label",
    [
        (Selector(), "all teams · all rounds · all roles"),
        (Selector("A"), "team A · all rounds · all roles"),
        (Selector(rounds={2}), "all teams · round 2 · all roles"),
        (Selector(rounds=2), "all teams · round 2 · all roles"),
        (Selector(rounds=[3, 1]), "all teams · rounds 1, 3 · all roles"),
        (Selector("A", {1}, "nurse"), "team A · round 1 · role nurse"),
        (Selector(role=None), "all teams · all rounds · role not given"),
    ],
)
def test_selector_labels(selector, label):
    assert selector.label == label == str(selector)


def test_selector_rounds_are_a_frozenset_or_all():
    assert Selector(rounds=1) == Selector(rounds={1}) == Selector(rounds=frozenset({1}))
    assert Selector(rounds=(1, 2)).rounds == frozenset({1, 2})
    assert Selector().rounds is ALL and Selector(role=None).role is None
    with pytest.raises(AnonymityError):
        Selector(rounds=set())


def test_selector_contains():
    assert Selector("A", {1, 2}, None).contains(("A", 2, None))
    assert not Selector("A", {1, 2}, None).contains(("A", 3, None))
    assert not Selector(role=None).contains(("A", 1, "nurse"))
    assert Selector().contains(("B", 7, None))


def test_population_reports_every_problem_at_once():
    with pytest.raises(AnonymityError) as raised:
        Population({("A", 1): 3, ("A", 1, "x"): -1, ("B", 1, "x"): 2.5, ("C", 1, "x"): True, ("D", ALL, "x"): 1})
    assert len(raised.value.args[0].split("; ")) == 5


def test_population_counts_and_dimensions():
    assert WARD.teams == ("A", "B", "C") and WARD.rounds == (1,) and WARD.roles == ("doctor", "nurse")
    assert WARD.n(Selector()) == 47 and WARD.n(Selector("B", role="nurse")) == 4
    assert Population({("A", 1, None): 3, ("A", 1, "x"): 1}).roles == ("x", None)  # "not given" last


@pytest.mark.parametrize("k", [2, 0, -5, True, 3.0, "5"])
def test_k_is_a_whole_number_of_at_least_three(k):
    with pytest.raises(AnonymityError):
        publishable(WARD, k)


def test_round_groups_must_hold_rounds():
    with pytest.raises(AnonymityError):
        publishable(WARD, 5, {"EHR": set()})


# --- offered views ---------------------------------------------------------------------------------------


def test_offered_sets_are_every_combination_of_all_or_one_value():
    population = Population({("A", 1, "nurse"): 5, ("B", 2, None): 5})
    offered = offered_sets(population, {"EHR": {1, 2}, "Pilot": {2}, "Again": [2, 1]})
    # teams: ALL, A, B; rounds: ALL, {1}, {2}, {1, 2} (Pilot is round 2, Again is EHR); roles: ALL, nurse, None
    assert len(offered) == 3 * 4 * 3 == len(set(offered))
    assert Selector("A", {1, 2}, None) in offered and Selector(ALL, {2}, "nurse") in offered
    assert {s.rounds for s in offered} == {ALL, frozenset({1}), frozenset({2}), frozenset({1, 2})}


def test_rounds_of_an_intervention_without_responses_are_offered_and_empty():
    decisions = publishable(WARD, 5, {"Telecare": {2, 3}})
    assert decisions[Selector(rounds={3})].status == EMPTY
    assert decisions[Selector(rounds={2, 3})].status == EMPTY
    assert set(decisions) == set(offered_sets(WARD, {"Telecare": {2, 3}}))


# --- decisions ------------------------------------------------------------------------------------------------


def test_the_classic_ward_table():
    decisions = publishable(WARD)
    assert decisions[Selector("B", role="nurse")] == Decision(WITHHELD, FEWER_THAN_K)
    # B's doctors would be B minus B's nurses; the nurses across teams would give B's nurses away. A and C
    # are equally good partners (8 + 10 or 9 + 9 responses, two views): the first team in order is chosen.
    assert decisions[Selector("B", role="doctor")] == Decision(WITHHELD, PROTECTS_SMALL_GROUP)
    assert decisions[Selector("A", role="nurse")] == Decision(WITHHELD, PROTECTS_SMALL_GROUP)
    assert decisions[Selector("A", role="doctor")] == Decision(WITHHELD, PROTECTS_SMALL_GROUP)
    for shown in [
        Selector(),
        Selector("A"),
        Selector("B"),
        Selector("C"),
        Selector(role="nurse"),
        Selector("C", role="nurse"),
        Selector("C", role="doctor"),
    ]:
        assert decisions[shown] == Decision(SHOWN, n=WARD.n(shown)), shown.label


@pytest.mark.parametrize(
    "k, shown, withheld",
    [
        (3, 24, 0),  # every cell holds at least 3
        (5, 16, 8),  # the ward table above (round 1 and all rounds are the same views)
        (10, 12, 12),  # every cell withheld (A's nurses protect A's doctors); every margin shown
    ],
)
def test_k_variants_of_the_ward(k, shown, withheld):
    decisions = publishable(WARD, k)
    assert sum(d.shown for d in decisions.values()) == shown
    assert sum(d.withheld for d in decisions.values()) == withheld


def test_the_default_k_is_five():
    assert DEFAULT_K == 5 and publishable(WARD) == publishable(WARD, 5)


def test_a_withheld_view_never_carries_its_count():
    for decision in publishable(WARD, 10).values():
        assert (decision.n is None) == decision.withheld


@pytest.mark.parametrize("k", [3, 5, 10])
def test_when_every_cell_is_large_everything_is_shown(k):
    population = grid(5, 3, 4, lambda rng: rng.randint(k, 3 * k))
    decisions = publishable(population, k, {"EHR": {1, 2}})
    assert all(d.status == SHOWN for d in decisions.values())


def test_empty_cells_do_not_make_anything_withheld():
    population = grid(4, 2, 3, lambda rng: rng.choice([0, 0, 6, 9]), seed=3)
    decisions = publishable(population, 5)
    assert {d.status for d in decisions.values()} <= {SHOWN, EMPTY}
    assert EMPTY in {d.status for d in decisions.values()}


@pytest.mark.parametrize("seed", range(8))
def test_the_organisation_total_is_shown_when_its_teams_are(seed):
    population = grid(6, 2, 3, lambda rng: rng.randint(0, 9), seed=seed)
    decisions = publishable(population, 5)
    teams = [decisions[Selector(t)] for t in population.teams]
    if all(d.shown or d.empty for d in teams):
        assert decisions[Selector()].shown
    assert sum(d.shown for d in decisions.values()) > 0


def test_the_same_input_gives_the_same_decisions():
    population = grid(6, 3, 4, lambda rng: rng.randint(0, 8), seed=11)
    assert publishable(population, 5, {"EHR": {1, 2}}) == publishable(population, 5, {"EHR": {1, 2}})


# --- breakdowns -----------------------------------------------------------------------------------------


def test_safe_breakdown_keeps_the_order_and_fails_closed():
    decisions = publishable(WARD)
    parent, children = Selector("B"), [Selector("B", role="nurse"), Selector("B", role="doctor")]
    made_up = Selector("B", {1, 7})
    breakdown = safe_breakdown(decisions, [parent, *children, made_up])
    assert [s for s, _ in breakdown] == [parent, *children, made_up]
    assert [d.status for _, d in breakdown] == [SHOWN, WITHHELD, WITHHELD, WITHHELD]
    assert breakdown[-1][1].reason == NOT_OFFERED


# --- the elimination behind the verification ----------------------------------------------------------


@pytest.mark.parametrize("seed", range(30))
def test_the_elimination_traces_combinations_back_to_the_shown_views(seed):
    # Which shown views a subtraction uses decides what is withheld next; check the trace-back on random
    # 0/1 rows: a combination of the final rows, and every dependency found, map back exactly.
    rng = Random(seed)
    width = rng.randint(1, 9)
    rows = [rng.sample(range(width), rng.randint(1, width)) for _ in range(rng.randint(1, 12))]
    span = Span(set(rng.sample(range(width), rng.randint(0, width))))
    for label, row in enumerate(rows):
        span.add(dict.fromkeys(row, 1), label)

    def combine(coefficients):
        total = {}
        for label, c in coefficients.items():
            axpy(total, c, dict.fromkeys(rows[label], 1))
        return total

    target = combine({label: rng.randint(-2, 2) for label in range(len(rows))})
    traced = span.origin({p: target.get(p, 0) for p in span.pivot_rows})
    assert combine(traced) == target
    assert combine(span.origin({}, dependency_weight=lambda label: label + 2)) == {}


# --- purity and speed -------------------------------------------------------------------------------------


@pytest.mark.parametrize("module", sorted(Path(anonymity.__file__).parent.glob("*.py")), ids=lambda p: p.name)
def test_the_package_uses_only_the_standard_library(module):
    tree = ast.parse(module.read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    imported |= {
        node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 0
    }
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}


@pytest.mark.parametrize(
    "counts",
    [lambda rng: rng.randint(0, 8), lambda rng: rng.randint(1, 4), lambda rng: rng.randint(5, 30)],
    ids=["mixed", "all-small", "all-large"],
)
def test_a_dashboard_sized_organisation_is_decided(counts):
    # 20 teams x 4 rounds x 8 roles (1,323 views); its timing is reported by benchmarks/, not asserted here.
    population = grid(20, 4, 8, counts, seed=1)
    decisions = publishable(population, 5, {"EHR": {1, 2}, "Telecare": {3, 4}})
    assert set(decisions) == set(offered_sets(population, {"EHR": {1, 2}, "Telecare": {3, 4}}))
