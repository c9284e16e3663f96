"""Steps the browser journeys share: a click that waits for the rerun, answering the whole
questionnaire, and screenshots of every page when a journey fails."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import contextmanager
from functools import cache

from playwright.sync_api import expect

from tests.browser.conftest import (
    PAGE_TIMEOUT_MS,
    SCREENSHOT_DIR,
    SLOW_PAGE_TIMEOUT_MS,
    click_and_wait,
    wait_for_streamlit,
)


@contextmanager
def screenshot_on_failure(context, name: str):
    """Keep a picture of every page of the context when the journey fails, then close it."""
    try:
        yield
    except BaseException:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        for index, open_page in enumerate(context.pages):
            open_page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{index}.png"), full_page=True)
        raise
    finally:
        context.close()


def click(page, key: str, timeout: float = PAGE_TIMEOUT_MS) -> None:
    click_and_wait(page, page.locator(f".st-key-{key} button").first, timeout)


def item_ids(page) -> list[str]:
    """The ids of the statements on the current step, read in one go from the page."""
    classes = page.locator('[class*="st-key-item-"]').evaluate_all("els => els.map(e => e.className)")
    return [re.search(r"st-key-item-(\w+)", names).group(1) for names in classes]


def wait_for_new_step(page, previous: list[str], timeout: float = PAGE_TIMEOUT_MS) -> None:
    """Wait until the page shows other statements than `previous` (the next step has rendered);
    on a loaded machine the rerun can start later than `wait_for_streamlit` looks."""
    page.wait_for_function(
        """old => { const el = document.querySelector('[class*="st-key-item-"]');
                    return el && !old.some(id => el.classList.contains('st-key-item-' + id)); }""",
        arg=previous,
        timeout=timeout,
    )
    wait_for_streamlit(page, timeout)


def choose_option(item, option: int) -> None:
    """Click an option and see it chosen. A click that lands while a rerun replaces the radio group
    can be lost on a loaded machine; a person then sees nothing chosen and clicks again, as this does."""
    label = item.locator('[role="radiogroup"] label').nth(option)
    chosen = item.locator('[role="radiogroup"] input').nth(option)
    for _attempt in range(2):
        label.click()
        try:
            expect(chosen).to_be_checked(timeout=PAGE_TIMEOUT_MS / 2)
            return
        except AssertionError:
            continue
    expect(chosen).to_be_checked()


def answer_every_step(
    page,
    choose: Callable[[str], int | None],
    *,
    after_step: Callable[[list[str]], None] | None = None,
    submit_timeout: float = SLOW_PAGE_TIMEOUT_MS,
) -> None:
    """Answer every item on every step, then submit. `choose(item_id)` gives the option index
    (0-4 on the scale, 5 = not applicable, None = leave it); `after_step(answered item ids so far)`
    may check the page before the next step."""
    answered: list[str] = []
    while True:
        on_this_step = item_ids(page)
        for item_id in on_this_step:
            option = choose(item_id)
            if option is not None:
                choose_option(page.locator(f".st-key-item-{item_id}"), option)
                answered.append(item_id)
        # As a quick person does, the next statement is answered while the last one is being saved;
        # Streamlit may cut a save short, and the page's next run saves what it shows (assessment.py).
        wait_for_streamlit(page)
        if after_step:
            after_step(answered)
        if page.locator(".st-key-submit-assessment").count():
            click(page, "submit-assessment", submit_timeout)
            return
        next_step(page)


def next_step(page) -> None:
    """Click "Next" and wait until the next step's statements are on the page."""
    on_this_step = item_ids(page)
    click_and_wait(page, page.locator('[class*="st-key-step-next-"] button').first)
    wait_for_new_step(page, on_this_step)


def screenshot(page, name: str) -> None:
    """Keep a picture of the whole page as it is now, to look at: artifacts/screenshots/<name>.png.

    Streamlit scrolls inside the page, not the page itself (a full-page screenshot would show only the
    window): the window is made as tall as the content for the picture, then given its size back."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = min(page.evaluate(_CONTENT_HEIGHT), MAX_SCREENSHOT_HEIGHT)
    if height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": height})
        page.evaluate(_TWO_FRAMES)
    try:
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"))
    finally:
        if height > size["height"]:
            page.set_viewport_size(size)
            page.evaluate(_TWO_FRAMES)


MAX_SCREENSHOT_HEIGHT = 6000
_CONTENT_HEIGHT = """() => Math.max(document.documentElement.scrollHeight,
  ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppScrollToBottomContainer"]')]
     .map(el => el.scrollHeight))"""
_TWO_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def english_left(page) -> list[str]:
    """The English a person sees or hears on a Dutch page (test_dutch_words.py's detector, on this page)."""
    from tests.browser import sweep, test_dutch_words

    patterns = _english_patterns()
    return [found for text in sweep.page_texts(page) for found in test_dutch_words.english_on(text, patterns)]


def dutch_page(page, name: str) -> None:
    """A main step of a Dutch journey: its screenshot kept to look at, and no English on it."""
    screenshot(page, name)
    found = english_left(page)
    assert not found, f"English on the Dutch page {name}:\n" + "\n".join(found)


@cache
def _english_patterns() -> list:
    from tests.browser import test_dutch_words

    return test_dutch_words.english_phrases()
