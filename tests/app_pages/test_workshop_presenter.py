"""Issue 17, the workshop's screens: the presenter view for the big screen (no sidebar, header or control;
the code and QR code large; the join text right in English and Dutch), the facilitator's page linking to
it and keeping its controls, and a phone left on its results page told that a new round has started, by one
small read every few seconds."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app_pages import paths, state_keys
from services.respond import questionnaire, workshop_join
from services.workshop import hosting
from tests.app_pages.test_live_recheck import refresh_fragments
from tests.app_pages.test_workshop_pages import ADDRESS, a_workshop, answered, fien

CONTROL_KEYS = ("ws-results-show", "ws-results-hide", "ws-lock", "ws-round-2", "ws-back", "ws-close-yes")


@pytest.fixture
def open_screen(app, fien):
    """The session's page, as the facilitator's browser opens it: ?session=ID[&view=present]."""

    def opened(info, *, view=None, language="en"):
        query = {"session": str(info.id), "lang": language} | ({"view": view} if view else {})
        at = app(None, state={state_keys.AUTH_TOKEN: fien[1]}, query=query)
        return at.switch_page(paths.WORKSHOP).run()

    return opened


def no_exceptions(at):
    assert [e.value for e in at.exception] == []


def markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def styles(at) -> str:
    return "\n".join(element.proto.body for element in at.get("html"))


def test_the_presenter_view_has_no_control_and_hides_the_sidebar_and_header(open_screen, runtime, fien):
    info = a_workshop(runtime, fien[0])
    at = open_screen(info, view="present")
    no_exceptions(at)
    keys = {b.key for b in at.button}
    assert not keys & set(CONTROL_KEYS)
    assert not [w for w in at.text_area if w.key == "ws-action-text"]  # no actions form
    assert at.get("download_button") == [] and at.get("link_button") == []  # no export, no link
    assert at.sidebar.button == []
    assert '[data-testid="stSidebar"]' in styles(at) and 'header[data-testid="stHeader"]' in styles(at)
    assert f">{info.code}</div>" in markdown(at) and "vm-join-code" in markdown(at)  # the large code
    assert len(at.get("image")) == 1  # the QR code
    assert "The group's picture appears here when the facilitator shows it." in [i.value for i in at.info]


def test_the_facilitators_page_keeps_its_controls_and_links_to_the_presenter_view(open_screen, runtime, fien):
    info = a_workshop(runtime, fien[0])
    at = open_screen(info)
    no_exceptions(at)
    assert {"ws-results-show", "ws-lock", "ws-round-2", "ws-back"} <= {b.key for b in at.button}
    [link] = at.get("link_button")
    assert link.proto.label == "Presenter view"
    assert link.proto.url == f"?session={info.id}&view=present&lang=en"


@pytest.mark.parametrize("view", [None, "present"])
@pytest.mark.parametrize(
    "language, link_holds_code, type_it",
    [
        ("en", "Join on your phone: scan the QR code, or open `{url}`", "Or open `{join}` and type this code:"),
        ("nl", "Doe mee op je telefoon: scan de QR-code, of open `{url}`", "Of open `{join}` en typ deze code:"),
    ],
)
def test_the_join_text_says_the_link_holds_the_code(
    open_screen, runtime, fien, view, language, link_holds_code, type_it
):
    info = a_workshop(runtime, fien[0], language=language)
    at = open_screen(info, view=view, language=language)
    no_exceptions(at)
    url = f"{ADDRESS}/?join={info.code}" + ("&lang=nl" if language == "nl" else "")  # nl: not the default
    text = markdown(at)
    assert link_holds_code.format(url=url) in text
    assert type_it.format(join=f"{ADDRESS}/join") in text
    assert "and type this code:" not in text.split(url)[0].splitlines()[-1]  # not after the link with the code


def test_the_presenter_view_shows_the_picture_without_the_tables(open_screen, runtime, fien):
    info = a_workshop(runtime, fien[0])
    hosting.set_results_visible(runtime, fien[0], info.id, True)
    answered(runtime, info, 5)
    at = open_screen(info, view="present")
    no_exceptions(at)
    assert len(at.get("plotly_chart")) >= 5
    assert at.expander == []  # the room gets no table toggles
    assert "Where to start the conversation" in [s.value for s in at.subheader]
    assert f">{info.code}</div>" in markdown(at) and "vm-join-code-small" in markdown(at)  # the code stays


def test_the_presenter_view_follows_the_facilitator_by_itself(open_screen, runtime, fien, monkeypatch):
    info = a_workshop(runtime, fien[0])
    at = open_screen(info, view="present")
    hosting.set_locked(runtime, fien[0], info.id, True)  # from the facilitator's own page
    at = refresh_fragments(at, monkeypatch)
    no_exceptions(at)
    assert any("nobody new can join" in w.value for w in at.warning)
    hosting.close_workshop(runtime, fien[0], info.id)
    at = refresh_fragments(at, monkeypatch)
    assert "This session is closed. Thank you for taking part." in [i.value for i in at.info]
    assert info.code not in markdown(at) and at.get("image") == []


# --- a phone on its results page -----------------------------------------------------------------------


DEVICE = "results-page-phone-device-key-0001"


@pytest.fixture
def phone_on_results(app, runtime, fien):
    """A participant who answered round 1, on the results page of their phone: (session, AppTest)."""
    info = a_workshop(runtime, fien[0])
    joined = workshop_join.join(runtime, info.code, DEVICE, "phone")
    draft = questionnaire.load_draft(runtime, joined.draft_token)
    questionnaire.save_answers(
        runtime, token=joined.draft_token, step=0, answers={i: 3 for i in draft.instrument.required_ids}
    )
    response_id = questionnaire.submit(runtime, token=joined.draft_token)
    at = app(
        "results",
        state={
            state_keys.DEVICE: DEVICE,
            state_keys.WORKSHOP_CODE: info.code,
            state_keys.RESULT_ID: response_id,
            state_keys.OWNED_RESULTS: [response_id],
        },
    )
    return info, at


def test_a_phone_on_its_results_page_learns_that_round_two_started(phone_on_results, runtime, fien, monkeypatch):
    info, at = phone_on_results
    no_exceptions(at)
    assert at.title[0].value == "Your value match"
    assert any("tells you within a few seconds" in c.value for c in at.caption)
    assert not [i for i in at.info if "has started" in i.value]
    hosting.start_second_round(runtime, fien[0], info.id)
    at = refresh_fragments(at, monkeypatch)  # the next check sees it, and the page is drawn again to say so
    no_exceptions(at)
    assert [i.value for i in at.info if "has started" in i.value] == [
        "Round 2 of the workshop has started: answer again to see how the group moved."
    ]
    assert at.button(key="join-new-round").proto.label == "Answer round 2"
    assert [toast.proto.body for toast in at.toast] == [
        "Round 2 of the workshop has started: answer again to see how the group moved."
    ]
    at = at.button(key="join-new-round").click().run()  # one tap to the join page
    no_exceptions(at)
    assert at.button(key="join-start").proto.label == "Answer again (second round)"


def test_the_check_is_one_small_read(phone_on_results, monkeypatch):
    statements = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        refresh_fragments(phone_on_results[1], monkeypatch)
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    assert len(statements) == 1 and "FROM workshop_session" in statements[0], statements


def test_a_closed_session_stops_the_checks(phone_on_results, runtime, fien, monkeypatch):
    info, at = phone_on_results
    hosting.close_workshop(runtime, fien[0], info.id)
    at = refresh_fragments(at, monkeypatch)  # the check sees the close: the page runs
    no_exceptions(at)
    assert not any("tells you within a few seconds" in c.value for c in at.caption)  # no longer asks
    assert not [i for i in at.info if "has started" in i.value]
