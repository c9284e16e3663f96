"""The workshop's charts of the group's picture: plotly figures, each with a table and a plain summary.

Pure service code (no streamlit). A picture's attributes carry the dashboard view's names, so the theme
means, the alignment spread, the compassion lens and the answer distributions are the dashboard's own
charts; the bands per theme and the agreement are drawn here, the round comparison in comparison_chart.py.
A round with fewer than k answers gives a chart that only says so, never a number of it. Chart names carry
the round (`ws_theme_bands_r1`), so two rounds can share a page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go

from services.dashboard import charts as dashboard_charts
from services.dashboard import likert_chart
from services.dashboard.charts import (
    EMPTY_FILL,
    rows_height,
    side_label,
    status_figure,
)
from services.dashboard.stats import AGREEMENT_SPLIT_BELOW
from services.formatting import format_number, format_percent
from services.i18n import t
from services.output.chart_style import (
    COLOURS,
    ChartWithTable,
    base_layout,
    wrap_label,
)
from services.workshop.picture import WorkshopPicture

SIDE_ORDER = ("match", "mismatch", "value", "compassion")
# Fit and clash in the dashboard's colours (blue fits, vermillion clashes); between them a neutral grey.
READING_COLOURS = {
    "fits": COLOURS["match"],
    "between": "#9E9E9E",
    "clashes": COLOURS["mismatch"],
    "not_enough": EMPTY_FILL,
}
AGREED_COLOUR, SPLIT_COLOUR = "#2D4E9E", "#E08214"  # the dashboard's agreement scale, either side of 0.7
LABEL_GAP = 1.5  # points on 0..100 between the end of an interval and its value
SCORE_AXIS_END = 118  # the score axis runs on past 100, to keep a value right of an interval near 100


def round_status(picture: WorkshopPicture, language: str) -> str:
    """Why a round's picture is not shown, in words for the room; empty when it is shown."""
    if picture.shown:
        return ""
    if picture.selection.decision.empty:
        return t("workshop_report.status.empty", language)
    return t("workshop_report.status.waiting", language, k=picture.k)


def status_chart(name: str, title: str, status: str, language: str) -> ChartWithTable:
    """A chart that only says why there is nothing to draw."""
    table = pd.DataFrame([{t("dashboard.col.what", language): title, t("dashboard.col.status", language): status}])
    return ChartWithTable(name, title, status_figure(status), table, status)


def picture_charts(picture: WorkshopPicture, language: str) -> tuple[ChartWithTable, ...]:
    """Every chart of a round's picture, in the order the big screen shows them."""
    return (
        ws_theme_bands(picture, language),
        ws_theme_means(picture, language),
        ws_alignment_spread(picture, language),
        ws_agreement(picture, language),
        ws_compassion(picture, language),
    )


# ---------------------------------------------------------------- the dashboard's charts, of a round


def _dashboard_chart(
    picture: WorkshopPicture, language: str, name: str, title: str, draw: Callable[[], ChartWithTable]
) -> ChartWithTable:
    full_name = f"ws_{name}_r{picture.round_no}"
    if not picture.shown:
        return status_chart(full_name, title, round_status(picture, language), language)
    return replace(draw(), name=full_name)


def ws_theme_means(picture: WorkshopPicture, language: str) -> ChartWithTable:
    """The group's average per theme with its likely range (the dashboard's bars)."""
    return _dashboard_chart(
        picture,
        language,
        "theme_means",
        t("dashboard.theme_means.title", language),
        lambda: _values_past_intervals(dashboard_charts.theme_means(picture, language)),
    )


def ws_alignment_spread(picture: WorkshopPicture, language: str) -> ChartWithTable:
    """How the group's alignment indexes spread over -100..+100 (the dashboard's 25-point bins)."""
    return _dashboard_chart(
        picture,
        language,
        "alignment_spread",
        t("dashboard.spread.title", language),
        lambda: dashboard_charts.alignment_distribution(picture, language, picture.bands),
    )


def ws_compassion(picture: WorkshopPicture, language: str) -> ChartWithTable:
    """The five compassion elements as the group sees them (the dashboard's bars)."""
    return _dashboard_chart(
        picture,
        language,
        "compassion",
        t("dashboard.compassion.title", language),
        lambda: _values_past_intervals(dashboard_charts.compassion(picture, language)),
    )


