"""Issue 18 in a real browser, from a workshop to a follow-up round: the facilitator adds the workshop's agreed
action to the organisation's plan in one click; the manager finds it in the plan with its origin and schedules
a follow-up round from it for next week; the admin sees that round as due, starts it, and sees its invitation
links once; once the round has been answered through those links and has closed, the manager sees it on the
dashboard's "what changed", after the action.

The organisation (teams A and B, one intervention, no rounds yet), the three accounts and the workshop with its
agreed action are made through the services; everything the three people do is done in the browser, each in a
browser of their own. Every text looked for is the app's own string in the journey's language. Each main step
leaves a screenshot in artifacts/screenshots/plan-follow-up-<language>-*.png; in Dutch no English may be on it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from db.action_models import ActionItem
from db.org_models import SurveyRound
from services.accounts import auth, management
from services.actions import follow_up, plan
from services.admin import organisations, rounds
from services.formatting import format_date
from services.i18n import t
from services.respond import questionnaire
from services.runtime import build_runtime
from services.settings import Settings
from services.workshop import hosting
from tests.browser.conftest import PAGE_TIMEOUT_MS, REPO_ROOT, SLOW_PAGE_TIMEOUT_MS, click_and_wait, wait_for_streamlit
from tests.browser.steps import dutch_page, screenshot, screenshot_on_failure

# The plan's journeys run together beside the other browser tests (tests/conftest.py), not after them:
# the suite's longest chain is the browser tests, one after another.
pytestmark = pytest.mark.xdist_group("actions-journeys")

PASSWORD = "correct horse battery"
LOCALES = {"en": "en-GB", "nl": "nl-NL"}
TITLES = {"en": "Team A, March", "nl": "Team A, maart"}
INTERVENTIONS = {"en": "Online CBT", "nl": "Online cgt-module"}
BASELINE = {"en": "Baseline", "nl": "Nulmeting"}
AGREED = {"en": "Ask for protected learning time", "nl": "Vraag om beschermde leertijd"}
TEAMS = ("Team A", "Team B")


@pytest.fixture
def site(start_app_server):
    """A server of its own, and a runtime on its database. Its links use the admin's own browser address."""
    server = start_app_server(REPO_ROOT / "app.py", extra_env={"VM_PUBLIC_URL": ""})
    rt = build_runtime(Settings(DATABASE_URL=server.database_url))
    yield server, rt
    rt.engine.dispose()


def seed(rt, language: str) -> int:
    """Everything before the journey, through the services; the organisation's id."""
    anna = auth.create_first_admin(rt, "anna", PASSWORD)
    org = organisations.create_organisation(rt, anna, name="Zorg Noord")
    teams = [organisations.create_team(rt, anna, org.id, name=team) for team in TEAMS]
    intervention = organisations.add_intervention(rt, anna, org.id, name=INTERVENTIONS[language])
    for name, role in (("mia", "manager"), ("fien", "facilitator")):
        management.create_account(rt, anna, role=role, username=name, password=PASSWORD, scope={org.id: None})
    fien = auth.login(rt, "fien", PASSWORD, "seed").account
    workshop = hosting.create_workshop(
        rt,
        fien,
        title=TITLES[language],
        intervention=INTERVENTIONS[language],
        form_id=None,
        language=language,
        min_group_size=5,
    )
    hosting.add_action(rt, fien, workshop.id, kind="influence", theme="technology_push", text=AGREED[language])
    # A round before all this, answered through its links and closed six weeks ago: the follow-up's baseline.
    now = datetime.now(UTC)
    created = rounds.create_round(
        rt,
        anna,
        org.id,
        intervention_id=intervention.id,
        name=BASELINE[language],
        opens_at=now,
        closes_at=now + timedelta(days=1),
        team_ids=[team.id for team in teams],
    )
    tokens = [invitation.token for invitation in created.invitations]
    answer_round(rt, created.round.id, tokens, now - timedelta(days=60), now - timedelta(days=45), value=2)
    return org.id


