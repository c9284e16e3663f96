"""Survey rounds on a real database: dates, parts, names, invitation links, closing early."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from db.org_models import SurveyRound
from services.admin import organisations, rounds
from services.admin.organisations import Refused
from services.errors import NotFound
from services.respond import invitations
from services.settings import Settings
from tests.support.organisations import T0, new_round
from tests.support.overlap import hold_first_call, in_background
from tests.support.rows import count_rows


def test_round_period_runs_from_the_start_of_the_first_day_to_the_end_of_the_last():
    assert rounds.round_period(date(2026, 3, 2), date(2026, 3, 22)) == (
        datetime(2026, 3, 2, tzinfo=UTC),
        datetime(2026, 3, 23, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    "days, now, reason",
    [
        ((5, 4), T0, "round_closes_before_opens"),
        ((-30, -1), T0, "round_closes_in_past"),
        ((0, 20), T0 + timedelta(days=21), "round_closes_in_past"),
    ],
)
def test_round_dates_that_cannot_work_are_refused(runtime, root, north, days, now, reason):
    with pytest.raises(Refused) as refused:
        new_round(runtime, root, north, days=days, now=now)
    assert refused.value.reason == reason
    assert count_rows(runtime, SurveyRound) == 0


@pytest.mark.parametrize("opens_on, closes_on", [(None, date(2026, 3, 1)), (date(2026, 3, 1), None)])
def test_missing_round_day_is_refused(opens_on, closes_on):
    with pytest.raises(Refused, match="first and the last day"):
        rounds.round_period(opens_on, closes_on)


def test_a_round_on_a_single_day_is_fine(runtime, root, north):
    assert new_round(runtime, root, north, days=(0, 0)).round.status == "open"


@pytest.mark.parametrize(
    "changes, reason",
    [
        ({"team_ids": []}, "round_no_teams"),
        ({"name": " "}, "name_missing"),
        ({"team_ids": "other team"}, "team_of_other_organisation"),
        ({"intervention_id": "other intervention"}, "intervention_of_other_organisation"),
    ],
)
def test_round_parts_that_do_not_fit_are_refused(runtime, root, north, changes, reason):
    changes = dict(changes)  # the parameter is shared by the run on each backend
    south = organisations.create_organisation(runtime, root, name="South")
    if changes.get("team_ids") == "other team":
        changes["team_ids"] = [north["a"], organisations.create_team(runtime, root, south.id, name="x").id]
    if changes.get("intervention_id") == "other intervention":
        changes["intervention_id"] = organisations.add_intervention(runtime, root, south.id, name="Other app").id
    with pytest.raises(Refused) as refused:
        new_round(runtime, root, north, **changes)
    assert refused.value.reason == reason
    assert count_rows(runtime, SurveyRound) == 0


def test_a_round_name_is_taken_once_per_organisation(runtime, root, north):
    """A second click on "Create" (its first message lost) must not make a second, empty round."""
    new_round(runtime, root, north, name="Spring 2026")
    for again in ("Spring 2026", " spring 2026 "):
        with pytest.raises(Refused) as refused:
            new_round(runtime, root, north, name=again)
        assert refused.value.reason == "round_name_taken"
    assert count_rows(runtime, SurveyRound) == 1
    south = organisations.create_organisation(runtime, root, name="South")
    south_ids = {
        "org": south.id,
        "cbt": organisations.add_intervention(runtime, root, south.id, name="App").id,
        "a": organisations.create_team(runtime, root, south.id, name="Team S").id,
    }
    new_round(runtime, root, south_ids, name="Spring 2026", team_ids=[south_ids["a"]])  # another organisation's own
    assert count_rows(runtime, SurveyRound) == 2


def test_two_creates_of_one_round_at_once_make_one(runtime, root, north, monkeypatch):
    """Two tabs (or two servers) creating the same round: the second waits for the first, then is refused."""
    first_is_held, other_done = hold_first_call(monkeypatch, rounds, "_check_round_parts")
    first = in_background(lambda: new_round(runtime, root, north, name="Spring 2026"))
    assert first_is_held.wait(timeout=30)
    with pytest.raises(Refused, match="already a round"):
        new_round(runtime, root, north, name="Spring 2026")
    other_done.set()
    first()
    assert count_rows(runtime, SurveyRound) == 1


def test_unknown_intervention_is_not_found(runtime, root, north):
    with pytest.raises(NotFound):
        new_round(runtime, root, north, intervention_id=999)


def test_each_invited_team_gets_a_working_link(runtime, root, north):
    created = new_round(runtime, root, north)
    assert [(i.team_id, i.team) for i in created.invitations] == [(north["a"], "a"), (north["b"], "b")]
    for invitation in created.invitations:
        found = invitations.check_invitation(runtime, invitation.token, now=T0)
        assert (found.team_id, found.round_name, found.intervention, found.is_open) == (
            invitation.team_id,
            "Spring",
            "Online CBT",
            True,
        )
    with runtime.sessions.begin() as session:
        assert session.get(SurveyRound, created.round.id).instrument_hash == runtime.instrument.content_hash


def test_a_new_link_replaces_the_old_one(runtime, root, north):
    created = new_round(runtime, root, north)
    old = created.invitations[0]
    renewed = rounds.regenerate_invitation(runtime, root, created.round.id, old.team_id)
    assert renewed.team == old.team and renewed.token != old.token
    with pytest.raises(NotFound):
        invitations.check_invitation(runtime, old.token, now=T0)
    assert invitations.check_invitation(runtime, renewed.token, now=T0).team_id == old.team_id
    assert invitations.check_invitation(runtime, created.invitations[1].token, now=T0).is_open  # others keep theirs


def test_a_team_not_invited_gets_no_link(runtime, root, north):
    created = new_round(runtime, root, north, team_ids=[north["a"]])
    with pytest.raises(NotFound):
        rounds.regenerate_invitation(runtime, root, created.round.id, north["b"])
    with pytest.raises(NotFound):
        rounds.regenerate_invitation(runtime, root, 999, north["a"])


def test_rounds_are_listed_with_their_status_now(runtime, root, north):
    new_round(runtime, root, north, name="Last", days=(-10, -1), now=T0 - timedelta(days=20))
    new_round(runtime, root, north, name="Now", team_ids=[north["b"]])
    new_round(runtime, root, north, name="Next", days=(30, 40))
    listed = rounds.list_rounds(runtime, root, north["org"], now=T0)
    assert [(r.name, r.status, [t.name for t in r.teams]) for r in listed] == [
        ("Last", "closed", ["a", "b"]),
        ("Now", "open", ["b"]),
        ("Next", "upcoming", ["a", "b"]),
    ]
    assert {r.intervention for r in listed} == {"Online CBT"}


@pytest.mark.parametrize("days", [(0, 20), (30, 40)], ids=["open", "upcoming"])
def test_closing_a_round_now_stops_its_links(runtime, root, north, days):
    created = new_round(runtime, root, north, days=days)
    closed = rounds.close_round_now(runtime, root, created.round.id, now=T0 + timedelta(hours=1))
    assert closed.status == "closed" and closed.closes_at == T0 + timedelta(hours=1)
    assert closed.opens_at <= closed.closes_at
    token = created.invitations[0].token
    assert not invitations.check_invitation(runtime, token, now=T0 + timedelta(hours=2)).is_open
    with pytest.raises(Refused) as refused:  # closing again would move the end later
        rounds.close_round_now(runtime, root, created.round.id, now=T0 + timedelta(days=2))
    assert refused.value.reason == "round_already_closed"


# --- invitation links as text -----------------------------------------------------------------


@pytest.mark.parametrize("base", ["https://vm.example.org", "https://vm.example.org/"])
def test_invitation_url_is_the_app_root_with_the_token(base):
    assert rounds.invitation_url(base, "abc_-1") == "https://vm.example.org/?invite=abc_-1"


def test_invitation_csv_keeps_team_names_inert():
    data = rounds.invitation_csv([("=HYPERLINK(1)", "https://x/?invite=t"), ("Team a", "https://x/?invite=u")])
    lines = data.decode("utf-8-sig").splitlines()
    assert lines == ["team,link", "'=HYPERLINK(1),https://x/?invite=t", "Team a,https://x/?invite=u"]


@pytest.mark.parametrize(
    "given, stored",
    [
        ("", None),
        ("  ", None),
        (" https://vm.example.org/ ", "https://vm.example.org/"),
        ("http://localhost:8501", "http://localhost:8501"),
    ],
)
def test_public_url_setting_is_a_web_address_or_empty(given, stored):
    assert Settings(public_url=given).public_url == stored


def test_public_url_without_a_scheme_fails_fast():
    with pytest.raises(ValueError, match="must start with http:// or https://"):
        Settings(public_url="valuematch.example.org")