def ws_likert(picture: WorkshopPicture, language: str, side: str) -> ChartWithTable:
    """How each statement of one side was answered (the dashboard's diverging bars)."""
    title = t("dashboard.likert.title", language, side=side_label(side, language))
    return _dashboard_chart(
        picture, language, f"likert_{side}", title, lambda: likert_chart.likert(picture, language, side)
    )


def _values_past_intervals(chart: ChartWithTable) -> ChartWithTable:
    """The dashboard's bars carry their value inside, at the bar's start. A workshop's group is small, its
    intervals wide, and an interval's line then runs through the value: here each value stands to the right
    of its interval's end instead (of its bar's end when it has no interval)."""
    fig = go.Figure(chart.figure)  # a copy: the dashboard's own figure stays as it is
    for trace in fig.data:
        if trace.type != "bar" or trace.text is None:
            continue
        above = trace.error_x.array if trace.error_x is not None and trace.error_x.array is not None else ()
        for index, (x, y, text) in enumerate(zip(trace.x, trace.y, trace.text)):
            plus = above[index] if index < len(above) and above[index] is not None else 0
            fig.add_annotation(
                x=(x or 0) + plus + LABEL_GAP,
                y=y,
                text=text,
                xanchor="left",
                showarrow=False,
                font=dict(size=13, color=COLOURS["ink"]),
            )
        trace.update(text=None)
    fig.update_xaxes(range=[0, SCORE_AXIS_END])
    return replace(chart, figure=fig)


# ---------------------------------------------------------------- bands per theme


def ws_theme_bands(picture: WorkshopPicture, language: str) -> ChartWithTable:
    """Per theme, the share of the group for whom the approach fits, is in between, or clashes."""
    name, title = f"ws_theme_bands_r{picture.round_no}", t("workshop_report.bands.title", language)
    if not picture.shown:
        return status_chart(name, title, round_status(picture, language), language)
    rows = [b for side in SIDE_ORDER for b in picture.theme_bands if b.theme.side == side]
    labels = [wrap_label(b.theme.name, 24) for b in rows]
    counts = {
        "fits": [b.fits for b in rows],
        "between": [b.middle for b in rows],
        "clashes": [b.clashes for b in rows],
        "not_enough": [b.not_enough for b in rows],
    }
    fig = go.Figure()
    for reading, values in counts.items():
        if reading == "not_enough" and not any(values):
            continue
        shares = [100 * v / picture.n for v in values]
        label = t(f"workshop_report.bands.{reading}", language)
        fig.add_trace(
            go.Bar(
                x=shares,
                y=labels,
                orientation="h",
                name=label,
                marker=dict(color=READING_COLOURS[reading]),
                text=[format_percent(v / picture.n, language) if s >= 10 else "" for v, s in zip(values, shares)],
                textposition="inside",
                insidetextanchor="middle",
                textangle=0,
                textfont=dict(color=COLOURS["ink"] if reading == "not_enough" else "white"),
                customdata=values,
                hovertemplate=f"%{{y}} · {label}: %{{x:.0f}}% (%{{customdata}})<extra></extra>",
            )
        )
    base_layout(fig, rows_height(len(rows)), legend=True, margin=dict(l=10, r=20, t=40, b=10))
    fig.update_layout(barmode="stack", bargap=0.3, legend=dict(traceorder="normal"))
    fig.update_xaxes(
        range=[0, 100],
        tickvals=[0, 25, 50, 75, 100],
        ticksuffix="%",
        gridcolor=COLOURS["grid"],
        fixedrange=True,
        title=dict(text=t("workshop_report.bands.axis", language), font=dict(size=13)),
    )
    fig.update_yaxes(autorange="reversed", automargin=True, fixedrange=True)
    table = pd.DataFrame(
        [
            {
                t("chart.col.theme", language): b.theme.name,
                t("workshop_report.bands.col_high_means", language): t(
                    "workshop_report.bands." + ("clashes" if b.theme.side == "mismatch" else "fits"), language
                ),
                **{
                    t(f"workshop_report.bands.{reading}", language): _count_share(values[i], picture.n, language)
                    for reading, values in counts.items()
                },
            }
            for i, b in enumerate(rows)
        ]
    )
    return ChartWithTable(name, title, fig, table, _bands_summary(rows, picture.n, language))


