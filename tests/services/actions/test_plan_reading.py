"""What the dashboard and History read of the plan (each backend): the timeline of actions with their follow-up
rounds, and a professional's view of the organisation-wide actions on their low themes."""

from __future__ import annotations

from datetime import timedelta

from services.actions import follow_up, plan, reading
from services.actions.rules import Target
from tests.services.actions.conftest import NOW, TODAY


def test_the_timeline_marks_each_action_with_its_dates_and_follow_up_rounds(runtime, root, north, mia, tess):
    first = plan.create_action(
        runtime,
        mia,
        north["org"],
        target="theme:technology_push",
        kind="act",
        description="Protected learning time",
        intervention_id=north["cbt"],
        now=NOW,
    )
    plan.change_status(runtime, mia, first.id, seen_version=1, status="done", now=NOW + timedelta(days=20))
    second = plan.create_action(
        runtime,
        tess,
        north["org"],
        target="element:1",
        kind="monitor",
        description="Ask how clients are really doing",
        team_ids=[north["a"]],
        now=NOW + timedelta(days=1),
    )
    planned = follow_up.schedule_follow_up(runtime, mia, first.id, opens_on=TODAY + timedelta(days=7), now=NOW)
    started = follow_up.start_follow_up(runtime, root, planned.id, name="Follow-up", now=NOW)
    marks = reading.timeline(runtime, mia, north["org"])
    assert [(m.action_id, m.target, m.status) for m in marks] == [
        (first.id, Target(theme="technology_push"), "done"),
        (second.id, Target(element=1), "planned"),
    ]
    assert (marks[0].created_at, marks[0].started_at, marks[0].finished_at) == (
        NOW,
        NOW + timedelta(days=20),
        NOW + timedelta(days=20),
    )
    assert marks[0].follow_up_round_ids == (started.created.round.id,) and marks[1].follow_up_round_ids == ()
    # Narrowed to an intervention: its actions and those about none; a team manager: their team's only.
    assert [m.action_id for m in reading.timeline(runtime, mia, north["org"], intervention_id=north["cbt"] + 1)] == [
        second.id
    ]
    assert [m.action_id for m in reading.timeline(runtime, tess, north["org"])] == [second.id]


def test_a_professional_sees_only_organisation_wide_actions_on_their_low_themes(runtime, north, mia):
    def make(description, target, **fields):
        return plan.create_action(
            runtime,
            mia,
            north["org"],
            target=target,
            kind="act",
            description=description,
            owner="Named person",
            now=NOW,
            **fields,
        )

    make("Ask clients first", "theme:client_autonomy", due_on=TODAY + timedelta(days=9))
    make("Only team a", "theme:client_autonomy", team_ids=[north["a"]])
    dropped = make("Dropped idea", "theme:client_autonomy")
    plan.change_status(runtime, mia, dropped.id, seen_version=1, status="dropped", now=NOW)
    make("Other theme", "theme:technology_push")
    make("Keep personal contact", "element:3")
    found = reading.respondent_actions(runtime, north["org"], themes=["client_autonomy"], elements=[3])
    assert [(a.description, a.target) for a in found] == [
        ("Ask clients first", Target(theme="client_autonomy")),
        ("Keep personal contact", Target(element=3)),
    ]
    assert not hasattr(found[0], "owner") and found[0].due_on == TODAY + timedelta(days=9)
    assert reading.respondent_actions(runtime, north["org"]) == ()
