"""The dashboard's trends across rounds: the alignment index and the theme averages per round, one line per
intervention (a line never joins rounds of different interventions); a withheld round is a gap, named below.

Pure service code (no streamlit). Names typed by people (rounds, interventions) are HTML-escaped before they
reach a plotly label. The actions of the organisation's plan on the time axis are in what_changed.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from services.dashboard.charts import group_status, interval_text, short_status, typed_label
from services.formatting import format_date, format_score, format_signed
from services.i18n import t
from services.output.chart_style import COLOURS, ChartWithTable, base_layout


def _round_label(point, language: str) -> str:
    return f"{typed_label(point.round_name, 14)}<br>{format_date(point.opens_at, language)}"


def trend_lines(points: list) -> list[tuple[str, list[int]]]:
    """(intervention, positions of its rounds) in the order the interventions first appear: one line each,
    so a line never joins rounds of different interventions."""
    lines: dict[int, tuple[str, list[int]]] = {}
    for i, point in enumerate(points):
        lines.setdefault(point.intervention_id, (point.intervention, []))[1].append(i)
    return list(lines.values())


def trend_alignment(view, language: str) -> ChartWithTable:
    """The alignment index per round, one line per intervention; a withheld round is a gap, named below it."""
    title = t("dashboard.trends.title", language)
    points = list(view.trends)
    x = list(range(len(points)))
    estimates = [p.alignment if p.group.shown else None for p in points]
    lines = trend_lines(points)
    fig = go.Figure()
    palette = (COLOURS["match"], COLOURS["mismatch"], COLOURS["value"], COLOURS["compassion"], COLOURS["ink"])
    dashes = ("solid", "dash", "dot", "dashdot", "longdash")
    for n, (intervention, positions) in enumerate(lines):
        own = [estimates[i] for i in positions]
        fig.add_trace(
            go.Scatter(
                x=positions,
                y=[e.mean if e else None for e in own],
                mode="lines+markers",
                connectgaps=False,
                line=dict(color=palette[n % len(palette)], width=2, dash=dashes[n % len(dashes)]),
                marker=dict(size=11, color=palette[n % len(palette)]),
                error_y=dict(
                    type="data",
                    array=[e.high - e.mean if e and e.high is not None else None for e in own],
                    arrayminus=[e.mean - e.low if e and e.low is not None else None for e in own],
                    color=COLOURS["muted"],
                    thickness=1.2,
                    width=5,
                ),
                hovertemplate=html.escape(intervention) + ": %{y:.0f}<extra></extra>",
                name=html.escape(intervention),
            )
        )
    for i, point in enumerate(points):
        if not point.group.shown or point.alignment is None:
            fig.add_annotation(
                x=i,
                y=0,
                showarrow=False,
                text=short_status(point.group, language)
                if not point.group.shown
                else t("dashboard.cell.withheld", language),
                font=dict(size=12, color=COLOURS["muted"]),
                bgcolor="white",
            )
    base_layout(fig, 320, legend=len(lines) > 1, margin=dict(l=10, r=20, t=40 if len(lines) > 1 else 20, b=10))
    fig.add_hline(y=0, line=dict(color=COLOURS["muted"], width=1, dash="dot"))
    fig.update_xaxes(
        tickvals=x,
        ticktext=[_round_label(p, language) for p in points],
        fixedrange=True,
        range=[-0.5, max(len(points) - 0.5, 0.5)],
        showgrid=False,
    )
    fig.update_yaxes(
        range=[-100, 100],
        tickvals=[-100, -50, 0, 50, 100],
        fixedrange=True,
        gridcolor=COLOURS["grid"],
        title=dict(text=t("chart.alignment_index", language), font=dict(size=13)),
    )
    rows = []
    for point in points:
        e = point.alignment
        rows.append(
            {
                t("dashboard.col.intervention", language): point.intervention,
                t("dashboard.col.round", language): point.round_name,
                t("dashboard.col.opens", language): format_date(point.opens_at, language),
                t("dashboard.col.status", language): group_status(point.group, view.k, language)
                or t("dashboard.status.shown", language, n=point.group.n),
                t("dashboard.col.mean", language): format_signed(e.mean, language)
                if point.group.shown and e
                else (
                    short_status(point.group, language)
                    if not point.group.shown
                    else t("dashboard.status.protects", language)
                ),
                t("dashboard.col.interval", language): interval_text(e, language, True) if point.group.shown else "–",
            }
        )
    sentences = [
        _trend_sentence(intervention, [points[i] for i in positions], [estimates[i] for i in positions], language)
        for intervention, positions in lines
    ]
    summary = " ".join(sentences) if any(sentences) else t("dashboard.trends.summary_none", language)
    # A shown round can still lack the index: a theme it combines is withheld there.
    gaps = [
        f"{p.round_name} ({group_status(p.group, view.k, language) if not p.group.shown else t('dashboard.status.protects', language)})"
        for p in points
        if not p.group.shown or p.alignment is None
    ]
    if gaps:
        summary += " " + t("dashboard.trends.summary_gaps", language, rounds="; ".join(gaps))
    return ChartWithTable("dash_trend_alignment", title, fig, pd.DataFrame(rows), summary)


def _trend_sentence(intervention: str, points: list, estimates: list, language: str) -> str:
    """What one intervention's line says: from the first shown round to the last, or its one shown round."""
    shown = [(p, e) for p, e in zip(points, estimates) if e is not None]
    if len(shown) >= 2:
        return t(
            "dashboard.trends.summary",
            language,
            intervention=intervention,
            first=shown[0][0].round_name,
            last=shown[-1][0].round_name,
            start=format_signed(shown[0][1].mean, language),
            end=format_signed(shown[-1][1].mean, language),
        )
    if shown:
        return t(
            "dashboard.trends.summary_one",
            language,
            intervention=intervention,
            round=shown[0][0].round_name,
            index=format_signed(shown[0][1].mean, language),
        )
    return ""


