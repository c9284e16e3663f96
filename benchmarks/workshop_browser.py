"""A workshop in the real browser: the facilitator's sign-in to the join code on the presenter view, and a
participant's join link to their own result with no thinking time (issue 17's figures).

    python benchmarks/workshop_browser.py            # 5 runs of each, SQLite
    python benchmarks/workshop_browser.py --runs 2   # a quicker look

One SQLite database, `streamlit run app.py` on a free loopback port, headless Chromium (Playwright,
`/usr/bin/chromium`), wall-clock from this script. *Facilitator*: a new browser context (nothing cached)
opens the sign-in page; timed from the sign-in click until the presenter view (`?session=ID&view=present`,
opened by its link as the facilitator does from the workshop page) shows the join code. Baseline, same run:
the sign-in click until the signed-in landing page has finished its run. *Participant*: a new phone-sized
context; timed from opening the join link (`/?join=CODE`) until their own result is drawn (every chart has
its SVG), choosing each statement's answer at once and moving on as soon as the page allows. Baseline, same
run: the join link until the join page is shown. One untimed warm-up run of each first.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.answer_click import item_ids
from benchmarks.production_browser import app_server, chromium
from benchmarks.production_data import log, runtime_for
from benchmarks.timing import Row, Summary, markdown_table

PASSWORD = "correct horse battery staple"
TIMEOUT_MS = 60_000
DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}
_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# Own result drawn: the heading is there, every chart has its SVG, no placeholder and no run going on.
_RESULT_DRAWN = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return app && app.getAttribute('data-test-script-state') === 'notRunning'
    && [...document.querySelectorAll('h1, h2')].some(h => h.textContent.includes('Your value match'))
    && charts.length > 0 && charts.every(c => c.querySelector('.main-svg'))
    && !document.querySelector('[data-testid="stSkeleton"]');
}"""


def prepare(url: str) -> tuple[int, str]:
    """A facilitator and an open workshop; (workshop id, join code)."""
    from db import organisations as db_organisations
    from services.accounts import auth, management
    from services.workshop import hosting

    rt = runtime_for(url)
    try:
        admin = auth.create_first_admin(rt, "admin", PASSWORD)
        with rt.sessions.begin() as session:
            organisation_id = db_organisations.create_organisation(session, name="Zorg Noord").id
        scope = {organisation_id: None}
        management.create_account(rt, admin, role="facilitator", username="fien", password=PASSWORD, scope=scope)
        fien = auth.login(rt, "fien", PASSWORD, "benchmark").account
        info = hosting.create_workshop(
            rt, fien, title="Team West", intervention="Online CBT module", form_id=None, language="en", min_group_size=5
        )
        return info.id, info.code
    finally:
        rt.engine.dispose()


def idle(page) -> None:
    page.wait_for_timeout(150)  # a run the last action started may not have begun yet
    page.wait_for_selector(_IDLE, state="attached", timeout=TIMEOUT_MS)


def facilitator_run(browser, url: str, workshop_id: int) -> tuple[float, float]:
    """(sign-in click to the landing page idle, sign-in click to the code on the presenter view), seconds."""
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    try:
        page = context.new_page()
        page.goto(f"{url}/login?lang=en")
        page.locator(".st-key-staff-login-username input").wait_for(timeout=TIMEOUT_MS)
        idle(page)
        page.locator(".st-key-staff-login-username input").fill("fien")
        page.locator(".st-key-staff-login-password input").fill(PASSWORD)
        began = time.perf_counter()
        page.locator(".st-key-staff-login-submit button").click()
        page.wait_for_function("() => !document.querySelector('.st-key-staff-login-submit')", timeout=TIMEOUT_MS)
        idle(page)
        landed = time.perf_counter() - began
        page.goto(f"{url}/workshop?session={workshop_id}&view=present&lang=en")
        page.locator(".vm-join-code").wait_for(timeout=TIMEOUT_MS)
        return landed, time.perf_counter() - began
    finally:
        context.close()


def participant_run(browser, url: str, code: str) -> tuple[float, float]:
    """(join link to the join page shown, join link to own result drawn), seconds."""
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    try:
        page = context.new_page()
        began = time.perf_counter()
        page.goto(f"{url}/?join={code}&lang=en")
        page.locator(".st-key-join-start button").wait_for(timeout=TIMEOUT_MS)
        shown = time.perf_counter() - began
        idle(page)
        page.locator(".st-key-join-start button").click()
        page.locator('[class*="st-key-item-"]').first.wait_for(timeout=TIMEOUT_MS)
        while True:
            idle(page)
            for number, item in enumerate(item_ids(page)):
                option = page.locator(f".st-key-item-{item} [role='radiogroup'] label").nth(number % 5)
                option.click()
                chosen = page.locator(f".st-key-item-{item} [role='radiogroup'] input").nth(number % 5)
                chosen.wait_for(state="attached", timeout=TIMEOUT_MS)
                if not chosen.is_checked():  # a click lost to a rerun, as a person would see and redo
                    option.click()
            idle(page)
            if page.locator(".st-key-submit-assessment").count():
                page.locator(".st-key-submit-assessment button").click()
                page.wait_for_function(_RESULT_DRAWN, timeout=TIMEOUT_MS)
                return shown, time.perf_counter() - began
            before = item_ids(page)
            page.locator('[class*="st-key-step-next-"] button').first.click()
            page.wait_for_function(
                """old => { const el = document.querySelector('[class*="st-key-item-"]');
                return el && !old.some(id => el.classList.contains('st-key-item-' + id)); }""",
                arg=before,
                timeout=TIMEOUT_MS,
            )
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vm-bench-ws-") as folder:
        url = f"sqlite:///{folder}/bench.db"
        workshop_id, code = prepare(url)
        landed, presented, join_shown, result = [], [], [], []
        with app_server(url, Path(folder) / "server.log") as (_process, address, _began), chromium() as browser:
            for number in range(args.runs + 1):
                sign_in = facilitator_run(browser, address, workshop_id)
                joined = participant_run(browser, address, code)
                if number:
                    landed.append(sign_in[0])
                    presented.append(sign_in[1])
                    join_shown.append(joined[0])
                    result.append(joined[1])
                log(f"{'warm-up' if number == 0 else f'run {number} of {args.runs}'} done")
    rows = [
        Row(
            "facilitator: sign-in to the join code on the presenter view (new browser)",
            Summary(tuple(presented)),
            baseline=Summary(tuple(landed)),
            baseline_name="sign-in to the landing page",
        ),
        Row(
            "participant: join link to own result drawn, no thinking time (phone)",
            Summary(tuple(result)),
            baseline=Summary(tuple(join_shown)),
            baseline_name="join link to the join page shown",
        ),
    ]
    print(markdown_table(rows))


if __name__ == "__main__":
    main()
