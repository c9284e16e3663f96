"""WCAG 2.1 AA in the real Chromium: axe-core (shipped by axe-playwright-python, no download) on every
public and staff page, in English and in Dutch; any serious or critical violation fails. And the whole
questionnaire answered with the keyboard alone.

The pages are seen in one sweep per language (tests/browser/sweep.py). What Streamlit itself gets wrong
and cannot be worked around is listed in docs/ACCESSIBILITY.md and excluded there, rule by rule and
element by element (sweep.AXE_EXCLUSIONS).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SLOW_PAGE_TIMEOUT_MS, wait_for_streamlit
from tests.browser.steps import item_ids, screenshot_on_failure, wait_for_new_step
from tests.browser.sweep import GROUP, seeded, swept

pytestmark = pytest.mark.xdist_group(GROUP)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_no_serious_or_critical_violation_on_any_page(browser, start_app_server, language):
    seen = swept(browser, start_app_server, language)
    problems = [str(finding) for page in seen for finding in page.findings]
    problems += [
        f'{page.name}: <html lang="{page.document_language}"> on a page in {language}'
        for page in seen
        if page.document_language != language
    ]
    assert len(seen) == 18
    assert not problems, f"{len(problems)} serious or critical accessibility problems ({language}):\n" + "\n".join(
        problems
    )


_FOCUS_IN = "selector => !!(document.activeElement && document.activeElement.closest(selector))"


# The width of the outline around the answer option that has the keyboard focus (0: none drawn).
_FOCUS_RING = """() => {
  const option = document.activeElement && document.activeElement.closest('[data-testid="stRadioOption"]');
  const style = option && getComputedStyle(option);
  return style && style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) : 0;
}"""


def tab_to(page, selector: str, most: int = 80) -> None:
    """Press Tab until the keyboard focus is inside `selector`, as a keyboard user moves on."""
    for _press in range(most):
        if page.evaluate(_FOCUS_IN, selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{most} presses of Tab did not reach {selector}")


def test_the_whole_questionnaire_with_the_keyboard_alone(browser, start_app_server):
    """Tab, arrow keys, Space and Enter only: from the start page to the results, no mouse."""
    site = seeded(start_app_server)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(SLOW_PAGE_TIMEOUT_MS)
    with screenshot_on_failure(context, "keyboard-only"):
        page = context.new_page()
        page.goto(f"{site.url}/?lang=en")
        wait_for_streamlit(page)
        tab_to(page, ".st-key-start-begin")
        page.keyboard.press("Enter")
        expect(page.locator(".st-key-setup-intervention")).to_be_visible()
        wait_for_streamlit(page)
        tab_to(page, ".st-key-setup-intervention input")
        page.keyboard.type("Online CBT module")
        page.keyboard.press("Enter")
        wait_for_streamlit(page)
        tab_to(page, ".st-key-setup-begin")
        page.keyboard.press("Enter")
        expect(page.locator('[class*="st-key-item-"]').first).to_be_visible()
        while True:
            wait_for_streamlit(page)
            for item in item_ids(page):
                tab_to(page, f".st-key-item-{item}")
                # Into an unanswered group the focus lands on its first option: one arrow key answers.
                page.keyboard.press("ArrowRight")
                expect(page.locator(f".st-key-item-{item} input").nth(1)).to_be_checked()
                assert page.evaluate(_FOCUS_RING) >= 2, f"no visible focus ring on the option of {item}"
            wait_for_streamlit(page)
            if page.locator(".st-key-submit-assessment").count():
                tab_to(page, ".st-key-submit-assessment")
                page.keyboard.press("Enter")
                break
            previous = item_ids(page)
            tab_to(page, '[class*="st-key-step-next-"]')
            page.keyboard.press("Enter")
            wait_for_new_step(page, previous)
        expect(page.get_by_text("Your value match", exact=True)).to_be_visible(timeout=SLOW_PAGE_TIMEOUT_MS)
