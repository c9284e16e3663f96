"""Every free-text field the app stores, as (name, limit, store, read back, count of stored rows).

`store(rt, people, text)` types `text` into the field through its service, as the page does;
`read(rt, people, stored)` gives the text as the app reads it back. Usernames are not here: they
allow only letters, digits and . _ @ + - (tested on their own).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from db.account_models import AuditLog
from db.action_models import DESCRIPTION_LENGTH, NOTE_LENGTH, OWNER_LENGTH, ActionItem, ActionNote
from db.models import Draft, Intervention
from db.org_models import Organisation, SurveyRound, Team
from db.workshop_models import Workshop, WorkshopAction
from services.actions import plan
from services.admin import organisations, rounds
from services.respond import questionnaire
from services.respond.questionnaire import MAX_INTERVENTION_LENGTH
from services.workshop import hosting


@dataclass(frozen=True)
class Field:
    name: str
    limit: int
    store: Callable
    read: Callable
    table: type


def _org(rt, people, text):
    return organisations.create_organisation(rt, people["anna"][0], name=text)


def _team(rt, people, text):
    return organisations.create_team(rt, people["anna"][0], people["north"], name=text)


def _intervention(rt, people, text):
    return organisations.add_intervention(rt, people["anna"][0], people["north"], name=text)


def _round(rt, people, text):
    anna, north = people["anna"][0], people["north"]
    if "_team" not in people:  # made once per test, on the first round
        people["_team"] = organisations.create_team(rt, anna, north, name="Round team")
        people["_intervention"] = organisations.add_intervention(rt, anna, north, name="Round app")
    team, intervention = people["_team"], people["_intervention"]
    today = datetime.now(UTC)
    return rounds.create_round(
        rt,
        anna,
        north,
        intervention_id=intervention.id,
        name=text,
        opens_at=today,
        closes_at=today + timedelta(days=7),
        team_ids=[team.id],
    ).round


def _assessment(rt, people, text):
    return questionnaire.start_assessment(rt, language="en", intervention=text, role=None)


def _workshop(rt, people, text, *, title=True):
    return hosting.create_workshop(
        rt,
        people["fien"][0],
        title=text if title else "Title",
        intervention="App" if title else text,
        form_id=None,
        language="en",
        min_group_size=5,
    )


def _action(rt, people, text):
    if "_session" not in people:
        people["_session"] = _workshop(rt, people, "Actions")
    session = people["_session"]
    hosting.add_action(rt, people["fien"][0], session.id, kind="act", theme=None, text=text)
    return session


def _plan_action(rt, people, text, *, field="description"):
    people["_plan_n"] = people.get("_plan_n", 0) + 1
    fields = {"description": f"Plan action {people['_plan_n']}", "owner": None} | {field: text}
    return plan.create_action(
        rt, people["anna"][0], people["north"], target="theme:client_autonomy", kind="act", **fields
    )


def _plan_note(rt, people, text):
    if "_plan_action" not in people:
        people["_plan_action"] = _plan_action(rt, people, "Notes go here")
    return plan.add_note(rt, people["anna"][0], people["_plan_action"].id, text=text)


def _names(rt, model, column, **where):
    with rt.sessions.begin() as session:
        query = select(column)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return list(session.scalars(query))


FIELDS = [
    Field(
        "organisation name",
        organisations.MAX_NAME_LENGTH,
        _org,
        lambda rt, p, row: next(o.name for o in organisations.list_organisations(rt, p["anna"][0]) if o.id == row.id),
        Organisation,
    ),
    Field(
        "team name",
        organisations.MAX_NAME_LENGTH,
        _team,
        lambda rt, p, row: next(
            t.name for t in organisations.list_teams(rt, p["anna"][0], p["north"]) if t.id == row.id
        ),
        Team,
    ),
    Field(
        "organisation's intervention",
        MAX_INTERVENTION_LENGTH,
        _intervention,
        lambda rt, p, row: next(
            i.name for i in organisations.list_interventions(rt, p["anna"][0], p["north"]) if i.id == row.id
        ),
        Intervention,
    ),
    Field(
        "survey round name",
        organisations.MAX_NAME_LENGTH,
        _round,
        lambda rt, p, row: next(r.name for r in rounds.list_rounds(rt, p["anna"][0], p["north"]) if r.id == row.id),
        SurveyRound,
    ),
    Field(
        "typed intervention (assessment)",
        MAX_INTERVENTION_LENGTH,
        _assessment,
        lambda rt, p, row: questionnaire.load_draft(rt, row.draft_token).intervention,
        Draft,
    ),
    Field(
        "workshop title",
        hosting.MAX_TITLE_LENGTH,
        _workshop,
        lambda rt, p, row: hosting.workshop_info(rt, p["fien"][0], row.id).title,
        Workshop,
    ),
    Field(
        "workshop intervention",
        MAX_INTERVENTION_LENGTH,
        lambda rt, p, text: _workshop(rt, p, text, title=False),
        lambda rt, p, row: hosting.workshop_info(rt, p["fien"][0], row.id).intervention,
        Workshop,
    ),
    Field(
        "workshop action",
        hosting.MAX_ACTION_LENGTH,
        _action,
        lambda rt, p, row: _names(rt, WorkshopAction, WorkshopAction.text, workshop_id=row.id)[-1],
        WorkshopAction,
    ),
    Field(
        "plan action",
        DESCRIPTION_LENGTH,
        _plan_action,
        lambda rt, p, row: plan.get_action(rt, p["anna"][0], row.id)[0].description,
        ActionItem,
    ),
    Field(
        "plan action owner",
        OWNER_LENGTH,
        lambda rt, p, text: _plan_action(rt, p, text, field="owner"),
        lambda rt, p, row: plan.get_action(rt, p["anna"][0], row.id)[0].owner,
        ActionItem,
    ),
    Field(
        "plan action note",
        NOTE_LENGTH,
        _plan_note,
        lambda rt, p, note: _names(rt, ActionNote, ActionNote.text, id=note.id)[0],
        ActionNote,
    ),
]
FIELD_IDS = [f.name for f in FIELDS]


def rows(rt, model) -> int:
    with rt.sessions.begin() as session:
        return session.scalar(select(func.count()).select_from(model))


def audit_rows(rt) -> int:
    return rows(rt, AuditLog)
