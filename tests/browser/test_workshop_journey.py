"""A workshop in real browsers: the facilitator creates a session on the big screen, two phones join
(one by typing the code, one by the QR link, which it opens twice), answer and see their own result; the
screen stays blank below k and the group's picture appears by itself at k; the CSV export holds what
was shown; then a second round, one phone noticing it by itself, is compared with the first on the screen
and in the export."""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import expect

from services.accounts import auth, management
from services.respond import questionnaire, workshop_join
from services.runtime import build_runtime
from services.workshop import hosting
from tests.browser.conftest import REPO_ROOT, wait_for_streamlit
from tests.browser.steps import answer_every_step, click, screenshot_on_failure

PASSWORD = "correct horse battery"


def fill(page, key: str, value: str) -> None:
    box = page.locator(f".st-key-{key} input, .st-key-{key} textarea").first
    box.fill(value)
    box.press("Tab")


def answer_on_phone(phone) -> None:
    click(phone, "join-start")
    phone.wait_for_url(re.compile(r"draft="))
    expect(phone.get_by_text("Step 1 of", exact=False)).to_be_visible()
    wait_for_streamlit(phone)
    answer_every_step(phone, lambda _item: 3)
    expect(phone.get_by_text("Your value match", exact=True)).to_be_visible()


def test_a_workshop_from_code_to_picture(browser, start_app_server, monkeypatch):
    server = start_app_server(REPO_ROOT / "app.py")
    monkeypatch.setenv("DATABASE_URL", server.database_url)
    rt = build_runtime()
    admin = auth.create_first_admin(rt, "anna", PASSWORD)
    from db import organisations as db_organisations

    with rt.sessions.begin() as session:
        organisation_id = db_organisations.create_organisation(session, name="Zorg Noord").id
    management.create_account(
        rt, admin, role="facilitator", username="fien", password=PASSWORD, scope={organisation_id: None}
    )

    screen_context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    with screenshot_on_failure(screen_context, "workshop-screen"):
        screen = screen_context.new_page()
        screen.goto(f"{server.url}/login?lang=en")
        wait_for_streamlit(screen)
        fill(screen, "staff-login-username", "fien")
        fill(screen, "staff-login-password", PASSWORD)
        click(screen, "staff-login-submit")
        expect(screen.get_by_role("heading", name="Workshops")).to_be_visible()
        fill(screen, "ws-title", "Team West workshop")
        fill(screen, "ws-intervention", "Online CBT module")
        screen.get_by_role("button", name="Create session").click()
        wait_for_streamlit(screen)
        code = screen.locator(".vm-join-code").inner_text().strip()
        assert re.fullmatch(r"[ACDEFGHJKMNPQRTUVWXY34679]{6}", code)
        click(screen, "ws-results-show")

        phones = []
        for how in ("typed", "qr"):
            phone_context = browser.new_context(viewport={"width": 390, "height": 844})
            phone = phone_context.new_page()
            if how == "typed":
                phone.goto(f"{server.url}/join?lang=en")
                wait_for_streamlit(phone)
                fill(phone, "join-code", code.lower())
                phone.get_by_role("button", name="Join", exact=True).click()
                wait_for_streamlit(phone)
            else:
                phone.goto(f"{server.url}/?join={code}")
                wait_for_streamlit(phone)
                again = phone_context.new_page()  # the same phone opens the link twice
                again.goto(f"{server.url}/?join={code}")
                wait_for_streamlit(again)
                again.close()
            expect(phone.get_by_text("You joined", exact=False)).to_be_visible()
            answer_on_phone(phone)
            phones.append(phone_context)

        info = hosting.list_workshops(rt, auth.login(rt, "fien", PASSWORD, "t").account)[0]
        assert info.joined == 2 and info.submitted_now == 2
        expect(screen.get_by_text("appears once at least 5 people have answered", exact=False)).to_be_visible()
        assert screen.get_by_text("Where to start the conversation").count() == 0

        for n in range(3):  # three more colleagues answer (the calls the phone's pages make)
            joined = workshop_join.join(rt, code, f"journey-device-key-{n:04d}", f"c{n}")
            draft = questionnaire.load_draft(rt, joined.draft_token)
            questionnaire.save_answers(
                rt, token=joined.draft_token, step=0, answers={i: 2 for i in draft.instrument.required_ids}
            )
            questionnaire.submit(rt, token=joined.draft_token)
        # no reload: the screen refreshes by itself
        expect(screen.get_by_text("Where to start the conversation")).to_be_visible(timeout=15_000)
        with screen.expect_download() as download:
            screen.locator(".st-key-ws-export-csv button").click()
        rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read())))
        # the export holds the picture the screen shows: the 5 answers of round 1
        answers = [r for r in rows if r["What"] == "Answers in the round"]
        assert [r["Round"] for r in answers] == ["1"] and "5" in answers[0].values()

        # second round, after the discussion: the waiting phone notices it by itself
        phone = phones[0].pages[0]
        phone.goto(f"{server.url}/?join={code}")
        expect(phone.get_by_text("This page updates by itself", exact=False)).to_be_visible()
        click(screen, "ws-round-2")
        expect(screen.get_by_role("heading", name="Round 2")).to_be_visible()
        expect(phone.get_by_role("button", name="Answer again (second round)")).to_be_visible(timeout=15_000)
        answer_on_phone(phone)
        for n in range(4):
            joined = workshop_join.join(rt, code, f"journey-device-key-{n:04d}", f"c{n}")
            draft = questionnaire.load_draft(rt, joined.draft_token)
            questionnaire.save_answers(
                rt, token=joined.draft_token, step=0, answers={i: 5 for i in draft.instrument.required_ids}
            )
            questionnaire.submit(rt, token=joined.draft_token)
        expect(screen.get_by_text("How the picture changed between the rounds").first).to_be_visible(timeout=15_000)
        with screen.expect_download() as download:
            screen.locator(".st-key-ws-export-csv button").click()
        rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read())))
        answers = [r for r in rows if r["What"] == "Answers in the round"]
        assert [r["Round"] for r in answers] == ["1", "2"]
        assert all("5" in r.values() for r in answers)
        for phone_context in phones:
            phone_context.close()
