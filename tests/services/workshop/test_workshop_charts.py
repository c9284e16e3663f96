"""The workshop's charts: each has a title, a summary and a table in every language; a round with fewer
than k answers shows no number of it anywhere; the bands and the comparison say what the numbers say."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from services.i18n import LANGUAGES, t
from services.output.chart_style import ChartWithTable
from services.workshop import charts as workshop_charts
from services.workshop import comparison_chart
from services.workshop.picture import comparison
from tests.services.workshop.test_workshop_picture import five_people, instrument, respond, round_of

PICTURE_CHARTS = ("ws_theme_bands", "ws_theme_means", "ws_alignment_spread", "ws_agreement", "ws_compassion")


def charts_of(pic, language: str) -> list[ChartWithTable]:
    return [
        *workshop_charts.picture_charts(pic, language),
        *(workshop_charts.ws_likert(pic, language, side) for side in ("match", "mismatch", "value", "compassion")),
    ]


def texts_of(chart: ChartWithTable) -> str:
    """Every word a reader sees: summary, table, and the figure's labels, hover texts and annotations."""
    parts = [chart.title, chart.summary, chart.table.to_csv(index=False)]
    for trace in chart.figure.data:
        for attribute in ("text", "customdata", "x", "y"):
            value = getattr(trace, attribute, None)
            if value is not None:
                parts.append(str(list(value) if not isinstance(value, str) else value))
    parts += [a.text for a in chart.figure.layout.annotations]
    return " ".join(parts)


def second_round():
    return round_of(
        tuple(respond(instrument(), {"match": 5, "mismatch": 2, "value": 4, "compassion": 4}) for _ in range(6)),
        round_no=2,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_chart_has_a_summary_and_a_table(language):
    pic = round_of(five_people(), language=language)
    charts = [*charts_of(pic, language), comparison_chart.ws_comparison(comparison(pic, second_round()), language, k=5)]
    names = [c.name for c in charts]
    assert names[:5] == [f"{name}_r1" for name in PICTURE_CHARTS] and len(set(names)) == len(names)
    for chart in charts:
        assert chart.title and chart.summary.strip(), chart.name
        assert isinstance(chart.table, pd.DataFrame) and not chart.table.empty, chart.name
        assert chart.figure.data, chart.name


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("n", [0, 3, 6])
def test_a_round_below_k_shows_no_number_of_it(language, n):
    pic = round_of((five_people() * 2)[:n], k=7, language=language)
    for chart in charts_of(pic, language):
        assert not chart.figure.data, chart.name
        # k, and nothing else (a title may name its scale, "0–100")
        assert set(re.findall(r"\d+", texts_of(chart).replace(chart.title, ""))) <= {"7"}, chart.name
        expected = "workshop_report.status.empty" if n == 0 else "workshop_report.status.waiting"
        assert chart.summary == t(expected, language, k=7)
    compared = comparison_chart.ws_comparison(None, language, k=7)
    assert not compared.figure.data and set(re.findall(r"\d+", texts_of(compared).replace(compared.title, ""))) <= {"7"}


def test_theme_bands_show_shares_of_the_group_and_counts_in_the_table():
    pic = round_of(five_people(), k=4)  # 4 have a personalisation score: its bands need k <= 4
    chart = workshop_charts.ws_theme_bands(pic, "en")
    traces = {trace.name: trace for trace in chart.figure.data}
    assert list(traces) == ["Fits their values", "In between", "Clashes with their values", "Not enough answers"]
    assert traces["Fits their values"].marker.color == "#0072B2"  # the dashboard's "fits" blue
    assert traces["Clashes with their values"].marker.color == "#D55E00"  # and its "clashes" vermillion
    for row in range(len(pic.theme_bands)):
        assert sum(trace.x[row] for trace in traces.values()) == pytest.approx(100)
    table = chart.table.set_index("Theme")
    assert table.loc["Focus on financial benefit", "Clashes with their values"] == "5 (100%)"
    assert table.loc["Focus on financial benefit", "A high score means"] == "Clashes with their values"
    assert table.loc["Client autonomy", "Fits their values"] == "3 (60%)"
    assert table.loc["Personalised care", "Not enough answers"] == "1 (20%)"
    assert chart.summary == (
        "The approach fits the values of the most people on Shared humanity (5 of 5). "
        "It clashes for the most people on Focus on financial benefit (5 of 5)."
    )


def test_agreement_marks_the_split_themes_against_the_line():
    pic = round_of(five_people(), k=4)  # 4 answered the personalisation statements
    chart = workshop_charts.ws_agreement(pic, "en")
    bar = chart.figure.data[0]
    values = dict(zip(chart.table["Theme"], bar.x))
    assert values["Client autonomy"] == pytest.approx(0.75) and values["Helping people"] == 0
    assert any(shape.x0 == 0.7 for shape in chart.figure.layout.shapes)
    reading = dict(zip(chart.table["Theme"], chart.table["What it means"]))
    assert reading["Helping people"].startswith("split") and reading["Client autonomy"] == "the group broadly agrees"
    assert "Views are split on: Helping people, Personalised care" in chart.summary
    assert "the average hides different experiences" in chart.summary


def test_round_comparison_says_where_the_group_moved():
    first, second = round_of(five_people()), second_round()
    chart = comparison_chart.ws_comparison(comparison(first, second), "en", k=5)
    assert chart.name == "ws_comparison"
    table = chart.table.set_index("Theme")
    assert list(table.loc["Client autonomy", ["Round 1", "Round 2", "Change"]]) == ["75", "100", "+25"]
    assert list(table.loc["Alignment index", ["Round 1", "Round 2", "Change"]]) == ["0", "+75", "+75"]
    # recognising suffering 0 -> 75 is the largest move toward fit (the clash themes' 75 -> 25 is 50 points);
    # no theme moved away from it, so the summary does not say so
    assert chart.summary.startswith(
        "The group moved most toward a better fit on Recognising suffering (average 0 → 75)."
    )
    assert "The alignment index went from 0 to +75." in chart.summary
    assert "(5 answers in the first round, 6 in the second.)" in chart.summary
    assert "away from" not in chart.summary
    markers = [trace for trace in chart.figure.data if trace.mode == "markers"]
    assert {trace.name for trace in markers} == {"Round 1", "Round 2"}


def test_little_change_is_said_plainly():
    pic = round_of(five_people())
    again = round_of(five_people(), round_no=2)
    summary = comparison_chart.comparison_summary(comparison(pic, again), "nl")
    assert summary.startswith(t("workshop_report.comparison.summary_little", "nl", points=5))
