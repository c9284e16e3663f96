"""The dashboard's data at a given size on one backend, against two floors in the same run.

Ours: services.dashboard.view.dashboard for the whole organisation with the default filters, as an admin
(what the page builds; it reads the tallies). Baselines over the same database:
- bare SQL aggregate: the sums every view of the dashboard is made of (responses per cell; n, sum and
  sum of squares of every theme, element and alignment score per cell; the alignment bins; the answer
  counts per item and value) computed by GROUP BY straight from the raw tables (response joined to
  response_score and response_answer), as a dashboard without tallies would have to;
- bare read of the tallies: the three SELECTs of those sums as the tallies hold them, the floor of
  what the dashboard reads (our overhead on top is Python: decisions, statistics, the view);
- naive pandas (benchmarks/dashboard.py): raw rows into pandas, then groupby.
"""

from __future__ import annotations

from benchmarks.production_data import Built, log, runtime_for
from benchmarks.timing import Row, Summary, repeat

DASHBOARD_TARGET = 2.0  # seconds, at 1M responses on PostgreSQL (the figure)
MAX_RATIO = 1.5  # ours ÷ bare SQL aggregate
TARGET_FROM = 1_000_000  # the targets are stated for this size


def aggregate_queries(organisation_id: int, score_keys: list[str]) -> list:
    """The GROUP BY queries over the raw tables that give every sum the dashboard's views are built from:
    responses per cell; count, sum, sum of squares of each score key per cell; the same per alignment bin;
    answers per cell, item and value (0 = not applicable). A cell is (team, round, role)."""
    from sqlalchemy import case, func, select

    from db.models import Response, ResponseAnswer, ResponseScore
    from db.tallies import ALIGNMENT_BIN_EDGES, ALIGNMENT_BIN_PREFIX, ALIGNMENT_KEY

    response, score, answer = Response.__table__, ResponseScore.__table__, ResponseAnswer.__table__
    cell = (response.c.team_id, response.c.round_id, response.c.role)
    own = response.c.organisation_id == organisation_id
    scored = response.join(score, score.c.response_id == response.c.id)
    value = score.c.value
    bin_key = case(
        *(
            (value < upper, f"{ALIGNMENT_BIN_PREFIX}{lower}")
            for lower, upper in zip(ALIGNMENT_BIN_EDGES, ALIGNMENT_BIN_EDGES[1:])
        ),
        else_=f"{ALIGNMENT_BIN_PREFIX}{ALIGNMENT_BIN_EDGES[-1]}",
    )
    answered = func.coalesce(answer.c.value, 0)
    return [
        select(*cell, func.count()).where(own).group_by(*cell),
        select(*cell, score.c.key, func.count(value), func.sum(value), func.sum(value * value))
        .select_from(scored)
        .where(own, value.is_not(None), score.c.key.in_(score_keys))
        .group_by(*cell, score.c.key),
        select(*cell, bin_key, func.count(value), func.sum(value), func.sum(value * value))
        .select_from(scored)
        .where(own, score.c.key == ALIGNMENT_KEY, value.is_not(None))
        .group_by(*cell, bin_key),
        select(*cell, answer.c.item_id, answered, func.count())
        .select_from(response.join(answer, answer.c.response_id == response.c.id))
        .where(own)
        .group_by(*cell, answer.c.item_id, answered),
    ]


def dashboard_score_keys(instrument) -> list[str]:
    """The score keys the dashboard shows (themes, compassion elements, alignment); demo data has one
    instrument version."""
    return sorted(
        {
            "alignment_index",
            *(f"domain:{d.id}" for d in instrument.domains),
            *(f"element:{number}" for number in instrument.elements),
        }
    )


def bare_sql_aggregate(engine, organisation_id: int, score_keys: list[str]) -> int:
    """Run aggregate_queries and fetch every row; returns how many rows came back."""
    with engine.connect() as connection:
        return sum(
            len(connection.execute(query).fetchall()) for query in aggregate_queries(organisation_id, score_keys)
        )


def bare_tally_read(engine, organisation_id: int) -> int:
    """The same sums as the dashboard reads them, from the frozen tallies of the released rounds: three plain
    SELECTs; returns rows read."""
    from sqlalchemy import select

    from db.release_models import ReleasedAnswerTally, ReleasedResponseTally, ReleasedScoreTally

    with engine.connect() as connection:
        return sum(
            len(connection.execute(select(table.__table__).where(table.organisation_id == organisation_id)).fetchall())
            for table in (ReleasedResponseTally, ReleasedScoreTally, ReleasedAnswerTally)
        )