def _count_share(count: int, n: int, language: str) -> str:
    return f"{count} ({format_percent(count / n, language)})"


def _bands_summary(rows, n: int, language: str) -> str:
    fits = max(rows, key=lambda b: b.fits, default=None)
    clashes = max(rows, key=lambda b: b.clashes, default=None)
    parts = []
    if fits is not None and fits.fits:
        parts.append(t("workshop_report.bands.summary_fits", language, theme=fits.theme.name, count=fits.fits, n=n))
    if clashes is not None and clashes.clashes:
        parts.append(
            t("workshop_report.bands.summary_clashes", language, theme=clashes.theme.name, count=clashes.clashes, n=n)
        )
    else:
        parts.append(t("workshop_report.bands.summary_no_clash", language))
    return " ".join(parts)


# ---------------------------------------------------------------- agreement


def ws_agreement(picture: WorkshopPicture, language: str) -> ChartWithTable:
    """r_wg(J) per theme (0..1) against the 0.7 line: where the group agrees and where it is split."""
    name, title = f"ws_agreement_r{picture.round_no}", t("workshop_report.agreement.title", language)
    if not picture.shown:
        return status_chart(name, title, round_status(picture, language), language)
    means = [m for side in SIDE_ORDER for m in picture.theme_means if m.theme.side == side]
    values = [m.agreement.value if m.agreement else None for m in means]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=[wrap_label(m.theme.name, 24) for m in means],
            orientation="h",
            marker=dict(color=[SPLIT_COLOUR if m.agreement and m.agreement.split else AGREED_COLOUR for m in means]),
            text=[_agreement_text(m.agreement, language) for m in means],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.add_vline(x=AGREEMENT_SPLIT_BELOW, line=dict(color=COLOURS["ink"], width=1.5, dash="dash"))
    for side, anchor in (("split", "right"), ("agreed", "left")):
        fig.add_annotation(
            x=AGREEMENT_SPLIT_BELOW,
            xanchor=anchor,
            xshift=-4 if anchor == "right" else 4,
            y=1.0,
            yref="paper",
            yanchor="bottom",
            showarrow=False,
            text=t(f"workshop_report.agreement.side_{side}", language),
            font=dict(size=12, color=SPLIT_COLOUR if side == "split" else AGREED_COLOUR),
        )
    base_layout(fig, rows_height(len(means)), margin=dict(l=10, r=70, t=30, b=10))
    fig.update_layout(bargap=0.3)
    ticks = (0, 0.25, 0.5, AGREEMENT_SPLIT_BELOW, 1)
    fig.update_xaxes(
        range=[0, 1],
        tickvals=ticks,
        ticktext=[_tick(v, language) for v in ticks],
        gridcolor=COLOURS["grid"],
        fixedrange=True,
        title=dict(text=wrap_label(t("workshop_report.agreement.axis", language), 42), font=dict(size=13)),
    )
    fig.update_yaxes(autorange="reversed", automargin=True, fixedrange=True)
    table = pd.DataFrame(
        [
            {
                t("chart.col.theme", language): m.theme.name,
                t("workshop_report.agreement.col_value", language): format_number(
                    m.agreement.value if m.agreement else None, language, 2
                ),
                t("workshop_report.agreement.col_reading", language): _agreement_reading(m.agreement, language),
            }
            for m in means
        ]
    )
    return ChartWithTable(name, title, fig, table, _agreement_summary(picture, language))


def _tick(value: float, language: str) -> str:
    return format_number(value, language, 2, trim=True)


def _agreement_text(agreement, language: str) -> str:
    if agreement is None:
        return t("report.not_enough", language)
    value = format_number(agreement.value, language, 2)
    return f"{value} · {t('dashboard.agreement.split', language)}" if agreement.split else value


def _agreement_reading(agreement, language: str) -> str:
    if agreement is None:
        return t("report.not_enough", language)
    return t("workshop_report.agreement." + ("reading_split" if agreement.split else "reading_agreed"), language)


def _agreement_summary(picture: WorkshopPicture, language: str) -> str:
    split = [m.theme.name for m in picture.split]
    if not split:
        return t("workshop_report.agreement.summary_agreed", language)
    summary = t("workshop_report.agreement.summary_split", language, names=", ".join(split))
    if picture.agreed:
        summary += " " + t("workshop_report.agreement.summary_agreed_count", language, agreed=len(picture.agreed))
    return summary
