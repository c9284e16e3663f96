"""Smoke test of the browser harness itself: a tiny Streamlit script, one click in Chromium."""

from playwright.sync_api import expect

from tests.browser.conftest import wait_for_streamlit

SCRIPT = """
import os
import streamlit as st

st.title("Harness smoke")
if st.button("Say hello"):
    st.write("Hello from the button")
st.caption("db: " + os.environ.get("DATABASE_URL", "unset"))
"""


def test_harness_click_shows_text(tmp_path, start_app_server, page):
    script = tmp_path / "smoke_app.py"
    script.write_text(SCRIPT)
    with start_app_server(script) as server:
        assert server.database_url.startswith("sqlite:///")

        page.goto(server.url)
        wait_for_streamlit(page)
        expect(page.get_by_role("heading", name="Harness smoke")).to_be_visible()
        expect(page.get_by_text("Hello from the button")).to_have_count(0)
        expect(page.get_by_text(f"db: {server.database_url}")).to_be_visible()

        page.get_by_role("button", name="Say hello").click()
        wait_for_streamlit(page)
        expect(page.get_by_text("Hello from the button")).to_be_visible()
