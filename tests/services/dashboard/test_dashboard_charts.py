"""The dashboard's charts on real views of the shared North world (tests/support/dashboard_data.py): every chart
has a summary and a table in every language, and a withheld group gives no number anywhere."""

from __future__ import annotations

import dataclasses
import re

import pytest

from services.dashboard import charts as dashboard_charts
from services.dashboard import likert_chart, trend_charts
from services.dashboard import team_charts as dashboard_team_charts
from services.dashboard.view import Filters, dashboard
from services.i18n import LANGUAGES, t
from tests.support.dashboard_data import ADMIN

SELECTION_CHARTS = (
    "theme_means",
    "alignment",
    "compassion",
    "likert_match",
    "likert_mismatch",
    "likert_value",
    "likert_compassion",
)
TEAM_CHARTS = ("heatmap", "trend_alignment", "trend_themes", "participation", "agreement")


def build(name: str, view, language: str, runtime):
    if name == "alignment":
        return dashboard_charts.alignment(view, language, runtime.instrument.alignment_bands)
    if name.startswith("likert_"):
        return likert_chart.likert(view, language, name.removeprefix("likert_"))
    module = (
        dashboard_charts
        if name in SELECTION_CHARTS
        else trend_charts
        if name.startswith("trend_")
        else dashboard_team_charts
    )
    return getattr(module, name)(view, language)


# (case, filters from the North world): the whole organisation is shown, Small (4 answers) is not.
VIEWS = {
    "organisation": lambda north: Filters(north.id),
    "large team": lambda north: Filters(north.id, team_id=north.teams["Large"]),
    "small team": lambda north: Filters(north.id, team_id=north.teams["Small"]),
    "video round": lambda north: Filters(north.id, intervention_id=north.interventions["Video"]),
    "nurses": lambda north: Filters(north.id, role="nurse"),
}


@pytest.fixture(scope="module")
def views(shared):
    north = shared.world["north"]
    return {
        (case, language): dashboard(shared.runtime, ADMIN, make(north), language=language)
        for case, make in VIEWS.items()
        for language in LANGUAGES
    }


def plotted(figure, skip_status: bool = True) -> list:
    """The data values a figure draws: bar lengths, point heights, heatmap cells, and digits in texts."""
    found = []
    for trace in figure.data:
        if skip_status and trace.name == "status":
            continue
        axis = {"heatmap": "z", "bar": "x", "scatter": "y"}[trace.type]
        for value in getattr(trace, axis) or ():
            found += [v for v in (value if isinstance(value, (list, tuple)) else [value]) if v is not None]
        texts = trace.text if isinstance(trace.text, (list, tuple)) else [trace.text]
        for text in texts:
            found += [x for x in (text if isinstance(text, (list, tuple)) else [text]) if x and re.search(r"\d", x)]
    return found


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", VIEWS)
@pytest.mark.parametrize("name", SELECTION_CHARTS + TEAM_CHARTS)
def test_every_chart_has_a_title_summary_and_table(views, shared, name, case, language):
    chart = build(name, views[(case, language)], language, shared.runtime)
    assert chart.name == f"dash_{name}"
    assert chart.title.strip() and chart.summary.strip()
    assert not chart.table.empty and len(chart.table.columns) >= 2
    assert chart.table.notna().all().all()
    chart.figure.to_json()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", SELECTION_CHARTS)
def test_a_withheld_selection_gives_no_number_in_figure_or_table(views, shared, name, language):
    view = views[("small team", language)]
    assert not view.selection.shown and view.selection.n is None
    chart = build(name, view, language, shared.runtime)
    status = t("dashboard.status.fewer_than_k", language, k=view.k)
    assert plotted(chart.figure) == []
    assert status in chart.summary
    assert chart.table[t("dashboard.col.status", language)].tolist() == [status]
    assert list(chart.table.columns) == [t("dashboard.col.what", language), t("dashboard.col.status", language)]


