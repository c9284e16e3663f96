"""Answering in the real browser: click to rendered for one statement, and submit to the results fully drawn.

    python benchmarks/answer_click.py [--runs 3]

`streamlit run app.py` on a free loopback port with a fresh SQLite file in a temporary folder, driven by
headless Chromium (Playwright, /usr/bin/chromium). Each run opens a new draft and answers every statement
with a real mouse click, then submits. Times are taken inside the page (performance.now), from the
click's pointerdown to:

- *option shown chosen*: the clicked radio is checked (what the person sees at once);
- *answer saved and page redrawn*: the rerun the click starts (saving the answer) has finished and the
  next frame is painted; the first two clicks of every run are warm-up and not counted;
- *submit to the results page's first chart frame*: the submit's runs (saving, switching to the results
  page, building its charts) have reached the browser;
- *submit to results fully drawn*: the results page is shown with every chart drawn (no placeholder
  left) and its script run finished.

Targets (issue 15): p95 of a click under 300 ms, submit under 1.5 s. Prints one markdown table.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.production_browser import app_server, chromium
from benchmarks.production_data import log, runtime_for
from benchmarks.timing import Row, Summary, markdown_table

WARMUP_CLICKS = 2
CLICK_TARGET = 0.300
SUBMIT_TARGET = 1.5

# Before a click: note the time of the next pointerdown, and of the script run that follows it.
_WATCH = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const w = window.__vmClick = {down: null, running: false, done: null};
  document.addEventListener('pointerdown', () => { if (w.down === null) w.down = performance.now(); },
                            {capture: true, once: true});
  if (window.__vmObserver) window.__vmObserver.disconnect();
  window.__vmObserver = new MutationObserver(() => {
    const state = app.getAttribute('data-test-script-state');
    if (state === 'running') w.running = true;
    else if (w.running && state === 'notRunning' && w.done === null)
      requestAnimationFrame(() => { w.done = performance.now(); });
  });
  window.__vmObserver.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""

# Milliseconds from the pointerdown until the radio `selector` is checked (polled every frame).
_CHECKED = """selector => new Promise(resolve => {
  const look = () => { const input = document.querySelector(selector);
    if (input && input.checked) resolve(performance.now() - window.__vmClick.down);
    else requestAnimationFrame(look); };
  look();
})"""

_RERUN_DONE = "() => window.__vmClick.done !== null"
_RERUN_MS = "() => window.__vmClick.done - window.__vmClick.down"

# Milliseconds from the pointerdown until the results page shows its first chart's frame (the script has
# sent the page) and until every chart is drawn and its run ended: [first, drawn].
_RESULTS_DRAWN = """() => new Promise(resolve => {
  let first = null;
  const look = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (first === null && document.querySelector('[class*="st-key-chart-"]'))
      first = performance.now() - window.__vmClick.down;
    const charts = document.querySelectorAll('[class*="st-key-chart-"]');
    const drawn = charts.length >= 4 && [...charts].every(c => c.querySelector('.js-plotly-plot .main-svg'));
    if (drawn && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stSkeleton"]'))
      resolve([first, performance.now() - window.__vmClick.down]);
    else requestAnimationFrame(look);
  };
  look();
})"""


def new_draft(database_url: str) -> str:
    from services.respond import questionnaire

    rt = runtime_for(database_url)
    try:
        return questionnaire.start_assessment(
            rt, language="en", intervention="Online CBT module", role=None
        ).draft_token
    finally:
        rt.engine.dispose()


def wait_idle(page) -> None:
    app = '[data-testid="stApp"]'
    page.wait_for_selector(f'{app}[data-test-connection-state="CONNECTED"]', state="attached", timeout=60_000)
    page.wait_for_timeout(250)
    page.wait_for_selector(f'{app}[data-test-script-state="notRunning"]', state="attached", timeout=60_000)


def item_ids(page) -> list[str]:
    names = page.locator('[class*="st-key-item-"]').evaluate_all("els => els.map(e => e.className)")
    return [next(c[len("st-key-item-") :] for c in n.split() if c.startswith("st-key-item-")) for n in names]


def answer_one(page, item: str, option: int) -> tuple[float, float]:
    """Click an option; (ms to shown chosen, ms to saved and redrawn)."""
    page.evaluate(_WATCH)
    page.locator(f".st-key-item-{item} [role='radiogroup'] label").nth(option).click()
    shown = page.evaluate(_CHECKED, f".st-key-item-{item} [role='radiogroup'] input[value='{option}']")
    page.wait_for_function(_RERUN_DONE, timeout=60_000)
    return shown, page.evaluate(_RERUN_MS)


def one_run(
    browser,
    url: str,
    database_url: str,
    shown: list[float],
    saved: list[float],
    pages: list[float],
    submits: list[float],
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    try:
        page = context.new_page()
        page.goto(f"{url}/assessment?lang=en&draft={new_draft(database_url)}")
        page.locator('[class*="st-key-item-"]').first.wait_for(timeout=60_000)
        wait_idle(page)
        clicks = 0
        while True:
            for number, item in enumerate(item_ids(page)):
                times = answer_one(page, item, (number % 4) + 1)
                clicks += 1
                if clicks > WARMUP_CLICKS:
                    shown.append(times[0] / 1000)
                    saved.append(times[1] / 1000)
            wait_idle(page)
            if page.locator(".st-key-submit-assessment").count():
                page.evaluate(_WATCH)
                page.locator(".st-key-submit-assessment button").click()
                first, drawn = page.evaluate(_RESULTS_DRAWN)
                pages.append(first / 1000)
                submits.append(drawn / 1000)
                return
            before = item_ids(page)
            page.locator('[class*="st-key-step-next-"] button').first.click()
            page.wait_for_function(
                """old => { const el = document.querySelector('[class*="st-key-item-"]');
                return el && !old.some(id => el.classList.contains('st-key-item-' + id)); }""",
                arg=before,
                timeout=60_000,
            )
            wait_idle(page)
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="questionnaires answered and submitted (default 3)")
    runs = parser.parse_args().runs
    shown: list[float] = []
    saved: list[float] = []
    pages: list[float] = []
    submits: list[float] = []
    with tempfile.TemporaryDirectory(prefix="vm-answer-click-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        runtime_for(url).engine.dispose()  # created and migrated before the server starts
        with app_server(url, Path(folder) / "server.log") as (_process, address, _began), chromium() as browser:
            for run in range(runs):
                log(f"run {run + 1} of {runs} ...")
                one_run(browser, address, url, shown, saved, pages, submits)
    rows = [
        Row("click to option shown chosen", Summary(tuple(shown)), target=CLICK_TARGET, target_on="tail"),
        Row("click to answer saved and page redrawn", Summary(tuple(saved)), target=CLICK_TARGET, target_on="tail"),
        Row(
            "submit to the results page's first chart frame (script done, charts still drawing)", Summary(tuple(pages))
        ),
        Row("submit to results fully drawn", Summary(tuple(submits)), target=SUBMIT_TARGET),
    ]
    print(markdown_table(rows))


if __name__ == "__main__":
    main()
