"""The compassion lens (the five elements) and the value gap (how much each professional value matters to you
against how well the intervention supports it) as charts."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from assessment.scoring import ScoreReport
from questions.model import Instrument, localise
from services.formatting import format_score, format_signed, round_half_up
from services.i18n import t
from services.output.chart_style import (
    COLOURS,
    ChartWithTable,
    base_layout,
    missing_note,
    neutral_line,
    rows_height,
    score_axis,
    wrap_label,
)
from services.results.chart_text import extremes_summary


def lens_names(instrument: Instrument, report: ScoreReport, language: str) -> list[str]:
    """The lens's row names. The themes under "Compassion in your work" score only the statements written for
    an element; the lens reads every statement tagged with it, so its rows carry their own name."""
    return [
        t("chart.compassion_lens.row", language, element=localise(instrument.elements[e.element].name, language))
        for e in report.elements
    ]


def compassion_lens(instrument: Instrument, report: ScoreReport, language: str) -> ChartWithTable:
    """Bars of the five compassion elements; high = the intervention supports that element."""
    missing = t("report.not_enough", language)
    names = lens_names(instrument, report, language)
    labels = [wrap_label(name, 22) for name in names]
    scores = [e.score for e in report.elements]
    fig = go.Figure(
        go.Bar(
            x=scores,
            y=labels,
            orientation="h",
            customdata=names,
            marker=dict(color=COLOURS["compassion"]),
            text=[format_score(s, language) if s is not None else "" for s in scores],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{customdata}: %{text}<extra></extra>",
        )
    )
    for label, score in zip(labels, scores):
        if score is None:
            missing_note(fig, x=1, y=label, text=missing)
    neutral_line(fig, language)
    base_layout(fig, rows_height(len(labels)), margin=dict(l=10, r=20, t=30, b=10))
    fig.update_layout(bargap=0.35)
    score_axis(fig, t("chart.compassion_lens.axis", language))
    fig.update_yaxes(autorange="reversed", automargin=True, fixedrange=True)

    element_col = t("chart.col.element", language)
    table = pd.DataFrame(
        [
            {
                element_col: name,
                t("chart.col.score", language): format_score(e.score, language),
                t("chart.col.answered", language): t("chart.answered_of", language, answered=e.answered, n=e.n_items),
            }
            for name, e in zip(names, report.elements)
        ]
    )
    return ChartWithTable(
        name="compassion_lens",
        title=t("chart.compassion_lens.title", language),
        figure=fig,
        table=table,
        summary=extremes_summary(list(zip(names, scores)), language, "chart.compassion_lens"),
    )


def value_gap(instrument: Instrument, report: ScoreReport, language: str) -> ChartWithTable:
    """Dumbbells of importance (circle) and support (diamond) per professional value, with the gap."""
    not_answered = t("report.not_answered", language)
    names = [localise(instrument.domain(g.domain).name, language) for g in report.gaps]
    labels = [wrap_label(name, 20) for name in names]
    fig = go.Figure()
    line_x: list[float | None] = []
    line_y: list[str | None] = []
    for gap, label in zip(report.gaps, labels):
        if gap.gap is not None:
            line_x += [gap.importance, gap.support, None]
            line_y += [label, label, None]
    fig.add_trace(
        go.Scatter(
            x=line_x, y=line_y, mode="lines", line=dict(color="#9A9A9A", width=4), hoverinfo="skip", showlegend=False
        )
    )
    for key, symbol in (("importance", "circle"), ("support", "diamond")):
        values = [getattr(g, key) for g in report.gaps]
        fig.add_trace(
            go.Scatter(
                x=values,
                y=labels,
                mode="markers",
                name=t(f"chart.value_gap.{key}", language),
                customdata=[[name, format_score(v, language, "report.not_answered")] for name, v in zip(names, values)],
                marker=dict(symbol=symbol, size=15, color=COLOURS[key], line=dict(color="white", width=1)),
                hovertemplate="%{customdata[0]}: %{customdata[1]}<extra>"
                + t(f"chart.value_gap.{key}", language)
                + "</extra>",
            )
        )
    for gap, label in zip(report.gaps, labels):
        if gap.importance is None and gap.support is None:
            missing_note(fig, x=0, y=label, text=not_answered)
        if gap.gap is not None:
            fig.add_annotation(
                x=1.0,
                xref="paper",
                xanchor="left",
                y=label,
                showarrow=False,
                text=t("chart.value_gap.gap_label", language, gap=format_signed(gap.gap, language)),
                font=dict(size=13, color=COLOURS["ink"]),
            )
    base_layout(fig, rows_height(len(labels), per_row=56), legend=True, margin=dict(l=10, r=90, t=40, b=10))
    score_axis(fig, t("chart.value_gap.axis", language), upper=104)
    fig.update_xaxes(range=[-4, 104])
    fig.update_yaxes(autorange="reversed", automargin=True, fixedrange=True, showgrid=False)

    table = pd.DataFrame(
        [
            {
                t("chart.col.value", language): name,
                t("chart.col.importance", language): format_score(g.importance, language, "report.not_answered"),
                t("chart.col.support", language): format_score(g.support, language, "report.not_answered"),
                t("chart.col.gap", language): format_signed(g.gap, language, "report.not_answered"),
            }
            for name, g in zip(names, report.gaps)
        ]
    )
    return ChartWithTable(
        name="value_gap",
        title=t("chart.value_gap.title", language),
        figure=fig,
        table=table,
        summary=_gap_summary(report, names, language),
    )


def _gap_summary(report: ScoreReport, names: list[str], language: str) -> str:
    answered = [(name, g, g.gap) for name, g in zip(names, report.gaps) if g.gap is not None]
    if not answered:
        return t("chart.value_gap.summary_none", language)
    name, widest, gap = max(answered, key=lambda row: abs(row[2]))
    if round_half_up(gap) == 0:
        return t("chart.value_gap.summary_even", language)
    return t(
        "chart.value_gap.summary",
        language,
        value=name,
        importance=format_score(widest.importance, language),
        support=format_score(widest.support, language),
        gap=format_signed(gap, language),
    )
