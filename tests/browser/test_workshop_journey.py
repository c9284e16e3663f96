"""A workshop in real browsers, in English and in Dutch: the facilitator creates a session on their laptop and
opens the presenter view for the room; two phones join (one by typing the code, one by the link the room's
screen shows, which it opens twice), one answers in the browser, the other as its pages would, and both see
their own result; the screens stay blank below k and the group's picture appears by itself at k; then a
second round: a phone waiting on the join page and a phone left on its results page both learn of it by
themselves (the first opens round two's questionnaire; its answers go as its pages send them), the screens
compare the rounds, and the CSV export holds what they showed.

Every text looked for is the app's own string in the journey's language. In Dutch every main step is kept as
a screenshot (artifacts/screenshots/workshop-nl-*.png: desktop for the facilitator and the room, phone for
the participants) and must have no English on it (test_dutch_words.py's detector)."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from services import i18n
from services.accounts import auth
from services.respond import questionnaire, workshop_join
from services.workshop import hosting
from tests.browser.conftest import click_and_wait, wait_for_streamlit
from tests.browser.staff_site import FACILITATOR, PASSWORD, staff_site
from tests.browser.steps import answer_every_step, click, dutch_page, screenshot_on_failure

DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}
LOCALES = {"en": "en-GB", "nl": "nl-NL"}
TITLES = {"en": "Team West workshop", "nl": "Team West, workshop juni"}
INTERVENTIONS = {"en": "Online CBT module", "nl": "Online cgt-module"}
# The screens refresh every 3 s, a waiting phone checks every 5 s: a change shows within one or two of those.
BY_ITSELF_MS = 15_000


@pytest.fixture(scope="module")
def site(start_app_server):
    return staff_site(start_app_server)


@pytest.fixture(scope="module")
def rt(site):
    runtime = site.runtime()
    yield runtime
    runtime.engine.dispose()


class Journey:
    """The journey's language: the app's strings in it and, in Dutch, a screenshot and an English check of
    every main step."""

    def __init__(self, language: str):
        self.language = language

    def words(self, key: str, **values: object) -> str:
        return i18n.t(key, self.language, **values)

    def start_of(self, key: str) -> str:
        """A string's text up to its first Markdown or placeholder: what the page shows as it is."""
        return re.split(r"\*\*|`|\{", i18n.catalogue(self.language)[key])[0].strip()

    def step(self, page, name: str) -> None:
        if self.language != "nl":
            return
        dutch_page(page, f"workshop-nl-{name}")


def fill(page, key: str, value: str) -> None:
    box = page.locator(f".st-key-{key} input, .st-key-{key} textarea").first
    box.fill(value)
    box.press("Tab")


def answer_on_phone(phone, journey: Journey, shots: str | None = None) -> None:
    """Start (or start again), answer every statement, and see one's own result; `shots`: keep its steps."""
    click(phone, "join-start")
    phone.wait_for_url(re.compile(r"draft="))
    expect(phone.locator('[class*="st-key-item-"]').first).to_be_visible()
    wait_for_streamlit(phone)
    if shots:
        journey.step(phone, f"{shots}-question")
    answer_every_step(phone, lambda _item: 3)
    expect(phone.get_by_text(journey.words("results.title"), exact=True)).to_be_visible()
    if shots:
        journey.step(phone, f"{shots}-result")


def answer_from(rt, code: str, device_key: str, value: int) -> None:
    """What a phone's pages do to answer: join with the phone's key, answer every statement, send."""
    joined = workshop_join.join(rt, code, device_key, device_key[-8:])
    draft = questionnaire.load_draft(rt, joined.draft_token)
    questionnaire.save_answers(
        rt, token=joined.draft_token, step=0, answers={i: value for i in draft.instrument.required_ids}
    )
    questionnaire.submit(rt, token=joined.draft_token)


def others_answer(rt, code: str, language: str, count: int, value: int) -> None:
    """Colleagues answer on their own phones."""
    for n in range(count):
        answer_from(rt, code, f"journey-{language}-device-{n:04d}", value)


