"""The action plan page and the workshop screen's "Add to the organisation's plan", through AppTest on the real
app and SQLite: from a "where to start" link to an action, a change that lost the race, notes, follow-up
rounds, the admin starting one, a facilitator promoting an agreed action, English and Dutch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app_pages import paths, state_keys
from services.accounts import auth, management
from services.actions import follow_up, plan
from services.admin import organisations
from services.workshop import hosting
from tests.support.downloads import download_button, record_media, served

PASSWORD = "correct horse battery"
ADDRESS = "https://valuematch.example.org"
HOSTILE = "<img src=x onerror=alert(1)> **loud** [link](javascript:alert(1)) =1+1"


def no_exceptions(at):
    assert [e.value for e in at.exception] == []


@pytest.fixture
def people(runtime, monkeypatch):
    """anna (admin), mia and max (managers of North), fien (facilitator of North): (account, token); "org"."""
    monkeypatch.setenv("VM_PUBLIC_URL", ADDRESS)
    anna = auth.create_first_admin(runtime, "anna", PASSWORD)
    org = organisations.create_organisation(runtime, anna, name="North")
    for team in ("A", "B"):
        organisations.create_team(runtime, anna, org.id, name=team)
    organisations.add_intervention(runtime, anna, org.id, name="Online CBT")
    for name, role in (("mia", "manager"), ("max", "manager"), ("fien", "facilitator")):
        management.create_account(runtime, anna, role=role, username=name, password=PASSWORD, scope={org.id: None})
    found = {}
    for name in ("anna", "mia", "max", "fien"):
        signed = auth.login(runtime, name, PASSWORD, f"client-{name}")
        found[name] = (signed.account, signed.token)
    found["org"] = org.id
    return found


@pytest.fixture
def open_as(app, people):
    def open_page(name: str, page: str = paths.ACTION_PLAN, query: dict | None = None):
        at = app(None, state={state_keys.AUTH_TOKEN: people[name][1]}, query=query)
        return at.switch_page(page).run()

    return open_page


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [i.value for i in at.info]
    parts += [w.value for w in at.warning] + [s.value for s in at.success] + [c.value for c in at.caption]
    parts += [h.value for h in at.subheader]
    return "\n".join(str(p) for p in parts)


def an_action(runtime, people, **changes):
    fields = {"target": "theme:client_autonomy", "kind": "act", "description": "Ask clients first"} | changes
    return plan.create_action(runtime, people["mia"][0], people["org"], **fields)


def test_from_where_to_start_to_an_action_with_an_idea_owner_and_due_date(open_as, runtime, people):
    at = open_as("mia", query={"org": str(people["org"]), "theme": "client_autonomy"})
    no_exceptions(at)
    assert at.title[0].value == "Action plan"
    assert at.selectbox(key="plan-new-target").value == "theme:client_autonomy"
    assert "Our design, based on van Lotringen et al" in texts(at)  # the ideas say where they come from
    at = at.button(key="plan-idea-opt_out_path").click().run()
    assert at.text_area(key="plan-new-desc-0").value.startswith("Offer every client a clear way")
    at.text_input(key="plan-new-owner-0").set_value("Team lead West")
    due = datetime.now(UTC).date() + timedelta(days=30)
    at.date_input(key="plan-new-due-0").set_value(due)
    at = at.button(key="FormSubmitter:plan-new-0-Add to the plan").click().run()
    no_exceptions(at)
    assert "The action is in the plan." in texts(at)
    [made] = plan.list_actions(runtime, people["mia"][0], people["org"])
    assert (made.owner, made.due_on, made.target.theme) == ("Team lead West", due, "client_autonomy")
    # The form is empty again, and the first form's button is gone: a second click cannot add it twice.
    assert at.text_area(key="plan-new-desc-1").value == ""
    assert "FormSubmitter:plan-new-0-Add to the plan" not in [b.key for b in at.button]
    assert len(at.dataframe) == 1 and "1 action shown: 0 being done, 1 planned" in texts(at)


def test_refusals_are_said_and_what_was_typed_stays(open_as, runtime, people):
    at = open_as("mia", query={"theme": "not_a_theme"})
    no_exceptions(at)
    assert "The theme in the link cannot be used here" in texts(at)
    at.text_input(key="plan-new-owner-0").set_value("Someone")
    at = at.button(key="FormSubmitter:plan-new-0-Add to the plan").click().run()
    assert "Write what will be done." in texts(at)
    assert at.text_input(key="plan-new-owner-0").value == "Someone"
    assert plan.list_actions(runtime, people["mia"][0], people["org"]) == []


def test_typed_text_is_shown_as_text(open_as, runtime, people):
    an_action(runtime, people, description=HOSTILE, owner=HOSTILE)
    at = open_as("mia")
    no_exceptions(at)
    shown = texts(at)
    assert "<img" not in shown.replace("\\<img", "") and "**loud**" not in shown
    assert "\\<img src=x onerror=alert\\(1\\)\\>" in shown


def test_a_change_that_lost_the_race_keeps_what_was_typed_and_saves_on_the_second_try(open_as, runtime, people):
    made = an_action(runtime, people)
    at = open_as("mia")
    at.text_input(key=f"plan-edit-owner-{made.id}-0").set_value("Mia")
    plan.update_action(
        runtime,
        people["max"][0],
        made.id,
        seen_version=1,
        description=made.description,
        owner="Max",
        due_on=None,
        status="doing",
    )  # meanwhile, in Max's browser
    at = at.button(key=f"FormSubmitter:plan-edit-{made.id}-0-Save the changes").click().run()
    no_exceptions(at)
    assert "max changed this action while you were editing it" in texts(at)
    assert "It now says: **Being done**, taken on by Max" in texts(at)
    assert at.text_input(key=f"plan-edit-owner-{made.id}-0").value == "Mia"
    assert plan.get_action(runtime, people["mia"][0], made.id)[0].owner == "Max"
    at = at.button(key=f"FormSubmitter:plan-edit-{made.id}-0-Save the changes").click().run()
    assert "The changes are saved." in texts(at)
    assert plan.get_action(runtime, people["mia"][0], made.id)[0].owner == "Mia"


def test_notes_status_and_a_follow_up_round(open_as, runtime, people):
    made = an_action(runtime, people)
    at = open_as("mia")
    at.text_area(key=f"plan-note-text-{made.id}-0").set_value("Board agreed on a pilot")
    at = at.button(key=f"FormSubmitter:plan-note-{made.id}-0-Add the note").click().run()
    assert "Board agreed on a pilot" in texts(at)
    at = at.button(key=f"plan-move-{made.id}-0").click().run()
    assert "The action is now: Being done." in texts(at)
    at = at.button(key=f"FormSubmitter:plan-fu-{made.id}-0-Schedule it").click().run()
    no_exceptions(at)
    assert "The follow-up round is scheduled." in texts(at)
    [planned] = follow_up.list_follow_ups(runtime, people["mia"][0], made.id)
    assert (planned.form_id, planned.teams, planned.intervention) == ("workshop", ("A", "B"), "Online CBT")
    assert "short questionnaire · scheduled" in texts(at)


def test_the_admin_starts_a_due_follow_up_and_sees_its_links_once(open_as, runtime, people):
    made = an_action(runtime, people)
    follow_up.schedule_follow_up(
        runtime, people["mia"][0], made.id, opens_on=datetime.now(UTC).date() + timedelta(days=3)
    )
    at = open_as("mia")
    assert "Follow-up rounds to start" not in texts(at)  # managers schedule, admins start
    at = open_as("anna")
    assert "Follow-up rounds to start" in texts(at)
    [name_key] = [w.key for w in at.text_input if w.key.startswith("plan-due-name-")]
    at.text_input(key=name_key).set_value("Follow-up learning time")
    at = at.button(key=name_key.replace("plan-due-name-", "plan-due-start-")).click().run()
    no_exceptions(at)
    links = [c.value for c in at.code if "?invite=" in c.value]
    assert len(links) == 2 and all(link.startswith(f"{ADDRESS}/?invite=") for link in links)
    assert "Follow-up rounds to start" not in texts(at).split("Invitation links")[-1]
    at = at.button(key="plan-links-hide").click().run()
    assert [c.value for c in at.code if "?invite=" in c.value] == []


def test_a_facilitator_adds_an_agreed_action_in_one_click(open_as, runtime, people):
    session = hosting.create_workshop(
        runtime,
        people["fien"][0],
        title="Team A, March",
        intervention="Online CBT",
        form_id=None,
        language="en",
        min_group_size=5,
    )
    hosting.add_action(
        runtime,
        people["fien"][0],
        session.id,
        kind="influence",
        theme="technology_push",
        text="Ask for protected learning time",
    )
    at = open_as("fien", page=paths.WORKSHOP, query={"session": str(session.id)})
    no_exceptions(at)
    [key] = [b.key for b in at.button if b.key.startswith("ws-plan-add-")]
    at = at.button(key=key).click().run()
    no_exceptions(at)
    assert "In the organisation's plan" in texts(at) and key not in [b.key for b in at.button]
    [made] = plan.list_actions(runtime, people["mia"][0], people["org"])
    assert (made.description, made.origin_workshop_id, made.origin_title) == (
        "Ask for protected learning time",
        session.id,
        "Team A, March",
    )
    at = open_as("mia")
    assert 'Agreed in the workshop "Team A, March".' in texts(at)


def test_in_dutch(open_as, runtime, people):
    an_action(runtime, people)
    at = open_as("mia", query={"lang": "nl", "element": "2"})
    no_exceptions(at)
    assert at.title[0].value == "Actieplan"
    assert at.selectbox(key="plan-new-target").value == "element:2"
    shown = texts(at)
    assert "Ons ontwerp, gebaseerd op" in shown and "Autonomie van de cliënt" in shown
    assert "1 actie getoond: 0 in uitvoering, 1 gepland" in shown
    assert at.button(key="plan-export-xlsx-make").label == "Plan klaarmaken (Excel)"


def plan_exports(runtime) -> list[str]:
    from db.account_models import AuditLog

    with runtime.sessions.begin() as session:
        return [row.detail["format"] for row in session.query(AuditLog).filter_by(action="plan_exported")]


@pytest.mark.parametrize(
    "file_format, make_label, download_label, holds",
    [
        ("csv", "Prepare the plan (CSV)", "Download the plan (CSV)", lambda data: b"Ask clients first" in data),
        ("xlsx", "Prepare the plan (Excel)", "Download the plan (Excel)", lambda data: data.startswith(b"PK")),
    ],
)
def test_the_plan_is_exported_at_its_click_and_only_as_the_table_shows_it(
    open_as, runtime, people, monkeypatch, file_format, make_label, download_label, holds
):
    media = record_media(monkeypatch)
    an_action(runtime, people)
    at = open_as("mia")
    no_exceptions(at)
    assert download_button(at, f"plan-export-{file_format}") is None and plan_exports(runtime) == []
    at = at.button(key=f"plan-export-{file_format}-make").click().run()
    no_exceptions(at)
    button = download_button(at, f"plan-export-{file_format}")
    assert button is not None and button.proto.label == download_label
    assert holds(served(media, button))
    assert plan_exports(runtime) == [file_format]

    at.multiselect(key="plan-filter-status").unselect("done").run()  # other filters: the file is not offered
    assert download_button(at, f"plan-export-{file_format}") is None
    assert [b.label for b in at.button if b.key == f"plan-export-{file_format}-make"] == [make_label]
    at = at.button(key=f"plan-export-{file_format}-make").click().run()
    assert download_button(at, f"plan-export-{file_format}") is not None
    an_action(runtime, people, description="Ask the team too")  # the plan changed: the file is not offered
    at.run()
    assert download_button(at, f"plan-export-{file_format}") is None
    assert plan_exports(runtime) == [file_format, file_format]
