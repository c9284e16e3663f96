"""The self-assessment use cases on a real database."""

import threading

import pytest
from sqlalchemy import func, select

from db.models import Response, ResponseAnswer, ResponseScore
from services.errors import IncompleteAnswers, InvalidInput, NotFound, TooManyAttempts
from services.respond import questionnaire
from services.respond.resume_codes import normalise
from tests.support.overlap import hold_first_call, in_background


def start(runtime, **kw):
    args = dict(language="en", intervention="Online CBT module", role=None) | kw
    return questionnaire.start_assessment(runtime, **args)


def count(runtime, model):
    with runtime.sessions.begin() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_start_issues_a_resume_code_and_an_empty_draft(runtime):
    started = start(runtime)
    assert normalise(started.resume_code) == started.resume_code
    draft = questionnaire.load_draft(runtime, started.draft_token)
    assert draft.answers == {} and draft.step == 0 and draft.intervention == "Online CBT module"
    assert draft.instrument.content_hash == runtime.instrument.content_hash


@pytest.mark.parametrize(
    "kwargs, reason",
    [
        ({"intervention": ""}, "intervention_missing"),
        ({"intervention": "   "}, "intervention_missing"),
        ({"intervention": "x" * 201}, "intervention_too_long"),
        ({"role": "astronaut"}, "role_unknown"),
        ({"language": "fr"}, "language_unknown"),
    ],
)
def test_start_refuses_bad_input(runtime, kwargs, reason):
    with pytest.raises(InvalidInput, match=reason):
        start(runtime, **kwargs)


def test_answers_are_saved_as_they_are_given(runtime):
    token = start(runtime).draft_token
    questionnaire.save_answers(runtime, token=token, answers={"ca1": 5}, step=0)
    questionnaire.save_answers(runtime, token=token, answers={"ca2": "na"}, step=1)
    draft = questionnaire.load_draft(runtime, token)
    assert draft.answers == {"ca1": 5, "ca2": "na"} and draft.step == 1
    # an answer saved without a step (a late save from the page) leaves the step where it is
    questionnaire.save_answers(runtime, token=token, answers={"ca3": 4}, step=None)
    assert questionnaire.load_draft(runtime, token).step == 1


def test_overlapping_saves_of_one_draft_keep_both(runtime, monkeypatch):
    """Two saves of one draft at once (a quick second click starts a run while the first one saves):
    the first save is held between reading the draft and writing it; the second, which also moves
    to the next step, must wait for it, not be overwritten by it."""
    token = start(runtime).draft_token
    first_is_held, other_done = hold_first_call(monkeypatch, questionnaire, "check_answers")
    first_done = in_background(lambda: questionnaire.save_answers(runtime, token=token, answers={"ca1": 5}, step=None))
    assert first_is_held.wait(timeout=30)
    questionnaire.save_answers(runtime, token=token, answers={"ca2": 2}, step=1)
    other_done.set()
    first_done()
    draft = questionnaire.load_draft(runtime, token)
    assert draft.answers == {"ca1": 5, "ca2": 2} and draft.step == 1


def test_a_save_during_the_submit_cannot_change_what_was_stored(runtime, monkeypatch, full_answers):
    """A late save of a change (a second tab, a save cut short) arrives while the submit is scoring:
    it must wait and be told the draft is submitted, so the response holds the answers the draft shows."""
    token = start(runtime).draft_token
    questionnaire.save_answers(runtime, token=token, answers={**full_answers, "ca1": 2}, step=0)
    first_is_held, other_done = hold_first_call(monkeypatch, questionnaire, "score_answers")
    submitting = in_background(lambda: questionnaire.submit(runtime, token=token))
    assert first_is_held.wait(timeout=30)
    with pytest.raises(InvalidInput, match="already_submitted"):
        questionnaire.save_answers(runtime, token=token, answers={"ca1": 5}, step=None)
    other_done.set()
    response_id = submitting()
    stored = questionnaire.result(runtime, response_id).answers
    assert stored["ca1"] == 2 and questionnaire.load_draft(runtime, token).answers["ca1"] == 2


@pytest.mark.parametrize(
    "shown, stored, last_shown, expected",
    [
        ({"ca1": 3}, {}, {}, {"ca1": 3}),  # chosen, its save cut short
        ({"ca1": 4}, {"ca1": 3}, {"ca1": 3}, {"ca1": 4}),  # changed, the change's save cut short
        ({"ca1": 3}, {"ca1": 3}, {}, {}),  # saved
        ({"ca1": 3}, {"ca1": 5}, {"ca1": 3}, {}),  # stale: another tab stored 5 meanwhile
        ({"ca1": None}, {}, {}, {}),  # not answered on the page
        ({"ca1": "na", "ca2": 2}, {"ca2": 2}, {}, {"ca1": "na"}),
        ({}, {"ca1": 3}, {}, {}),
    ],
)
def test_choices_not_saved_are_those_made_on_the_page(shown, stored, last_shown, expected):
    assert questionnaire.choices_not_saved(shown, stored, last_shown) == expected


