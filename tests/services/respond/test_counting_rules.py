"""Which responses through a team's link count for the team (services/respond/counting_rules.py): the headcount
cap, one browser's answers through one link, identical answers in a burst, and what the rounds page says."""

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select, update

from db import organisations as db_organisations
from db.models import Draft, Response
from services.admin import rounds
from services.errors import InvalidInput, NotAuthorised
from services.respond import counting_rules, questionnaire
from services.settings import Settings
from tests.services.counting_fixtures import (
    BROWSER,
    answers_of,
    audit,
    counted,
    finish,
    links,
    respond,
    runtime,
    start,
)
from tests.support.accounts import staff_account

# --- headcount ----------------------------------------------------------------------------------------


def test_responses_over_the_headcount_are_kept_for_the_person_but_not_counted(runtime, links):
    responses = [respond(runtime, links["west_link"], n) for n in range(5)]
    assert [r.team_id for r in responses] == [links["west"]] * 3 + [None, None]
    assert all(r.round_id is None and r.organisation_id is None for r in responses[3:])
    assert counted(runtime, links) == 3
    late = questionnaire.result(runtime, responses[4].id)  # the person still has their own result
    assert not late.counted_for_team and late.report is not None
    cell = {"organisation_id": links["org"], "round_id": links["round"], "team_id": links["west"]}
    assert audit(runtime, counting_rules.OVER_HEADCOUNT) == [cell | {"headcount": 3}] * 2


def test_the_person_is_told_why_their_answers_did_not_count(runtime, links):
    drafts = [start(runtime, links["west_link"]) for _ in range(4)]
    for n, started in enumerate(drafts):
        finish(runtime, started, answers_of(runtime, n))
    reasons = [questionnaire.not_counted_reason(runtime, token=d.draft_token) for d in drafts]
    assert reasons == [None, None, None, "over_headcount"]


def test_a_team_without_a_headcount_counts_every_response(runtime, links):
    responses = [respond(runtime, links["east_link"], n) for n in range(5)]
    assert [r.team_id for r in responses] == [links["east"]] * 5
    assert audit(runtime, counting_rules.OVER_HEADCOUNT) == []


def test_a_lowered_headcount_counts_no_further_responses(runtime, links):
    respond(runtime, links["west_link"], 0)
    respond(runtime, links["west_link"], 1)
    with runtime.sessions.begin() as session:
        db_organisations.set_team_size(session, team_id=links["west"], size=1)
    assert respond(runtime, links["west_link"], 2).team_id is None
    assert counted(runtime, links) == 2  # what counted stays counted


# --- one browser, one link ----------------------------------------------------------------------------


def test_further_people_on_one_browser_are_logged_and_counted_up_to_the_limit(runtime, links):
    first = respond(runtime, links["east_link"], 0, device_key=BROWSER)
    again = [start(runtime, links["east_link"], device_key=BROWSER, again_on_device=True) for _ in range(3)]
    assert [s.device_limit_reached for s in again] == [False, False, True]
    responses = [finish(runtime, s, answers_of(runtime, n)) for n, s in enumerate(again, start=1)]
    assert first.team_id == links["east"]
    assert [r.team_id for r in responses] == [links["east"], links["east"], None]
    marker = counting_rules.device_marker(BROWSER, links["round"], links["east"])
    cell = {"organisation_id": links["org"], "round_id": links["round"], "team_id": links["east"], "device": marker}
    assert audit(runtime, counting_rules.REPEAT_DEVICE) == [
        cell | {"person_on_device": 2},
        cell | {"person_on_device": 3},
    ]
    assert audit(runtime, counting_rules.DEVICE_LIMIT) == [cell | {"device_limit": 3}]
    # The draft over the limit was never the team's: nothing about the round to tell at submit time.
    assert questionnaire.not_counted_reason(runtime, token=again[2].draft_token) is None


def test_the_limit_is_per_browser_and_per_link(runtime, links):
    for _ in range(2):
        start(runtime, links["east_link"], device_key=BROWSER, again_on_device=True)
    assert start(runtime, links["east_link"], device_key=BROWSER, again_on_device=True).device_limit_reached
    other_browser = start(runtime, links["east_link"], device_key="another-browser-key-0002", again_on_device=True)
    other_link = start(runtime, links["west_link"], device_key=BROWSER, again_on_device=True)
    assert not other_browser.device_limit_reached and not other_link.device_limit_reached
    with runtime.sessions.begin() as session:
        teams = [
            session.scalar(select(Draft.team_id).where(Draft.token == s.draft_token))
            for s in (other_browser, other_link)
        ]
    assert teams == [links["east"], links["west"]]


def test_a_first_answer_on_a_browser_is_not_logged(runtime, links):
    respond(runtime, links["east_link"], 0, device_key=BROWSER)
    assert audit(runtime, counting_rules.REPEAT_DEVICE) == audit(runtime, counting_rules.DEVICE_LIMIT) == []


