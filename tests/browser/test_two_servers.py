"""Two app servers (two `streamlit run` processes on different ports) sharing one PostgreSQL database,
as behind a load balancer: a response given through server 1 counts on server 2's dashboard, a staff
sign-in made on server 1 is honoured by server 2 (the vm_staff cookie is per host, not per port, and
the session it names is in the database), and a draft started on server 1 resumes on server 2 by
its resume code. What lives only in one server's memory is the open browser tab's Streamlit session
(docs/DEPLOYMENT.md: sticky sessions)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from db import add_intervention, create_organisation, create_round, create_team
from services.accounts import auth, management
from services.admin import rounds
from services.respond import questionnaire
from services.runtime import build_runtime
from services.settings import Settings
from tests.browser.conftest import REPO_ROOT, SLOW_PAGE_TIMEOUT_MS, wait_for_streamlit
from tests.browser.steps import answer_every_step, screenshot_on_failure
from tests.browser.test_journey import start
from tests.browser.test_manager_journey import fill, open_page
from tests.support.postgres import POSTGRES_URL

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="two app servers share a PostgreSQL database: set VM_TEST_POSTGRES_URL (scripts/test.sh does)",
)

ADMIN_PASSWORD = "correct horse battery"
MANAGER_PASSWORD = "a long manager password"
BY_SERVICES = 5  # colleagues answering through the team link; one more answers in the browser


@pytest.fixture
def shared_database(postgresql_migrated_database):
    rt = build_runtime(Settings(database_url=postgresql_migrated_database), migrate=False)
    yield postgresql_migrated_database, rt
    rt.engine.dispose()


def open_round_with_manager(rt) -> tuple[object, int, str]:
    """The first admin, Zorg Noord with Team A and a round open now, and manager mia: (admin, round id, invitation)."""
    admin = auth.create_first_admin(rt, "anna", ADMIN_PASSWORD)
    now = datetime.now(UTC)
    with rt.sessions.begin() as session:
        organisation = create_organisation(session, name="Zorg Noord")
        team = create_team(session, organisation_id=organisation.id, name="Team A", size=8)
        app = add_intervention(session, name="Online CBT module", organisation_id=organisation.id)
        survey_round, tokens = create_round(
            session,
            organisation_id=organisation.id,
            intervention_id=app.id,
            name="Spring",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=14),
            instrument_hash=rt.form("workshop").content_hash,  # the short form: 12 statements to answer in the browser
            team_ids=[team.id],
        )
        organisation_id, round_id, invite = organisation.id, survey_round.id, tokens[team.id]
    management.create_account(
        rt, admin, role="manager", username="mia", password=MANAGER_PASSWORD, scope={organisation_id: None}
    )
    return admin, round_id, invite


def colleagues_answer(rt, invite: str) -> None:
    rng = random.Random(11)
    for _ in range(BY_SERVICES):
        started = questionnaire.start_assessment(
            rt, language="en", intervention="ignored for a round", role=None, invite_token=invite
        )
        answers = {item: rng.randint(2, 5) for item in rt.form("workshop").required_ids}
        questionnaire.save_answers(rt, token=started.draft_token, answers=answers, step=0)
        questionnaire.submit(rt, token=started.draft_token)


def answer_in_browser(page, link: str) -> None:
    """A colleague opens the team link and answers every statement (3 = neither, the same for all)."""
    open_page(page, link)
    page.locator(".st-key-start-begin button").click()
    wait_for_streamlit(page)
    page.locator(".st-key-setup-begin button").click()
    expect(page.get_by_text("Step 1 of 2", exact=False)).to_be_visible()
    wait_for_streamlit(page)
    answer_every_step(page, lambda _item: 2)
    expect(page.get_by_text("Your value match", exact=True)).to_be_visible()
    page.close()


def test_two_servers_share_responses_sign_ins_and_drafts(browser, start_app_server, shared_database):
    database_url, rt = shared_database
    shared = {"DATABASE_URL": database_url}
    one = start_app_server(REPO_ROOT / "app.py", extra_env=shared)
    two = start_app_server(REPO_ROOT / "app.py", extra_env=shared)
    admin, round_id, invite = open_round_with_manager(rt)

    respondent = browser.new_context(viewport={"width": 1280, "height": 900})
    with screenshot_on_failure(respondent, "two-servers-respondent"):
        answer_in_browser(respondent.new_page(), f"{one.url}/?invite={invite}&lang=en")
        colleagues_answer(rt, invite)
        code = start(respondent.new_page(), f"{one.url}/?lang=en", "Video consultations")
        first = respondent.pages[-1].locator('[class*="st-key-item-"]').first
        first.locator('[role="radiogroup"] label').nth(3).click()
        wait_for_streamlit(respondent.pages[-1])
        expect(respondent.pages[-1].get_by_text("1 of 28 statements answered", exact=False)).to_be_visible()

    elsewhere = browser.new_context(viewport={"width": 1280, "height": 900})
    with screenshot_on_failure(elsewhere, "two-servers-resume"):
        page = elsewhere.new_page()
        open_page(page, f"{two.url}/?lang=en")
        page.locator(".st-key-resume-code input").fill(code)
        page.locator(".st-key-resume-code input").press("Enter")
        wait_for_streamlit(page)
        expect(page.get_by_text("1 of 28 statements answered", exact=False)).to_be_visible()
        assert "draft=" in page.url and f":{two.port}/" in page.url

    rounds.close_round_now(rt, admin, round_id)  # results show once a round has closed
    manager = browser.new_context(viewport={"width": 1280, "height": 1000})
    with screenshot_on_failure(manager, "two-servers-manager"):
        page = manager.new_page()
        open_page(page, f"{one.url}/login?lang=en")
        fill(page, "staff-login-username", "mia")
        fill(page, "staff-login-password", MANAGER_PASSWORD)
        page.locator(".st-key-staff-login-submit button").click()
        wait_for_streamlit(page, SLOW_PAGE_TIMEOUT_MS)  # lands on the dashboard
        expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
        assert any(cookie["name"] == "vm_staff" for cookie in manager.cookies())

        on_two = manager.new_page()
        on_two.goto(f"{two.url}/dashboard?lang=en")
        wait_for_streamlit(on_two, SLOW_PAGE_TIMEOUT_MS)
        expect(on_two.locator(".st-key-staff-login-username")).to_have_count(0)  # still signed in
        responses = on_two.get_by_test_id("stMetric").filter(has_text="Responses in this selection")
        expect(responses).to_contain_text(str(BY_SERVICES + 1))