def decide_release(rt, organisation_id: int) -> int:
    """What the first look at a new state adds: every figure family decided against every earlier release
    (services.dashboard.release.decide on the frozen tallies); returns the number of families."""
    from db.organisations import get_organisation, list_rounds
    from db.releases import list_releases, released_round_ids
    from db.tallies import count_cells, read_answer_cells, read_score_cells
    from services.dashboard.release import decide, family_counts

    with rt.sessions.begin() as session:
        organisation = get_organisation(session, organisation_id=organisation_id)
        rounds = released_round_ids(session, organisation_id=organisation_id)
        groups: dict[str, frozenset[int]] = {}
        for survey_round in list_rounds(session, organisation_id=organisation_id):
            if survey_round.id in rounds:
                name = f"intervention:{survey_round.intervention_id}"
                groups[name] = groups.get(name, frozenset()) | {survey_round.id}
        families = family_counts(
            count_cells(session, organisation_id=organisation_id, released=True),
            read_score_cells(session, organisation_id=organisation_id, released=True),
            read_answer_cells(session, organisation_id=organisation_id, released=True),
        )
        past = [r.payload for r in list_releases(session, organisation_id=organisation_id)]
        decide(families, organisation.min_group_size, groups, past)
    return len(families)


def dashboard_rows(backend: str, size: int, built: Built, *, runs: int, baseline_runs: int, naive: bool) -> list[Row]:
    from benchmarks.dashboard import naive_aggregates
    from services.accounts.auth import AccountView
    from services.dashboard.view import Filters, dashboard

    rt = runtime_for(built.url, migrate=False)
    try:
        admin = AccountView(1, "benchmark", "admin", {})
        filters = Filters(organisation_id=built.organisation_id)
        view = dashboard(rt, admin, filters)
        if not view.selection.shown or not view.heatmap:
            raise RuntimeError("the dashboard shows nothing for the benchmark organisation")
        label = f"dashboard data, {backend}, {size:,} responses"
        log(f"{label}: ours ...")
        ours = repeat(lambda: dashboard(rt, admin, filters), times=runs, warmup=1)
        log(f"{label}: bare SQL aggregate over the raw tables ...")
        keys = dashboard_score_keys(rt.instrument)
        aggregate = repeat(
            lambda: bare_sql_aggregate(rt.engine, built.organisation_id, keys), times=baseline_runs, warmup=1
        )
        tallies = repeat(lambda: bare_tally_read(rt.engine, built.organisation_id), times=runs, warmup=1)
        targeted = backend == "postgresql" and size >= TARGET_FROM
        note = f"{view.selection.n:,} responses in closed rounds shown"
        log(f"{label}: deciding a new release ...")
        families: list[int] = []
        decided = repeat(lambda: families.append(decide_release(rt, built.organisation_id)), times=3, warmup=0)
        rows = [
            Row(
                label,
                ours,
                DASHBOARD_TARGET if targeted else None,
                aggregate,
                "bare SQL GROUP BY over raw rows",
                note=note,
                max_ratio=MAX_RATIO if targeted else None,
            ),
            Row(f"{label}: vs bare read of its tallies", ours, None, tallies, "3 bare SELECTs of the frozen tallies"),
            Row(
                f"{label}: first look at a new state (every figure family decided against the ledger)",
                decided,
                None,
                ours,
                "a look at a known state",
                note=f"{families[0]} figure families; once per close, purge or change of k",
            ),
        ]
        if naive:
            log(f"{label}: naive pandas ...")
            rows.append(
                Row(
                    f"{label}: vs naive pandas",
                    ours,
                    None,
                    repeat(lambda: naive_aggregates(rt.engine, built.organisation_id), times=baseline_runs, warmup=1),
                    "naive pandas over raw rows",
                )
            )
        else:
            rows.append(
                Row(
                    f"{label}: vs naive pandas",
                    None,
                    note="skipped above --naive-max (reads every answer and score row into pandas)",
                )
            )
        return rows
    finally:
        rt.engine.dispose()


def build_row(backend: str, size: int, built: Built) -> Row:
    how = "kept from an earlier run" if built.reused else "this run"
    return Row(f"build {size:,} responses, {backend} (demo-data, db/bulk.py; {how})", Summary((built.seconds,)))
