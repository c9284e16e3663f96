"""Workshops for the workshop and dashboard service tests: a session, and participants who
answer (accounts: tests/support/accounts.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.respond import questionnaire, workshop_join
from services.workshop import hosting
from tests.support.organisations import OpenRound, add_open_round

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # the workshops' clock


def add_tied_round(runtime, *, teams: tuple[str, ...] = ("West",), min_group_size: int | None = None) -> OpenRound:
    """Organisation North with `teams` invited to the round Spring, open at NOW (the workshops' clock) and
    still open at the real time the answers are sent: a round a workshop can be tied to."""
    with runtime.sessions.begin() as session:
        return add_open_round(
            session,
            instrument_hash=runtime.instrument.content_hash,
            opens_at=NOW - timedelta(days=1),
            closes_at=max(NOW, datetime.now(UTC)) + timedelta(days=30),
            teams=dict.fromkeys(teams),
            min_group_size=min_group_size,
        )


def new_workshop(rt, account, **overrides):
    fields = dict(
        title="Team West",
        intervention="Online CBT",
        form_id=None,
        language="en",
        min_group_size=5,
        participant_cap=None,
        tie=None,
        now=NOW,
    )
    fields.update(overrides)
    return hosting.create_workshop(rt, account, **fields)


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
