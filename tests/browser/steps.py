"""Steps the browser journeys share: a click that waits for the rerun, answering the whole
questionnaire, and screenshots of every page when a journey fails."""
from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import contextmanager

from tests.browser.conftest import PAGE_TIMEOUT_MS, SCREENSHOT_DIR, wait_for_streamlit


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
    page.locator(f".st-key-{key} button").first.click()
    wait_for_streamlit(page, timeout)


def answer_every_step(page, choose: Callable[[str], int | None], *,
                      after_step: Callable[[list[str]], None] | None = None,
                      submit_timeout: float = PAGE_TIMEOUT_MS) -> None:
    """Answer every item on every step, then submit. `choose(item_id)` gives the option index
    (0-4 on the scale, 5 = not applicable, None = leave it); `after_step(answered item ids so far)`
    may check the page before the next step."""
    answered: list[str] = []
    while True:
        radios = page.locator('[class*="st-key-item-"]')
        for index in range(radios.count()):
            radio = radios.nth(index)
            item_id = re.search(r"st-key-item-(\w+)", radio.get_attribute("class")).group(1)
            option = choose(item_id)
            if option is not None:
                radio.locator('[role="radiogroup"] label').nth(option).click()
                wait_for_streamlit(page)
                answered.append(item_id)
        if after_step:
            after_step(answered)
        if page.locator(".st-key-submit-assessment").count():
            click(page, "submit-assessment", submit_timeout)
            return
        click(page, "step-next")
