"""What the workshop service tests share: accounts, a session, and participants who answer."""
from __future__ import annotations

from datetime import UTC, datetime

from db import Account
from services.accounts.auth import AccountView
from services.respond import questionnaire, workshop_join
from services.workshop import hosting

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def make_account(rt, username: str, role: str, scope=None) -> AccountView:
    with rt.sessions.begin() as session:
        row = Account(username=username, password_hash=None, role=role, active=True)
        session.add(row)
        session.flush()
        return AccountView(row.id, username, role, scope or {})


def new_session(rt, account, **overrides):
    fields = dict(title="Team West", intervention="Online CBT", form_id=None, language="en", min_group_size=5,
                  participant_cap=None, tie=None, now=NOW)
    fields.update(overrides)
    return hosting.create_session(rt, account, **fields)


def answer_all(rt, participation, value=4) -> int:
    draft = questionnaire.load_draft(rt, participation.draft_token)
    answers = {item: value for item in draft.instrument.required_ids}
    questionnaire.save_answers(rt, token=participation.draft_token, answers=answers, step=0)
    return questionnaire.submit(rt, token=participation.draft_token)


def participants_answer(rt, info, count: int, *, start: int = 0, value=4) -> list[int]:
    ids = []
    for n in range(start, start + count):
        joined = workshop_join.join(rt, info.code, f"device-key-number-{n:04d}", f"client-{n}", now=NOW)
        ids.append(answer_all(rt, joined, value=value if not callable(value) else value(n)))
    return ids
