"""The big screen and a phone in real Chromium (issue 17): the presenter view fills the window without the
sidebar, header or any control, shows the code and QR code large, passes axe, and draws the group's picture
by itself once the facilitator shows it; a phone left on its results page learns by itself that round 2 has
started. Screenshots of both are kept under artifacts/screenshots/ (presenter-*.png, phone-results-*.png)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from services.accounts import auth
from services.respond import questionnaire, workshop_join
from services.workshop import hosting
from tests.browser.conftest import SCREENSHOT_DIR, wait_for_streamlit
from tests.browser.staff_site import PASSWORD, staff_site
from tests.browser.steps import click, screenshot, screenshot_on_failure
from tests.browser.sweep import axe_findings

DESKTOP = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
CONTROLS = (
    "ws-results-show",
    "ws-results-hide",
    "ws-lock",
    "ws-round-2",
    "ws-back",
    "ws-action-text",
    "ws-export-make",
    "ws-export-csv",
    "ws-export-pdf",
    "language-switch",
)


@pytest.fixture(scope="module")
def site(start_app_server):
    """The staff journeys' server (staff_site.py); an admin's session (sign-in token, session) with 5 answers in."""
    shared = staff_site(start_app_server)
    rt = shared.runtime()
    try:
        admin = auth.login(rt, "anna", PASSWORD, "presenter")
        info = hosting.create_workshop(
            rt,
            admin.account,
            title="Team West, June",
            intervention="Online CBT module",
            form_id=None,
            language="en",
            min_group_size=5,
        )
        for n in range(5):
            answer(rt, info.code, f"presenter-device-key-{n:04d}", 1 + n % 5)
        yield shared.server, rt, admin.account, info, admin.token
    finally:
        rt.engine.dispose()


def answer(rt, code: str, device_key: str, value: int) -> int:
    """What a phone does to answer: join with its device key, answer every statement, send."""
    joined = workshop_join.join(rt, code, device_key, device_key[-8:])
    draft = questionnaire.load_draft(rt, joined.draft_token)
    questionnaire.save_answers(
        rt, token=joined.draft_token, step=0, answers={item: value for item in draft.instrument.required_ids}
    )
    return questionnaire.submit(rt, token=joined.draft_token)


def device_key(context, page) -> str:
    """The phone's device key, from the cookie its first page writes (by a script, just after drawing)."""
    page.wait_for_function("() => document.cookie.includes('vm_device=')")
    return next(c["value"] for c in context.cookies() if c["name"] == "vm_device")


def visible(page, selector: str) -> bool:
    return page.locator(selector).first.is_visible() if page.locator(selector).count() else False


def test_the_presenter_view_fills_the_big_screen(browser, site):
    server, rt, admin, info, token = site
    context = browser.new_context(viewport=DESKTOP)
    context.add_cookies([{"name": "vm_staff", "value": token, "url": server.url}])
    with screenshot_on_failure(context, "presenter-failed"):
        page = context.new_page()
        page.goto(f"{server.url}/workshop?session={info.id}&view=present&lang=en")
        wait_for_streamlit(page)
        code = page.locator(".vm-join-code")
        expect(code).to_have_text(info.code)
        assert float(code.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")) >= 100  # read from afar
        qr = page.get_by_role("img", name="QR code with the link to join this session")
        expect(qr).to_be_visible()  # drawn once its image has arrived (until then it has no height)
        assert qr.bounding_box()["height"] >= 400
        for hidden in (
            '[data-testid="stSidebar"]',
            'header[data-testid="stHeader"]',
            '[data-testid="stExpandSidebarButton"]',
            *(f".st-key-{key}" for key in CONTROLS),
        ):
            assert not visible(page, hidden), hidden
        buttons = page.locator("button:visible").evaluate_all(
            "els => els.map(e => (e.getAttribute('aria-label') || e.textContent || '').trim() + ' | ' + "
            "(e.closest('[data-testid]') || e).getAttribute('data-testid'))"
        )
        assert buttons == []  # no control of any kind
        expect(page.get_by_text(f"or open {server.url}/?join={info.code}", exact=False)).to_be_visible()
        expect(page.get_by_text(f"Or open {server.url}/join and type this code:")).to_be_visible()
        assert axe_findings(Axe(), page, "presenter view") == []
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / "presenter-joining.png"))

        hosting.set_results_visible(rt, admin, info.id, True)  # from the facilitator's own screen
        expect(page.get_by_text("Where to start the conversation")).to_be_visible(timeout=10_000)
        page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 5")
        expect(page.locator(".vm-join-code-small")).to_have_text(info.code)  # still there, smaller
        assert page.locator('[data-testid="stExpander"]').count() == 0  # no table toggles for the room
        page.screenshot(path=str(SCREENSHOT_DIR / "presenter-picture.png"))
        screenshot(page, "presenter-picture-all")  # every chart, for the eye


def test_a_phone_on_its_results_page_learns_that_round_two_started(browser, site):
    server, rt, admin, info, _token = site
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    with screenshot_on_failure(context, "phone-results-failed"):
        phone = context.new_page()
        phone.goto(f"{server.url}/?join={info.code}&lang=en")
        wait_for_streamlit(phone)
        expect(phone.get_by_text("You joined", exact=False)).to_be_visible()
        device = device_key(context, phone)
        answer(rt, info.code, device, 4)  # its answers, sent as its page would
        phone.reload()
        wait_for_streamlit(phone)
        click(phone, "join-result-1")
        expect(phone.get_by_role("heading", name="Your value match")).to_be_visible(timeout=30_000)
        expect(phone.get_by_text("this page tells you within a few seconds", exact=False)).to_be_visible()
        phone.screenshot(path=str(SCREENSHOT_DIR / "phone-results-waiting.png"))

        hosting.start_second_round(rt, admin, info.id)
        notice = phone.get_by_text("Round 2 of the workshop has started", exact=False).first
        expect(notice).to_be_visible(timeout=12_000)  # one check every 5 s, then the page
        phone.screenshot(path=str(SCREENSHOT_DIR / "phone-results-new-round.png"))
        click(phone, "join-new-round")
        expect(phone.get_by_role("button", name="Answer again (second round)")).to_be_visible()
