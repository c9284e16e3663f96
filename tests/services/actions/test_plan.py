"""The action plan's use cases on a real database (each backend): create, see, change and note (promoting a
workshop's action: test_plan_promotion.py), who may do which, what is refused, and the audit row of every change."""

from __future__ import annotations

from datetime import timedelta

import pytest

from db.account_models import AuditLog
from db.action_models import ActionItem, ActionNote
from services.actions import plan
from services.actions.rules import PlanRefused, Target
from services.admin import organisations
from services.errors import NotAuthorised, NotFound
from tests.services.actions.conftest import NOW, TODAY
from tests.support.accounts import staff_account
from tests.support.rows import count_rows

HOSTILE = "=cmd|'/c calc'!A1 <script>alert(1)</script> **bold** [x](javascript:alert(1)) '; DROP TABLE action_item;--"


def new_action(runtime, actor, north, **changes):
    fields = {
        "target": "theme:client_autonomy",
        "kind": "act",
        "description": "Ask clients how they want to use it",
        "owner": "Team lead West",
        "due_on": TODAY + timedelta(days=30),
        "now": NOW,
    } | changes
    return plan.create_action(runtime, actor, north["org"], **fields)


def audit(runtime, action):
    with runtime.sessions.begin() as session:
        return [row.detail for row in session.query(AuditLog).filter_by(action=action).order_by(AuditLog.id)]


def test_a_manager_plans_an_action_and_sees_it_listed(runtime, north, mia):
    made = new_action(runtime, mia, north, intervention_id=north["cbt"])
    assert (made.target, made.kind, made.status, made.version, made.owner) == (
        Target(theme="client_autonomy"),
        "act",
        "planned",
        1,
        "Team lead West",
    )
    assert (made.created_by, made.team_ids, made.intervention_id) == ("mia", (), north["cbt"])
    assert [row.id for row in plan.list_actions(runtime, mia, north["org"])] == [made.id]
    assert audit(runtime, "plan_action_created") == [
        {
            "organisation_id": north["org"],
            "action_id": made.id,
            "kind": "act",
            "target": "theme:client_autonomy",
            "team_ids": [],
        }
    ]


def test_hostile_text_is_stored_literally(runtime, north, mia):
    made = new_action(runtime, mia, north, description=HOSTILE, owner="<img src=x onerror=alert(1)>")
    row, _notes = plan.get_action(runtime, mia, made.id)
    assert (row.description, row.owner) == (HOSTILE, "<img src=x onerror=alert(1)>")
    plan.add_note(runtime, mia, made.id, text=HOSTILE, now=NOW)
    assert [note.text for note in plan.get_action(runtime, mia, made.id)[1]] == [HOSTILE]


