"""Issue 18 in a real browser: a professional answers through their team's link, scores client autonomy low, and
finds the organisation's action on it from their results in My history, in English and in Dutch; the action's
hostile text shows as typed. Screenshots of both History pages go to artifacts/screenshots/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from db import add_intervention, create_organisation, create_round, create_team
from services.actions import plan
from services.runtime import build_runtime
from tests.browser.conftest import SCREENSHOT_DIR, SLOW_PAGE_TIMEOUT_MS, click_and_wait, wait_for_streamlit
from tests.browser.steps import answer_every_step, click, screenshot_on_failure
from tests.support.accounts import staff_account

# The plan's journeys run together beside the other browser tests (tests/conftest.py), not after them:
# the suite's longest chain is the browser tests, one after another.
pytestmark = pytest.mark.xdist_group("actions-journeys")

HOSTILE = "<b>Ask</b> clients **first** [here](https://evil.example) <img src=x onerror=alert(1)>"


@pytest.fixture
def link_and_action(app_server, monkeypatch, request):
    """Organisation "Zorg Zuid <lang>" (team Noord invited to a round open now) with two actions of the whole
    organisation on client autonomy, and the team's link."""
    lang = request.node.callspec.params["lang"]  # one organisation per language: the server is shared
    monkeypatch.setenv("DATABASE_URL", app_server.database_url)
    rt = build_runtime()
    now = datetime.now(UTC)
    with rt.sessions.begin() as session:
        organisation = create_organisation(session, name=f"Zorg Zuid {lang}")
        team = create_team(session, organisation_id=organisation.id, name="Noord")
        intervention = add_intervention(session, name="Beeldbellen", organisation_id=organisation.id)
        _, tokens = create_round(
            session,
            organisation_id=organisation.id,
            intervention_id=intervention.id,
            name="Najaar",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=14),
            instrument_hash=rt.instrument.content_hash,
            team_ids=[team.id],
        )
    manager = staff_account(rt, f"mia-zuid-{lang}", "manager", {organisation.id: None})
    for description in (HOSTILE, "Clients choose at intake whether to use video"):
        made = plan.create_action(
            rt,
            manager,
            organisation.id,
            target="theme:client_autonomy",
            kind="act",
            description=description,
            owner="Ann Smith",
            due_on=now.date() + timedelta(days=60),
        )
    plan.change_status(rt, manager, made.id, seen_version=made.version, status="doing")
    reverse = {item.id: item.reverse for item in rt.instrument.items}
    low = {item.id: (item.side != "mismatch") != (item.domain == "client_autonomy") for item in rt.instrument.items}
    yield f"{app_server.url}/?invite={tokens[team.id]}", reverse, low
    rt.engine.dispose()


def option(reverse: dict, high: dict):
    """The option index (0..4) giving every theme its best score, client autonomy its worst."""

    def choose(item_id: str) -> int | None:
        if item_id not in reverse:
            return None  # the optional importance / support questions
        keyed = 5 if high[item_id] else 1
        return (6 - keyed if reverse[item_id] else keyed) - 1

    return choose


@pytest.mark.parametrize(
    "lang,locale,words",
    [
        ("en", "en-GB", ("See them in My history", "What your organisation is doing", "Under way", "Planned")),
        ("nl", "nl-NL", ("Bekijk ze in Mijn geschiedenis", "Wat je organisatie doet", "Bezig", "Gepland")),
    ],
)
def test_a_professional_finds_the_organisations_action_in_history(browser, link_and_action, lang, locale, words):
    link, reverse, high = link_and_action
    pointer, heading, doing, planned = words
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    with screenshot_on_failure(context, f"history-actions-{lang}"):
        page = context.new_page()
        page.goto(f"{link}&lang={lang}")
        wait_for_streamlit(page)
        click(page, "start-begin")
        click(page, "setup-begin")
        expect(page.locator('[class*="st-key-item-"]').first).to_be_visible()
        answer_every_step(page, option(reverse, high))

        # Results: one line pointing to History, which opens with the actions.
        link_to_history = page.get_by_role("link", name=pointer)
        expect(link_to_history).to_be_visible(timeout=SLOW_PAGE_TIMEOUT_MS)
        link_to_history.scroll_into_view_if_needed()
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / f"results-actions-pointer-{lang}.png"))
        click_and_wait(page, link_to_history)
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        first, second = page.locator('[class*="st-key-org-action-"]').all()
        expect(first).to_contain_text(doing)  # under way first, then planned
        expect(second).to_contain_text(planned)
        # The organisation's text exactly as typed: no bold, no link, no picture, no HTML.
        description = second.locator('[data-testid="stText"]')
        expect(description).to_have_text(HOSTILE)
        assert description.locator("a, img, b, strong, script").count() == 0
        expect(page.get_by_text("Ann Smith")).to_have_count(0)
        page.get_by_role("heading", name=heading).scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOT_DIR / f"history-actions-{lang}.png"), full_page=True)
