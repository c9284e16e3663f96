"""Typed text shown through app_pages.shell.plain never becomes a link in the browser: the browser's Markdown
turns bare web and e-mail addresses into links after parsing, which escaping alone did not stop. Each address
below is drawn as Markdown, as a caption and as an expander's label by a small script in the real Streamlit
front end; none may be a link, and each reads as typed (the word joiners that break the links are invisible)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app_pages.shell import WORD_JOINER
from tests.browser.conftest import REPO_ROOT, wait_for_streamlit

ADDRESSES = [
    "https://evil.example/login",
    "http://a.b",
    "see WWW.evil.example now",
    "www.x.org",
    "mail me@evil.example",
    "user+tag@sub.example.org",
    "mailto:me@evil.example",
    "xmpp:me@evil.example",
    "<https://evil.example>",
    "[click](https://evil.example)",
    "Team A: https://evil.example/x?y=1&z=2",
]

SCRIPT = f"""
import sys
sys.path.insert(0, {str(REPO_ROOT)!r})
import streamlit as st
from app_pages.shell import plain

ADDRESSES = {ADDRESSES!r}
for text in ADDRESSES:
    st.markdown(plain(text))
    st.caption(plain(text))
    with st.expander(plain(text)):
        st.write("inside")
st.markdown("All drawn")
"""


@pytest.mark.browser
def test_addresses_in_typed_text_are_not_links(tmp_path, start_app_server, page):
    script = tmp_path / "plain_text_app.py"
    script.write_text(SCRIPT)
    with start_app_server(script) as server:
        page.goto(server.url)
        wait_for_streamlit(page)
        expect(page.get_by_text("All drawn")).to_be_visible()
        main = page.locator('[data-testid="stMain"]')
        assert main.locator("a").count() == 0
        shown = [text.replace(WORD_JOINER, "") for text in main.get_by_test_id("stMarkdownContainer").all_inner_texts()]
        # A label's text follows its icon's name ("keyboard_arrow_right") on a line of its own.
        labels = [text.replace(WORD_JOINER, "").split("\n")[-1] for text in main.locator("summary").all_inner_texts()]
        for text in ADDRESSES:
            assert shown.count(text) == 2, text  # the markdown and the caption, each as typed
            assert labels.count(text) == 1, text