def sign_in(browser, server, language: str, username: str):
    """A browser of the person's own, signed in: (its context, its page, on the page sign-in lands on)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=LOCALES[language])
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{server.url}/login?lang={language}")
    wait_for_streamlit(page)
    page.locator(".st-key-staff-login-username input").fill(username)
    page.locator(".st-key-staff-login-password input").fill(PASSWORD)
    click_and_wait(page, page.locator(".st-key-staff-login-submit button"), SLOW_PAGE_TIMEOUT_MS)
    return context, page


def open_plan(page, language: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=t("nav.action_plan", language)).click()
    wait_for_streamlit(page, SLOW_PAGE_TIMEOUT_MS)
    expect(page.get_by_role("heading", name=t("nav.action_plan", language))).to_be_visible()


def type_date(page, key_start: str, day: date) -> None:
    """Type a day into the date field whose key starts with `key_start` (DD-MM-YYYY), as a person does with the
    keyboard: year, month, then day (so no day is cut to a shorter month on the way), then Escape to close."""
    segments = page.locator(f'[class*="st-key-{key_start}"] [data-testid="stDateInputField"]').get_by_role("spinbutton")
    expect(segments).to_have_count(3)
    for index, digits in ((2, f"{day.year}"), (1, f"{day.month:02d}"), (0, f"{day.day:02d}")):
        segments.nth(index).press_sequentially(digits)
    page.keyboard.press("Escape")


def action_day() -> date:
    """The day the action is dated to, before its follow-up round (answer_follow_up)."""
    return datetime.now(UTC).date() - timedelta(days=20)


def answer_follow_up(rt, action_id: int, urls: list[str]) -> None:
    """The action planned twenty days ago, its round open from ten days ago to yesterday, answered on the short
    form by five colleagues of each team through their team's link."""
    now = datetime.now(UTC)
    with rt.sessions.begin() as session:
        session.get(ActionItem, action_id).created_at = datetime.combine(action_day(), now.time(), UTC)
        round_id = session.scalars(select(SurveyRound.id).order_by(SurveyRound.id.desc())).first()
    tokens = [parse_qs(urlsplit(url).query)["invite"][0] for url in urls]
    answer_round(rt, round_id, tokens, now - timedelta(days=10), now - timedelta(days=1), value=4)


def answer_round(rt, round_id: int, tokens: list[str], opens_at: datetime, closes_at: datetime, value: int) -> None:
    """Five colleagues of each team answer through their team's link while the round is open (now), answers
    around `value`; then the round's days are moved to `opens_at`..`closes_at`, as time would."""
    now = datetime.now(UTC)
    with rt.sessions.begin() as session:
        survey_round = session.get(SurveyRound, round_id)
        survey_round.opens_at, survey_round.closes_at = now - timedelta(hours=1), now + timedelta(days=1)
    for token in tokens:
        for person in range(5):
            draft = questionnaire.start_assessment(rt, language="en", intervention="", role=None, invite_token=token)
            form = questionnaire.load_draft(rt, draft.draft_token).instrument  # the round's: full or short
            answers = {item: value - 1 + (person + n) % 3 for n, item in enumerate(form.required_ids)}
            questionnaire.save_answers(rt, token=draft.draft_token, answers=answers, step=0)
            questionnaire.submit(rt, token=draft.draft_token)
    with rt.sessions.begin() as session:
        survey_round = session.get(SurveyRound, round_id)
        survey_round.opens_at, survey_round.closes_at = opens_at, closes_at


