"""app_pages/prepared_files.py on a small page of its own: a file is made only at its button's click, then offered
from the session while the page shows the same view, dropped when the view changes, and why it could not be made
is said once. The file handed out is held by the session: it survives other sessions' runs, where Streamlit's
deferred download (the way before) does not."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app_pages import prepared_files, state_keys
from tests.support.downloads import download_button, record_media, served


def page() -> None:
    """A view chosen in a select box; the file says which view and how many files were made before it."""
    import streamlit as st

    from app_pages import prepared_files
    from services.errors import NotAuthorised, NotFound, Unavailable

    view = st.selectbox("View", ["north", "south"], key="view")

    def make():
        st.session_state["made"] = st.session_state.get("made", 0) + 1
        failure = st.session_state.get("failure")
        if failure == "signed_out":
            return None
        if failure:
            raise {"not_found": NotFound, "not_authorised": NotAuthorised, "unavailable": Unavailable}[failure]()
        return f"{view}.csv", f"{view} #{st.session_state['made']}".encode()

    if st.session_state.get("deferred"):  # the way before, to show what the check below catches
        st.download_button("Deferred", data=view.encode, file_name="deferred.csv", key="deferred", on_click="ignore")
        return
    offer = prepared_files.FileOffer("file-csv", make, "Prepare CSV", "Download CSV", "text/csv")
    prepared_files.offer(st.container(horizontal=True), [offer], ("signature", view), again=st.session_state["again"])


@pytest.fixture
def media(monkeypatch):
    return record_media(monkeypatch)


def open_page(again: bool = True, **state) -> AppTest:
    at = AppTest.from_function(page, default_timeout=30)
    at.session_state["again"] = again
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def made(at) -> int:
    return at.session_state["made"] if "made" in at.session_state else 0


def make_buttons(at) -> list[str]:
    return [b.label for b in at.button if b.key == "file-csv-make"]


def no_exceptions(at) -> None:
    assert [e.value for e in at.exception] == []


def test_nothing_is_made_before_the_click(media):
    at = open_page()
    no_exceptions(at)
    assert make_buttons(at) == ["Prepare CSV"]
    assert download_button(at, "file-csv") is None
    assert made(at) == 0
    at.run()
    assert made(at) == 0 and download_button(at, "file-csv") is None


def test_a_click_makes_the_file_once_and_offers_it_with_when_it_was_made(media):
    at = open_page()
    at.button(key="file-csv-make").click().run()
    no_exceptions(at)
    button = download_button(at, "file-csv")
    assert button is not None and button.proto.label == "Download CSV"
    assert make_buttons(at) == []
    assert any(c.value.startswith("Made at ") for c in at.caption)
    assert served(media, button) == b"north #1"
    at.run()  # later runs hand out the same file, without making it again
    assert made(at) == 1
    assert served(media, download_button(at, "file-csv")) == b"north #1"


def test_the_file_is_held_by_the_session_where_a_deferred_one_is_swept_away(media):
    """The point of making first: between the click and the browser's fetch, two runs of other sessions."""
    at = open_page()
    at.button(key="file-csv-make").click().run()
    assert served(media, download_button(at, "file-csv"), sweeps=2) == b"north #1"
    deferred = open_page(deferred=True)
    assert served(media, download_button(deferred, "deferred"), sweeps=0) == b"north"
    assert served(media, download_button(deferred, "deferred"), sweeps=2) is None


def test_another_view_drops_the_file_and_asks_to_make_it_again(media):
    at = open_page()
    at.button(key="file-csv-make").click().run()
    at.selectbox(key="view").select("south").run()
    no_exceptions(at)
    assert download_button(at, "file-csv") is None
    assert make_buttons(at) == ["Prepare CSV"]
    assert "file-csv" not in at.session_state[state_keys.PREPARED_FILES]
    at.selectbox(key="view").select("north").run()  # back: the old file was dropped, not kept aside
    assert download_button(at, "file-csv") is None
    at.button(key="file-csv-make").click().run()
    assert served(media, download_button(at, "file-csv")) == b"north #2"


def test_make_again_makes_a_new_file_and_only_when_asked(media):
    at = open_page()
    at.button(key="file-csv-make").click().run()
    at.button(key="file-csv-again").click().run()
    no_exceptions(at)
    assert served(media, download_button(at, "file-csv")) == b"north #2"
    once = open_page(again=False)
    once.button(key="file-csv-make").click().run()
    assert download_button(once, "file-csv") is not None
    assert [b.key for b in once.button if b.key == "file-csv-again"] == []


@pytest.mark.parametrize(
    "failure, said",
    [
        ("not_found", "what it is made from is no longer there"),
        ("not_authorised", "your account may not do this"),
        ("unavailable", "cannot reach its database"),
    ],
)
def test_why_a_file_could_not_be_made_is_said_once(media, failure, said):
    at = open_page(failure=failure)
    at.button(key="file-csv-make").click().run()
    no_exceptions(at)
    assert [e.value for e in at.error if said in e.value] != []
    assert download_button(at, "file-csv") is None and make_buttons(at) == ["Prepare CSV"]
    at.run()
    assert [e.value for e in at.error] == []


def test_a_signed_out_click_makes_nothing_and_says_nothing(media):
    at = open_page(failure="signed_out")
    at.button(key="file-csv-make").click().run()
    no_exceptions(at)
    assert made(at) == 1
    assert [e.value for e in at.error] == [] and download_button(at, "file-csv") is None
    assert make_buttons(at) == ["Prepare CSV"]


def test_a_double_click_on_prepare_makes_the_file_once(monkeypatch):
    """The second click of a double click reaches the server as a click on the make button the first one
    replaced: it finds the file of this view and makes (and audits) nothing more; "Make again" does make anew."""
    store: dict = {}
    monkeypatch.setattr(prepared_files, "prepared", lambda: store)
    calls: list[int] = []

    def make():
        calls.append(1)
        return "x.csv", f"#{len(calls)}".encode()

    offer = prepared_files.FileOffer("file-csv", make, "Prepare CSV", "Download CSV", "text/csv")
    for signature, anew, made_so_far, held in [
        ("north", False, 1, b"#1"),  # the click
        ("north", False, 1, b"#1"),  # its double: nothing more
        ("south", False, 2, b"#2"),  # another view
        ("south", True, 3, b"#3"),  # Make again
    ]:
        prepared_files.make(offer, signature, anew=anew)
        assert (len(calls), store["file-csv"].data) == (made_so_far, held), (signature, anew)
