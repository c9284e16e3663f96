"""The manager's dashboard in the real browser: sign-in to a fully drawn dashboard, a filter change to fully drawn.

    python benchmarks/dashboard_browser.py                        # SQLite and PostgreSQL, 100,000 responses
    python benchmarks/dashboard_browser.py --backends sqlite --runs 3
    python benchmarks/dashboard_browser.py --keep /tmp/vm-dash    # keep the databases for the next run

Per backend: one database with the demo organisation (`create_demo_organisation`, seed 11, as the
production benchmark builds it), a manager of that organisation, and a manager of an organisation with two
teams and no rounds (the baseline). `streamlit run app.py` on a free loopback port, driven by headless
Chromium (Playwright, /usr/bin/chromium). Timed inside the page (performance.now) from the click's
pointerdown until the page is *fully drawn*:

- the script run the click started has finished (`data-test-script-state` back at notRunning, no running
  indicator in the status widget, no stale element left from the run before);
- no Streamlit placeholder (`stSkeleton`, shown while Plotly's JavaScript loads) is left;
- every Plotly chart on the page has its SVG (`.main-svg`), and the page holds as many charts and tables
  (`stDataFrame`, drawn or in a closed "Show as table") as the same state held in the untimed warm-up,
  where the page was first left to stand still for 2 s;
- and it stays so for 0.5 s (a rerun starting in that time restarts the wait, so a second run counts).

Each run, for the manager of the empty organisation and then for the demo organisation's manager:
*sign-in, first visit*: in a new browser context (an empty cache: Plotly's JavaScript, 4.7 MB, is fetched
and compiled afresh); *sign-in, returning*: in one context kept over the runs with its cookies cleared (a
new session, signed out, with the browser's cache warm, as for a manager signing in every day); then in
that session *filter change*: a fixed cycle of five team and intervention choices; *detail tab chosen*:
the dashboard's detail tabs in turn (skipped when the page has none). One untimed warm-up run first.
Before each sign-in one team's size changes by one, so the server keeps nothing of the organisation from
before (services.dashboard.view.ContextReuse), as at a manager's first sign-in of the day; the filter
changes and tabs then use what the sign-in read, as they do in use.
Baseline, same run and server: the same actions by the empty organisation's manager, the same page with
no chart or table to draw. Targets (issue 17): sign-in under 2 s, a filter change under 1 s (medians).
A row "until the last script run ended" splits the server's part (and the transport) from the drawing.
Prints one markdown table (progress on stderr).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.dashboard_drawn import TIMEOUT_MS, Drawn, timed_click, wait_idle
from benchmarks.production_browser import app_server, chromium
from benchmarks.production_data import Backends, log, runtime_for
from benchmarks.timing import Row, Summary, markdown_table

RESPONSES = 100_000
SIGN_IN_TARGET = 2.0
CHANGE_TARGET = 1.0
PASSWORD = "a long benchmark password"
MANAGER, EMPTY_MANAGER = "bench-manager", "bench-empty-manager"
EMPTY_ORGANISATION, EMPTY_TEAMS = "Benchmark organisation without rounds", ("Team one", "Team two")
VIEWPORT = {"width": 1280, "height": 900}
# (filter key, option) in turn; the cycle ends where it began (all teams, all interventions).
CHANGES = (
    ("dash-team", "Ambulant team Noord"),
    ("dash-intervention", "Online CBT module"),
    ("dash-team", "Kliniek Het Baken"),
    ("dash-intervention", "All interventions"),
    ("dash-team", "All teams"),
)
EMPTY_CHANGES = (("dash-team", EMPTY_TEAMS[0]), ("dash-team", "All teams"))
# Then the detail tabs in turn, ending on the first.
TABS = ("Statements", "Over time", "Teams")
# A tab's content is there once its heading is (a run of a tab can be too quick to show as running).
TAB_HEADINGS = {
    "Statements": "How each statement was answered",
    "Over time": "Trends across rounds",
    "Teams": "Teams and themes",
}
FIRST, RETURNING, CHANGE, TAB = "sign-in, first visit", "sign-in, returning", "filter change", "detail tab chosen"


@dataclass
class Measured:
    """Per action (FIRST, RETURNING, CHANGE, TAB): what each timed one took; and each state's counts."""

    drawn: dict[str, list[Drawn]] = field(default_factory=lambda: defaultdict(list))
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # state -> (charts, tables), from the warm-up

    def summary(self, action: str, script: bool = False) -> Summary | None:
        found = self.drawn.get(action)
        return Summary(tuple(d.script_seconds if script else d.seconds for d in found)) if found else None


