"""Issue 15 in a real browser (AppTest has no scrolling and sends no cookies): "Go to step" brings the missing
statement into view and its marker goes; on Results the code can be copied, and "remember my results on this
device" keeps a reload working until "Forget now"."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from services.respond import questionnaire
from services.runtime import build_runtime
from tests.browser.conftest import SLOW_PAGE_TIMEOUT_MS, wait_for_streamlit
from tests.browser.steps import click, next_step, screenshot_on_failure
from tests.browser.test_journey import start

IN_VIEW = """el => { const box = el.getBoundingClientRect();
                     return box.top >= 0 && box.bottom <= window.innerHeight; }"""


@pytest.fixture
def runtime_of(app_server, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", app_server.database_url)
    rt = build_runtime()
    yield rt
    rt.engine.dispose()


def test_go_to_statement_and_remember_on_this_device(browser, app_server, runtime_of):
    context = browser.new_context(viewport={"width": 1280, "height": 700})
    with screenshot_on_failure(context, "way-back"):
        page = context.new_page()
        start(page, f"{app_server.url}/?lang=en", "Video consultations")
        # Answered by the service (the whole questionnaire in the browser is test_journey's part), all but one.
        token = parse_qs(urlsplit(page.url).query)["draft"][0]
        answers = {item: 3 for item in runtime_of.instrument.required_ids if item != "tn3"}
        questionnaire.save_answers(runtime_of, token=token, answers=answers, step=None)
        for _ in range(3):
            next_step(page)
        click(page, "submit-assessment", SLOW_PAGE_TIMEOUT_MS)
        click(page, "goto-step-0")
        statement = page.locator(".st-key-item-tn3")
        expect(statement.get_by_text("Not answered yet")).to_have_count(0)  # the marker sits above it
        expect(page.get_by_text("Not answered yet")).to_be_visible()
        page.wait_for_function(f"() => ({IN_VIEW})(document.querySelector('.st-key-item-tn3'))")
        statement.locator("[role='radiogroup'] label").nth(3).click()
        wait_for_streamlit(page)
        expect(page.get_by_text("Not answered yet")).to_have_count(0)
        for _ in range(3):
            next_step(page)
        click(page, "submit-assessment", SLOW_PAGE_TIMEOUT_MS)

        expect(page.locator("#vm-copy-code")).to_be_visible()
        expect(page.locator(".st-key-download-code button")).to_be_visible()
        page.locator(".st-key-remember-device label").click()
        expect(page.get_by_text("This device remembers your results until", exact=False)).to_be_visible()
        page.wait_for_function("() => document.cookie.includes('vm_remember=')")
        assert "vm_remember" in {c["name"] for c in context.cookies()}

        page.reload()
        wait_for_streamlit(page, SLOW_PAGE_TIMEOUT_MS)
        expect(page.get_by_test_id("stMetricLabel")).to_have_text("Alignment index")
        click(page, "forget-device")
        expect(page.get_by_text("no longer remembers your results", exact=False)).to_be_visible()
        page.wait_for_function("() => !document.cookie.includes('vm_remember=')")

        page.reload()
        wait_for_streamlit(page)
        expect(page.get_by_text("Enter your resume code on the start page", exact=False)).to_be_visible()