@pytest.mark.parametrize("name", TEAM_CHARTS)
def test_team_charts_of_a_withheld_team_have_no_numbers(views, shared, name):
    chart = build(name, views[("small team", "en")], "en", shared.runtime)
    assert plotted(chart.figure) == []
    assert "withheld" in chart.table.to_string() or "no data" in chart.table.to_string()


@pytest.mark.parametrize("name", ["heatmap", "agreement"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_withheld_heatmap_cells_are_grey_and_labelled_not_coloured_as_data(views, name, language, shared):
    view = views[("organisation", language)]
    rows = view.heatmap if name == "heatmap" else view.agreement
    assert any(not r.group.shown for r in rows) and any(r.group.shown for r in rows)
    chart = build(name, view, language, shared.runtime)
    status, data = chart.figure.data
    assert (status.name, data.name) == ("status", "data")
    assert status.showscale is False and {c for _, c in status.colorscale} == {
        dashboard_charts.EMPTY_FILL,
        dashboard_charts.WITHHELD_FILL,
    }
    for row, z_data, z_status, label, cells in zip(rows, data.z, status.z, status.text, data.text):
        if row.group.shown:
            # A shown team's cell without a value says why in words (its statements may all be withheld).
            assert set(z_status) == {None}
            assert all(v is not None or cell == t("report.not_enough", language) for v, cell in zip(z_data, cells))
        else:
            assert set(z_data) == {None}
            assert set(label) == {
                t("dashboard.cell.withheld" if row.group.decision.withheld else "dashboard.cell.no_data", language)
            }
    withheld = [r.team_name for r in rows if r.group.decision.withheld]
    table = chart.table.set_index(t("dashboard.col.team", language))
    for team in withheld:
        cells = set(table.loc[team].drop(t("dashboard.col.status", language), errors="ignore"))
        assert cells == {t("dashboard.cell.withheld", language)}


def test_withheld_rounds_are_gaps_in_the_trend_and_named_in_the_summary(shared):
    north = shared.world["north"]
    view = dashboard(shared.runtime, ADMIN, Filters(north.id, team_id=north.teams["Mid"]))
    chart = trend_charts.trend_alignment(view, "en")
    for point, y in zip(view.trends, chart.figure.data[0].y):
        assert (y is None) == (not point.group.shown or point.alignment is None)
    hidden = [p.round_name for p in view.trends if not p.group.shown or p.alignment is None]
    assert hidden and all(name in chart.summary for name in hidden)


def test_a_trend_line_never_joins_rounds_of_different_interventions(shared):
    """All interventions: one line per intervention, and the summary speaks of one intervention at a time."""
    north = shared.world["north"]
    view = dashboard(shared.runtime, ADMIN, Filters(north.id, team_id=north.teams["Large"]))
    assert {p.intervention for p in view.trends} == {"Mood app", "Video"}
    chart = trend_charts.trend_alignment(view, "en")
    lines = {trace.name: list(trace.x) for trace in chart.figure.data}
    by_intervention = {
        name: [i for i, p in enumerate(view.trends) if p.intervention == name] for name in ("Mood app", "Video")
    }
    assert lines == by_intervention
    assert "Mood app: the alignment index went from" in chart.summary
    assert "Video: only R3 can be shown" in chart.summary
    assert "in R3." not in chart.summary.split("Video:")[0]  # no sentence runs from Mood app into Video
    assert set(chart.table["Intervention"]) == {"Mood app", "Video"}


def test_reliability_says_why_it_is_missing_below_30(views):
    table, summary = dashboard_team_charts.reliability(views[("large team", "en")], "en")
    assert "fewer than 30 responses" in summary
    assert set(table["Reliability (alpha)"]) == {"not calculated: fewer than 30 responses"}


def test_names_typed_by_people_cannot_add_markup_to_a_chart(views):
    view = views[("organisation", "en")]
    evil = "<a href='https://evil.example'>Team</a>"
    view = dataclasses.replace(view, heatmap=tuple(dataclasses.replace(r, team_name=evil) for r in view.heatmap))
    figure = dashboard_team_charts.heatmap(view, "en").figure
    assert all("<a" not in label for label in figure.data[1].y)
