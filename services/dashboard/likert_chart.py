"""The dashboard's answers per statement: diverging stacked bars of how each item of one side was answered,
with the share of "not applicable" beside each bar. Pure service code (no streamlit), built from a
DashboardView (or a workshop's picture, which carries the same names). A withheld selection gives only its
status; a statement answered by too few people for this view is named as withheld, without its answers.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from services.dashboard.charts import rows_height, side_label, withheld_chart
from services.formatting import format_number, format_percent
from services.i18n import t
from services.output.chart_style import COLOURS, ChartWithTable, base_layout, wrap_label

# Diverging answer colours (ColorBrewer PuOr, colour-blind safe): disagree orange, agree purple.
ANSWER_COLOURS = ("#B35806", "#F1A340", "#D9D9D9", "#998EC3", "#542788")


def likert(view, language: str, side: str) -> ChartWithTable:
    """Diverging stacked bars of the answers to one side's items: disagree left, agree right.

    The middle point is split half left, half right; "not applicable" is not in the bars but its rate
    is written beside each bar and in the table.
    """
    name = f"dash_likert_{side}"
    title = t("dashboard.likert.title", language, side=side_label(side, language))
    if not view.selection.shown:
        return withheld_chart(name, title, view, language, title)
    items = [i for i in view.likert if i.side == side]
    labels = [wrap_label(i.text, 48) for i in items]
    points = [p for p, _ in view.scale]
    middle = (points[0] + points[-1]) / 2
    fig = go.Figure()
    segments = []  # (point, factor, part): middle halves first, so each side stacks outward from 0
    for point, _ in view.scale:
        if point == middle:
            segments += [(point, -0.5, "left"), (point, 0.5, "right")]
        else:
            segments.append((point, -1 if point < middle else 1, ""))
    segments.sort(key=lambda s: (s[1] > 0, s[2] == "", abs(s[0] - middle)))
    for point, factor, part in segments:
        index = points.index(point)
        label = dict(view.scale)[point]
        colour = ANSWER_COLOURS[round(index * (len(ANSWER_COLOURS) - 1) / max(len(points) - 1, 1))]
        shares = [i.distribution.percentages.get(point) if i.distribution.answered else None for i in items]
        x = [factor * s if s is not None else None for s in shares]
        fig.add_trace(
            go.Bar(
                x=x,
                y=labels,
                orientation="h",
                name=label,
                marker=dict(color=colour),
                legendrank=index,
                legendgroup=str(point),
                showlegend=part != "right",
                customdata=shares,
                text=[
                    format_percent(s / 100, language) if s is not None and v is not None and abs(v) >= 10 else ""
                    for s, v in zip(shares, x)
                ]
                if part == ""
                else None,
                textposition="inside",
                insidetextanchor="middle",
                textangle=0,
                hovertemplate=f"{label}: " + "%{customdata:.0f}%<extra></extra>",
            )
        )
    for item, y in zip(items, labels):
        d = item.distribution
        note = (
            t("dashboard.cell.withheld", language)
            if item.withheld
            else t("dashboard.likert.na_note", language, rate=format_number(d.na_rate, language, 0))
            if d.na_rate is not None
            else t("dashboard.cell.no_data", language)
        )
        fig.add_annotation(
            x=1.0,
            xref="paper",
            xanchor="left",
            xshift=6,
            y=y,
            showarrow=False,
            text=note,
            font=dict(size=12, color=COLOURS["muted"]),
        )
    lines = max((label.count("<br>") + 1 for label in labels), default=1)
    base_layout(
        fig,
        rows_height(len(items), per_row=max(44, 20 + 17 * lines), extra=120, top=1400),
        legend=True,
        margin=dict(l=10, r=80, t=40, b=10),
    )
    fig.update_layout(barmode="relative", bargap=0.3, legend=dict(traceorder="normal"))
    fig.update_xaxes(
        range=[-102, 102],
        tickvals=[-100, -50, 0, 50, 100],
        ticktext=["100%", "50%", "0", "50%", "100%"],
        zeroline=True,
        zerolinecolor=COLOURS["ink"],
        gridcolor=COLOURS["grid"],
        fixedrange=True,
        title=dict(text=t("dashboard.likert.axis", language), font=dict(size=13)),
    )
    fig.update_yaxes(autorange="reversed", automargin=True, fixedrange=True)
    rows = []
    for item in items:
        d = item.distribution
        row = {t("dashboard.col.statement", language): item.text}
        for point, label in view.scale:
            row[label] = format_percent(d.percentages[point] / 100, language) if d.answered else "–"
        row[t("dashboard.col.na_rate", language)] = format_percent(
            None if d.na_rate is None else d.na_rate / 100, language
        )
        row[t("dashboard.col.answers", language)] = (
            t("dashboard.likert.withheld_note", language, k=view.k) if item.withheld else d.n
        )
        rows.append(row)
    return ChartWithTable(name, title, fig, pd.DataFrame(rows), _likert_summary(items, view.scale, language, view.k))


def _likert_summary(items, scale, language: str, k: int) -> str:
    withheld = sum(1 for i in items if i.withheld)
    note = t("dashboard.likert.summary_withheld", language, count=withheld, k=k) if withheld else ""
    return " ".join(part for part in (_answered_summary(items, scale, language, bool(withheld)), note) if part)


def _answered_summary(items, scale, language: str, some_withheld: bool) -> str:
    points = [p for p, _ in scale]
    agree = [p for p in points if p > (points[0] + points[-1]) / 2]
    answered = [i for i in items if i.distribution.answered]
    if not answered:
        return "" if some_withheld else t("dashboard.likert.summary_none", language)
    most = max(answered, key=lambda i: sum(i.distribution.percentages[p] for p in agree))
    share = sum(most.distribution.percentages[p] for p in agree)
    text = t("dashboard.likert.summary", language, statement=most.text, share=format_number(share, language, 0))
    high_na = [i for i in items if (i.distribution.na_rate or 0) >= 20]
    if high_na:
        text += " " + t("dashboard.likert.summary_na", language, count=len(high_na))
    return text
