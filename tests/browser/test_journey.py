"""A professional's whole journey in a real browser: assessment in English and in Dutch, results,
PDF, and coming back later with the resume code to see the history."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import SLOW_PAGE_TIMEOUT_MS, wait_for_streamlit
from tests.browser.steps import answer_every_step, click, next_step, screenshot, screenshot_on_failure


def start(page, url: str, intervention: str, code: str | None = None) -> str | None:
    page.goto(url)
    wait_for_streamlit(page)
    click(page, "start-begin")
    box = page.locator(".st-key-setup-intervention input")
    box.click()
    box.fill(intervention)
    box.press("Enter")
    wait_for_streamlit(page)
    if code:
        page.get_by_text(re.compile("resume code|hervatcode")).first.click()
        page.locator(".st-key-setup-code input").fill(code)
        page.locator(".st-key-setup-code input").press("Enter")
        wait_for_streamlit(page)
    click(page, "setup-begin")
    expect(page.locator('[class*="st-key-item-"]').first).to_be_visible()
    if code:
        return None
    banner = page.locator('[data-testid="stCode"]').first
    expect(banner).to_contain_text("-")
    return banner.inner_text().strip()


def test_assessment_in_english_and_dutch_with_pdf_and_history(browser, app_server):
    english = browser.new_context(viewport={"width": 1280, "height": 900})
    with screenshot_on_failure(english, "journey-english"):
        code = english_journey(english.new_page(), app_server)
    dutch = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL")  # a phone
    with screenshot_on_failure(dutch, "journey-dutch"):
        dutch_journey(dutch.new_page(), app_server, code)
    later = browser.new_context(viewport={"width": 1280, "height": 900})
    with screenshot_on_failure(later, "journey-later"):
        history_journey(later.new_page(), app_server, code)


def english_journey(page, app_server) -> str:
    code = start(page, f"{app_server.url}/?lang=en", "Online CBT module")
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code), code

    # A statement left open is pointed out before anything is stored; answering it completes.
    answer_every_step(
        page, lambda item: None if item == "tn2" else 5 if item == "tp1" else 1 if item.startswith(("fb", "tp")) else 3
    )
    expect(page.get_by_text("1 statement still needs an answer", exact=False)).to_be_visible()
    click(page, "goto-step-0")
    expect(page.get_by_text("Not answered yet")).to_be_visible()
    page.locator(".st-key-item-tn2 [role='radiogroup'] label").nth(3).click()
    wait_for_streamlit(page)
    next_step(page)
    next_step(page)
    next_step(page)
    click(page, "submit-assessment", SLOW_PAGE_TIMEOUT_MS)
    expect(page.get_by_text("Your value match", exact=True)).to_be_visible()
    expect(page.get_by_test_id("stMetricLabel")).to_have_text("Alignment index")
    for chart in ("match_vs_mismatch", "themes_radar", "compassion_lens", "value_gap"):
        expect(page.locator(f".st-key-chart-{chart}")).to_be_visible()
    click(page, "download-pdf-make", SLOW_PAGE_TIMEOUT_MS)  # made first, then downloaded from the session
    expect(page.locator(".st-key-download-pdf button")).to_be_visible()
    screenshot(page, "results-downloads")
    with page.expect_download() as download:
        page.locator(".st-key-download-pdf button").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    return code


def dutch_journey(page, app_server, code: str) -> None:
    """Another day, in Dutch on a phone: a second assessment kept with the same resume code."""
    assert start(page, f"{app_server.url}/?lang=nl", "Beeldbellen", code=code) is None
    expect(page.get_by_text("Stap 1 van 4", exact=False)).to_be_visible()
    answer_every_step(page, lambda item: 5 if item.startswith("tp") else 4)
    expect(page.get_by_text("Jouw waardenmatch", exact=True)).to_be_visible()


def history_journey(page, app_server, code: str) -> None:
    """Coming back later with the code opens both assessments side by side."""
    page.goto(f"{app_server.url}/?lang=en")
    wait_for_streamlit(page)
    page.locator(".st-key-resume-code input").fill(code.lower())
    page.get_by_role("button", name="Open").click()
    wait_for_streamlit(page)
    expect(page.get_by_text("Side by side", exact=True)).to_be_visible()
    expect(page.get_by_text("What changed since last time", exact=True)).to_be_visible()


def test_wrong_resume_code_is_not_found(page, app_server):
    page.goto(f"{app_server.url}/?lang=en")
    wait_for_streamlit(page)
    page.locator(".st-key-resume-code input").fill("AAAA-BBBB-CCCC-DDDD")
    page.get_by_role("button", name="Open").click()
    wait_for_streamlit(page)
    expect(page.get_by_text("No assessment was found")).to_be_visible()
