"""The admin and the implementation manager, in a real browser on a fresh database: set up the first
admin, an organisation with teams and a round, hand out the team links, answers come in through
them, the round closes, and the manager sees the dashboard, where a team of 4 shows nothing of its
own, not in an export either, and another organisation stays out of reach.

The manager's part again in Dutch, on the staff journeys' shared site (staff_site.py): every text looked for
is the Dutch string, every main step kept as a screenshot (artifacts/screenshots/manager-nl-*.png) and free
of English."""

from __future__ import annotations

import csv
import io
import re
import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from services import i18n
from services.respond import questionnaire
from services.runtime import build_runtime
from tests.browser import staff_site
from tests.browser.conftest import (
    PAGE_TIMEOUT_MS,
    REPO_ROOT,
    SLOW_PAGE_TIMEOUT_MS,
    click_and_wait,
    wait_for_streamlit,
)
from tests.browser.steps import answer_every_step, click, dutch_page, screenshot, screenshot_on_failure

PASSWORD = "correct horse battery"
MANAGER_PASSWORD = "a long manager password"


def fill(page, key: str, value: str) -> None:
    """Type into a text box and leave it with Tab, as a keyboard user does."""
    box = page.locator(f".st-key-{key} input")
    box.fill(value)
    box.press("Tab")


def choose(page, key: str, option: str) -> None:
    page.locator(f".st-key-{key} input").first.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_streamlit(page)


def submit(page, key: str, timeout: float = PAGE_TIMEOUT_MS) -> None:
    click_and_wait(page, page.locator(f".st-key-{key} button"), timeout)


def open_page(page, url: str) -> None:
    page.goto(url)
    wait_for_streamlit(page)


@pytest.fixture
def fresh_server(start_app_server):
    """A server of its own: the first-admin set-up happens once per database."""
    return start_app_server(REPO_ROOT / "app.py")


@pytest.fixture
def server_runtime(fresh_server, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", fresh_server.database_url)
    rt = build_runtime()
    yield rt
    rt.engine.dispose()


def answer_through_link(rt, link: str, lean: int, n: int) -> None:
    """`n` colleagues answer through a team link (the same service calls the assessment page makes)."""
    token = re.search(r"[?&]invite=([^&]+)", link).group(1)
    for number in range(n):
        started = questionnaire.start_assessment(
            rt,
            language="en",
            intervention="ignored for a round",
            role="psychologist",
            invite_token=token,
            client_key=f"colleague-{lean}-{number}",
        )
        answers = {
            item: (lean if not item.startswith(("fb", "tp")) else 6 - lean) for item in rt.instrument.required_ids
        }
        questionnaire.save_answers(rt, token=started.draft_token, answers=answers, step=0)
        questionnaire.submit(rt, token=started.draft_token)


def test_admin_sets_up_a_round_and_the_manager_sees_only_safe_aggregates(browser, fresh_server, server_runtime):
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    with screenshot_on_failure(context, "manager-journey"):
        page = context.new_page()
        links = admin_sets_up(page, fresh_server)
        # The round's links go out: Team A answers 6 times, Team B only 4 times; one in the browser.
        answer_in_browser(context.new_page(), links["Team A"])
        answer_through_link(server_runtime, links["Team A"], lean=4, n=5)
        answer_through_link(server_runtime, links["Team B"], lean=2, n=4)
        admin_closes_round_and_adds_manager(page, fresh_server.url)
        other_id = other_organisation(server_runtime)
        manager_reads_dashboard(context.new_page(), fresh_server.url, other_id)
        manager_cannot_open_another_organisation(context.new_page(), fresh_server.url, other_id)


def nav(page, title: str) -> None:
    """Go to a page through the menu: a reload would start a new browser session (signed out).

    A click that lands while a rerun is still finishing can be dropped by Streamlit's menu (seen on
    the loaded machine, up to twice in a row); a person clicks again, and so does this, up to 4 times.
    """
    link = page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True)
    path = urlsplit(link.get_attribute("href") or "").path
    for _attempt in range(4):
        link.click()
        wait_for_streamlit(page)
        if urlsplit(page.url).path == path:
            return
    raise AssertionError(f"the menu did not open {title!r} ({path}); still at {page.url}")


def printed_setup_token(server) -> str:
    """The set-up token the server printed to its output (its log) when it served its first page."""
    pattern = re.compile(r"^\s+([A-Z2-9]{4}(?:-[A-Z2-9]{4}){4})$", re.MULTILINE)
    for _ in range(50):
        found = pattern.findall(server.log())
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError(f"the server printed no set-up token:\n{server.log()[-2000:]}")


