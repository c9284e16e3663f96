"""What a professional sees of the plan (each backend): the organisation-wide actions on the themes they scored
low, only for answers given through a team link, never a team's action, a dropped one or another organisation's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assessment import score_answers
from db import organisations as db_organisations
from services.actions import for_professionals, plan
from services.actions.for_professionals import LowTargets
from services.admin import organisations
from services.respond import questionnaire
from tests.services.actions.conftest import NOW, TODAY


def answers(instrument, bad=(), leave_out=()) -> dict:
    """Every theme at its best (match, value and compassion high, mismatch low), the `bad` ones at their worst;
    the statements of the `leave_out` themes unanswered."""
    out = {}
    for item in instrument.items:
        if item.domain in leave_out:
            continue
        high = (instrument.domain(item.domain).side != "mismatch") != (item.domain in bad)
        keyed = 5 if high else 1
        out[item.id] = 6 - keyed if item.reverse else keyed
    return out


@pytest.mark.parametrize(
    "bad,leave_out,expected",
    [
        ((), (), LowTargets((), ())),
        (("client_autonomy",), (), LowTargets(("client_autonomy",), ())),  # a match theme low
        (("technology_push",), (), LowTargets(("technology_push",), ())),  # a mismatch theme high
        (("helping_people",), (), LowTargets(("helping_people",), ())),  # an own value low
        (("recognising_suffering",), (), LowTargets((), (1,))),  # a compassion theme is its element
        (("technology_push", "client_autonomy"), (), LowTargets(("client_autonomy", "technology_push"), ())),
        (("client_autonomy",), ("client_autonomy",), LowTargets((), ())),  # no score: not low
    ],
    ids=["none", "match", "mismatch", "value", "compassion", "bank-order", "no-score"],
)
def test_the_low_themes_of_one_response(runtime, bad, leave_out, expected):
    instrument = runtime.instrument
    report = score_answers(instrument, answers(instrument, bad, leave_out))
    assert for_professionals.low_targets(instrument, report) == expected


def test_a_weak_compassion_element_counts_and_the_middle_does_not(runtime):
    instrument = runtime.instrument
    middle = {item.id: 3 for item in instrument.items}  # every score exactly 50
    assert for_professionals.low_targets(instrument, score_answers(instrument, middle)) == LowTargets((), ())
    # Element 5 read through the lens only (its compassion theme left unanswered: no score) and low there.
    theme_5 = next(d.id for d in instrument.domains_on("compassion") if d.element == 5)
    lens = answers(instrument, bad=[d.id for d in instrument.domains], leave_out=[theme_5])
    report = score_answers(instrument, lens)
    assert report.domain(theme_5).score is None and 5 in for_professionals.low_targets(instrument, report).elements


@pytest.fixture
def link(runtime, north):
    """A round of North open now (the plan's clock is in the past), inviting team a: its link's token."""
    now = datetime.now(UTC)
    with runtime.sessions.begin() as session:
        _round, tokens = db_organisations.create_round(
            session,
            organisation_id=north["org"],
            intervention_id=north["cbt"],
            name="Now",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=9),
            instrument_hash=runtime.instrument.content_hash,
            team_ids=[north["a"]],
        )
    return tokens[north["a"]]


def respond(runtime, bad, invite_token=None, client_key="ward-pc"):
    started = questionnaire.start_assessment(
        runtime, language="en", intervention="Online CBT", role=None, invite_token=invite_token, client_key=client_key
    )
    questionnaire.save_answers(runtime, token=started.draft_token, answers=answers(runtime.instrument, bad), step=0)
    return questionnaire.result(runtime, questionnaire.submit(runtime, token=started.draft_token))


def act(runtime, actor, organisation_id, target, status="planned", **fields):
    made = plan.create_action(
        runtime,
        actor,
        organisation_id,
        target=target,
        kind="act",
        description=f"About {target}, {status}",
        owner="Ann Smith, team lead",
        now=NOW,
        **fields,
    )
    if status != "planned":
        plan.change_status(runtime, actor, made.id, seen_version=made.version, status=status, now=NOW)
    return made


# through the link?, the themes the person scored low, the action: its target, status and teams (None: the whole
# organisation) -> what the person sees of it (None: nothing)
CASES = {
    "planned": (True, ["client_autonomy"], "theme:client_autonomy", "planned", None, ("Client autonomy", "planned")),
    "doing": (True, ["client_autonomy"], "theme:client_autonomy", "doing", None, ("Client autonomy", "doing")),
    "done": (True, ["client_autonomy"], "theme:client_autonomy", "done", None, ("Client autonomy", "done")),
    "dropped": (True, ["client_autonomy"], "theme:client_autonomy", "dropped", None, None),
    "theme not low": (True, ["client_autonomy"], "theme:treatment_needs", "planned", None, None),
    "mismatch high": (True, ["technology_push"], "theme:technology_push", "doing", None, ("Technology push", "doing")),
    "compassion theme": (
        True,
        ["recognising_suffering"],
        "theme:recognising_suffering",
        "planned",
        None,
        ("Compassion: Recognising suffering", "planned"),
    ),
    "a team's action": (True, ["client_autonomy"], "theme:client_autonomy", "planned", "a", None),
    "no link": (False, ["client_autonomy"], "theme:client_autonomy", "planned", None, None),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_what_a_professional_sees_of_one_action(runtime, north, mia, link, case):
    through_link, bad, target, status, team, expected = case
    act(runtime, mia, north["org"], target, status, team_ids=[north[team]] if team else ())
    view = respond(runtime, bad, invite_token=link if through_link else None)
    found = for_professionals.organisation_actions(runtime, [view], "en")
    if not through_link:
        assert found == ()  # no organisation at all: nothing to ask about
        return
    assert [plan.response_id for plan in found] == [view.response_id]
    shown = [(a.about, a.status) for a in found[0].actions]
    assert shown == ([] if expected is None else [expected])


def test_only_the_organisation_answered_for_and_never_an_owner(runtime, root, north, mia, link):
    south = organisations.create_organisation(runtime, root, name="South")
    act(runtime, root, south.id, "theme:client_autonomy")
    act(runtime, mia, north["org"], "theme:client_autonomy", due_on=TODAY + timedelta(days=30))
    view = respond(runtime, ["client_autonomy"], invite_token=link)
    (found,) = for_professionals.organisation_actions(runtime, [view], "nl")
    assert [(a.about, a.description, a.due_on) for a in found.actions] == [
        ("Autonomie van de cliënt", "About theme:client_autonomy, planned", TODAY + timedelta(days=30))
    ]
    assert "Ann Smith" not in repr(found)
    assert (found.intervention, found.answered_at) == ("Online CBT", view.created_at)


def test_the_newest_response_through_the_link_chooses_the_themes(runtime, north, mia, link):
    act(runtime, mia, north["org"], "theme:client_autonomy")
    act(runtime, mia, north["org"], "theme:technology_push", "doing")
    earlier = respond(runtime, ["client_autonomy"], invite_token=link, client_key="one")
    later = respond(runtime, ["technology_push"], invite_token=link, client_key="two")
    alone = respond(runtime, ["client_autonomy", "technology_push"])  # no link: never chooses
    (found,) = for_professionals.organisation_actions(runtime, [alone, later, earlier], "en")
    assert found.response_id == later.response_id
    assert [a.about for a in found.actions] == ["Technology push"]


def test_an_action_about_another_intervention_is_not_shown(runtime, root, north, mia, link):
    video = organisations.add_intervention(runtime, root, north["org"], name="Video calls")
    act(runtime, mia, north["org"], "theme:client_autonomy", intervention_id=video.id)
    act(runtime, mia, north["org"], "theme:client_autonomy", "doing", intervention_id=north["cbt"])
    act(runtime, mia, north["org"], "theme:client_autonomy", "done")  # about every intervention
    view = respond(runtime, ["client_autonomy"], invite_token=link)  # the link's round is about Online CBT
    (found,) = for_professionals.organisation_actions(runtime, [view], "en")
    assert [a.status for a in found.actions] == ["doing", "done"]