def prepare_accounts(url: str, organisation_id: int) -> int:
    """The manager of the demo organisation and, for the baseline, of an organisation without rounds (its id)."""
    from services.accounts import auth, management
    from services.accounts.management import UsernameTaken
    from services.admin import organisations
    from services.errors import AdminExists

    rt = runtime_for(url)
    try:
        try:
            admin = auth.create_first_admin(rt, "bench-admin", PASSWORD)
        except AdminExists:
            admin = auth.login(rt, "bench-admin", PASSWORD, "benchmark").account
        existing = {o.name: o.id for o in organisations.list_organisations(rt, admin)}
        empty_id = existing.get(EMPTY_ORGANISATION)
        if empty_id is None:
            empty_id = organisations.create_organisation(rt, admin, name=EMPTY_ORGANISATION).id
            for team in EMPTY_TEAMS:
                organisations.create_team(rt, admin, empty_id, name=team, size=10)
        for username, org in ((MANAGER, organisation_id), (EMPTY_MANAGER, empty_id)):
            with contextlib.suppress(UsernameTaken):
                management.create_account(
                    rt, admin, role="manager", username=username, password=PASSWORD, scope={org: None}
                )
        return empty_id
    finally:
        rt.engine.dispose()


def nothing_kept(rt, organisation_id: int) -> None:
    """Change one team's size by one (back and forth): the server reads and decides the organisation again at
    the next sign-in (services.dashboard.view.ContextReuse keeps nothing it rests on changed), as on a
    manager's first sign-in of the day."""
    from sqlalchemy import select

    from db.org_models import Team

    with rt.sessions.begin() as session:
        team = session.scalars(select(Team).where(Team.organisation_id == organisation_id).order_by(Team.id)).first()
        size = team.size or 10
        team.size = size + 1 if size % 2 == 0 else size - 1


def sign_in(page, url: str, username: str, expected: tuple[int, int] | None) -> Drawn:
    """Open the sign-in page (a new session), sign in, until the dashboard is fully drawn."""
    page.goto(f"{url}/login?lang=en")
    page.locator(".st-key-staff-login-username input").wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)

    def click(watch) -> None:
        page.locator(".st-key-staff-login-username input").fill(username)
        page.locator(".st-key-staff-login-password input").fill(PASSWORD)
        watch()
        page.locator(".st-key-staff-login-submit button").click()

    return timed_click(page, click, expected)


def change_filter(page, key: str, option: str, expected: tuple[int, int] | None) -> Drawn:
    def click(watch) -> None:
        page.locator(f".st-key-{key} input").first.click()
        choice = page.get_by_role("option", name=option, exact=True)
        choice.wait_for(timeout=TIMEOUT_MS)
        watch()
        choice.click()

    return timed_click(page, click, expected)


def choose_tab(page, label: str, expected: tuple[int, int] | None) -> Drawn | None:
    """Choose a detail tab; None when the page has no such tab."""
    tab = page.get_by_role("tab", name=label, exact=True)
    if not tab.count():
        return None

    def click(watch) -> None:
        watch()
        tab.click()

    return timed_click(page, click, expected, TAB_HEADINGS[label])


def one_run(
    browser, kept_context, url: str, username: str, changes, measured: Measured, *, warm: bool, before_sign_in
) -> None:
    """First visit, returning sign-in, the filter cycle and the tabs; the warm-up (`warm`) learns the counts.
    `before_sign_in()` is called before each sign-in."""

    def note(action: str, state: str, done: Drawn | None) -> None:
        if done is None:
            return
        if warm:
            measured.counts[state] = done.counts
        else:
            measured.drawn[action].append(done)

    def expected(state: str) -> tuple[int, int] | None:
        return None if warm else measured.counts.get(state)

    fresh = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    before_sign_in()
    try:
        note(FIRST, "start", sign_in(fresh.new_page(), url, username, expected("start")))
    finally:
        fresh.close()
    kept_context.clear_cookies()
    page = kept_context.new_page()
    before_sign_in()
    try:
        note(RETURNING, "start", sign_in(page, url, username, expected("start")))
        for key, option in changes:
            note(CHANGE, f"{key}={option}", change_filter(page, key, option, expected(f"{key}={option}")))
        for label in TABS:
            note(TAB, f"tab={label}", choose_tab(page, label, expected(f"tab={label}")))
    finally:
        page.close()