def admin_sets_up(page, server) -> dict[str, str]:
    """First admin (with the token the server printed), an organisation with two teams and an
    intervention, a round: the team links."""
    url = server.url
    open_page(page, f"{url}/setup?lang=en")
    fill(page, "setup-token", printed_setup_token(server))
    fill(page, "setup-username", "anna")
    fill(page, "setup-password", PASSWORD)
    fill(page, "setup-password-repeat", PASSWORD)
    submit(page, "setup-submit")
    expect(page.get_by_text("was created and you are signed in", exact=False)).to_be_visible()

    nav(page, "Organisations and teams")
    fill(page, "org-new-name", "Zorg Noord")
    submit(page, "org-new-submit")
    expect(page.get_by_text("The organisation Zorg Noord was added", exact=False)).to_be_visible()
    # Each step also waits for its own success message, so a failure names the step that went wrong.
    for team, headcount in (("Team A", "8"), ("Team B", "6")):
        fill(page, "org-team-name", team)
        fill(page, "org-team-size", headcount)
        submit(page, "org-team-submit")
        expect(page.get_by_text(f"The team {team} was added", exact=False)).to_be_visible()
    # These tabs rerun the page (so a success message keeps the tab): typing before that run ends was lost.
    click_and_wait(page, page.get_by_role("tab", name="Interventions"))
    fill(page, "org-intervention-name", "Online CBT module")
    submit(page, "org-intervention-submit")
    expect(page.get_by_text("Online CBT module was added to the list", exact=False)).to_be_visible()

    nav(page, "Survey rounds")
    fill(page, "round-new-name", "Spring 2026")
    submit(page, "round-new-submit")
    expect(page.get_by_text("Invitation links: Spring 2026")).to_be_visible()
    with page.expect_download() as download:
        page.locator(".st-key-round-links-csv button").click()
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read())))
    links = {team: link for team, link in rows[1:]}
    assert sorted(links) == ["Team A", "Team B"] and all("?invite=" in link for link in links.values())
    return links


def answer_in_browser(page, link: str) -> None:
    """One colleague of Team A opens the link on their own device and answers everything."""
    open_page(page, link)
    expect(page.get_by_text("Team A", exact=False).first).to_be_visible()
    click(page, "start-begin")
    click(page, "setup-begin")
    # The draft is started, kept in the URL, and the first step drawn anew: answer only then.
    page.wait_for_url(re.compile(r"draft="))
    expect(page.get_by_text("Step 1 of 4", exact=False)).to_be_visible()
    wait_for_streamlit(page)

    def progress_counts_them(answered: list[str]) -> None:
        # Every answer is saved the moment it is given: the progress line counts them.
        statements = sum(item[:3] not in ("imp", "sup") for item in answered)
        expect(page.get_by_text(f"{statements} of 28 statements answered", exact=False)).to_be_visible()

    answer_every_step(page, lambda item: 1 if item.startswith(("fb", "tp")) else 3, after_step=progress_counts_them)
    expect(page.get_by_text("Your value match", exact=True)).to_be_visible()
    page.close()


def admin_closes_round_and_adds_manager(page, url: str) -> None:
    """Results appear once a round has closed: the admin closes it early, then adds the manager."""
    nav(page, "Survey rounds")
    page.locator('[class*="st-key-round-close-confirm-"] label').click()
    expect(page.locator('[class*="st-key-round-close-confirm-"] input')).to_be_checked()
    wait_for_streamlit(page)
    submit(page, "round-close-submit")
    expect(page.get_by_text("is closed. Its links no longer take answers", exact=False)).to_be_visible()

    nav(page, "Accounts")
    click_and_wait(page, page.get_by_role("tab", name="New account"))
    expect(page.locator(".st-key-acct-new-role input[type=radio]").first).to_be_checked()  # Manager
    fill(page, "acct-new-username", "mia")
    choose(page, "acct-new-orgs", "Zorg Noord")
    page.keyboard.press("Escape")
    fill(page, "acct-new-password", MANAGER_PASSWORD)
    fill(page, "acct-new-password-repeat", MANAGER_PASSWORD)
    submit(page, "acct-new-submit")
    expect(page.get_by_text("account mia was created", exact=False)).to_be_visible()

    nav(page, "Account")
    submit(page, "staff-sign-out")
    expect(page.locator(".st-key-staff-login-username input")).to_be_visible()


def sign_in(page, username: str, password: str) -> None:
    fill(page, "staff-login-username", username)
    fill(page, "staff-login-password", password)
    # Signing in opens the dashboard, whose first run draws every chart: slow on a loaded machine.
    submit(page, "staff-login-submit", SLOW_PAGE_TIMEOUT_MS)
    # The sign-in is kept for new tabs by a cookie that the page's script writes.
    page.wait_for_function("() => document.cookie.includes('vm_staff=')", timeout=PAGE_TIMEOUT_MS)


