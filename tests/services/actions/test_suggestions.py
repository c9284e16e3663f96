"""Suggestions, not prescriptions: which themes and elements get implementation strategies, and what a
suggestion says (its sources, and whether it is our design), in English and Dutch."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from questions import load_banks
from services.actions import suggestions
from services.actions.rules import Target


@pytest.fixture(scope="module")
def rt():
    """Only the current bank is read (no database)."""
    return SimpleNamespace(instrument=next(b for b in load_banks().values() if b.form_id is None))


@pytest.mark.parametrize(
    "side, score, expected",
    [
        ("match", 49.9, True),
        ("match", 50, False),
        ("match", 80, False),
        ("mismatch", 50.1, True),
        ("mismatch", 50, False),
        ("mismatch", 10, False),
        ("element", 30, True),
        ("element", 62.5, False),
        ("compassion", 49, True),
        ("value", 0, False),  # the professional's own values are not the organisation's approach
        ("match", None, False),  # not enough answers: nothing is suggested
    ],
)
def test_what_needs_attention(side, score, expected):
    assert suggestions.needs_attention(side, score) is expected


def test_themes_leaning_to_a_mismatch_and_weak_elements_get_suggestions(rt):
    targets = suggestions.suggested_targets(
        rt,
        theme_scores={
            "client_autonomy": 30.0,
            "treatment_needs": 75.0,
            "financial_benefit": 70.0,
            "technology_push": None,
            "helping_people": 10.0,
        },
        element_scores={1: 40.0, 2: 55.0, 3: None},
    )
    assert targets == (Target(theme="client_autonomy"), Target(theme="financial_benefit"), Target(element=1))


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_suggestion_names_its_sources_and_says_when_it_is_our_design(rt, language):
    found = suggestions.for_target(rt, Target(theme="client_autonomy"), language)
    assert len(found) >= 2
    by_id = {s.id: s for s in found}
    assert by_id["opt_out_path"].our_design and not by_id["clients_choose_how"].our_design
    assert by_id["clients_choose_how"].sources == ("van Lotringen et al. (2025)", "ERIC (Powell et al., 2015)")
    assert "10.1371/journal.pone.0320710" in by_id["clients_choose_how"].citations[0]
    if language == "nl":
        assert by_id["opt_out_path"].text.startswith("Bied elke cliënt")
    else:
        assert by_id["opt_out_path"].text.startswith("Offer every client")


def test_a_compassion_theme_gets_its_elements_suggestions_and_the_whole_gets_none(rt):
    assert suggestions.for_target(rt, Target(theme="recognising_suffering"), "en") == suggestions.for_target(
        rt, Target(element=1), "en"
    )
    assert suggestions.for_target(rt, Target(), "en") == ()


def test_the_dashboard_gets_each_target_with_its_suggestions(rt):
    found = suggestions.suggestions(rt, theme_scores={"technology_push": 80.0}, element_scores={4: 20.0}, language="nl")
    assert [entry.target for entry in found] == [Target(theme="technology_push"), Target(element=4)]
    assert all(len(entry.suggestions) >= 2 for entry in found)