@pytest.mark.parametrize(
    "changes, reason",
    [
        ({"target": "theme:made_up_theme"}, "theme_unknown"),
        ({"target": "element:9"}, "target_unknown"),
        ({"kind": "pray"}, "kind_unknown"),
        ({"description": "   "}, "description_missing"),
        ({"description": "x" * 501}, "description_too_long"),
        ({"description": "bell\x07ring"}, "description_bad_characters"),
        ({"owner": "o" * 121}, "owner_too_long"),
        ({"due_on": TODAY - timedelta(days=1)}, "due_in_past"),
        ({"due_on": TODAY + timedelta(days=3000)}, "due_too_far"),
        ({"team_ids": [10_000]}, "team_unknown"),
        ({"intervention_id": 10_000}, "intervention_unknown"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(runtime, north, mia, changes, reason):
    with pytest.raises(PlanRefused) as refused:
        new_action(runtime, mia, north, **changes)
    assert refused.value.reason == reason
    assert count_rows(runtime, ActionItem) == 0 and audit(runtime, "plan_action_created") == []


def test_the_longest_texts_fit(runtime, north, mia):
    made = new_action(runtime, mia, north, description="d" * 500, owner="o" * 120)
    assert (len(made.description), len(made.owner)) == (500, 120)


def test_a_theme_of_the_current_bank_is_accepted_though_never_measured(runtime, root, north, mia):
    """Our rule: an action may address a theme of the current question bank (the next round can measure it)
    or one the organisation's rounds measured; nothing else."""
    south = organisations.create_organisation(runtime, root, name="South")  # no rounds at all
    made = plan.create_action(
        runtime,
        root,
        south.id,
        target="theme:technology_push",
        kind="monitor",
        description="Watch how the roll-out is announced",
        now=NOW,
    )
    assert made.target == Target(theme="technology_push")


def test_a_compassion_theme_is_kept_as_its_element(runtime, north, mia):
    made = new_action(runtime, mia, north, target="theme:recognising_suffering")
    assert made.target == Target(element=1)


def test_the_same_open_action_twice_is_refused(runtime, north, mia):
    new_action(runtime, mia, north)
    with pytest.raises(PlanRefused) as refused:
        new_action(runtime, mia, north, description="  ask clients HOW they want to use it ")
    assert refused.value.reason == "action_exists"
    new_action(runtime, mia, north, kind="monitor")  # another kind is another action
    assert count_rows(runtime, ActionItem) == 2


def test_who_sees_and_changes_what(runtime, root, north, mia, tess, fay):
    whole = new_action(runtime, mia, north)
    team_a = new_action(runtime, tess, north, description="Protected learning time", team_ids=[north["a"]])
    assert {r.id for r in plan.list_actions(runtime, mia, north["org"])} == {whole.id, team_a.id}
    assert {r.id for r in plan.list_actions(runtime, root, north["org"])} == {whole.id, team_a.id}
    # A manager of team a only: the actions about team a, nothing about the whole organisation.
    assert [r.id for r in plan.list_actions(runtime, tess, north["org"])] == [team_a.id]
    with pytest.raises(NotFound):
        plan.get_action(runtime, tess, whole.id)
    with pytest.raises(NotFound):
        plan.add_note(runtime, tess, whole.id, text="Looks good", now=NOW)
    with pytest.raises(NotAuthorised):
        new_action(runtime, tess, north, description="For everyone")
    with pytest.raises(NotAuthorised):
        new_action(runtime, tess, north, description="For team b", team_ids=[north["b"]])
    # A facilitator adds to a plan only from a workshop; another organisation's manager sees nothing.
    with pytest.raises(NotAuthorised):
        plan.list_actions(runtime, fay, north["org"])
    with pytest.raises(NotAuthorised):
        new_action(runtime, fay, north, description="Direct")
    other = staff_account(
        runtime, "olga", "manager", {organisations.create_organisation(runtime, root, name="South").id: None}
    )
    with pytest.raises(NotFound):
        plan.list_actions(runtime, other, north["org"])
    with pytest.raises(NotFound):
        plan.get_action(runtime, other, whole.id)


def test_filters_and_order(runtime, north, mia):
    later = new_action(runtime, mia, north, description="Later", due_on=TODAY + timedelta(days=60))
    sooner = new_action(runtime, mia, north, description="Sooner", due_on=TODAY + timedelta(days=5))
    undated = new_action(runtime, mia, north, description="Undated", due_on=None, target="element:4")
    doing = new_action(runtime, mia, north, description="Doing")
    plan.change_status(runtime, mia, doing.id, seen_version=1, status="doing", now=NOW)
    assert [r.id for r in plan.list_actions(runtime, mia, north["org"])] == [doing.id, sooner.id, later.id, undated.id]
    assert [r.id for r in plan.list_actions(runtime, mia, north["org"], statuses=["doing"])] == [doing.id]
    assert [r.id for r in plan.list_actions(runtime, mia, north["org"], target=Target(element=4))] == [undated.id]
    assert plan.list_actions(runtime, mia, north["org"], target=Target()) == []


def test_an_update_changes_what_was_typed_counts_the_version_and_is_audited(runtime, north, mia, max_):
    made = new_action(runtime, mia, north)
    changed = plan.update_action(
        runtime,
        max_,
        made.id,
        seen_version=1,
        description="Ask clients first",
        owner=None,
        due_on=made.due_on,
        status="doing",
        now=NOW + timedelta(hours=1),
    )
    assert (changed.description, changed.owner, changed.status, changed.version) == (
        "Ask clients first",
        None,
        "doing",
        2,
    )
    assert (changed.updated_by, changed.created_by, changed.started_at) == ("max", "mia", NOW + timedelta(hours=1))
    assert audit(runtime, "plan_action_updated") == [
        {
            "organisation_id": north["org"],
            "action_id": made.id,
            "changed": ["description", "owner", "status"],
            "before": "planned",
            "after": "doing",
        }
    ]
    # The same again: nothing to change, nothing written.
    again = plan.update_action(
        runtime,
        max_,
        made.id,
        seen_version=2,
        description="Ask clients first",
        owner=None,
        due_on=made.due_on,
        status="doing",
        now=NOW,
    )
    assert again.version == 2 and len(audit(runtime, "plan_action_updated")) == 1


def test_a_due_date_that_has_passed_may_stay(runtime, north, mia):
    made = new_action(runtime, mia, north, due_on=TODAY + timedelta(days=3))
    weeks_later = NOW + timedelta(days=21)
    kept = plan.update_action(
        runtime,
        mia,
        made.id,
        seen_version=1,
        description=made.description,
        owner="Someone else",
        due_on=made.due_on,
        status="planned",
        now=weeks_later,
    )
    assert (kept.owner, kept.due_on) == ("Someone else", TODAY + timedelta(days=3))
    with pytest.raises(PlanRefused) as refused:
        plan.update_action(
            runtime,
            mia,
            made.id,
            seen_version=2,
            description=made.description,
            owner="Someone else",
            due_on=TODAY + timedelta(days=4),
            status="planned",
            now=weeks_later,
        )
    assert refused.value.reason == "due_in_past"


def test_status_moves_record_when_the_action_started_and_finished(runtime, north, mia):
    made = new_action(runtime, mia, north)
    started = plan.change_status(runtime, mia, made.id, seen_version=1, status="doing", now=NOW)
    done = plan.change_status(runtime, mia, made.id, seen_version=2, status="done", now=NOW + timedelta(days=9))
    assert (done.started_at, done.finished_at, done.version) == (NOW, NOW + timedelta(days=9), 3)
    assert started.finished_at is None
    assert [d["after"] for d in audit(runtime, "plan_action_status_changed")] == ["doing", "done"]
    with pytest.raises(PlanRefused):
        plan.change_status(runtime, mia, made.id, seen_version=3, status="finished", now=NOW)


def test_a_change_based_on_an_old_version_is_refused_and_says_what_is_there_now(runtime, north, mia, max_):
    made = new_action(runtime, mia, north)
    plan.update_action(
        runtime,
        max_,
        made.id,
        seen_version=1,
        description=made.description,
        owner="Max",
        due_on=made.due_on,
        status="planned",
        now=NOW,
    )
    with pytest.raises(plan.ChangedMeanwhile) as conflict:
        plan.update_action(
            runtime,
            mia,
            made.id,
            seen_version=1,
            description=made.description,
            owner="Mia",
            due_on=made.due_on,
            status="planned",
            now=NOW,
        )
    assert (conflict.value.current.owner, conflict.value.current.version) == ("Max", 2)
    assert plan.get_action(runtime, mia, made.id)[0].owner == "Max"
    # Asking for what it already holds is no conflict (two people setting the same status, a double click).
    assert plan.change_status(runtime, mia, made.id, seen_version=1, status="planned", now=NOW).version == 2
    # With the version now seen, the same change goes through.
    assert (
        plan.update_action(
            runtime,
            mia,
            made.id,
            seen_version=2,
            description=made.description,
            owner="Mia",
            due_on=made.due_on,
            status="planned",
            now=NOW,
        ).owner
        == "Mia"
    )


def test_notes_are_added_newest_first_and_leave_the_version(runtime, north, mia, max_):
    made = new_action(runtime, mia, north)
    plan.add_note(runtime, mia, made.id, text="Spoke with the board", now=NOW)
    plan.add_note(runtime, max_, made.id, text="Pilot  team\nchosen", now=NOW + timedelta(days=1))
    row, notes = plan.get_action(runtime, mia, made.id)
    assert [(n.text, n.created_by) for n in notes] == [("Pilot team chosen", "max"), ("Spoke with the board", "mia")]
    assert (row.version, row.notes) == (1, 2)
    assert len(audit(runtime, "plan_action_note_added")) == 2
    for text, reason in (("", "note_missing"), ("n" * 1001, "note_too_long")):
        with pytest.raises(PlanRefused, match=reason):
            plan.add_note(runtime, mia, made.id, text=text, now=NOW)
    assert count_rows(runtime, ActionNote) == 2
