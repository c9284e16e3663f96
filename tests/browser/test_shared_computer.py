"""A shared clinic computer in a real browser: after one person started answering through a team's link,
a new tab of the same browser (the cookies the page wrote) asks the next person whether they are someone
else before a second answer starts; another browser is not asked. AppTest cannot send cookies, so the
cookie half of the rule is checked here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from db import add_intervention, create_organisation, create_round, create_team
from db.account_models import AuditLog
from db.models import Draft
from services.respond import counting_rules
from services.runtime import build_runtime
from tests.browser.conftest import REPO_ROOT, wait_for_streamlit
from tests.browser.steps import click, screenshot_on_failure

QUESTION = "Is this a different person from the one who answered on this device before?"


@pytest.fixture
def server_and_link(start_app_server, monkeypatch):
    server = start_app_server(REPO_ROOT / "app.py")
    monkeypatch.setenv("DATABASE_URL", server.database_url)
    rt = build_runtime()
    now = datetime.now(UTC)
    with rt.sessions.begin() as session:
        organisation = create_organisation(session, name="Zorg Noord")
        team = create_team(session, organisation_id=organisation.id, name="Team A")
        app = add_intervention(session, name="Online CBT module", organisation_id=organisation.id)
        _, tokens = create_round(
            session,
            organisation_id=organisation.id,
            intervention_id=app.id,
            name="Spring",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=14),
            instrument_hash=rt.instrument.content_hash,
            team_ids=[team.id],
        )
    yield rt, f"{server.url}/?invite={tokens[team.id]}&lang=en"
    rt.engine.dispose()


def open_setup(page, link: str) -> None:
    page.goto(link)
    wait_for_streamlit(page)
    click(page, "start-begin")


def begin(page) -> None:
    click(page, "setup-begin")
    expect(page.locator('[class*="st-key-item-"]').first).to_be_visible()


def count(rt, model, *where) -> int:
    with rt.sessions.begin() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_next_person_on_a_shared_computer_is_asked_first(browser, server_and_link):
    rt, link = server_and_link
    ward = browser.new_context(viewport={"width": 1280, "height": 900})
    with screenshot_on_failure(ward, "shared-computer"):
        first = ward.new_page()
        open_setup(first, link)
        expect(first.get_by_text(QUESTION)).to_have_count(0)
        begin(first)  # the first colleague starts answering
        assert "vm_links" in {cookie["name"] for cookie in ward.cookies()}

        second = ward.new_page()  # the next colleague, same browser
        open_setup(second, link)
        expect(second.get_by_text(QUESTION)).to_be_visible()
        expect(second.locator(".st-key-setup-begin")).to_have_count(0)
        click(second, "device-same-person")
        expect(second.get_by_text("no need to answer again", exact=False)).to_be_visible()
        assert count(rt, Draft) == 1
        click(second, "device-someone-else")
        begin(second)
        assert count(rt, Draft) == 2
        assert count(rt, AuditLog, AuditLog.action == counting_rules.REPEAT_DEVICE) == 1

    elsewhere = browser.new_context(viewport={"width": 1280, "height": 900})
    with screenshot_on_failure(elsewhere, "shared-computer-elsewhere"):
        page = elsewhere.new_page()  # another browser: not asked
        open_setup(page, link)
        begin(page)
        expect(page.get_by_text(QUESTION)).to_have_count(0)
