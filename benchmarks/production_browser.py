"""The real app in a real browser: memory per extra browser session, and cold start to the first page.

`streamlit run app.py` on a free loopback port with its own SQLite file, driven by headless Chromium
(Playwright, /usr/bin/chromium with the browser tests' arguments). The server's memory is its resident
set size from /proc/<pid>/status (VmRSS), so no extra package is needed.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from benchmarks.production_data import log, runtime_for
from benchmarks.timing import Row, Summary
from scripts import local_servers

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TEXT = "How well does your organisation's adoption of technology match your values?"
RESULTS_TEXT = "Your value match"
FIRST_PAGE_TIMEOUT = 120.0  # seconds
SETTLE_SECONDS = 3.0  # after the last page rendered, before reading the server's memory
DEMO_RESPONSES = 2000


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


@contextmanager
def app_server(database_url: str, log_path: Path):
    """`streamlit run app.py` in its own process group; yields (process, url, started at perf_counter)."""
    port = local_servers.free_port()
    began = time.perf_counter()
    process = local_servers.start_streamlit(
        ROOT / "app.py", port, env={**os.environ, "DATABASE_URL": database_url}, cwd=ROOT, log_path=log_path
    )
    try:
        yield process, f"http://127.0.0.1:{port}", began
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        raise RuntimeError(f"{CHROMIUM} not found (apt-get install chromium)")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


def _open_when_up(browser, url: str, text: str, deadline: float):
    """A new browser session on `url`, retried until the server answers; returns it once `text` shows."""
    from playwright.sync_api import Error

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    while True:
        try:
            page.goto(f"{url}/?lang=en", wait_until="commit", timeout=5000)
            break
        except Error:
            if time.perf_counter() > deadline:
                raise
            time.sleep(0.05)
    page.get_by_text(text, exact=True).first.wait_for(
        state="visible", timeout=max(1.0, deadline - time.perf_counter()) * 1000
    )
    return context, page


def _open_results(browser, url: str, resume_code: str):
    """A session that opens its results through the resume code (one result: straight to the results)."""
    context, page = _open_when_up(browser, url, START_TEXT, time.perf_counter() + FIRST_PAGE_TIMEOUT)
    page.locator(".st-key-resume-code input").fill(resume_code)
    page.get_by_role("button", name="Open").click()
    page.get_by_text(RESULTS_TEXT, exact=True).first.wait_for(state="visible", timeout=60_000)
    page.locator(".st-key-chart-themes_radar").wait_for(state="visible", timeout=60_000)
    return context


def _personal_result(url: str) -> str:
    """One submitted assessment with a resume code (its results page is what the sessions open)."""
    from benchmarks.run import answer_sets
    from services.respond import questionnaire

    rt = runtime_for(url)
    try:
        started = questionnaire.start_assessment(rt, language="en", intervention="Online CBT module", role=None)
        questionnaire.save_answers(rt, token=started.draft_token, answers=answer_sets(rt.instrument, 1)[0], step=0)
        questionnaire.submit(rt, token=started.draft_token)
        return started.resume_code
    finally:
        rt.engine.dispose()


def memory_rows(folder: Path, *, extra_sessions: int) -> list[Row]:
    """The server's RSS after one session, then after `extra_sessions` more: MB per extra session."""
    from benchmarks.production_data import build

    url = f"sqlite:///{folder / 'memory.db'}"
    build(url, DEMO_RESPONSES)
    resume_code = _personal_result(url)
    rows = []
    with chromium() as browser:
        for label, open_one in (
            (
                "start page",
                lambda u: _open_when_up(browser, u, START_TEXT, time.perf_counter() + FIRST_PAGE_TIMEOUT)[0],
            ),
            ("results page (every chart)", lambda u: _open_results(browser, u, resume_code)),
        ):
            log(f"memory per session: {label} ...")
            with app_server(url, folder / "memory-server.log") as (process, address, _began):
                sessions = [open_one(address)]
                time.sleep(SETTLE_SECONDS)
                one = rss_mb(process.pid)
                sessions += [open_one(address) for _ in range(extra_sessions)]
                time.sleep(SETTLE_SECONDS)
                more = rss_mb(process.pid)
                for context in sessions:
                    context.close()
            per_session = (more - one) / extra_sessions
            rows.append(
                Row(
                    f"memory per extra browser session, {label} (server RSS {one:.0f} MB with 1 session, "
                    f"{more:.0f} MB with {1 + extra_sessions})",
                    Summary((per_session,)),
                    unit="MB",
                )
            )
    return rows


def cold_start_rows(folder: Path, *, runs: int) -> list[Row]:
    """From starting `streamlit run app.py` to the start page shown in Chromium: on a database that does not
    exist yet (created and migrated on the first page) and on an existing one."""
    rows = []
    with chromium() as browser:
        existing = f"sqlite:///{folder / 'cold-existing.db'}"
        for label, database in (
            (
                "empty database (includes creating and migrating it)",
                lambda n: f"sqlite:///{folder / f'cold-empty-{n}.db'}",
            ),
            ("existing database", lambda n: existing),
        ):
            samples = []
            for number in range(runs + (1 if database(0) == existing else 0)):
                with app_server(database(number), folder / "cold-server.log") as (_process, address, began):
                    context, _page = _open_when_up(browser, address, START_TEXT, began + FIRST_PAGE_TIMEOUT)
                    seconds = time.perf_counter() - began
                    context.close()
                if database(0) == existing and number == 0:
                    continue  # the first run created the existing database
                samples.append(seconds)
            log(f"cold start, {label}: median {statistics.median(samples):.2f} s")
            rows.append(Row(f"cold start to first page, {label}", Summary(tuple(samples))))
    return rows