def backend_rows(backends: Backends, backend: str, responses: int, runs: int, folder: Path) -> list[Row]:
    built = backends.responses(backend, responses)
    empty_id = prepare_accounts(built.url, built.organisation_id)
    log(f"{backend}: starting the app and Chromium ...")
    empty, full = Measured(), Measured()
    rt = runtime_for(built.url, migrate=False)
    try:
        with (
            app_server(built.url, folder / f"server-{backend}.log") as (_process, address, _began),
            chromium() as browser,
        ):
            kept = {name: browser.new_context(viewport=VIEWPORT, locale="en-GB") for name in (EMPTY_MANAGER, MANAGER)}
            # Each run measures both managers in turn, so a change in the machine's load touches both alike.
            for number in range(runs + 1):
                for username, organisation_id, changes, measured in (
                    (EMPTY_MANAGER, empty_id, EMPTY_CHANGES, empty),
                    (MANAGER, built.organisation_id, CHANGES, full),
                ):
                    one_run(
                        browser,
                        kept[username],
                        address,
                        username,
                        changes,
                        measured,
                        warm=number == 0,
                        before_sign_in=lambda org=organisation_id: nothing_kept(rt, org),
                    )
                log(f"  {backend}: {'warm-up' if number == 0 else f'run {number} of {runs}'} done")
    finally:
        rt.engine.dispose()
    log(f"{backend}: charts and tables per state: {full.counts}")
    charts, tables = full.counts["start"]
    baseline = "same page, organisation without rounds"
    size = f"{backend}, {responses:,} responses"
    rows = [
        Row(
            f"{FIRST} to dashboard fully drawn, {size} ({charts} charts, {tables} tables)",
            full.summary(FIRST),
            SIGN_IN_TARGET,
            empty.summary(FIRST),
            baseline,
        ),
        Row(
            f"{RETURNING} (browser cache warm) to dashboard fully drawn, {size}",
            full.summary(RETURNING),
            SIGN_IN_TARGET,
            empty.summary(RETURNING),
            baseline,
        ),
        Row(
            f"{CHANGE} to dashboard fully drawn, {size} ({len(CHANGES)} changes per run)",
            full.summary(CHANGE),
            CHANGE_TARGET,
            empty.summary(CHANGE),
            baseline,
        ),
        Row(
            f"{TAB} to fully drawn, {size} ({', '.join(TABS)} in turn)",
            full.summary(TAB),
            CHANGE_TARGET,
            empty.summary(TAB),
            baseline,
            note="" if full.summary(TAB) else "the page has no detail tabs",
        ),
    ]
    for action in (RETURNING, CHANGE):
        runs_seen = [d.runs for d in full.drawn[action]]
        rows.append(
            Row(
                f"{action}, until the last script run ended (server, transport), {size}",
                full.summary(action, script=True),
                None,
                empty.summary(action, script=True),
                baseline,
                note=f"script runs per action: {min(runs_seen)} to {max(runs_seen)}",
            )
        )
    ignored = sum(d.ignored for m in (empty, full) for found in m.drawn.values() for d in found)
    if ignored:
        log(f"{backend}: {ignored} click(s) ignored by the app and done again (timed from the last click)")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per manager (default %(default)s)")
    parser.add_argument("--backends", default="sqlite,postgresql", help="sqlite, postgresql or both (default both)")
    parser.add_argument("--responses", type=int, default=RESPONSES, help="demo responses (default %(default)s)")
    parser.add_argument("--keep", metavar="DIR", type=Path, help="keep the databases in DIR and use them next time")
    args = parser.parse_args()
    keep = args.keep is not None
    folder = args.keep.resolve() if keep else Path(tempfile.mkdtemp(prefix="vm-dash-browser-"))
    folder.mkdir(parents=True, exist_ok=True)
    backends = Backends(folder, keep=keep, postgres_url=os.environ.get("VM_BENCH_POSTGRES_URL"))
    rows: list[Row] = []
    try:
        for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
            rows += backend_rows(backends, backend, args.responses, args.runs, folder)
    finally:
        backends.close()
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(markdown_table(rows))


if __name__ == "__main__":
    main()
