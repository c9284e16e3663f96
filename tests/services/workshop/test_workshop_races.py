"""Workshop actions that overlap (several phones, two tabs, several app servers), on each backend:
one action is held half-way while the other runs, and what the group sees must not depend on it."""

from __future__ import annotations

from db import workshops as db_workshops
from services.respond import questionnaire, workshop_join
from services.workshop import hosting
from tests.support.overlap import hold_first_call, in_background
from tests.support.workshops import NOW, new_workshop


def ready_to_submit(runtime, info, device: str) -> str:
    token = workshop_join.join(runtime, info.code, device, "client", now=NOW).draft_token
    required = questionnaire.load_draft(runtime, token).instrument.required_ids
    questionnaire.save_answers(runtime, token=token, answers={item: 4 for item in required}, step=0)
    return token


def stored_entries(runtime, info) -> list[int]:
    """The response ids of round 1 as the picture orders them."""
    with runtime.sessions.begin() as session:
        return db_workshops.first_responses(session, info.id, 1, 100)


def test_responses_join_the_picture_in_the_order_of_their_ids(runtime, anna, monkeypatch):
    """The picture is "the first n responses": a response stored after the picture was drawn must
    never sort before one already in it, or the next picture differs by fewer than k people."""
    info = new_workshop(runtime, anna)
    first, second = (ready_to_submit(runtime, info, f"device-key-number-{n:04d}") for n in (1, 2))
    first_is_held, other_done = hold_first_call(monkeypatch, workshop_join, "record")  # stored, not committed
    first_done = in_background(lambda: questionnaire.submit(runtime, token=first))
    assert first_is_held.wait(timeout=30)
    questionnaire.submit(runtime, token=second)
    seen_then = stored_entries(runtime, info)
    other_done.set()
    first_done()
    final = stored_entries(runtime, info)
    assert len(final) == 2 and final[: len(seen_then)] == seen_then


def test_two_tabs_rejoining_at_once_share_one_draft(runtime, anna, monkeypatch):
    info = new_workshop(runtime, anna)
    device = "device-key-number-0001"
    workshop_join.join(runtime, info.code, device, "client", now=NOW)
    hosting.start_second_round(runtime, anna, info.id)  # the phone has no draft for round 2 yet
    first_is_held, other_done = hold_first_call(monkeypatch, db_workshops, "open_draft")  # found none
    # Other client keys: the slow-down's lock on one key would line the two tabs up by itself.
    first_tab = in_background(lambda: workshop_join.join(runtime, info.code, device, "tab-1", now=NOW))
    assert first_is_held.wait(timeout=30)
    second_tab = workshop_join.join(runtime, info.code, device, "tab-2", now=NOW)
    other_done.set()
    assert first_tab().draft_token == second_tab.draft_token
