"""The dashboard with an action plan of 200 actions over three years against the same dashboard with none, in the
same run: the Over time tab's server work (the view, the plan's timeline, the trend charts and "what changed",
drawn and serialised as the page sends them) and the PDF with its plan section.

`python benchmarks/dashboard_actions.py` prints one markdown table (progress on stderr). `--responses` sets the
size of the demo organisation (default 100,000, as the dashboard's own benchmark); `--runs` the samples per side.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.timing import Row, Summary, markdown_table, time_call

ACTIONS = 200
YEARS = 3
SEED = 11
TAB_TARGET = 1.0  # the dashboard's page data budget (benchmarks/dashboard.py), now with the plan read and drawn
MAX_RATIO = 1.5  # what 200 actions may add to the tab's work


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def make_plan(rt, account, organisation_id: int, now: datetime) -> None:
    """200 actions made over the last three years through the plan's own use case, on themes, elements and the
    intervention as a whole; some started and some done, some about teams, some about one intervention."""
    from db import organisations as db_organisations
    from services.actions import plan

    rng = Random(SEED)
    with rt.sessions.begin() as session:
        teams = [t.id for t in db_organisations.list_teams(session, organisation_id=organisation_id)]
        interventions = [
            i.id for i in db_organisations.list_organisation_interventions(session, organisation_id=organisation_id)
        ]
    targets = [f"theme:{d.id}" for d in rt.instrument.domains if d.side in ("match", "mismatch")]
    targets += [f"element:{n}" for n in rt.instrument.elements] + ["general"]
    for number in range(ACTIONS):
        made_at = now - timedelta(days=YEARS * 365) + timedelta(days=number * YEARS * 365 / ACTIONS)
        action = plan.create_action(
            rt,
            account,
            organisation_id,
            target=rng.choice(targets),
            kind=rng.choice(("act", "influence", "monitor")),
            description=f"Action {number + 1}: {rng.choice(('ask clients', 'protected time', 'adapt the workflow'))}",
            owner=rng.choice((None, "Team lead", "Board")),
            due_on=(made_at + timedelta(days=rng.randint(14, 180))).date() if rng.random() < 0.6 else None,
            team_ids=rng.sample(teams, rng.randint(1, 2)) if rng.random() < 0.3 else (),
            intervention_id=rng.choice(interventions) if rng.random() < 0.5 else None,
            now=made_at,
        )
        status = rng.choice(("planned", "doing", "done", "dropped"))
        if status != "planned":
            later = made_at + timedelta(days=rng.randint(1, 60))
            plan.change_status(rt, account, action.id, seen_version=1, status=status, now=min(later, now))


def move_plan(rt, source: int, target: int) -> None:
    """Hand the plan to another organisation (untimed): the same data, with and without its actions."""
    from sqlalchemy import update

    from db.action_models import ActionItem

    with rt.sessions.begin() as session:
        session.execute(update(ActionItem).where(ActionItem.organisation_id == source).values(organisation_id=target))


def over_time_tab(rt, account, filters, language: str = "en") -> int:
    """What the Over time tab makes on the server: the view, the plan's timeline, the trend charts and "what
    changed" on its first choice, as JSON. Returns the number of actions marked."""
    from services.actions import reading
    from services.dashboard import trend_charts
    from services.dashboard import what_changed as changed
    from services.dashboard.view import dashboard

    view = dashboard(rt, account, filters, language=language)
    actions = reading.dashboard_actions(rt, account, filters.organisation_id, language=language)
    charts = [trend_charts.trend_alignment(view, language), trend_charts.trend_themes(view, language)]
    charts.append(changed.what_changed(view, actions, changed.first_choice(view, actions), language))
    for chart in charts:
        chart.figure.to_json()
    return len(actions)


def pdf_with_plan(rt, account, filters, language: str = "en") -> None:
    from services.actions import reading
    from services.dashboard.files import export_dashboard
    from services.dashboard.view import dashboard

    view = dashboard(rt, account, filters, language=language)
    lines = reading.dashboard_plan(rt, account, filters.organisation_id, language=language)
    export_dashboard(rt, account, view, "pdf", plan=lines)


def rows(rt, responses: int, runs: int) -> list[Row]:
    from db import accounts as db_accounts
    from db import organisations as db_organisations
    from services.accounts.auth import account_view
    from services.dashboard.view import Filters
    from services.data_tools import demo_data

    log(f"demo-data: {responses:,} responses ...")
    demo = demo_data.create_demo_organisation(rt, responses=responses, seed=SEED, organisation="Benchmark organisation")
    with rt.sessions.begin() as session:
        admin = account_view(
            session, db_accounts.add_account(session, username="bench", password_hash=None, role="admin")
        )
        parking = db_organisations.create_organisation(session, name="Parking (no dashboard)").id
    log(f"the plan: {ACTIONS} actions over {YEARS} years ...")
    make_plan(rt, admin, demo.organisation_id, datetime.now(UTC))
    filters = Filters(demo.organisation_id)
    marked = over_time_tab(rt, admin, filters)  # warm-up, with the plan
    move_plan(rt, demo.organisation_id, parking)
    over_time_tab(rt, admin, filters)  # warm-up, without
    pdf_with_plan(rt, admin, filters)
    samples: dict[str, list[float]] = {"tab with": [], "tab none": [], "pdf with": [], "pdf none": []}
    log(f"timing {runs} runs per side, alternating ...")
    for _run in range(runs):
        for side in ("with", "none"):
            if side == "with":
                move_plan(rt, parking, demo.organisation_id)
            samples[f"tab {side}"].append(time_call(lambda: over_time_tab(rt, admin, filters)))
            samples[f"pdf {side}"].append(time_call(lambda: pdf_with_plan(rt, admin, filters)))
            if side == "with":
                move_plan(rt, demo.organisation_id, parking)
    tab_with, tab_none = Summary(tuple(samples["tab with"])), Summary(tuple(samples["tab none"]))
    pdf_with, pdf_none = Summary(tuple(samples["pdf with"])), Summary(tuple(samples["pdf none"]))
    note = f"{responses:,} responses, {marked} of {ACTIONS} actions on the timeline (dropped ones left out)"
    return [
        Row(
            "Over time tab with 200 actions (view + timeline + trend charts + what changed, as JSON)",
            tab_with,
            TAB_TARGET,
            tab_none,
            "the same tab without actions",
            note=note,
            max_ratio=MAX_RATIO,
        ),
        Row(
            "dashboard PDF with the plan of 200 actions (view + dashboard_plan + export_dashboard)",
            pdf_with,
            None,
            pdf_none,
            "the same PDF with an empty plan",
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="vm-bench-dashboard-actions-") as folder:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.db'}"
        from services.runtime import build_runtime

        rt = build_runtime()
        try:
            table = rows(rt, args.responses, args.runs)
        finally:
            rt.engine.dispose()
    print(markdown_table(table))
    log(f"total {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
