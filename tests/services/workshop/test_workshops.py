"""Workshops on a real database: creating, joining by code, answering, steering, the
snapshot rule of the group's picture, counting toward a survey round, actions, export and access."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from db import Response, WorkshopEntry, WorkshopParticipant, tallies
from services.errors import InvalidInput, NotAuthorised, NotFound, TooManyAttempts
from services.respond import questionnaire, workshop_join
from services.workshop import hosting, presenter
from services.workshop.presenter import next_snapshot
from tests.support.accounts import staff_account
from tests.support.workshops import NOW, add_tied_round, answer_all, new_workshop, participants_answer

# --- rules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("submitted", "shown", "k", "expected"),
    [
        (0, 0, 5, 0),  # nothing yet
        (4, 0, 5, 0),  # below k: no picture
        (5, 0, 5, 5),  # k reached: the first picture
        (7, 0, 5, 7),  # revealed late: everyone at once
        (9, 5, 5, 5),  # 4 new: the picture waits
        (10, 5, 5, 10),  # 5 new: moves on
        (23, 10, 5, 23),  # many new: all of them
        (10, 10, 5, 10),  # nothing new
    ],
)
def test_the_picture_moves_on_only_in_steps_of_at_least_k(submitted, shown, k, expected):
    assert next_snapshot(submitted, shown, k) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ack-34x", "ACK34X"),
        (" ac k34 x ", "ACK34X"),
        ("", ""),
        (None, ""),
        ("<script>", "SCRIPT"),
    ],
)
def test_codes_are_read_as_typed_without_spaces_dashes_or_case(typed, expected):
    assert workshop_join.normalise_code(typed) == expected


def test_a_new_session_gets_a_six_character_code_without_look_alikes(runtime, anna):
    codes = {new_workshop(runtime, anna, title=f"S{n}").code for n in range(30)}
    assert len(codes) == 30
    for code in codes:
        assert len(code) == 6 and set(code) <= set(workshop_join.CODE_ALPHABET)
    assert not set("0O1IL2Z5S8B") & set(workshop_join.CODE_ALPHABET)


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"title": "   "}, "workshop_title_missing"),
        ({"title": "x" * 121}, "workshop_title_too_long"),
        ({"title": "Team\x00West"}, "workshop_title_bad_characters"),
        ({"intervention": ""}, "intervention_missing"),
        ({"language": "de"}, "language_unknown"),
        ({"min_group_size": 2}, "workshop_k_out_of_range"),
        ({"min_group_size": 51}, "workshop_k_out_of_range"),
        ({"min_group_size": True}, "workshop_k_out_of_range"),
        ({"participant_cap": 4}, "workshop_cap_out_of_range"),
        ({"participant_cap": 201}, "workshop_cap_out_of_range"),
        ({"form_id": "no-such-form"}, "form_unknown"),
    ],
)
def test_bad_session_settings_are_refused_with_a_reason(runtime, anna, overrides, reason):
    with pytest.raises(InvalidInput) as refused:
        new_workshop(runtime, anna, **overrides)
    assert str(refused.value) == reason
    assert hosting.list_workshops(runtime, anna) == []


def test_only_facilitators_and_admins_create_sessions(runtime):
    manager = staff_account(runtime, "mark", "manager")
    with pytest.raises(NotAuthorised):
        new_workshop(runtime, manager)
    with pytest.raises(NotAuthorised):
        new_workshop(runtime, None)


def test_another_facilitators_session_is_not_found_and_admins_see_all(runtime, anna):
    info = new_workshop(runtime, anna)
    bob = staff_account(runtime, "bob", "facilitator")
    admin = staff_account(runtime, "root", "admin")
    for call in (
        lambda a: hosting.workshop_info(runtime, a, info.id),
        lambda a: hosting.close_workshop(runtime, a, info.id),
        lambda a: presenter.presenter(runtime, a, info.id, language="en"),
    ):
        with pytest.raises(NotFound):
            call(bob)
    assert hosting.list_workshops(runtime, bob) == []
    assert [s.id for s in hosting.list_workshops(runtime, admin)] == [info.id]
    assert hosting.workshop_info(runtime, admin, info.id).code == info.code
    with pytest.raises(NotFound):
        hosting.workshop_info(runtime, anna, "1")  # an id from a URL must be a number


# --- joining -------------------------------------------------------------------------------------


def test_joining_twice_from_one_device_counts_once(runtime, anna):
    info = new_workshop(runtime, anna)
    first = workshop_join.join(runtime, info.code.lower(), "the-same-device-key-123", "c", now=NOW)
    second = workshop_join.join(runtime, info.code, "the-same-device-key-123", "c", now=NOW)
    assert first.draft_token == second.draft_token
    assert hosting.workshop_info(runtime, anna, info.id).joined == 1
    workshop_join.join(runtime, info.code, "another-device-key-4567", "c", now=NOW)
    assert hosting.workshop_info(runtime, anna, info.id).joined == 2


def test_wrong_closed_and_expired_codes_get_the_same_answer_and_misses_are_slowed_down(runtime, anna):
    closed = new_workshop(runtime, anna, title="closed")
    hosting.close_workshop(runtime, anna, closed.id, now=NOW)
    expired = new_workshop(runtime, anna, title="old", now=NOW - timedelta(hours=runtime.settings.workshop_hours + 1))
    for code in ("ZZZZZZ", closed.code, expired.code):
        with pytest.raises(NotFound) as miss:
            workshop_join.join(runtime, code, "a-device-key-for-misses", "guesser", now=NOW)
        assert str(miss.value) == "join_code"
    # resume_free_attempts=3 in this runtime: after three misses the next try must wait, even with a right code
    open_one = new_workshop(runtime, anna, title="open")
    with pytest.raises(TooManyAttempts):
        workshop_join.join(runtime, open_one.code, "a-device-key-for-misses", "guesser", now=NOW)
    assert workshop_join.join(runtime, open_one.code, "a-device-key-for-misses", "someone-else", now=NOW)


def test_a_locked_or_full_session_takes_nobody_new_but_keeps_who_joined(runtime, anna):
    info = new_workshop(runtime, anna, participant_cap=5)
    participants_answer(runtime, info, 5)
    with pytest.raises(InvalidInput, match="workshop_full"):
        workshop_join.join(runtime, info.code, "device-key-number-9999", "c", now=NOW)
    again = workshop_join.join(runtime, info.code, "device-key-number-0001", "c", now=NOW)
    assert again.answered_now and again.results
    other = new_workshop(runtime, anna, title="locked")
    workshop_join.join(runtime, other.code, "device-key-number-0001", "c", now=NOW)
    hosting.set_locked(runtime, anna, other.id, True)
    with pytest.raises(InvalidInput, match="workshop_locked"):
        workshop_join.join(runtime, other.code, "device-key-number-0002", "c", now=NOW)
    assert workshop_join.join(runtime, other.code, "device-key-number-0001", "c", now=NOW).draft_token


def test_device_keys_of_odd_length_are_refused(runtime, anna):
    info = new_workshop(runtime, anna)
    for key in ("short", "x" * 500, None):
        with pytest.raises(InvalidInput):
            workshop_join.join(runtime, info.code, key, "c", now=NOW)


# --- answering -----------------------------------------------------------------------------------


def test_a_double_submit_stores_one_response_and_one_entry(runtime, anna):
    info = new_workshop(runtime, anna)
    joined = workshop_join.join(runtime, info.code, "device-key-number-0001", "c", now=NOW)
    first = answer_all(runtime, joined)
    assert questionnaire.submit(runtime, token=joined.draft_token) == first
    with runtime.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(WorkshopEntry)) == 1
        assert session.scalar(select(func.count()).select_from(Response)) == 1
    assert workshop_join.counted(runtime, first)


def test_answers_sent_after_close_stay_personal_and_the_result_is_still_there(runtime, anna):
    info = new_workshop(runtime, anna)
    joined = workshop_join.join(runtime, info.code, "device-key-number-0001", "c", now=NOW)
    hosting.close_workshop(runtime, anna, info.id)
    response_id = answer_all(runtime, joined)
    assert not workshop_join.counted(runtime, response_id)
    assert questionnaire.result(runtime, response_id).report.alignment_index is not None
    assert hosting.workshop_info(runtime, anna, info.id).submitted_now == 0


def test_the_short_form_is_answered_and_scored(runtime, anna):
    short = next(form_id for form_id, _ in hosting.form_choices(runtime, "en") if form_id)
    info = new_workshop(runtime, anna, form_id=short)
    joined = workshop_join.join(runtime, info.code, "device-key-number-0001", "c", now=NOW)
    draft = questionnaire.load_draft(runtime, joined.draft_token)
    assert 8 <= len(draft.instrument.required_ids) <= 12
    result = questionnaire.result(runtime, answer_all(runtime, joined))
    assert result.report.alignment_index is not None


# --- the presenter --------------------------------------------------------------------------------


def test_no_picture_while_hidden_nor_below_k_and_then_steps_of_k(runtime, anna):
    info = new_workshop(runtime, anna)
    participants_answer(runtime, info, 4)
    view = presenter.presenter(runtime, anna, info.id, language="en")
    assert view.pictures == () and view.info.submitted_now == 4
    hosting.set_results_visible(runtime, anna, info.id, True)
    picture = presenter.presenter(runtime, anna, info.id, language="en").pictures[0]
    assert not picture.shown and picture.theme_means == () and picture.n == 4
    participants_answer(runtime, info, 1, start=4)
    view = presenter.presenter(runtime, anna, info.id, language="en")
    assert view.pictures[0].shown and view.shown == {1: 5}
    participants_answer(runtime, info, 4, start=5)
    assert presenter.presenter(runtime, anna, info.id, language="en").shown == {1: 5}
    participants_answer(runtime, info, 1, start=9)
    assert presenter.presenter(runtime, anna, info.id, language="en").shown == {1: 10}


def test_a_second_round_is_compared_with_the_first(runtime, anna):
    info = new_workshop(runtime, anna)
    participants_answer(runtime, info, 5, value=2)
    hosting.set_results_visible(runtime, anna, info.id, True)
    hosting.start_second_round(runtime, anna, info.id)
    again = workshop_join.join(runtime, info.code, "device-key-number-0000", "c", now=NOW)
    assert again.current_round == 2 and again.draft_token and set(again.results) == {1}
    participants_answer(runtime, info, 5, value=4)
    view = presenter.presenter(runtime, anna, info.id, language="en")
    assert [p.round_no for p in view.pictures] == [1, 2] and all(p.shown for p in view.pictures)
    assert view.comparison is not None
    with pytest.raises(InvalidInput, match="workshop_no_more_rounds"):
        hosting.start_second_round(runtime, anna, info.id)
    assert hosting.workshop_info(runtime, anna, info.id).joined == 5


def test_actions_are_kept_with_the_session(runtime, anna):
    info = new_workshop(runtime, anna)
    hosting.add_action(runtime, anna, info.id, kind="act", theme="technology_push", text="Ask for a pilot")
    hosting.add_action(runtime, anna, info.id, kind="monitor", theme=None, text='=HYPERLINK("x")')
    for bad, reason in (
        ({"kind": "maybe"}, "workshop_action_kind"),
        ({"text": " "}, "workshop_action_missing"),
        ({"theme": "nonsense"}, "workshop_action_theme"),
        ({"text": "x" * 501}, "workshop_action_too_long"),
        ({"text": "a\x1bb"}, "workshop_action_bad_characters"),
    ):
        with pytest.raises(InvalidInput, match=reason):
            hosting.add_action(runtime, anna, info.id, **({"kind": "act", "theme": None, "text": "t"} | bad))
    # the same action again (a second click, another screen) is noted once; another kind or theme is another
    with pytest.raises(InvalidInput, match="workshop_action_exists"):
        hosting.add_action(runtime, anna, info.id, kind="act", theme="technology_push", text=" ask for a PILOT ")
    noted, themes = presenter.notes(runtime, anna, info.id, language="en")
    assert [a.text for a in noted] == ["Ask for a pilot", '=HYPERLINK("x")']
    assert noted[0].theme and ("technology_push", noted[0].theme) in themes
    hosting.delete_action(runtime, anna, info.id, noted[0].id)
    assert len(presenter.notes(runtime, anna, info.id, language="en")[0]) == 1


def test_export_holds_nothing_of_a_round_below_k_and_is_audited(runtime, anna):
    from services.accounts import management

    info = new_workshop(runtime, anna)
    participants_answer(runtime, info, 3)
    name, data = presenter.export(runtime, anna, info.id, "csv", language="en")
    assert name.endswith(".csv") and data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    assert "Team West" in text or "withheld" in text.lower()
    admin = staff_account(runtime, "root", "admin")
    assert any(e.action == "workshop_exported" for e in management.audit_log(runtime, admin))
    with pytest.raises(InvalidInput):
        presenter.export(runtime, anna, info.id, "xlsx", language="en")


# --- counting toward a survey round ---------------------------------------------------------------


def test_a_tied_session_counts_its_first_round_on_the_dashboard(runtime):
    tied = add_tied_round(runtime)
    ids = tied.org, tied.teams["West"], tied.round
    facilitator = staff_account(runtime, "fay", "facilitator", {ids[0]: None})
    outsider = staff_account(runtime, "otto", "facilitator", {})
    choices = hosting.tie_choices(runtime, facilitator, now=NOW)
    assert [(c.team_id, c.round_id) for c in choices] == [(ids[1], ids[2])]
    assert hosting.tie_choices(runtime, outsider, now=NOW) == []
    with pytest.raises(NotFound):
        new_workshop(runtime, outsider, tie=(ids[1], ids[2]))
    short = next(form_id for form_id, _ in hosting.form_choices(runtime, "en") if form_id)
    with pytest.raises(InvalidInput, match="other_questionnaire"):
        new_workshop(runtime, facilitator, tie=(ids[1], ids[2]), form_id=short)
    info = new_workshop(runtime, facilitator, tie=(ids[1], ids[2]))
    assert info.tied_to == "North / West / Spring"
    participants_answer(runtime, info, 5)
    hosting.start_second_round(runtime, facilitator, info.id)
    participants_answer(runtime, info, 5)
    with runtime.sessions.begin() as session:
        counted = tallies.count_cells(session, organisation_id=ids[0])
        assert sum(counted.values()) == 5  # round 2 (the same people again) does not count
        assert session.scalar(select(func.count()).select_from(WorkshopParticipant)) == 5
