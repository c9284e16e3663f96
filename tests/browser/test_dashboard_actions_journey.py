"""The manager closes the loop in a real browser, in English and in Dutch: on the dashboard "where to start"
links to the action plan on that theme, the manager adds an action there, and back on the dashboard the Over time
tab marks it beside the theme's rounds, saying it shows a change over time, not the action's effect.

The organisation (two closed rounds of 13 responses) is made through the services; everything the manager does
is done in the browser. With VM_KEEP_SCREENSHOTS=1 each step leaves a picture in artifacts/screenshots/."""

from __future__ import annotations

import os
import re
from random import Random
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from questions.model import localise
from services.accounts import auth, management
from services.i18n import t
from services.runtime import build_runtime
from services.settings import Settings
from tests.browser.conftest import (
    PAGE_TIMEOUT_MS,
    REPO_ROOT,
    SCREENSHOT_DIR,
    SLOW_PAGE_TIMEOUT_MS,
    click_and_wait,
    wait_for_streamlit,
)
from tests.browser.steps import screenshot_on_failure
from tests.support.dashboard_data import make_org, make_round, random_answers, respond

# The plan's journeys run together beside the other browser tests (tests/conftest.py), not after them:
# the suite's longest chain is the browser tests, one after another.
pytestmark = pytest.mark.xdist_group("actions-journeys")

PASSWORD = "a long manager password"
ACTION = {"en": "Ask clients which parts they want to keep", "nl": "Vraag cliënten welke onderdelen ze willen houden"}


@pytest.fixture
def server(start_app_server):
    """A server of its own, with Zorg Noord (teams A and B, two closed rounds) and the manager mia; and the bank."""
    started = start_app_server(REPO_ROOT / "app.py")
    rt = build_runtime(Settings(database_url=started.database_url))
    try:
        rng = Random(3)
        with rt.sessions.begin() as session:
            org = make_org(session, "Zorg Noord", {"Team A": 10, "Team B": 10})
            make_round(session, org, "Voorjaar", instrument=rt.instrument)
            make_round(session, org, "Najaar", instrument=rt.instrument, weeks=26)
            for team in ("Team A", "Team B"):
                for round_name in ("Voorjaar", "Najaar"):
                    for _ in range(7 if team == "Team A" else 6):
                        answers = random_answers(rt.instrument, rng, lean=2 if round_name == "Voorjaar" else 3)
                        respond(session, rt.instrument, org, team, round_name, answers)
        admin = auth.create_first_admin(rt, "anna", "correct horse battery staple")
        management.create_account(rt, admin, role="manager", username="mia", password=PASSWORD, scope={org.id: None})
    finally:
        rt.engine.dispose()
    return started, rt.instrument


def linked_theme(bank, href: str, language: str) -> str:
    """The name of the theme a "where to start" link asks the plan for (a compassion element by its theme)."""
    query = parse_qs(urlsplit(href).query)
    if "element" in query:
        return next(localise(d.name, language) for d in bank.domains if d.element == int(query["element"][0]))
    return localise(bank.domain(query["theme"][0]).name, language)


def picture(page, name: str) -> None:
    if os.environ.get("VM_KEEP_SCREENSHOTS") == "1":
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / f"dashboard-actions-{name}.png"))


@pytest.mark.parametrize("language", ["en", "nl"])
def test_from_where_to_start_to_an_action_marked_on_the_trend(browser, server, language):
    server, bank = server
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    with screenshot_on_failure(context, f"dashboard-actions-{language}"):
        page = context.new_page()
        page.goto(f"{server.url}/login?lang={language}")
        wait_for_streamlit(page)
        page.locator(".st-key-staff-login-username input").fill("mia")
        page.locator(".st-key-staff-login-password input").fill(PASSWORD)
        click_and_wait(page, page.locator(".st-key-staff-login-submit button"), SLOW_PAGE_TIMEOUT_MS)
        expect(page.get_by_role("heading", name=t("dashboard.start.heading", language))).to_be_visible()

        # Where to start: each theme links to a new action on it.
        links = page.get_by_role("link", name=t("dashboard.start.plan_link", language))
        expect(links.first).to_be_visible()
        links.first.scroll_into_view_if_needed()
        picture(page, f"{language}-1-where-to-start")
        links.first.click()
        wait_for_streamlit(page)
        expect(page.get_by_role("heading", name=t("nav.action_plan", language))).to_be_visible()
        # The theme the followed link asked for, read from where it led (read from the link itself, it was at times
        # another card's: the dashboard was still redrawing after the sign-in).
        theme_name = linked_theme(bank, page.url, language)
        expect(page.locator(".st-key-plan-new-target input")).to_have_value(theme_name)

        # The action, on the theme the link chose.
        page.locator(".st-key-plan-new-desc-0 textarea").fill(ACTION[language])
        page.locator(".st-key-plan-new-owner-0 input").fill("Team lead")
        picture(page, f"{language}-2-new-action")
        click_and_wait(page, page.get_by_role("button", name=t("actions.create", language)))
        expect(page.get_by_text(t("actions.created", language))).to_be_visible()

        # Back on the dashboard, Over time: the action beside the theme's two rounds, and no causal claim.
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=t("nav.dashboard", language)).click()
        wait_for_streamlit(page, SLOW_PAGE_TIMEOUT_MS)
        click_and_wait(
            page, page.get_by_role("tab", name=t("dashboard.tabs.over_time", language)), SLOW_PAGE_TIMEOUT_MS
        )
        expect(page.get_by_role("heading", name=t("dashboard.changed.heading", language))).to_be_visible()
        chart = page.locator(".st-key-chart-dash_what_changed")
        expect(chart.locator(".main-svg").first).to_be_visible(timeout=SLOW_PAGE_TIMEOUT_MS)
        expect(page.locator(".st-key-dash-changed-theme input")).to_have_value(re.compile("^" + re.escape(theme_name)))
        expect(chart).to_contain_text(ACTION[language][:20])  # its mark: "▽ 1 · <the start of its title>"
        expect(page.get_by_text(t("dashboard.changed.not_an_effect", language), exact=False)).to_be_visible()
        chart.scroll_into_view_if_needed()
        picture(page, f"{language}-3-what-changed")
