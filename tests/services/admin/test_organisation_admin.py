"""Organisations, teams and interventions: only admins (rounds too), every change audited, plain refusals.
Survey rounds themselves: test_survey_rounds.py."""

from __future__ import annotations

import json

import pytest

from db import interventions as db_interventions
from db.account_models import AuditLog
from db.org_models import Organisation, Team
from services.accounts import management
from services.admin import organisations, rounds
from services.admin.organisations import Refused
from services.errors import InvalidInput, NotAuthorised, NotFound
from tests.support.accounts import staff_account
from tests.support.organisations import T0, new_round
from tests.support.rows import count_rows


def actions(runtime, root):
    return [entry.action for entry in reversed(management.audit_log(runtime, root))]


# --- organisations, teams, interventions -------------------------------------------------------


def test_an_admin_sets_up_an_organisation(runtime, root, north):
    assert organisations.list_organisations(runtime, root) == [
        organisations.OrganisationRow(north["org"], "North", 5, 10, 2)
    ]
    assert organisations.list_teams(runtime, root, north["org"]) == [
        organisations.TeamRow(north["a"], "a", 12),
        organisations.TeamRow(north["b"], "b", None),
    ]
    assert organisations.list_interventions(runtime, root, north["org"]) == [
        organisations.InterventionRow(north["cbt"], "Online CBT")
    ]
    with runtime.sessions.begin() as session:  # the organisation's own list, not the open list
        assert db_interventions.list_interventions(session) == []


@pytest.mark.parametrize(
    "setting, asked, stored",
    [
        (5, None, (5, 10)),  # the setting by default
        (7, None, (7, 10)),
        (5, 3, (3, 10)),
        (5, 12, (12, 12)),  # comments never need a smaller group than the rest
    ],
)
def test_new_organisation_takes_its_k_from_the_setting(make_runtime, setting, asked, stored):
    rt = make_runtime(min_group_size=setting)
    root = staff_account(rt, "root", "admin")
    created = organisations.create_organisation(rt, root, name="North", min_group_size=asked)
    assert (created.min_group_size, created.comment_min_group_size) == stored


@pytest.mark.parametrize("k", [2, 1, 0, -5])
def test_k_below_three_is_refused(runtime, root, north, k):
    with pytest.raises(Refused) as refused:
        organisations.create_organisation(runtime, root, name="South", min_group_size=k)
    assert (refused.value.reason, refused.value.values) == ("group_size_too_small", {"min": 3})
    with pytest.raises(Refused, match="the smallest group size is 3"):
        organisations.set_min_group_size(runtime, root, north["org"], k)
    assert [(o.name, o.min_group_size) for o in organisations.list_organisations(runtime, root)] == [("North", 5)]


def test_raising_k_raises_the_minimum_for_comments_with_it(runtime, root, north):
    assert organisations.set_min_group_size(runtime, root, north["org"], 8).comment_min_group_size == 10
    changed = organisations.set_min_group_size(runtime, root, north["org"], 15)
    assert (changed.min_group_size, changed.comment_min_group_size) == (15, 15)


@pytest.mark.parametrize(
    "name, reason",
    [
        ("", "name_missing"),
        ("   ", "name_missing"),
        ("x" * 201, "name_too_long"),
        ("North\x00", "name_bad_characters"),
        ("North", "organisation_name_taken"),
        ("  North ", "organisation_name_taken"),
    ],
)
def test_bad_or_taken_organisation_names_are_refused(runtime, root, north, name, reason):
    before = count_rows(runtime, AuditLog)
    with pytest.raises(Refused) as refused:
        organisations.create_organisation(runtime, root, name=name)
    assert refused.value.reason == reason
    assert count_rows(runtime, Organisation) == 1 and count_rows(runtime, AuditLog) == before


def test_team_names_are_unique_within_their_organisation(runtime, root, north):
    with pytest.raises(Refused) as refused:
        organisations.create_team(runtime, root, north["org"], name="a")
    assert (refused.value.reason, refused.value.values) == ("team_name_taken", {"name": "a"})
    south = organisations.create_organisation(runtime, root, name="South")
    assert organisations.create_team(runtime, root, south.id, name="a").name == "a"


@pytest.mark.parametrize("size, reason", [(0, "team_size_too_small"), (-1, "team_size_too_small")])
def test_headcount_below_one_is_refused(runtime, root, north, size, reason):
    with pytest.raises(Refused) as refused:
        organisations.create_team(runtime, root, north["org"], name="c", size=size)
    assert refused.value.reason == reason
    with pytest.raises(Refused):
        organisations.set_team_size(runtime, root, north["a"], size)
    assert count_rows(runtime, Team) == 2


def test_headcount_can_be_changed_and_cleared(runtime, root, north):
    assert organisations.set_team_size(runtime, root, north["b"], 9).size == 9
    assert organisations.set_team_size(runtime, root, north["a"], None).size is None
    assert [t.size for t in organisations.list_teams(runtime, root, north["org"])] == [None, 9]


