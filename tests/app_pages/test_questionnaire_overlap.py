"""Quick clicks under load: one script run at a time per browser tab, and a stale empty choice clears nothing.

With Streamlit's fast reruns (its default) every click starts a new run at once while the previous one is still
running; both change the session's widget state with no lock in common, and an older run's widget state can land
on the newer one. Answering quickly beside a busy CPU, a run was handed two radios the browser showed chosen as
empty, and saved them so."""

import tomllib

from services.errors import NotFound
from services.respond import questionnaire


def test_the_app_runs_one_script_run_at_a_time(repo_root):
    config = tomllib.loads((repo_root / ".streamlit" / "config.toml").read_text())
    assert config.get("runner", {}).get("fastReruns") is False


def test_a_stale_empty_choice_does_not_clear_a_saved_answer(app, runtime, monkeypatch):
    """The page drew the statement unanswered, an overlapping run saved the click, and this run is handed an
    older, empty widget state: the stored answer stays."""
    started = questionnaire.start_assessment(runtime, language="en", intervention="App", role=None)
    at = app("assessment", query={"draft": started.draft_token, "lang": "en"})
    saves = questionnaire.save_answers

    def not_now(rt, *, token, answers, step):
        raise NotFound("draft")

    monkeypatch.setattr(questionnaire, "save_answers", not_now)
    at.radio(key="item-ca1").set_value(5).run()  # this run does not save it; the page still draws it unanswered
    monkeypatch.setattr(questionnaire, "save_answers", saves)
    questionnaire.save_answers(runtime, token=started.draft_token, answers={"ca1": 5}, step=None)  # the other run

    at.radio(key="item-ca1").set_value(None).run()

    assert [e.value for e in at.exception] == []
    assert questionnaire.load_draft(runtime, started.draft_token).answers == {"ca1": 5}
