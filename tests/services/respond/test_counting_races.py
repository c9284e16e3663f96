"""Responses through one team's link sent at the same moment (several phones, two tabs, several app
servers), on each backend: one is held half-way, inside its transaction, while the other runs. The
team's invitation row is locked first, so the second waits and counts the first: neither the headcount
nor one browser's limit is passed by answers that arrive together."""

from __future__ import annotations

from db import attribution
from services.respond import counting_rules, questionnaire
from tests.services.counting_fixtures import (
    BROWSER,
    answers_of,
    audit,
    counted,
    links,
    respond,
    runtime,
    start,
)
from tests.support.overlap import hold_first_call, in_background


def ready(runtime, link, n: int) -> str:
    token = start(runtime, link).draft_token
    questionnaire.save_answers(runtime, token=token, answers=answers_of(runtime, n), step=0)
    return token


def test_two_answers_at_once_cannot_both_take_the_last_place(runtime, links, monkeypatch):
    respond(runtime, links["west_link"], 0)
    respond(runtime, links["west_link"], 1)  # West's headcount is 3: one place left
    first, second = ready(runtime, links["west_link"], 2), ready(runtime, links["west_link"], 3)
    first_is_held, other_done = hold_first_call(monkeypatch, attribution, "count_counted")  # counted, not stored
    first_done = in_background(lambda: questionnaire.submit(runtime, token=first))
    assert first_is_held.wait(timeout=30)
    questionnaire.submit(runtime, token=second)
    other_done.set()
    first_done()
    assert counted(runtime, links) == 3
    assert len(audit(runtime, counting_rules.OVER_HEADCOUNT)) == 1


def test_two_people_starting_at_once_on_one_browser_cannot_both_pass_its_limit(runtime, links, monkeypatch):
    questionnaire.start_assessment(
        runtime,
        language="en",
        intervention="",
        role=None,
        invite_token=links["east_link"],
        device_key=BROWSER,
        again_on_device=True,
    )
    # The browser's first answer and one further person: one place left under the limit of 3.
    first_is_held, other_done = hold_first_call(monkeypatch, attribution, "count_audit_lines")
    first_done = in_background(lambda: start(runtime, links["east_link"], device_key=BROWSER, again_on_device=True))
    assert first_is_held.wait(timeout=30)
    second = start(runtime, links["east_link"], device_key=BROWSER, again_on_device=True)
    other_done.set()
    first = first_done()
    assert sorted([first.device_limit_reached, second.device_limit_reached]) == [False, True]
    assert [line["person_on_device"] for line in audit(runtime, counting_rules.REPEAT_DEVICE)] == [2, 3]
