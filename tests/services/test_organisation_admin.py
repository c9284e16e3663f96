"""Organisations, teams, interventions and survey rounds: only admins, every change audited, plain refusals."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db import accounts as db_accounts
from db import repository
from db.account_models import AuditLog
from db.org_models import Organisation, SurveyRound, Team
from services import accounts, auth, invitations, survey_rounds
from services import organisation_admin as admin
from services.errors import InvalidInput, NotAuthorised, NotFound
from services.organisation_admin import Refused
from services.runtime import build_runtime
from services.settings import Settings
from tests.support.overlap import hold_first_call, in_background

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def root(runtime):
    """An admin, made without a password (hashing one is slow and beside the point here)."""
    return staff_account(runtime, "root", "admin")


def staff_account(runtime, username, role, scope=None):
    with runtime.sessions.begin() as session:
        account = db_accounts.add_account(session, username=username, password_hash=None, role=role)
        db_accounts.set_scope(session, account_id=account.id, scope=scope or {})
        return auth.account_view(session, account)


@pytest.fixture
def north(runtime, root):
    """Organisation north with teams a (12 people) and b, and one intervention: ids by name."""
    org = admin.create_organisation(runtime, root, name="North")
    a = admin.create_team(runtime, root, org.id, name="a", size=12)
    b = admin.create_team(runtime, root, org.id, name="b")
    cbt = admin.add_intervention(runtime, root, org.id, name="Online CBT")
    return {"org": org.id, "a": a.id, "b": b.id, "cbt": cbt.id}


def new_round(runtime, actor, ids, *, team_ids=None, days=(0, 20), now=T0, **changes):
    opens_at, closes_at = survey_rounds.round_period(T0.date() + timedelta(days=days[0]),
                                                     T0.date() + timedelta(days=days[1]))
    fields = {"intervention_id": ids["cbt"], "name": "Spring", "opens_at": opens_at, "closes_at": closes_at,
              "team_ids": [ids["a"], ids["b"]] if team_ids is None else team_ids, "now": now} | changes
    return survey_rounds.create_round(runtime, actor, ids["org"], **fields)


def count(runtime, model):
    with runtime.sessions.begin() as session:
        return session.scalar(select(func.count()).select_from(model))


def actions(runtime, root):
    return [entry.action for entry in reversed(accounts.audit_log(runtime, root))]


# --- organisations, teams, interventions -------------------------------------------------------


def test_an_admin_sets_up_an_organisation(runtime, root, north):
    assert admin.list_organisations(runtime, root) == [admin.OrganisationRow(north["org"], "North", 5, 10, 2)]
    assert admin.list_teams(runtime, root, north["org"]) == [admin.TeamRow(north["a"], "a", 12),
                                                             admin.TeamRow(north["b"], "b", None)]
    assert admin.list_interventions(runtime, root, north["org"]) == [admin.InterventionRow(north["cbt"], "Online CBT")]
    with runtime.sessions.begin() as session:   # the organisation's own list, not the open list
        assert repository.list_interventions(session) == []


@pytest.mark.parametrize("setting, asked, stored", [
    (5, None, (5, 10)),      # the setting by default
    (7, None, (7, 10)),
    (5, 3, (3, 10)),
    (5, 12, (12, 12)),       # comments never need a smaller group than the rest
])
def test_new_organisation_takes_its_k_from_the_setting(migrated_database, setting, asked, stored):
    rt = build_runtime(Settings(database_url=migrated_database, min_group_size=setting))
    try:
        root = staff_account(rt, "root", "admin")
        created = admin.create_organisation(rt, root, name="North", min_group_size=asked)
        assert (created.min_group_size, created.comment_min_group_size) == stored
    finally:
        rt.engine.dispose()


@pytest.mark.parametrize("k", [2, 1, 0, -5])
def test_k_below_three_is_refused(runtime, root, north, k):
    with pytest.raises(Refused) as refused:
        admin.create_organisation(runtime, root, name="South", min_group_size=k)
    assert (refused.value.reason, refused.value.values) == ("group_size_too_small", {"min": 3})
    with pytest.raises(Refused, match="the smallest group size is 3"):
        admin.set_min_group_size(runtime, root, north["org"], k)
    assert [(o.name, o.min_group_size) for o in admin.list_organisations(runtime, root)] == [("North", 5)]


def test_raising_k_raises_the_minimum_for_comments_with_it(runtime, root, north):
    assert admin.set_min_group_size(runtime, root, north["org"], 8).comment_min_group_size == 10
    changed = admin.set_min_group_size(runtime, root, north["org"], 15)
    assert (changed.min_group_size, changed.comment_min_group_size) == (15, 15)


@pytest.mark.parametrize("name, reason", [
    ("", "name_missing"),
    ("   ", "name_missing"),
    ("x" * 201, "name_too_long"),
    ("North\x00", "name_bad_characters"),
    ("North", "organisation_name_taken"),
    ("  North ", "organisation_name_taken"),
])
def test_bad_or_taken_organisation_names_are_refused(runtime, root, north, name, reason):
    before = count(runtime, AuditLog)
    with pytest.raises(Refused) as refused:
        admin.create_organisation(runtime, root, name=name)
    assert refused.value.reason == reason
    assert count(runtime, Organisation) == 1 and count(runtime, AuditLog) == before


def test_team_names_are_unique_within_their_organisation(runtime, root, north):
    with pytest.raises(Refused) as refused:
        admin.create_team(runtime, root, north["org"], name="a")
    assert (refused.value.reason, refused.value.values) == ("team_name_taken", {"name": "a"})
    south = admin.create_organisation(runtime, root, name="South")
    assert admin.create_team(runtime, root, south.id, name="a").name == "a"


@pytest.mark.parametrize("size, reason", [(0, "team_size_too_small"), (-1, "team_size_too_small")])
def test_headcount_below_one_is_refused(runtime, root, north, size, reason):
    with pytest.raises(Refused) as refused:
        admin.create_team(runtime, root, north["org"], name="c", size=size)
    assert refused.value.reason == reason
    with pytest.raises(Refused):
        admin.set_team_size(runtime, root, north["a"], size)
    assert count(runtime, Team) == 2


def test_headcount_can_be_changed_and_cleared(runtime, root, north):
    assert admin.set_team_size(runtime, root, north["b"], 9).size == 9
    assert admin.set_team_size(runtime, root, north["a"], None).size is None
    assert [t.size for t in admin.list_teams(runtime, root, north["org"])] == [None, 9]


@pytest.mark.parametrize("call", [
    lambda rt, root: admin.create_team(rt, root, 999, name="x"),
    lambda rt, root: admin.set_team_size(rt, root, 999, 3),
    lambda rt, root: admin.set_min_group_size(rt, root, 999, 5),
    lambda rt, root: admin.add_intervention(rt, root, 999, name="x"),
])
def test_unknown_organisation_or_team_is_not_found(runtime, root, call):
    with pytest.raises(NotFound):
        call(runtime, root)


@pytest.mark.parametrize("name, reason", [
    ("", "intervention_missing"),
    ("x" * 201, "intervention_too_long"),
    ("Online CBT", "intervention_exists"),
    (" Online  CBT ", "intervention_exists"),
])
def test_bad_or_listed_interventions_are_refused(runtime, root, north, name, reason):
    with pytest.raises(Refused) as refused:
        admin.add_intervention(runtime, root, north["org"], name=name)
    assert refused.value.reason == reason
    assert len(admin.list_interventions(runtime, root, north["org"])) == 1


# --- who may do what ---------------------------------------------------------------------------

CALLS = {
    "list organisations": lambda rt, who, ids: admin.list_organisations(rt, who),
    "create organisation": lambda rt, who, ids: admin.create_organisation(rt, who, name="Evil"),
    "change k": lambda rt, who, ids: admin.set_min_group_size(rt, who, ids["org"], 3),
    "list teams": lambda rt, who, ids: admin.list_teams(rt, who, ids["org"]),
    "create team": lambda rt, who, ids: admin.create_team(rt, who, ids["org"], name="c"),
    "change headcount": lambda rt, who, ids: admin.set_team_size(rt, who, ids["a"], 1),
    "list interventions": lambda rt, who, ids: admin.list_interventions(rt, who, ids["org"]),
    "add intervention": lambda rt, who, ids: admin.add_intervention(rt, who, ids["org"], name="New"),
    "create round": lambda rt, who, ids: new_round(rt, who, ids),
    "list rounds": lambda rt, who, ids: survey_rounds.list_rounds(rt, who, ids["org"]),
    "renew link": lambda rt, who, ids: survey_rounds.regenerate_invitation(rt, who, ids["round"], ids["a"]),
    "close round": lambda rt, who, ids: survey_rounds.close_round_now(rt, who, ids["round"], now=T0),
}


def everything(runtime, root, org_id):
    return (count(runtime, AuditLog), admin.list_organisations(runtime, root), admin.list_teams(runtime, root, org_id),
            admin.list_interventions(runtime, root, org_id), survey_rounds.list_rounds(runtime, root, org_id, now=T0))


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
        admin.list_organisations(runtime, root, page="dashboard")


# --- survey rounds -----------------------------------------------------------------------------


def test_round_period_runs_from_the_start_of_the_first_day_to_the_end_of_the_last():
    assert survey_rounds.round_period(date(2026, 3, 2), date(2026, 3, 22)) == (
        datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 23, tzinfo=UTC))


@pytest.mark.parametrize("days, now, reason", [
    ((5, 4), T0, "round_closes_before_opens"),
    ((-30, -1), T0, "round_closes_in_past"),
    ((0, 20), T0 + timedelta(days=21), "round_closes_in_past"),
])
def test_round_dates_that_cannot_work_are_refused(runtime, root, north, days, now, reason):
    with pytest.raises(Refused) as refused:
        new_round(runtime, root, north, days=days, now=now)
    assert refused.value.reason == reason
    assert count(runtime, SurveyRound) == 0


@pytest.mark.parametrize("opens_on, closes_on", [(None, date(2026, 3, 1)), (date(2026, 3, 1), None)])
def test_missing_round_day_is_refused(opens_on, closes_on):
    with pytest.raises(Refused, match="first and the last day"):
        survey_rounds.round_period(opens_on, closes_on)


def test_a_round_on_a_single_day_is_fine(runtime, root, north):
    assert new_round(runtime, root, north, days=(0, 0)).round.status == "open"


@pytest.mark.parametrize("changes, reason", [
    ({"team_ids": []}, "round_no_teams"),
    ({"name": " "}, "name_missing"),
    ({"team_ids": "other team"}, "team_of_other_organisation"),
    ({"intervention_id": "other intervention"}, "intervention_of_other_organisation"),
])
def test_round_parts_that_do_not_fit_are_refused(runtime, root, north, changes, reason):
    changes = dict(changes)   # the parameter is shared by the run on each backend
    south = admin.create_organisation(runtime, root, name="South")
    if changes.get("team_ids") == "other team":
        changes["team_ids"] = [north["a"], admin.create_team(runtime, root, south.id, name="x").id]
    if changes.get("intervention_id") == "other intervention":
        changes["intervention_id"] = admin.add_intervention(runtime, root, south.id, name="Other app").id
    with pytest.raises(Refused) as refused:
        new_round(runtime, root, north, **changes)
    assert refused.value.reason == reason
    assert count(runtime, SurveyRound) == 0


def test_a_round_name_is_taken_once_per_organisation(runtime, root, north):
    """A second click on "Create" (its first message lost) must not make a second, empty round."""
    new_round(runtime, root, north, name="Spring 2026")
    for again in ("Spring 2026", " spring 2026 "):
        with pytest.raises(Refused) as refused:
            new_round(runtime, root, north, name=again)
        assert refused.value.reason == "round_name_taken"
    assert count(runtime, SurveyRound) == 1
    south = admin.create_organisation(runtime, root, name="South")
    south_ids = {"org": south.id, "cbt": admin.add_intervention(runtime, root, south.id, name="App").id,
                 "a": admin.create_team(runtime, root, south.id, name="Team S").id}
    new_round(runtime, root, south_ids, name="Spring 2026", team_ids=[south_ids["a"]])   # another organisation's own
    assert count(runtime, SurveyRound) == 2


def test_two_creates_of_one_round_at_once_make_one(runtime, root, north, monkeypatch):
    """Two tabs (or two servers) creating the same round: the second waits for the first, then is refused."""
    first_is_held, other_done = hold_first_call(monkeypatch, survey_rounds, "_check_round_parts")
    first = in_background(lambda: new_round(runtime, root, north, name="Spring 2026"))
    assert first_is_held.wait(timeout=30)
    with pytest.raises(Refused, match="already a round"):
        new_round(runtime, root, north, name="Spring 2026")
    other_done.set()
    first()
    assert count(runtime, SurveyRound) == 1


def test_unknown_intervention_is_not_found(runtime, root, north):
    with pytest.raises(NotFound):
        new_round(runtime, root, north, intervention_id=999)


def test_each_invited_team_gets_a_working_link(runtime, root, north):
    created = new_round(runtime, root, north)
    assert [(i.team_id, i.team) for i in created.invitations] == [(north["a"], "a"), (north["b"], "b")]
    for invitation in created.invitations:
        found = invitations.check_invitation(runtime, invitation.token, now=T0)
        assert (found.team_id, found.round_name, found.intervention, found.is_open) == \
            (invitation.team_id, "Spring", "Online CBT", True)
    with runtime.sessions.begin() as session:
        assert session.get(SurveyRound, created.round.id).instrument_hash == runtime.instrument.content_hash


def test_a_new_link_replaces_the_old_one(runtime, root, north):
    created = new_round(runtime, root, north)
    old = created.invitations[0]
    renewed = survey_rounds.regenerate_invitation(runtime, root, created.round.id, old.team_id)
    assert renewed.team == old.team and renewed.token != old.token
    with pytest.raises(NotFound):
        invitations.check_invitation(runtime, old.token, now=T0)
    assert invitations.check_invitation(runtime, renewed.token, now=T0).team_id == old.team_id
    assert invitations.check_invitation(runtime, created.invitations[1].token, now=T0).is_open   # others keep theirs


def test_a_team_not_invited_gets_no_link(runtime, root, north):
    created = new_round(runtime, root, north, team_ids=[north["a"]])
    with pytest.raises(NotFound):
        survey_rounds.regenerate_invitation(runtime, root, created.round.id, north["b"])
    with pytest.raises(NotFound):
        survey_rounds.regenerate_invitation(runtime, root, 999, north["a"])


def test_rounds_are_listed_with_their_status_now(runtime, root, north):
    new_round(runtime, root, north, name="Last", days=(-10, -1), now=T0 - timedelta(days=20))
    new_round(runtime, root, north, name="Now", team_ids=[north["b"]])
    new_round(runtime, root, north, name="Next", days=(30, 40))
    listed = survey_rounds.list_rounds(runtime, root, north["org"], now=T0)
    assert [(r.name, r.status, [t.name for t in r.teams]) for r in listed] == [
        ("Last", "closed", ["a", "b"]), ("Now", "open", ["b"]), ("Next", "upcoming", ["a", "b"])]
    assert {r.intervention for r in listed} == {"Online CBT"}


@pytest.mark.parametrize("days", [(0, 20), (30, 40)], ids=["open", "upcoming"])
def test_closing_a_round_now_stops_its_links(runtime, root, north, days):
    created = new_round(runtime, root, north, days=days)
    closed = survey_rounds.close_round_now(runtime, root, created.round.id, now=T0 + timedelta(hours=1))
    assert closed.status == "closed" and closed.closes_at == T0 + timedelta(hours=1)
    assert closed.opens_at <= closed.closes_at
    token = created.invitations[0].token
    assert not invitations.check_invitation(runtime, token, now=T0 + timedelta(hours=2)).is_open
    with pytest.raises(Refused) as refused:   # closing again would move the end later
        survey_rounds.close_round_now(runtime, root, created.round.id, now=T0 + timedelta(days=2))
    assert refused.value.reason == "round_already_closed"


def test_every_change_is_audited_without_tokens(runtime, root, north):
    created = new_round(runtime, root, north)
    renewed = survey_rounds.regenerate_invitation(runtime, root, created.round.id, north["a"])
    survey_rounds.close_round_now(runtime, root, created.round.id, now=T0)
    admin.set_min_group_size(runtime, root, north["org"], 6)
    admin.set_team_size(runtime, root, north["b"], 4)
    assert actions(runtime, root) == [
        "organisation_created", "team_created", "team_created", "intervention_added",
        "round_created", "invitation_renewed", "round_closed", "min_group_size_changed", "team_size_changed"]
    log = {entry.action: entry for entry in accounts.audit_log(runtime, root)}
    assert all(entry.actor_id == root.id for entry in log.values())
    assert log["organisation_created"].detail == {"organisation_id": north["org"], "name": "North",
                                                  "min_group_size": 5}
    assert log["round_created"].detail["team_ids"] == [north["a"], north["b"]]
    assert log["invitation_renewed"].detail == {"organisation_id": north["org"], "round_id": created.round.id,
                                                "team_id": north["a"]}
    assert log["team_size_changed"].detail == {"organisation_id": north["org"], "team_id": north["b"],
                                                    "name": "b", "before": None, "after": 4}
    written = json.dumps([entry.detail for entry in log.values()])
    for token in [renewed.token, *(i.token for i in created.invitations)]:
        assert token not in written


def test_refusals_are_invalid_input_with_a_plain_message(runtime, root, north):
    with pytest.raises(InvalidInput, match="there is already a team named 'a'"):
        admin.create_team(runtime, root, north["org"], name="a")


# --- invitation links as text -----------------------------------------------------------------


@pytest.mark.parametrize("base", ["https://vm.example.org", "https://vm.example.org/"])
def test_invitation_url_is_the_app_root_with_the_token(base):
    assert survey_rounds.invitation_url(base, "abc_-1") == "https://vm.example.org/?invite=abc_-1"


def test_invitation_csv_keeps_team_names_inert():
    data = survey_rounds.invitation_csv([("=HYPERLINK(1)", "https://x/?invite=t"), ("Team a", "https://x/?invite=u")])
    lines = data.decode("utf-8-sig").splitlines()
    assert lines == ["team,link", "'=HYPERLINK(1),https://x/?invite=t", "Team a,https://x/?invite=u"]


@pytest.mark.parametrize("given, stored", [
    ("", None),
    ("  ", None),
    (" https://vm.example.org/ ", "https://vm.example.org/"),
    ("http://localhost:8501", "http://localhost:8501"),
])
def test_public_url_setting_is_a_web_address_or_empty(given, stored):
    assert Settings(public_url=given).public_url == stored


def test_public_url_without_a_scheme_fails_fast():
    with pytest.raises(ValueError, match="must start with http:// or https://"):
        Settings(public_url="valuematch.example.org")