def test_a_further_person_needs_the_browser_key(runtime, links):
    with pytest.raises(InvalidInput, match="device_key"):
        start(runtime, links["east_link"], again_on_device=True)


def test_a_browser_marker_names_no_browser_across_links():
    markers = {
        counting_rules.device_marker(key, round_id, team_id)
        for key in (BROWSER, "another-browser-key-0002")
        for round_id in (1, 2)
        for team_id in (1, 2)
    }
    assert len(markers) == 8
    assert all(len(m) == counting_rules.MARKER_LENGTH and set(m) <= set("0123456789abcdef") for m in markers)
    assert BROWSER not in "".join(markers)


# --- identical answers in a burst ---------------------------------------------------------------------

SAME, OTHER = 0, 1


@pytest.mark.parametrize(
    "arrivals, flagged",
    [
        pytest.param([("west", SAME, 0)] * 3, [3], id="three alike at once"),
        pytest.param([("east", SAME, 0)] * 4, [3, 4], id="four alike: flagged again with the new number"),
        pytest.param([("west", SAME, 0)] * 2, [], id="two alike"),
        pytest.param([("west", SAME, 0), ("west", SAME, 0), ("west", OTHER, 0)], [], id="two alike and one not"),
        pytest.param([("west", SAME, 11), ("west", SAME, 0), ("west", SAME, 0)], [], id="one alike before the window"),
        pytest.param([("west", SAME, 9), ("west", SAME, 0), ("west", SAME, 0)], [3], id="all alike inside the window"),
        pytest.param([("west", SAME, 0), ("east", SAME, 0), ("west", SAME, 0)], [], id="alike across two teams"),
    ],
)
def test_identical_answers_in_a_burst_are_flagged_to_admins(runtime, links, arrivals, flagged):
    for team, answers, minutes_ago in arrivals:
        response = finish(runtime, start(runtime, links[f"{team}_link"]), answers_of(runtime, answers))
        with runtime.sessions.begin() as session:
            session.execute(
                update(Response)
                .where(Response.id == response.id)
                .values(created_at=datetime.now(UTC) - timedelta(minutes=minutes_ago))
            )
    lines = audit(runtime, counting_rules.IDENTICAL_BURST)
    assert [line["identical_answers"] for line in lines] == flagged
    team = arrivals[-1][0]
    for line in lines:  # where and how many, never what was answered
        assert line == {
            "organisation_id": links["org"],
            "round_id": links["round"],
            "team_id": links[team],
            "identical_answers": line["identical_answers"],
            "within_minutes": 10,
        }


def test_identical_answers_that_do_not_count_are_not_flagged(runtime, links):
    with runtime.sessions.begin() as session:
        db_organisations.set_team_size(session, team_id=links["west"], size=1)
    for _ in range(3):
        respond(runtime, links["west_link"], SAME)
    assert audit(runtime, counting_rules.IDENTICAL_BURST) == []


# --- what the rounds page says ------------------------------------------------------------------------


def test_the_rounds_page_hears_what_was_left_out_or_flagged_per_team(runtime, links):
    for n in range(4):
        respond(runtime, links["west_link"], n)  # one over West's headcount of 3
    for _ in range(3):
        start(runtime, links["east_link"], device_key=BROWSER, again_on_device=True)  # 2 logged, 1 over
    for _ in range(3):
        respond(runtime, links["east_link"], SAME)  # a burst of 3
    root = staff_account(runtime, "root", "admin")
    notes = rounds.counting_notes(runtime, root, links["round"])
    assert notes == (
        rounds.CountingNote(links["east"], "East", repeat_device=2, device_limit=1, identical_burst=3),
        rounds.CountingNote(links["west"], "West", over_headcount=1),
    )


def test_a_round_with_nothing_left_out_has_no_notes_and_only_admins_read_them(runtime, links):
    respond(runtime, links["west_link"], 0)
    root = staff_account(runtime, "root", "admin")
    assert rounds.counting_notes(runtime, root, links["round"]) == ()
    manager = staff_account(runtime, "mia", "manager", {links["org"]: None})
    with pytest.raises(NotAuthorised):
        rounds.counting_notes(runtime, manager, links["round"])


# --- settings -----------------------------------------------------------------------------------------


def test_the_limits_have_defaults_and_refuse_nonsense():
    settings = Settings()
    assert (settings.link_device_limit, settings.identical_burst_count, settings.identical_burst_minutes) == (3, 3, 10)
    for bad in ({"link_device_limit": 0}, {"identical_burst_count": 1}, {"identical_burst_minutes": 0}):
        with pytest.raises(ValidationError):
            Settings(**bad)


def test_nothing_counts_for_a_team_twice_over(runtime, links):
    """The sum the dashboard reads equals the responses attributed to the team: the cap never leaves
    a tally behind for a refused response."""
    for n in range(6):
        respond(runtime, links["west_link"], n)
    with runtime.sessions.begin() as session:
        attributed = session.scalar(select(func.count(Response.id)).where(Response.team_id == links["west"]))
    assert attributed == counted(runtime, links) == 3
