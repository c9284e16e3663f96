"""The dashboard service on a real database: authorisation before anything is read, and the
filters it accepts. Shared world and fixtures: tests/support/dashboard_data.py and conftest.py."""

from __future__ import annotations

import pytest

import services.dashboard.view as dashboard_module
from services.accounts.auth import AccountView
from services.dashboard.view import Filters, dashboard
from services.errors import InvalidInput, NotAuthorised, NotFound
from tests.support.dashboard_data import ADMIN

# --- authorisation --------------------------------------------------------------------------------


def test_a_manager_of_one_organisation_reaches_nothing_of_another(north_runtime, world):
    north, south = world["north"], world["south"]
    manager = AccountView(2, "mia", "manager", {north.id: None})
    assert dashboard(north_runtime, manager, Filters(north.id)).selection.shown
    for filters in (
        Filters(south.id),
        Filters(south.id, team_id=south.teams["Only"]),
        Filters(south.id, round_id=south.rounds["S1"]),
        Filters(987654),
    ):
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
    for filters in (
        Filters(north.id),
        Filters(north.id, team_id=north.teams["Large"]),
        Filters(north.id, round_id=north.rounds["R1"]),
    ):
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
        dashboard(
            north_runtime, AccountView(2, "mia", "manager", {world["north"].id: None}), Filters(world["south"].id)
        )


@pytest.mark.parametrize(
    "fields",
    [
        {"organisation_id": "1"},
        {"organisation_id": None},
        {"organisation_id": 1, "team_id": "2"},
        {"organisation_id": True},
        {"organisation_id": 1, "round_id": 1.0},
        {"organisation_id": 1, "role": 3},
    ],
)
def test_filters_are_whole_numbers_and_text(fields):
    with pytest.raises(InvalidInput):
        Filters(**fields)


def test_filters_that_do_not_fit_together(north_runtime, world):
    north = world["north"]
    with pytest.raises(InvalidInput):
        dashboard(
            north_runtime,
            ADMIN,
            Filters(north.id, intervention_id=north.interventions["Video"], round_id=north.rounds["R1"]),
        )
    with pytest.raises(NotFound):
        dashboard(north_runtime, ADMIN, Filters(north.id, intervention_id=987654))
