"""The dashboard at 100,000 responses: building them with demo-data, then the page's data from the tallies
against a naive baseline over the raw rows (pandas). `python benchmarks/run.py --dashboard` adds these
rows to the one table; `python benchmarks/dashboard.py` prints them alone.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.timing import Row, Summary, markdown_table, repeat, time_call

RESPONSES = 100_000
SEED = 11
BUILD_TARGET = 60.0
DASHBOARD_TARGET = 1.0
DASHBOARD_RUNS = 5
NAIVE_RUNS = 3


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def naive_aggregates(engine, organisation_id: int) -> dict:
    """Every answer and score row of the organisation into pandas, then the main aggregates by groupby:
    theme means (with sd and n) per team and overall, alignment per team, theme means per round (the
    trend) and the answer distribution per item (percentages of 1..5 and not applicable)."""
    import pandas as pd
    from sqlalchemy import select

    from db.models import Response, ResponseAnswer, ResponseScore
    from db.org_models import SurveyRound, Team

    place = (
        select(Team.name.label("team"), SurveyRound.name.label("round"), Response.role)
        .join(Team, Team.id == Response.team_id)
        .join(SurveyRound, SurveyRound.id == Response.round_id)
        .where(Response.organisation_id == organisation_id)
    )
    with engine.connect() as connection:
        scores = pd.read_sql(
            place.add_columns(ResponseScore.key, ResponseScore.value).join(
                ResponseScore, ResponseScore.response_id == Response.id
            ),
            connection,
        )
        answers = pd.read_sql(
            place.add_columns(ResponseAnswer.item_id, ResponseAnswer.value).join(
                ResponseAnswer, ResponseAnswer.response_id == Response.id
            ),
            connection,
        )
    themes = scores[scores["key"].str.startswith("domain:")]
    distribution = (
        answers.assign(value=answers["value"].fillna(0).astype(int))
        .groupby(["item_id", "value"])
        .size()
        .unstack(fill_value=0)
    )
    return {
        "overall": themes.groupby("key")["value"].agg(["mean", "std", "count"]),
        "per_team": themes.groupby(["team", "key"])["value"].agg(["mean", "std", "count"]),
        "alignment": scores[scores["key"] == "alignment_index"].groupby("team")["value"].agg(["mean", "std", "count"]),
        "trend": themes.groupby(["round", "key"])["value"].mean(),
        "distribution": distribution.div(distribution.sum(axis=1), axis=0) * 100,
    }


def dashboard_rows(rt) -> list[Row]:
    """Build the responses in `rt`'s database, then time the dashboard and the naive baseline."""
    from services.accounts.auth import AccountView
    from services.dashboard.view import Filters, dashboard
    from services.data_tools import demo_data

    log(f"demo-data: building {RESPONSES:,} responses ...")
    made: list = []
    build = time_call(
        lambda: made.append(
            demo_data.create_demo_organisation(
                rt, responses=RESPONSES, seed=SEED, organisation="Benchmark organisation"
            )
        )
    )
    organisation_id = made[0].organisation_id
    admin = AccountView(1, "benchmark", "admin", {})
    filters = Filters(organisation_id=organisation_id)
    log("dashboard from the tallies ...")
    # Every call reads the tallies afresh and decides every view again (no cache outlives a call).
    view = dashboard(rt, admin, filters)
    if not view.selection.shown or not view.heatmap:
        raise RuntimeError("the dashboard shows nothing for the benchmark organisation")
    page = repeat(lambda: dashboard(rt, admin, filters), times=DASHBOARD_RUNS, warmup=1)
    log("naive baseline: raw rows into pandas ...")
    naive = repeat(lambda: naive_aggregates(rt.engine, organisation_id), times=NAIVE_RUNS, warmup=1)
    return [
        Row(f"demo-data: build {RESPONSES:,} responses (create_demo_organisation)", Summary((build,)), BUILD_TARGET),
        Row(
            f"dashboard page data at {RESPONSES:,} responses (services.dashboard.view.dashboard)",
            page,
            DASHBOARD_TARGET,
            naive,
            "naive pandas over raw rows",
            note=f"{view.selection.n:,} responses in closed rounds shown",
        ),
    ]


def main() -> int:
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="vm-bench-dashboard-") as folder:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.db'}"
        from services.runtime import build_runtime

        rt = build_runtime()
        try:
            rows = dashboard_rows(rt)
        finally:
            rt.engine.dispose()
    print(markdown_table(rows))
    log(f"total {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
