"""When the dashboard is fully drawn, timed in the page from a click (the rules: benchmarks/dashboard_browser.py)."""

from __future__ import annotations

from dataclasses import dataclass

SETTLE_MS = 500  # the page must stay drawn this long, or a later rerun counts
WARM_STILL_MS = 2000  # warm-up: the page stood still this long, then its charts and tables are counted
TIMEOUT_MS = 180_000
START_MS = 10_000  # a click that starts no script run in this time was ignored: clicked again
CLICK_TRIES = 3

# Before a click: note the time of the next pointerdown and every script run that starts after it.
_WATCH = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const w = window.__vmDash = {down: null, runs: 0, ended: null};
  document.addEventListener('pointerdown', () => { if (w.down === null) w.down = performance.now(); },
                            {capture: true, once: true});
  if (window.__vmDashObserver) window.__vmDashObserver.disconnect();
  // From the records, not the attribute now: a quick run can go and come back before the callback runs.
  window.__vmDashObserver = new MutationObserver(records => {
    const state = app.getAttribute('data-test-script-state');
    records.forEach((record, i) => {   // a record's new value is the next one's old value
      const value = i + 1 < records.length ? records[i + 1].oldValue : state;
      if (value === 'running' && record.oldValue !== 'running') w.runs += 1;
    });
    if (w.runs > 0 && state === 'notRunning') w.ended = performance.now();
  });
  window.__vmDashObserver.observe(app, {attributes: true, attributeOldValue: true,
                                       attributeFilter: ['data-test-script-state']});
}"""

# Resolves with {ms, script, runs, charts, tables} once the page is fully drawn (dashboard_browser.py's docstring) and has
# stayed so for `settle` ms; `expected` (null in the warm-up) is {charts, tables} the drawn page must hold.
# `heading` (null but for a tab): the open tab panel must show it. Resolves with null when neither a
# script run started nor the heading showed within `startTimeout` ms (the click was ignored).
_DRAWN = """([expected, settle, timeout, startTimeout, heading]) => new Promise((resolve, reject) => {
  const w = window.__vmDash;
  let since = null, runsThen = -1;
  const began = performance.now();
  const look = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    const tables = document.querySelectorAll('[data-testid="stDataFrame"]').length;
    const checks = {
      clicked: w.down !== null && (w.runs > 0 || heading !== null),
      content: heading === null || [...document.querySelectorAll('[role="tabpanel"] h3')]
        .some(h => h.textContent.includes(heading)),
      ran: app !== null && app.getAttribute('data-test-script-state') === 'notRunning',
      idle: !document.querySelector('[data-testid="stStatusWidgetRunningIcon"]'),
      fresh: !document.querySelector('[data-stale="true"]'),
      loaded: !document.querySelector('[data-testid="stSkeleton"]'),
      page: document.querySelector('.st-key-dash-team') !== null,
      svg: charts.every(c => c.querySelector('.main-svg') !== null),
      counted: expected === null || (charts.length === expected.charts && tables === expected.tables)};
    const drawn = Object.values(checks).every(Boolean);
    const now = performance.now();
    if (!drawn) since = null;
    else if (since === null || w.runs !== runsThen) since = now;   // a new run: its drawing counts
    runsThen = w.runs;
    if (since !== null && now - since >= settle)
      resolve({ms: since - w.down, script: (w.ended === null ? since : w.ended) - w.down, runs: w.runs,
               charts: charts.length, tables: tables});
    else if (w.runs === 0 && !checks.content && now - began > startTimeout)
      resolve(null);   // the click started no run: ignored by the app
    else if (now - began > timeout)
      reject(new Error(`not drawn after ${timeout} ms: ${charts.length} charts, ${tables} tables, `
                       + `expected ${JSON.stringify(expected)}, ${w.runs} runs, ${JSON.stringify(checks)}`));
    else setTimeout(look, 20);
  };
  look();
})"""


@dataclass(frozen=True)
class Drawn:
    seconds: float  # pointerdown to fully drawn
    script_seconds: float  # pointerdown to the end of the last script run (the server's part, the transport)
    counts: tuple[int, int]  # charts and tables on the drawn page
    runs: int  # script runs the action started
    ignored: int = 0  # clicks the app ignored (no run started) before this one


def wait_idle(page) -> None:
    app = '[data-testid="stApp"]'
    page.wait_for_selector(f'{app}[data-test-connection-state="CONNECTED"]', state="attached", timeout=TIMEOUT_MS)
    page.wait_for_timeout(250)
    page.wait_for_selector(f'{app}[data-test-script-state="notRunning"]', state="attached", timeout=TIMEOUT_MS)


def timed_click(page, click, expected: tuple[int, int] | None, heading: str | None = None) -> Drawn:
    """`click(watch)` does the action, calling `watch()` just before its last click; timed from that click
    until fully drawn (dashboard_browser.py's docstring; `expected` None: the warm-up). A click the app ignores (no run
    starts within START_MS, seen on a loaded machine) is done again, as a person would, and counted."""
    wanted = None if expected is None else {"charts": expected[0], "tables": expected[1]}
    settle = WARM_STILL_MS if expected is None else SETTLE_MS
    for ignored in range(CLICK_TRIES):
        click(lambda: page.evaluate(_WATCH))
        found = page.evaluate(_DRAWN, [wanted, settle, TIMEOUT_MS, START_MS, heading])
        if found is not None:
            counts = (found["charts"], found["tables"])
            return Drawn(found["ms"] / 1000, found["script"] / 1000, counts, found["runs"], ignored)
    raise RuntimeError(f"the app ignored the click {CLICK_TRIES} times")
