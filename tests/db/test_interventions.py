"""Interventions, the open list and an organisation's own (db/interventions.py), on a real database."""

from __future__ import annotations

import pytest

from db import add_intervention, list_interventions


@pytest.mark.parametrize(
    "name",
    ["Online CBT module", "Beeldbellen", "Stemmings-app “Mood” ✓", "Zelfhulp – e-health ü é ß 心"],
)
def test_unicode_intervention_names_round_trip(session_factory, name: str) -> None:
    with session_factory.begin() as session:
        add_intervention(session, name=name)
    with session_factory() as session:
        assert list_interventions(session) == [name]


def test_adding_an_existing_intervention_returns_it(session) -> None:
    with session.begin():
        first = add_intervention(session, name="Mood app")
    with session.begin():
        again = add_intervention(session, name="  Mood app ")
        assert again.id == first.id
        assert list_interventions(session) == ["Mood app"]


def test_intervention_list_is_sorted_and_can_hide_inactive(session) -> None:
    with session.begin():
        for name in ("video calls", "Online CBT", "app"):
            add_intervention(session, name=name)
        add_intervention(session, name="Old portal").active = False
    with session.begin():
        assert list_interventions(session) == ["app", "Online CBT", "video calls"]
        assert list_interventions(session, active_only=False) == [
            "app",
            "Old portal",
            "Online CBT",
            "video calls",
        ]


@pytest.mark.parametrize("name", ["", "   "])
def test_intervention_needs_a_name(session, name: str) -> None:
    with pytest.raises(ValueError), session.begin():
        add_intervention(session, name=name)