def trend_themes(view, language: str) -> ChartWithTable:
    """Match (solid) and mismatch (dashed) theme means per round."""
    title = t("dashboard.trends.themes_title", language)
    points = list(view.trends)
    x = list(range(len(points)))
    symbols = ("circle", "square", "diamond", "triangle-up", "x")
    fig = go.Figure()
    rows = {i: {t("dashboard.col.round", language): p.round_name} for i, p in enumerate(points)}
    for n, theme in enumerate(view.heatmap_themes):
        values = []
        for i, point in enumerate(points):
            estimate = next((m.estimate for m in point.means if m.theme.id == theme.id), None)
            values.append(estimate.mean if point.group.shown and estimate else None)
            rows[i][theme.name] = (
                format_score(values[-1], language) if point.group.shown else short_status(point.group, language)
            )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=values,
                mode="lines+markers",
                connectgaps=False,
                name=html.escape(theme.name),
                line=dict(color=COLOURS[theme.side], dash="solid" if theme.side == "match" else "dash"),
                marker=dict(symbol=symbols[n % len(symbols)], size=10),
                hovertemplate=html.escape(theme.name) + ": %{y:.0f}<extra></extra>",
            )
        )
    base_layout(fig, 340, legend=True, margin=dict(l=10, r=20, t=50, b=10))
    fig.update_xaxes(
        tickvals=x,
        ticktext=[_round_label(p, language) for p in points],
        fixedrange=True,
        range=[-0.5, max(len(points) - 0.5, 0.5)],
        showgrid=False,
    )
    fig.update_yaxes(
        range=[0, 104],
        tickvals=[0, 25, 50, 75, 100],
        fixedrange=True,
        gridcolor=COLOURS["grid"],
        title=dict(text=t("chart.score_axis", language), font=dict(size=13)),
    )
    summary = t("dashboard.trends.themes_summary", language)
    return ChartWithTable("dash_trend_themes", title, fig, pd.DataFrame(list(rows.values())), summary)