def exported_rounds(screen, journey: Journey) -> list[dict]:
    """The rows of the CSV export that count the answers in each round's picture."""
    click(screen, "ws-export-make")
    expect(screen.get_by_text(journey.start_of("ws.export_made"), exact=False)).to_be_visible()
    with screen.expect_download() as download:
        screen.locator(".st-key-ws-export-csv button").click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read())))
    what = journey.words("workshop_report.csv.col.what")
    return [r for r in rows if r[what] == journey.words("workshop_report.csv.what.responses")]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_workshop_from_code_to_picture(browser, site, rt, language):
    journey = Journey(language)
    laptop = browser.new_context(viewport=DESKTOP, locale=LOCALES[language], accept_downloads=True)
    phones = [
        browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale=LOCALES[language]) for _ in range(2)
    ]
    with (
        screenshot_on_failure(laptop, f"workshop-{language}-laptop"),
        screenshot_on_failure(phones[0], f"workshop-{language}-phone-typed"),
        screenshot_on_failure(phones[1], f"workshop-{language}-phone-link"),
    ):
        screen, room = facilitator_starts(laptop, site, journey)
        code = screen.locator(".vm-join-code").inner_text().strip()
        typed, linked = phones_join_and_answer(rt, phones, site, room, journey)
        info = next(i for i in hosting.list_workshops(rt, facilitator(rt)) if i.code == code)
        assert (info.joined, info.submitted_now) == (2, 2)
        picture_builds(rt, screen, room, journey, code)
        second_round(rt, screen, room, typed, linked, journey, code)


def facilitator_starts(laptop, site, journey: Journey):
    """Sign in, create the session, open the presenter view in a new tab: (the facilitator's page, the room's)."""
    words = journey.words
    screen = laptop.new_page()
    screen.goto(f"{site.url}/login?lang={journey.language}")
    wait_for_streamlit(screen)
    fill(screen, "staff-login-username", FACILITATOR)
    fill(screen, "staff-login-password", PASSWORD)
    click(screen, "staff-login-submit")
    expect(screen.get_by_role("heading", name=words("nav.workshop"))).to_be_visible()
    fill(screen, "ws-title", TITLES[journey.language])
    fill(screen, "ws-intervention", INTERVENTIONS[journey.language])
    expect(screen.locator(".st-key-ws-tie input")).to_be_visible()  # the form's last field is drawn
    screen.locator(".st-key-ws-title input").focus()  # not on a help icon, whose tooltip would cover the form
    journey.step(screen, "1-new-session")
    click_and_wait(screen, screen.get_by_role("button", name=words("ws.create")))
    expect(screen.locator(".vm-join-code")).to_have_text(re.compile(r"^[ACDEFGHJKMNPQRTUVWXY34679]{6}$"))
    expect(screen.get_by_role("heading", name=words("ws.controls"))).to_be_visible()
    journey.step(screen, "2-facilitator")

    with laptop.expect_page() as opened:  # the link opens a new tab, which goes on the projector
        screen.get_by_role("link", name=words("ws.present_open")).click()
    room = opened.value
    wait_for_streamlit(room)
    expect(room.locator(".vm-join-code")).to_have_text(screen.locator(".vm-join-code").inner_text())
    expect(room.get_by_text(words("ws.present_results_hidden"))).to_be_visible()
    assert room.locator("button:visible").count() == 0  # the controls stay on the facilitator's page
    journey.step(room, "3-presenter-joining")
    click(screen, "ws-results-show")
    return screen, room


def facilitator(rt):
    return auth.login(rt, FACILITATOR, PASSWORD, "journey").account


