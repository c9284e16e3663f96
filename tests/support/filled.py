"""A database filled through the services, with a row in every table; and every table read back.

Shared by the backup, retention and erasure tests (tests/services, tests/manage).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select

from db import accounts as db_accounts
from db import snapshot
from services.accounts import auth, management
from services.actions import follow_up, plan
from services.admin import database, organisations, rounds
from services.dashboard import view as dashboard
from services.errors import LoginFailed, NotFound
from services.respond import questionnaire, workshop_join
from services.runtime import Runtime
from services.workshop import hosting, presenter

PASSWORD = "a long enough pass phrase 42"


@dataclass(frozen=True)
class Filled:
    organisation_id: int
    resume_code: str  # of the first respondent: a counted response and an open draft
    response_ids: list[int]  # counted through the invitation of team A
    personal_response_id: int  # from the plain start page
    workshop_session_id: int


def answers(rt: Runtime, value: int | str = 4) -> dict[str, int | str]:
    """Every scored item answered `value`, the first one not applicable."""
    given: dict[str, int | str] = {item: value for item in rt.instrument.required_ids}
    given[rt.instrument.required_ids[0]] = "na"
    return given


def submit(rt: Runtime, **start: Any) -> tuple[int, str | None]:
    """Start, answer and submit an assessment: (response id, resume code issued or None)."""
    value = start.pop("value", 4)
    start.setdefault("role", None)
    started = questionnaire.start_assessment(rt, language="en", intervention="Online CBT", **start)
    questionnaire.save_answers(rt, token=started.draft_token, answers=answers(rt, value), step=0)
    return questionnaire.submit(rt, token=started.draft_token), started.resume_code


def fill(rt: Runtime, *, now: datetime | None = None) -> Filled:
    """Accounts, an organisation with teams, a round and responses, a workshop, drafts, failures, audit."""
    now = now or datetime.now(UTC)
    anna = auth.create_first_admin(rt, "anna", PASSWORD)
    auth.login(rt, "anna", PASSWORD, "client-anna")  # auth_session
    with rt.sessions.begin() as session:  # setup_token: set-up deletes them; one a server printed meanwhile
        db_accounts.add_setup_token(session, token_hash="a" * 64, created_at=now, expires_at=now + timedelta(hours=1))
    try:
        auth.login(rt, "anna", "wrong" + PASSWORD, "client-guess")  # lookup_failure
    except LoginFailed:
        pass
    database.add_intervention(rt.sessions, "Mood app")  # the open list
    org = organisations.create_organisation(rt, anna, name="GGZ Noord")
    team_a = organisations.create_team(rt, anna, org.id, name="Team A", size=12)
    team_b = organisations.create_team(rt, anna, org.id, name="Team B")
    cbt = organisations.add_intervention(rt, anna, org.id, name="Online CBT")
    created = rounds.create_round(
        rt,
        anna,
        org.id,
        intervention_id=cbt.id,
        name="Spring",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
        team_ids=[team_a.id, team_b.id],
        now=now,
    )
    tokens = {invitation.team_id: invitation.token for invitation in created.invitations}
    management.create_account(
        rt, anna, role="manager", username="mara", password=PASSWORD, scope={org.id: [team_a.id]}
    )  # account_scope
    fenna = management.create_account(
        rt, anna, role="facilitator", username="fenna", password=PASSWORD, scope={org.id: None}
    )
    first, code = submit(rt, invite_token=tokens[team_a.id], role="psychologist", value=5)
    counted = [first] + [submit(rt, invite_token=tokens[team_a.id], value=value)[0] for value in (1, 2, 3, 4)]
    counted.append(submit(rt, invite_token=tokens[team_b.id], role="nurse", value=2)[0])
    personal, _ = submit(rt, value=3)
    questionnaire.start_assessment(rt, language="nl", intervention="Mood app", role=None, resume_code=code)
    try:
        questionnaire.resume(rt, resume_code="0000-0000-0000-0000", client_key="client-guess")
    except NotFound:
        pass
    info = hosting.create_workshop(
        rt, fenna, title="Team West", intervention="Online CBT", form_id=None, language="en", min_group_size=5, now=now
    )
    for n in range(5):
        joined = workshop_join.join(rt, info.code, f"device-key-number-{n:04d}", f"client-{n}", now=now)
        questionnaire.save_answers(rt, token=joined.draft_token, answers=answers(rt, 1 + n % 5), step=0)
        questionnaire.submit(rt, token=joined.draft_token)
    hosting.add_action(rt, fenna, info.id, kind="act", theme=None, text="Plan a team meeting", now=now)
    # The action plan: an action about team A with a note and a follow-up round for that team.
    action = plan.create_action(
        rt,
        anna,
        org.id,
        target="theme:client_autonomy",
        kind="act",
        description="Ask clients first",
        team_ids=[team_a.id],
        now=now,
    )
    plan.add_note(rt, anna, action.id, text="Agreed with the board", now=now)
    follow_up.schedule_follow_up(rt, anna, action.id, opens_on=now.date() + timedelta(days=30), now=now)
    presenter.export(rt, fenna, info.id, "csv", language="en", now=now)  # its picture is recorded
    # A second round, closed and shown once: its tallies are frozen and the release is in the ledger.
    autumn = rounds.create_round(
        rt,
        anna,
        org.id,
        intervention_id=cbt.id,
        name="Autumn",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
        team_ids=[team_b.id],
        now=now,
    )
    submit(rt, invite_token=autumn.invitations[0].token, role="nurse", value=4)
    rounds.close_round_now(rt, anna, autumn.round.id, now=now)
    dashboard.dashboard(rt, anna, dashboard.Filters(org.id), now=now + timedelta(seconds=1))
    return Filled(org.id, code or "", counted, personal, info.id)


def table_rows(engine: Engine) -> dict[str, list[tuple]]:
    """Every table of the models, its rows in primary-key order as plain tuples."""
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row) for row in connection.execute(select(*table.columns).order_by(*table.primary_key.columns))
            ]
            for table in snapshot.data_tables()
        }


def row_counts(engine: Engine) -> dict[str, int]:
    return {name: len(rows) for name, rows in table_rows(engine).items()}
