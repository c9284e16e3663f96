"""Issue 15, friction: "Go to step" reaches the statement and its marker goes; a near name is asked about."""

import pytest
from sqlalchemy import select
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import element_tree

from db.models import Draft
from services.respond import questionnaire

MARKER = "Not answered yet:"


def no_exceptions(at):
    assert [e.value for e in at.exception] == []


def markers(at) -> int:
    return sum(MARKER in m.value for m in at.markdown)


def test_go_to_step_brings_the_statement_into_view_and_its_marker_goes_once_answered(app, runtime):
    started = questionnaire.start_assessment(runtime, language="en", intervention="App", role=None)
    first_step = runtime.instrument.steps[0].items
    answered = {q: 3 for q in runtime.instrument.required_ids if q not in first_step[1:3]}
    questionnaire.save_answers(
        runtime, token=started.draft_token, answers=answered, step=len(runtime.instrument.steps) - 1
    )
    at = app("assessment", query={"draft": started.draft_token})
    at.button(key="submit-assessment").click().run()
    at.button(key="goto-step-0").click().run()
    no_exceptions(at)
    assert [r.key for r in at.radio] == [f"item-{i}" for i in first_step]
    scripts = " ".join(h.proto.body for h in at.get("html"))
    assert f'.st-key-item-{first_step[1]}"' in scripts and "scrollIntoView" in scripts
    assert markers(at) == 2
    at.radio(key=f"item-{first_step[1]}").set_value(4).run()
    no_exceptions(at)
    assert markers(at) == 1


@pytest.fixture
def typed_options(monkeypatch):
    """AppTest's selectbox sends only listed options; the browser sends a typed one as its text
    (accept_new_options), which is what these tests need."""

    def widget_state(self):
        state = WidgetState()
        state.id = self.id
        if self.value is not None:
            state.string_value = str(self.value)
        return state

    monkeypatch.setattr(element_tree.Selectbox, "_widget_state", property(widget_state))


def begin_with(app, typed):
    at = app("assessment")
    at.selectbox(key="setup-intervention").set_value(typed).run()
    at.button(key="setup-begin").click().run()
    no_exceptions(at)
    return at


def draft_interventions(runtime) -> list[str]:
    with runtime.sessions.begin() as session:
        return list(session.scalars(select(Draft.intervention)))


def test_a_near_match_is_asked_about_and_the_known_name_can_be_taken(app, runtime, typed_options):
    at = begin_with(app, "Online CBT")
    assert any("Did you mean **Online CBT module**?" in w.value for w in at.warning)
    assert draft_interventions(runtime) == []  # nothing started before the answer
    at.button(key="near-use-known").click().run()
    no_exceptions(at)
    assert draft_interventions(runtime) == ["Online CBT module"]
    assert at.query_params["draft"]


def test_a_near_match_can_still_be_a_new_intervention(app, runtime, typed_options):
    at = begin_with(app, "Online CBT")
    at.button(key="near-keep-typed").click().run()
    no_exceptions(at)
    assert draft_interventions(runtime) == ["Online CBT"]


def test_a_name_differing_only_in_case_takes_the_known_spelling(app, runtime, typed_options):
    begin_with(app, "online cbt MODULE")
    assert draft_interventions(runtime) == ["Online CBT module"]