def phones_join_and_answer(rt, phones, site, room, journey: Journey):
    """One phone types the code on the join page, the other opens the link the room's screen shows (twice:
    the same place); both answer and see their own result. The pages of both phones, on their results."""
    words = journey.words
    code = room.locator(".vm-join-code, .vm-join-code-small").first.inner_text().strip()
    link = room.locator("code", has_text="?join=").first.inner_text().strip()
    assert link.startswith(site.url) and code in link
    typed = phones[0].new_page()
    typed.goto(f"{site.url}/join?lang={journey.language}")
    wait_for_streamlit(typed)
    fill(typed, "join-code", code.lower())
    journey.step(typed, "4-phone-code")
    click_and_wait(typed, typed.get_by_role("button", name=words("join.button"), exact=True))
    linked = phones[1].new_page()
    linked.goto(link)
    wait_for_streamlit(linked)
    # The page keeps the phone's key in a cookie, written by a script just after it is drawn.
    linked.wait_for_function("() => document.cookie.includes('vm_device=')")
    again = phones[1].new_page()  # the same phone opens the link twice
    again.goto(link)
    wait_for_streamlit(again)
    again.close()
    for phone in (typed, linked):
        expect(phone.get_by_text(journey.start_of("join.about"), exact=False)).to_be_visible()
    journey.step(typed, "5-phone-joined")
    answer_on_phone(typed, journey, shots="6-phone")
    # The other phone's answers are sent as its pages send them (one questionnaire in the browser is enough);
    # it opens its own result from the workshop's page, and stays there.
    device_key = next(c["value"] for c in phones[1].cookies() if c["name"] == "vm_device")
    answer_from(rt, code, device_key, 3)
    linked.reload()
    wait_for_streamlit(linked)
    click(linked, "join-result-1")
    expect(linked.get_by_role("heading", name=journey.words("results.title"))).to_be_visible()
    return typed, linked


def picture_builds(rt, screen, room, journey: Journey, code: str) -> None:
    """Two answers: below k, nothing of them on either screen. Three more: the picture appears by itself."""
    words = journey.words
    below_k = journey.start_of("ws.below_k")
    for page in (screen, room):
        expect(page.get_by_text(below_k, exact=False).first).to_be_visible()
        assert page.get_by_text(words("ws.where_to_start")).count() == 0
    journey.step(room, "7-presenter-below-k")

    others_answer(rt, code, journey.language, 3, value=2)
    for page in (screen, room):  # no reload: both screens refresh by themselves
        expect(page.get_by_text(words("ws.where_to_start"))).to_be_visible(timeout=BY_ITSELF_MS)
    room.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 5")
    journey.step(room, "8-presenter-picture")
    journey.step(screen, "8-facilitator-picture")


def second_round(rt, screen, room, typed, linked, journey: Journey, code: str) -> None:
    """A second round after the discussion: the phone waiting on the join page and the phone left on its results
    page both learn of it by themselves; the screens compare the rounds once the second has k answers."""
    words = journey.words
    typed.get_by_role("link", name=words("join.back")).click()  # from its result back to the workshop
    expect(typed.get_by_text(journey.start_of("join.waiting"), exact=False)).to_be_visible()
    journey.step(typed, "9-phone-waiting")
    expect(linked.get_by_text(journey.start_of("join.watching"), exact=False)).to_be_visible()
    journey.step(linked, "9-phone-results-watching")

    click(screen, "ws-round-2")
    expect(screen.get_by_role("heading", name=words("ws.round_heading", round=2))).to_be_visible()
    expect(typed.get_by_role("button", name=words("join.round_two"))).to_be_visible(timeout=BY_ITSELF_MS)
    expect(linked.get_by_text(words("join.new_round", round=2)).first).to_be_visible(timeout=BY_ITSELF_MS)
    journey.step(typed, "10-phone-round-two")
    journey.step(linked, "10-phone-results-new-round")
    expect(room.get_by_role("heading", name=words("ws.round_heading", round=2))).to_be_visible(timeout=BY_ITSELF_MS)

    # The phone starts round two; its answers are then sent as its pages send them (the first round was answered
    # in the browser).
    click(typed, "join-start")
    typed.wait_for_url(re.compile(r"draft="))
    expect(typed.locator('[class*="st-key-item-"]').first).to_be_visible()
    [draft_token] = parse_qs(urlsplit(typed.url).query)["draft"]
    form = questionnaire.load_draft(rt, draft_token).instrument
    questionnaire.save_answers(rt, token=draft_token, step=0, answers=dict.fromkeys(form.required_ids, 3))
    questionnaire.submit(rt, token=draft_token)
    others_answer(rt, code, journey.language, 4, value=5)
    comparison = words("workshop_report.comparison.title")
    for page in (screen, room):
        expect(page.get_by_text(comparison).first).to_be_visible(timeout=BY_ITSELF_MS)
    room.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 11")
    journey.step(room, "11-presenter-rounds")
    # the export holds the pictures the screens show: the first 5 answers of each round
    answers = exported_rounds(screen, journey)
    round_column = journey.words("workshop_report.csv.col.round")
    assert [r[round_column] for r in answers] == ["1", "2"]
    assert all("5" in r.values() for r in answers)
