"""A refused answer is said in plain words in the page's language; the service's internal reason goes to the log."""

import logging

import pytest

from app_pages import state_keys
from services.errors import InvalidInput, NotFound
from services.i18n import t
from services.respond import questionnaire


@pytest.mark.parametrize(
    "refusal, internal",
    [
        (InvalidInput("unknown item 'ca1'; item 'tn1': 7 is not on the scale"), "unknown item 'ca1'"),
        (NotFound("draft"), "draft"),
    ],
    ids=["invalid answers", "draft gone"],
)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_refused_answer_is_said_plainly_in_the_page_language(
    app, runtime, monkeypatch, caplog, texts, language, refusal, internal
):
    started = questionnaire.start_assessment(runtime, language=language, intervention="App", role=None)
    at = app("assessment", query={"draft": started.draft_token, "lang": language})

    def refuse(rt, *, token, answers, step):
        raise refusal

    monkeypatch.setattr(questionnaire, "save_answers", refuse)
    with caplog.at_level(logging.WARNING):
        at.radio(key="item-ca1").set_value(5).run()
    assert [e.value for e in at.exception] == []
    shown = [e.value for e in at.error]
    assert shown == [t("error.not_saved", language)]
    assert internal not in texts(at)
    assert any(internal in record.getMessage() for record in caplog.records)  # kept for whoever runs the server


def test_a_refusal_is_said_on_its_own_draft_only(app, runtime):
    """A refusal left over from one draft (say, one then shown as already submitted) is not said on the next."""
    first = questionnaire.start_assessment(runtime, language="en", intervention="App", role=None)
    second = questionnaire.start_assessment(runtime, language="en", intervention="App", role=None)
    at = app("assessment", query={"draft": second.draft_token, "lang": "en"})
    at.session_state[state_keys.SAVE_ERROR] = first.draft_token  # as a refused save on the first leaves it
    at.run()
    assert [e.value for e in at.error] == []
    at.session_state[state_keys.SAVE_ERROR] = second.draft_token
    at.run()
    assert [e.value for e in at.error] == [t("error.not_saved", "en")]
