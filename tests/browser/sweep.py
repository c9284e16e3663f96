"""Every page of the app, public and staff, visited in one sweep of one browser context per language, on
one server with a seeded database: what the accessibility and the Dutch-words tests look at.

The sweep is done once per language and process (the tests that read it share an xdist group), and for
every page it keeps axe's findings and the text a person sees or hears (visible text and accessible names).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from services.accounts import auth
from services.actions import follow_up, plan
from services.data_tools import demo_data
from services.respond import questionnaire, workshop_join
from services.runtime import build_runtime
from services.settings import Settings
from services.workshop import hosting
from tests.browser.conftest import (
    REPO_ROOT,
    SLOW_PAGE_TIMEOUT_MS,
    StreamlitServer,
    wait_for_streamlit,
)

GROUP = "accessibility-sweep"  # xdist group of every test that reads the sweep
PASSWORD = "correct horse battery"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
# (rule id, CSS selector of the one element it is excluded on): each one explained in docs/ACCESSIBILITY.md.
AXE_EXCLUSIONS: list[tuple[str, str]] = []


@dataclass(frozen=True)
class SeededSite:
    url: str
    resume_code: str  # two submitted assessments: the code opens History, then Results
    drafts: dict[str, str]  # language -> an open draft's token (the questionnaire)
    staff_token: str  # an admin's sign-in, put in the staff cookie
    workshop_id: int


@dataclass(frozen=True)
class Finding:
    page: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.page}: {self.rule} ({self.impact}) {self.help} -> {', '.join(self.targets[:4])}"


@dataclass
class PageSeen:
    name: str
    language: str
    document_language: str
    findings: list[Finding] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


# Pages with a box to type into (its key): seen once more while something is typed.
TYPING = {"start": "resume-code", "assessment setup": "setup-intervention"}


def seed_site(server: StreamlitServer) -> SeededSite:
    """The data every page needs to show its full self: results, a draft, a dashboard, a workshop."""
    rt = build_runtime(Settings(DATABASE_URL=server.database_url))
    try:
        admin = auth.create_first_admin(rt, "anna", PASSWORD)
        demo = demo_data.create_demo_organisation(rt, responses=60, workers=0)  # the dashboard's charts
        code = None
        for intervention in ("Online CBT module", "Video consultations"):
            started = questionnaire.start_assessment(
                rt, language="en", intervention=intervention, role=None, resume_code=code
            )
            code = code or started.resume_code
            questionnaire.save_answers(
                rt,
                token=started.draft_token,
                step=0,
                answers={item: 1 if item.startswith(("fb", "tp")) else 4 for item in rt.instrument.required_ids},
            )
            questionnaire.submit(rt, token=started.draft_token)
        drafts = {}
        for language in ("en", "nl"):
            draft = questionnaire.start_assessment(rt, language=language, intervention="Mood diary app", role=None)
            questionnaire.save_answers(rt, token=draft.draft_token, step=0, answers={rt.instrument.required_ids[0]: 3})
            drafts[language] = draft.draft_token
        session = hosting.create_workshop(
            rt,
            admin,
            title="Team West",
            intervention="Online CBT module",
            form_id=None,
            language="en",
            min_group_size=5,
            tie=None,
        )
        hosting.set_results_visible(rt, admin, session.id, True)
        for n in range(5):
            joined = workshop_join.join(rt, session.code, f"sweep-device-key-{n:04d}", f"sweep-{n}")
            questionnaire.save_answers(
                rt, token=joined.draft_token, step=0, answers={i: 1 + n % 5 for i in rt.instrument.required_ids}
            )
            questionnaire.submit(rt, token=joined.draft_token)
        hosting.add_action(
            rt, admin, session.id, kind="act", theme="technology_push", text="Tijd vrijmaken om te leren"
        )
        seed_plan(rt, admin, demo.organisation_id)
        signed_in = auth.login(rt, "anna", PASSWORD, "sweep")
        return SeededSite(server.url, code, drafts, signed_in.token, session.id)
    finally:
        rt.engine.dispose()


def seed_plan(rt, admin, organisation_id: int) -> None:
    """An action plan with an action, a note, and follow-up rounds (one due, so an admin sees what to start).
    Typed in Dutch: typed text is shown as it is, in both languages."""
    today = datetime.now(UTC).date()
    made = plan.create_action(
        rt,
        admin,
        organisation_id,
        target="theme:client_autonomy",
        kind="act",
        description="Bij de intake vragen hoe cliënten de app willen gebruiken",
        owner="Teamleider",
        due_on=today + timedelta(days=30),
    )
    plan.add_note(rt, admin, made.id, text="Besproken met de directie")
    for days in (5, 40):
        follow_up.schedule_follow_up(rt, admin, made.id, opens_on=today + timedelta(days=days))


def open_page(page, url: str) -> None:
    page.goto(url)
    wait_for_streamlit(page, SLOW_PAGE_TIMEOUT_MS, allow_exception=True)


def shown_exception(page) -> str | None:
    """The first line of an exception the page shows, if it shows one."""
    box = page.locator('[data-testid="stException"]')
    return box.first.inner_text().splitlines()[0] if box.count() else None


def _results_through_code(page, site: SeededSite) -> Iterator[str]:
    """From the start page: the resume code -> History (two results) -> open the latest -> Results."""
    box = page.locator(".st-key-resume-code input")
    box.fill(site.resume_code)
    box.press("Enter")
    expect(page.locator('[class*="st-key-open-result-"]').first).to_be_visible()
    wait_for_streamlit(page)
    yield "history"
    page.locator('[class*="st-key-open-result-"] button').first.click()
    expect(page.locator(".st-key-chart-value_gap")).to_be_visible(timeout=SLOW_PAGE_TIMEOUT_MS)
    wait_for_streamlit(page, SLOW_PAGE_TIMEOUT_MS)
    wait_for_charts(page)
    yield "results"


def wait_for_charts(page) -> None:
    """Until every chart is drawn (Streamlit shows a placeholder while Plotly loads)."""
    page.wait_for_function(_CHARTS_DRAWN, timeout=SLOW_PAGE_TIMEOUT_MS)


_CHARTS_DRAWN = """() => !document.querySelector('[class*="st-key-chart-"] [data-testid="stSkeleton"]')"""


def by_menu(page, path: str) -> None:
    """Open a page through the sidebar menu: the same browser session, no reload of the app.

    Streamlit's menu can drop a click that lands while a rerun is finishing (seen on a loaded machine);
    a person clicks again, and so does this, up to 4 times.
    """
    link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]')
    opened = re.compile(rf"/{path}(\?|$)")
    for _attempt in range(4):
        wait_for_streamlit(page, SLOW_PAGE_TIMEOUT_MS)
        link.click()
        try:
            page.wait_for_url(opened, timeout=5_000)
            break
        except PlaywrightTimeout:
            continue
    expect(page).to_have_url(opened)
    wait_for_streamlit(page, SLOW_PAGE_TIMEOUT_MS)


def typing(page, name: str) -> Iterator[tuple[str, object]]:
    """The page once more while something is typed into its box, if it has one (TYPING)."""
    if name in TYPING:
        page.locator(f".st-key-{TYPING[name]} input").click()
        page.keyboard.type("Praatgroep")
        page.wait_for_timeout(300)
        yield f"{name} (typing)", page
        page.keyboard.press("Escape")  # closes an open list, so that the next click reaches the menu


def pages(context, site: SeededSite, language: str) -> Iterator[tuple[str, object]]:
    """(name, page) for every page of the app, each fully drawn when it is handed out. Pages are opened
    through the menu where they can be (a new address costs a new session and a reload of the app)."""
    page = context.new_page()
    lang = f"lang={language}"
    open_page(page, f"{site.url}/?{lang}")
    yield "start", page
    yield from typing(page, "start")
    for name in _results_through_code(page, site):
        yield name, page
    for name, path in (("about", "about"), ("join", "join"), ("assessment setup", "assessment"), ("login", "login")):
        by_menu(page, path)
        yield name, page
        yield from typing(page, name)
    open_page(page, f"{site.url}/assessment?{lang}&draft={site.drafts[language]}")
    if not shown_exception(page):
        expect(page.locator('[class*="st-key-item-"]').first).to_be_visible()
    yield "questionnaire", page
    context.add_cookies([{"name": "vm_staff", "value": site.staff_token, "url": site.url}])
    open_page(page, f"{site.url}/dashboard?{lang}")
    if not shown_exception(page):
        expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=SLOW_PAGE_TIMEOUT_MS)
        wait_for_charts(page)
    yield "dashboard", page
    for name, path in (
        ("workshops", "workshop"),
        ("action plan", "plan"),
        ("organisations", "organisations"),
        ("rounds", "rounds"),
        ("accounts", "accounts"),
        ("account", "account"),
    ):
        by_menu(page, path)
        yield name, page
    open_page(page, f"{site.url}/workshop?{lang}&session={site.workshop_id}")
    yield "workshop screen", page


# What a sighted person reads beside the accessibility tree: placeholders and tooltips of visible elements.
_SEEN_ATTRIBUTES = """() => [...document.querySelectorAll('[placeholder], [title]')]
  .filter(el => el.getClientRects().length && !el.closest('[aria-hidden="true"]'))
  .flatMap(el => [el.getAttribute('placeholder'), el.getAttribute('title')]).filter(Boolean)"""


def page_texts(page) -> list[str]:
    """What a person sees or hears on the page: the accessibility tree (every text and accessible name a
    screen reader reads) and the placeholders and tooltips of what is visible."""
    return [page.locator("body").aria_snapshot(), *page.evaluate(_SEEN_ATTRIBUTES)]


def axe_findings(axe: Axe, page, name: str) -> list[Finding]:
    """The serious and critical WCAG 2.0/2.1 A and AA violations axe finds on the page as it is now."""
    results = axe.run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"], "iframes": False}
    )
    findings = []
    for violation in results.response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        targets = tuple(
            " ".join(map(str, node["target"]))
            for node in violation["nodes"]
            if not _excluded(violation["id"], node["target"])
        )
        if targets:
            findings.append(Finding(name, violation["id"], violation["impact"], violation["help"], targets))
    return findings


_OWN_CHECKS = r"""() => {
  const found = [];
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    if (!(chart.getAttribute('aria-label') || '').trim()) found.push(['chart-name', 'a chart without a name']);
  for (const option of document.querySelectorAll('[data-testid="stRadioOption"]'))
    if (option.querySelector('[data-testid="stMarkdownContainer"]:not([aria-hidden="true"])'))
      found.push(['radio-read-twice', 'an answer option read as the radio and again as its text: '
                  + option.textContent.trim()]);
  for (const group of document.querySelectorAll('[role="radiogroup"]'))
    if (/[*_`\\]/.test(group.getAttribute('aria-label') || ''))
      found.push(['radiogroup-markdown', 'read out with Markdown: ' + group.getAttribute('aria-label')]);
  return found;
}"""


def own_findings(page, name: str) -> list[Finding]:
    """What axe does not check but a screen reader user meets: charts without a name, Markdown read out,
    answer options read twice."""
    return [Finding(name, rule, "serious", text, ()) for rule, text in page.evaluate(_OWN_CHECKS)]


def _excluded(rule: str, target: list) -> bool:
    return any(rule == r and selector in map(str, target) for r, selector in AXE_EXCLUSIONS)


_SWEEPS: dict[str, list[PageSeen]] = {}


def swept(browser, start_app_server: Callable[..., StreamlitServer], language: str) -> list[PageSeen]:
    """Every page seen in `language`, with axe's findings and its texts (swept once per process)."""
    if language in _SWEEPS:
        return _SWEEPS[language]
    site = seeded(start_app_server)
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="nl-NL" if language == "nl" else "en-GB"
    )
    context.set_default_timeout(SLOW_PAGE_TIMEOUT_MS)
    seen = []
    axe = Axe()
    try:
        for name, page in pages(context, site, language):
            findings = axe_findings(axe, page, name) + own_findings(page, name)
            if exception := shown_exception(page):
                findings.append(Finding(name, "exception", "critical", "the page shows an exception", (exception,)))
            seen.append(
                PageSeen(name, language, page.evaluate("document.documentElement.lang"), findings, page_texts(page))
            )
    finally:
        context.close()
    _SWEEPS[language] = seen
    return seen


_SITE: list[SeededSite] = []


def seeded(start_app_server) -> SeededSite:
    """The seeded server of this process (started and seeded on first use)."""
    if not _SITE:
        _SITE.append(seed_site(start_app_server(REPO_ROOT / "app.py")))
    return _SITE[0]