@pytest.mark.parametrize(
    "answers, fragment",
    [
        ({"zz9": 3}, "unknown item 'zz9'"),
        ({"ca1": 9}, "not on the scale"),
        ({"ca1": "<script>"}, "not on the scale"),
    ],
)
def test_crafted_answers_are_refused_and_nothing_changes(runtime, answers, fragment):
    token = start(runtime).draft_token
    questionnaire.save_answers(runtime, token=token, answers={"ca1": 2}, step=0)
    with pytest.raises(InvalidInput, match=fragment):
        questionnaire.save_answers(runtime, token=token, answers=answers, step=0)
    assert questionnaire.load_draft(runtime, token).answers == {"ca1": 2}


@pytest.mark.parametrize("token", ["", "nope", "x" * 500, None])
def test_unknown_draft_is_not_found(runtime, token):
    with pytest.raises(NotFound):
        questionnaire.load_draft(runtime, token)


def test_missing_answers_store_nothing(runtime, full_answers):
    token = start(runtime).draft_token
    partial = dict(full_answers)
    partial.pop("ca1")
    partial.pop("ar2")
    questionnaire.save_answers(runtime, token=token, answers=partial, step=0)
    with pytest.raises(IncompleteAnswers) as err:
        questionnaire.submit(runtime, token=token)
    assert err.value.missing == ["ca1", "ar2"]
    assert count(runtime, Response) == 0


def test_submit_stores_answers_scores_and_instrument_hash(runtime, full_answers):
    token = start(runtime).draft_token
    questionnaire.save_answers(runtime, token=token, answers={**full_answers, "ca1": "na"}, step=0)
    response_id = questionnaire.submit(runtime, token=token)
    view = questionnaire.result(runtime, response_id)
    assert view.answers["ca1"] == "na" and view.answers["tn1"] == 4
    assert view.report.domain("client_autonomy").answered == 2
    with runtime.sessions.begin() as session:
        response = session.get(Response, response_id)
        assert response.instrument_hash == runtime.instrument.content_hash
        assert response.instrument_version == runtime.instrument.version
        scores = dict(
            session.execute(
                select(ResponseScore.key, ResponseScore.value).where(ResponseScore.response_id == response_id)
            ).all()
        )
    assert scores["alignment_index"] == pytest.approx(view.report.alignment_index)
    assert count(runtime, ResponseAnswer) == len(full_answers)


def test_double_submit_stores_one_response(runtime, full_answers):
    token = start(runtime).draft_token
    questionnaire.save_answers(runtime, token=token, answers=full_answers, step=0)
    first = questionnaire.submit(runtime, token=token)
    assert questionnaire.submit(runtime, token=token) == first
    assert count(runtime, Response) == 1


def test_concurrent_submits_of_one_draft_store_one_response(runtime, full_answers):
    token = start(runtime).draft_token
    questionnaire.save_answers(runtime, token=token, answers=full_answers, step=0)
    ids, errors = [], []

    def submit():
        try:
            ids.append(questionnaire.submit(runtime, token=token))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(set(ids)) == 1
    assert count(runtime, Response) == 1


def test_answers_after_submit_are_refused(runtime, full_answers):
    token = start(runtime).draft_token
    questionnaire.save_answers(runtime, token=token, answers=full_answers, step=0)
    questionnaire.submit(runtime, token=token)
    with pytest.raises(InvalidInput, match="already_submitted"):
        questionnaire.save_answers(runtime, token=token, answers={"ca1": 1}, step=0)


def test_resume_code_opens_drafts_and_results(runtime, full_answers):
    first = start(runtime)
    questionnaire.save_answers(runtime, token=first.draft_token, answers=full_answers, step=0)
    questionnaire.submit(runtime, token=first.draft_token)
    second = start(runtime, resume_code=first.resume_code, intervention="Video consultations")
    assert second.resume_code is None
    typed = first.resume_code.lower().replace("-", " ")
    found = questionnaire.resume(runtime, resume_code=typed, client_key="c")
    assert found.open_drafts == [second.draft_token]
    assert [r.intervention for r in found.results] == ["Online CBT module"]


def test_another_persons_code_opens_nothing_of_mine(runtime, full_answers):
    mine, theirs = start(runtime), start(runtime)
    questionnaire.save_answers(runtime, token=mine.draft_token, answers=full_answers, step=0)
    questionnaire.submit(runtime, token=mine.draft_token)
    found = questionnaire.resume(runtime, resume_code=theirs.resume_code, client_key="c")
    assert found.results == [] and found.open_drafts == [theirs.draft_token]


@pytest.mark.parametrize("code", ["AAAA-AAAA-AAAA-AAAA", "not a code", "", "' OR 1=1 --"])
def test_wrong_code_is_not_found(runtime, code):
    with pytest.raises(NotFound):
        questionnaire.resume(runtime, resume_code=code, client_key="c")


def test_repeated_misses_are_slowed_down_per_client(runtime):
    for _ in range(3):  # resume_free_attempts=3 in the fixture
        with pytest.raises(NotFound):
            questionnaire.resume(runtime, resume_code="AAAA-AAAA-AAAA-AAAA", client_key="guesser")
    real = start(runtime)
    with pytest.raises(TooManyAttempts) as err:
        questionnaire.resume(runtime, resume_code=real.resume_code, client_key="guesser")
    assert err.value.wait_seconds >= 1
    assert questionnaire.resume(runtime, resume_code=real.resume_code, client_key="someone else").open_drafts
