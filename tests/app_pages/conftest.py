"""AppTest fixtures: the real app.py on a fresh SQLite database per test."""

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from app_pages import paths
from services.respond import questionnaire
from services.runtime import build_runtime


@pytest.fixture
def isolated_database(migrated_database):
    """Page tests start from an empty database at the newest schema (a copy, not a migration run)."""
    return migrated_database


@pytest.fixture
def app(isolated_database, repo_root):
    """A function opening the app at a page, with optional query params and session state."""
    st.cache_resource.clear()  # the runtime is cached per process; each test has its own database

    def open_page(page: str | None = None, *, query: dict | None = None, state: dict | None = None) -> AppTest:
        at = AppTest.from_file(str(repo_root / "app.py"), default_timeout=60)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        for key, value in (state or {}).items():
            at.session_state[key] = value
        at.run()
        if page:
            at.switch_page(paths.BY_NAME[page]).run()
        return at

    yield open_page
    st.cache_resource.clear()


@pytest.fixture
def runtime(isolated_database):
    rt = build_runtime()
    yield rt
    rt.engine.dispose()


@pytest.fixture
def submitted(runtime):
    """A submitted assessment: (response id, resume code)."""
    started = questionnaire.start_assessment(runtime, language="en", intervention="Mood-tracking app", role="nurse")
    answers = {item_id: (2 if item_id.startswith(("fb", "tp")) else 4) for item_id in runtime.instrument.required_ids}
    answers.update({"imp_helping_people": 5, "sup_helping_people": 2})
    questionnaire.save_answers(runtime, token=started.draft_token, answers=answers, step=0)
    return questionnaire.submit(runtime, token=started.draft_token), started.resume_code


@pytest.fixture
def texts():
    return page_text


def page_text(at) -> str:
    """Everything the page wrote, as one string, for plain-text assertions."""
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [e.value for e in at.info]
    parts += [w.value for w in at.warning] + [s.value for s in at.success] + [t.value for t in at.title]
    parts += [c.value for c in at.caption] + [s.value for s in at.subheader]
    return "\n".join(str(p) for p in parts)