class Journey:
    """The journey's language: its screenshots, and in Dutch no English on any main step."""

    def __init__(self, language: str, prefix: str = "plan-follow-up"):
        self.language = language
        self.prefix = prefix

    def step(self, page, name: str) -> None:
        name = f"{self.prefix}-{self.language}-{name}"
        if self.language == "nl":
            dutch_page(page, name)
        else:
            screenshot(page, name)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_from_a_workshop_action_to_a_started_follow_up_round(browser, site, language):
    server, rt = site
    organisation_id = seed(rt, language)
    journey = Journey(language)
    today = datetime.now(UTC).date()
    opens, closes = today + timedelta(days=7), today + timedelta(days=20)

    # The facilitator adds the workshop's agreed action to the organisation's plan, in one click.
    context, page = sign_in(browser, server, language, "fien")
    with screenshot_on_failure(context, f"plan-follow-up-{language}-facilitator"):
        expect(page.get_by_role("heading", name=t("nav.workshop", language))).to_be_visible()
        click_and_wait(page, page.locator('[class*="st-key-ws-open-"] button').first)
        expect(page.get_by_role("heading", name=TITLES[language])).to_be_visible()
        add = page.get_by_role("button", name=t("actions.promote", language))
        expect(add).to_have_count(1)
        add.scroll_into_view_if_needed()
        journey.step(page, "1-agreed-action")
        click_and_wait(page, add)
        expect(page.get_by_text(t("actions.promote_done", language), exact=True)).to_be_visible()
        expect(add).to_have_count(0)  # a second click cannot add it twice
        journey.step(page, "2-in-the-plan")

    # The manager finds it in the plan, with where it came from, and schedules a follow-up round for next week.
    context, page = sign_in(browser, server, language, "mia")
    with screenshot_on_failure(context, f"plan-follow-up-{language}-manager"):
        open_plan(page, language)
        origin = t("actions.origin_title", language, title=TITLES[language])
        expect(page.get_by_text(origin, exact=True)).to_be_visible()
        shown = page.get_by_test_id("stMarkdownContainer")
        expect(shown.get_by_text(AGREED[language], exact=True)).to_be_visible()
        journey.step(page, "3-plan-with-origin")
        page.get_by_text(t("actions.follow_up_new", language), exact=True).click()
        expect(page.get_by_text(t("actions.follow_up_uses_short", language))).to_be_visible()
        type_date(page, "plan-fu-opens-", opens)
        type_date(page, "plan-fu-closes-", closes)
        journey.step(page, "4-follow-up-form")
        click_and_wait(page, page.get_by_role("button", name=t("actions.follow_up_schedule", language)))
        expect(page.get_by_text(t("actions.follow_up_scheduled", language))).to_be_visible()
        scheduled = t(
            "actions.follow_up_line",
            language,
            opens=format_date(opens, language),
            closes=format_date(closes, language),
            teams=", ".join(TEAMS),
            form=t("actions.follow_up_short_form", language),
            state=t("actions.follow_up_state_scheduled", language),
        )
        expect(page.get_by_text(scheduled, exact=True)).to_be_visible()
        journey.step(page, "5-follow-up-scheduled")
    mia = auth.login(rt, "mia", PASSWORD, "check").account
    [action] = plan.list_actions(rt, mia, organisation_id)
    [planned] = follow_up.list_follow_ups(rt, mia, action.id)
    assert (planned.opens_on, planned.closes_on, planned.form_id) == (opens, closes, "workshop")

    # The admin sees it due, starts it, and sees each team's invitation link once.
    context, page = sign_in(browser, server, language, "anna")
    with screenshot_on_failure(context, f"plan-follow-up-{language}-admin"):
        open_plan(page, language)
        due_heading = page.get_by_role("heading", name=t("actions.due_heading", language))
        expect(due_heading).to_be_visible()
        due_line = page.get_by_test_id("stMarkdownContainer").filter(has_text=AGREED[language])
        expect(due_line.filter(has_text=format_date(opens, language))).to_have_count(1)
        round_name = t("actions.due_round_default", language, date=format_date(opens, language))
        expect(page.locator('[class*="st-key-plan-due-name-"] input')).to_have_value(round_name)
        start = page.get_by_role("button", name=t("actions.due_start", language))
        expect(start).to_be_visible()  # the page is drawn to its end before its picture
        expect(page.get_by_test_id("stDataFrame").first).to_be_visible()  # the plan's table, drawn
        expect(page.get_by_role("button", name=t("actions.prepare_xlsx", language))).to_be_visible()
        journey.step(page, "6-due")
        click_and_wait(page, start)
        expect(page.get_by_role("heading", name=t("admin.links_heading", language, round=round_name))).to_be_visible()
        expect(page.get_by_text(t("actions.links_once", language))).to_be_visible()
        links = page.locator("code", has_text="?invite=")
        expect(links).to_have_count(2)
        urls = [link.strip() for link in links.all_inner_texts()]
        assert all(url.startswith(f"{server.url}/?invite=") for url in urls)
        expect(due_heading).to_have_count(0)  # started: no longer due
        started = t("actions.follow_up_state_started", language, round=round_name)
        expect(page.get_by_text(started, exact=False)).to_be_visible()
        journey.step(page, "7-links-once")
        click_and_wait(page, page.get_by_role("button", name=t("admin.links_hide", language)))
        expect(links).to_have_count(0)
        expect(due_heading).to_have_count(0)
        journey.step(page, "8-links-hidden")

    # The round runs its course (its days moved into the past, as time would), answered through its two links.
    answer_follow_up(rt, action.id, urls)
    # The manager sees it on the dashboard's "what changed", after the action, on the action's theme.
    context, page = sign_in(browser, server, language, "mia")
    with screenshot_on_failure(context, f"plan-follow-up-{language}-what-changed"):
        expect(page.get_by_role("heading", name=t("dashboard.start.heading", language))).to_be_visible()
        over_time = page.get_by_role("tab", name=t("dashboard.tabs.over_time", language))
        click_and_wait(page, over_time, SLOW_PAGE_TIMEOUT_MS)
        expect(page.get_by_role("heading", name=t("dashboard.changed.heading", language))).to_be_visible()
        chart = page.locator(".st-key-chart-dash_what_changed")
        expect(chart.locator(".main-svg").first).to_be_visible(timeout=SLOW_PAGE_TIMEOUT_MS)
        expect(chart).to_contain_text(AGREED[language][:20])  # the action's mark
        # "Online CBT: from 38 in Baseline to 52 in Follow-up ...": both rounds, whatever their values
        line = t(
            "dashboard.changed.summary",
            language,
            line=INTERVENTIONS[language],
            first=BASELINE[language],
            last=round_name,
            start="VALUE",
            end="VALUE",
        )
        expect(page.get_by_text(re.compile(re.escape(line).replace("VALUE", "[0-9]+")))).to_be_visible()
        marked = t("dashboard.changed.planned_on", language, date=format_date(action_day(), language))
        expect(page.get_by_text(f"“{AGREED[language]}” ({marked})", exact=False)).to_be_visible()
        chart.scroll_into_view_if_needed()
        journey.step(page, "9-what-changed")