def other_organisation(rt) -> int:
    """Zorg Zuid, with a closed round of 6 responses that Zorg Noord's manager must never see."""
    from random import Random

    from tests.support.dashboard_data import (
        make_org,
        make_round,
        random_answers,
        respond,
    )

    with rt.sessions.begin() as session:
        org = make_org(session, "Zorg Zuid", {"Team Z": 10})
        make_round(session, org, "Autumn", instrument=rt.instrument)
        for _ in range(6):
            respond(session, rt.instrument, org, "Team Z", "Autumn", random_answers(rt.instrument, Random(5)))
    return org.id


def manager_reads_dashboard(page, url: str, other_id: int) -> None:
    open_page(page, f"{url}/login?lang=en")
    sign_in(page, "mia", MANAGER_PASSWORD)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    responses = page.get_by_test_id("stMetric").filter(has_text="Responses in this selection")
    expect(responses).to_contain_text("10")
    expect(page.locator(".st-key-chart-dash_theme_means")).to_be_visible()

    # Team B answered 4 times: nothing of its own, only that it is withheld.
    choose(page, "dash-team", "Team B")
    expect(responses).to_contain_text("Withheld")
    expect(page.locator(".st-key-chart-dash_theme_means")).to_have_count(0)

    # The export of the whole organisation holds no number of Team B.
    choose(page, "dash-team", "All teams")
    click(page, "dash-export-csv-make")  # made (and audited) first, then downloaded from the session
    expect(page.get_by_text("Made at ", exact=False)).to_be_visible()
    screenshot(page, "manager-export-made")
    with page.expect_download() as download:
        page.locator(".st-key-dash-export-csv button").click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read())))
    assert rows and any(row["n"] == "10" for row in rows)
    team_b = [row for row in rows if "Team B" in " ".join(row.values())]
    assert team_b and all(not row["n"] and not row["mean"] for row in team_b), team_b
    page.close()


def manager_cannot_open_another_organisation(page, url: str, other_id: int) -> None:
    """An edited link with Zorg Zuid's id, opened in a new tab: the sign-in is kept (cookie), and
    nothing of Zorg Zuid is shown."""
    kept = [c for c in page.context.cookies() if c["name"] == "vm_staff" and c["value"]]
    assert kept, f"no sign-in cookie to carry to a new tab: {page.context.cookies()}"
    open_page(page, f"{url}/dashboard?org={other_id}&lang=en")
    expect(page.locator(".st-key-staff-login-username")).to_have_count(0)
    expect(page.get_by_text("You do not have access", exact=False).first).to_be_visible()
    expect(page.get_by_text("Zorg Zuid")).to_have_count(0)
    expect(page.get_by_text("Zorg Noord").first).to_be_visible()
    page.close()


def test_the_manager_reads_the_dashboard_in_dutch(browser, start_app_server):
    """Sign in, the dashboard with where to start, a team too small to show (a filter change), back to all
    teams, and its CSV export: all in Dutch."""
    site = staff_site.staff_site(start_app_server)

    def words(key: str, **values: object) -> str:
        return i18n.t(key, "nl", **values)

    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="nl-NL", accept_downloads=True)
    with screenshot_on_failure(context, "manager-nl"):
        page = context.new_page()
        open_page(page, f"{site.url}/login?lang=nl")
        dutch_page(page, "manager-nl-1-sign-in")
        sign_in(page, staff_site.MANAGER, staff_site.PASSWORD)
        expect(page.get_by_role("heading", name=words("nav.dashboard"))).to_be_visible()
        responses = page.get_by_test_id("stMetric").filter(has_text=words("dashboard.overview.responses"))
        everyone = str(sum(staff_site.TEAM_ANSWERS.values()))
        expect(responses).to_contain_text(everyone)
        expect(page.get_by_role("heading", name=words("dashboard.start.heading"))).to_be_visible()
        expect(page.locator(".st-key-chart-dash_theme_means .js-plotly-plot")).to_be_visible()
        dutch_page(page, "manager-nl-2-dashboard")

        # Team B answered 3 times: nothing of its own, only that it is withheld, in Dutch words.
        choose(page, "dash-team", "Team B")
        expect(responses).to_contain_text(words("dashboard.overview.withheld"))
        expect(page.locator(".st-key-chart-dash_theme_means")).to_have_count(0)
        dutch_page(page, "manager-nl-3-team-too-small")

        choose(page, "dash-team", words("dashboard.filter.all_teams"))
        expect(responses).to_contain_text(everyone)
        click(page, "dash-export-csv-make")
        expect(page.locator(".st-key-dash-export-csv button")).to_be_visible()
        dutch_page(page, "manager-nl-4-export-made")
        with page.expect_download() as download:
            page.locator(".st-key-dash-export-csv button").click()
        rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read())))
        n, mean = words("dashboard_export.column.n"), words("dashboard_export.column.mean")
        assert rows and any(row[n] == everyone for row in rows)
        team_b = [row for row in rows if "Team B" in " ".join(row.values())]
        assert team_b and all(not row[n] and not row[mean] for row in team_b), team_b
