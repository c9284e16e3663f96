"""The assessment page during a database outage (AppTest, the real app.py): a plain "try again"
message instead of a traceback, the answer given meanwhile is kept, and after the database is back
one more click stores the response exactly once."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from app_pages import paths
from services.respond import questionnaire
from services.runtime import build_runtime
from services.settings import Settings
from tests.reliability.survey import stored_counts

TRY_AGAIN = "We could not save just now; your answers are kept"


def page_errors(at: AppTest) -> str:
    return "\n".join(str(error.value) for error in at.error)


def test_the_page_says_try_again_keeps_the_answer_and_stores_once(outage, monkeypatch, repo_root):
    monkeypatch.setenv("DATABASE_URL", outage.url)
    st.cache_resource.clear()  # the app builds its runtime on this database
    rt = build_runtime(Settings(database_url=outage.url), migrate=False)
    try:
        required = rt.instrument.required_ids
        # The last step holding a required item is shown; all but its last item are answered.
        step = max(n for n, s in enumerate(rt.instrument.steps) if set(s.items) & set(required))
        last = [item for item in rt.instrument.steps[step].items if item in required][-1]
        started = questionnaire.start_assessment(rt, language="en", intervention="Mood app", role=None)
        questionnaire.save_answers(
            rt, token=started.draft_token, step=step, answers={item: 3 for item in required if item != last}
        )
        at = AppTest.from_file(str(repo_root / "app.py"), default_timeout=60)
        at.query_params["draft"] = started.draft_token
        at.run()
        at.switch_page(paths.QUESTIONNAIRE).run()
        assert not at.exception and TRY_AGAIN not in page_errors(at)

        outage.begin()
        at.radio(key=f"item-{last}").set_value(5).run()  # answered while the database is away
        assert not at.exception
        assert TRY_AGAIN in page_errors(at)
        at.button(key="try-again").click().run()  # too soon: the same message, no traceback
        assert not at.exception and TRY_AGAIN in page_errors(at)
        outage.end()

        at.button(key="try-again").click().run()
        assert not at.exception and TRY_AGAIN not in page_errors(at)
        assert at.radio(key=f"item-{last}").value == 5  # the answer given meanwhile was kept
        assert questionnaire.load_draft(rt, started.draft_token).answers[last] == 5  # and sent by the click
        while not any(button.key == "submit-assessment" for button in at.button):
            next(button for button in at.button if button.key.startswith("step-next-")).click().run()
            assert not at.exception
        at.button(key="submit-assessment").click().run()
        assert not at.exception
        assert "Your value match" in "\n".join(str(e.value) for e in [*at.markdown, *at.title, *at.header])

        found = questionnaire.load_draft(rt, started.draft_token)
        assert found.submitted_response_id is not None and found.answers[last] == 5
        assert stored_counts(rt)["responses"] == 1
    finally:
        rt.engine.dispose()
        st.cache_resource.clear()
