"""The dashboard's detail tabs through AppTest: only the chosen tab is built, it stays chosen when the
filters change, and a withheld selection shows no number in any tab. World: test_dashboard_page.py."""

import pytest

from tests.app_pages.test_dashboard_page import (
    LABEL_COLUMNS,
    dashboard_as,
    everything,
    no_exceptions,
    plotted_numbers,
    world,
)

__all__ = ["dashboard_as", "world"]  # fixtures used by name

TABS = ("Teams", "Statements", "Over time", "Participation", "Agreement and reliability")
# Charts each tab adds to those above the tabs (theme averages and the two alignment charts).
TAB_CHARTS = {
    "Teams": {"chart-dash_heatmap"},
    "Statements": {"chart-dash_likert_match", "chart-dash_compassion"},
    "Over time": {"chart-dash_trend_alignment"},
    "Participation": {"chart-dash_participation"},
    "Agreement and reliability": {"chart-dash_agreement"},
}
ABOVE = {"chart-dash_theme_means", "chart-dash_alignment", "chart-dash_alignment_spread"}


def chart_keys(at) -> set[str]:
    return {chart.key for chart in at.get("plotly_chart")}


def choose_tab(at, label: str):
    at.session_state["dash-tab"] = label
    return at.run()


def test_only_the_chosen_tab_is_built(dashboard_as):
    at = dashboard_as("maya")
    no_exceptions(at)
    assert [tab.label for tab in at.tabs][: len(TABS)] == list(TABS)
    assert chart_keys(at) == ABOVE | TAB_CHARTS["Teams"]
    for label in TABS[1:]:
        choose_tab(at, label)
        no_exceptions(at)
        assert chart_keys(at) - ABOVE >= TAB_CHARTS[label], label
        others = set().union(*(charts for name, charts in TAB_CHARTS.items() if name != label))
        assert not chart_keys(at) & others, label
    assert "Reliability of the themes" in [s.value for s in at.subheader]


def test_the_chosen_tab_stays_chosen_when_the_filters_change(dashboard_as, world):
    at = choose_tab(dashboard_as("maya"), "Over time")
    at.selectbox(key="dash-team").select(world["north"].teams["Beta"]).run()
    no_exceptions(at)
    assert at.session_state["dash-tab"] == "Over time"
    assert "Trends across rounds" in [s.value for s in at.subheader]
    assert "chart-dash_heatmap" not in chart_keys(at)


@pytest.mark.parametrize("label", TABS)
def test_a_withheld_team_shows_no_number_in_any_tab(dashboard_as, world, texts, label):
    at = choose_tab(dashboard_as("maya", {"team": str(world["north"].teams["Tiny"])}), label)
    no_exceptions(at)
    for chart in at.get("plotly_chart"):
        assert plotted_numbers(chart) == [], chart.key
    for frame in at.dataframe:
        data = frame.value.drop(columns=[c for c in frame.value.columns if c in LABEL_COLUMNS])
        assert data.astype(str).isin(["withheld", "no data", "–"]).all().all(), frame.value
    assert "withheld: fewer than 5 responses" in everything(at, texts)