@pytest.mark.parametrize(
    "call",
    [
        lambda rt, root: organisations.create_team(rt, root, 999, name="x"),
        lambda rt, root: organisations.set_team_size(rt, root, 999, 3),
        lambda rt, root: organisations.set_min_group_size(rt, root, 999, 5),
        lambda rt, root: organisations.add_intervention(rt, root, 999, name="x"),
    ],
)
def test_unknown_organisation_or_team_is_not_found(runtime, root, call):
    with pytest.raises(NotFound):
        call(runtime, root)


@pytest.mark.parametrize(
    "name, reason",
    [
        ("", "intervention_missing"),
        ("x" * 201, "intervention_too_long"),
        ("Online CBT", "intervention_exists"),
        (" Online  CBT ", "intervention_exists"),
    ],
)
def test_bad_or_listed_interventions_are_refused(runtime, root, north, name, reason):
    with pytest.raises(Refused) as refused:
        organisations.add_intervention(runtime, root, north["org"], name=name)
    assert refused.value.reason == reason
    assert len(organisations.list_interventions(runtime, root, north["org"])) == 1


# --- who may do what ---------------------------------------------------------------------------

CALLS = {
    "list organisations": lambda rt, who, ids: organisations.list_organisations(rt, who),
    "create organisation": lambda rt, who, ids: organisations.create_organisation(rt, who, name="Evil"),
    "change k": lambda rt, who, ids: organisations.set_min_group_size(rt, who, ids["org"], 3),
    "list teams": lambda rt, who, ids: organisations.list_teams(rt, who, ids["org"]),
    "create team": lambda rt, who, ids: organisations.create_team(rt, who, ids["org"], name="c"),
    "change headcount": lambda rt, who, ids: organisations.set_team_size(rt, who, ids["a"], 1),
    "list interventions": lambda rt, who, ids: organisations.list_interventions(rt, who, ids["org"]),
    "add intervention": lambda rt, who, ids: organisations.add_intervention(rt, who, ids["org"], name="New"),
    "create round": lambda rt, who, ids: new_round(rt, who, ids),
    "list rounds": lambda rt, who, ids: rounds.list_rounds(rt, who, ids["org"]),
    "renew link": lambda rt, who, ids: rounds.regenerate_invitation(rt, who, ids["round"], ids["a"]),
    "close round": lambda rt, who, ids: rounds.close_round_now(rt, who, ids["round"], now=T0),
}


def everything(runtime, root, org_id):
    return (
        count_rows(runtime, AuditLog),
        organisations.list_organisations(runtime, root),
        organisations.list_teams(runtime, root, org_id),
        organisations.list_interventions(runtime, root, org_id),
        rounds.list_rounds(runtime, root, org_id, now=T0),
    )


@pytest.mark.parametrize("role", ["manager", "facilitator", None])
def test_only_admins_manage_organisations_and_rounds(runtime, root, north, role):
    """Every call, by an account scoped to this very organisation, is refused and writes nothing."""
    ids = north | {"round": new_round(runtime, root, north).round.id}
    who = None if role is None else staff_account(runtime, "mia", role, {north["org"]: None})
    before = everything(runtime, root, north["org"])
    allowed = []
    for name, call in CALLS.items():
        try:
            call(runtime, who, ids)
        except NotAuthorised:
            continue
        allowed.append(name)
    assert allowed == []
    assert everything(runtime, root, north["org"]) == before


def test_listing_for_another_page_is_a_programming_error(runtime, root):
    with pytest.raises(ValueError):
        organisations.list_organisations(runtime, root, page="dashboard")


def test_every_change_is_audited_without_tokens(runtime, root, north):
    created = new_round(runtime, root, north)
    renewed = rounds.regenerate_invitation(runtime, root, created.round.id, north["a"])
    rounds.close_round_now(runtime, root, created.round.id, now=T0)
    organisations.set_min_group_size(runtime, root, north["org"], 6)
    organisations.set_team_size(runtime, root, north["b"], 4)
    assert actions(runtime, root) == [
        "organisation_created",
        "team_created",
        "team_created",
        "intervention_added",
        "round_created",
        "invitation_renewed",
        "round_closed",
        "min_group_size_changed",
        "team_size_changed",
    ]
    log = {entry.action: entry for entry in management.audit_log(runtime, root)}
    assert all(entry.actor_id == root.id for entry in log.values())
    assert log["organisation_created"].detail == {"organisation_id": north["org"], "name": "North", "min_group_size": 5}
    assert log["round_created"].detail["team_ids"] == [north["a"], north["b"]]
    assert log["invitation_renewed"].detail == {
        "organisation_id": north["org"],
        "round_id": created.round.id,
        "team_id": north["a"],
    }
    assert log["team_size_changed"].detail == {
        "organisation_id": north["org"],
        "team_id": north["b"],
        "name": "b",
        "before": None,
        "after": 4,
    }
    written = json.dumps([entry.detail for entry in log.values()])
    for token in [renewed.token, *(i.token for i in created.invitations)]:
        assert token not in written


def test_refusals_are_invalid_input_with_a_plain_message(runtime, root, north):
    with pytest.raises(InvalidInput, match="there is already a team named 'a'"):
        organisations.create_team(runtime, root, north["org"], name="a")
