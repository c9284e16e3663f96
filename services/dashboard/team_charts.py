"""The manager dashboard's charts across teams: the teams x themes heatmap, participation, within-team
agreement, and the reliability table (the trends across rounds are in trend_charts).

Pure service code (no streamlit). A withheld or empty team or round gives no number: its heatmap cells
are drawn in grey by a separate trace outside the data's colour scale and say "withheld" or "no data".
Names typed by people (teams) are HTML-escaped before they reach a plotly label.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from services.dashboard.charts import (
    EMPTY_FILL,
    WITHHELD_FILL,
    group_status,
    interval_text,
    rows_height,
    short_status,
    typed_label,
)
from services.dashboard.parts import Group
from services.dashboard.stats import AGREEMENT_SPLIT_BELOW, MIN_N_FOR_ALPHA, TOO_FEW_FOR_ALPHA
from services.formatting import format_number, format_percent, format_score, format_signed
from services.i18n import t
from services.output.chart_style import (
    COLOURS,
    ChartWithTable,
    base_layout,
)

# Diverging and colour-blind safe (ColorBrewer PuOr ends): orange = clashes with values, purple-blue = fits.
FIT_SCALE = [[0.0, "#B35806"], [0.25, "#F1A340"], [0.5, "#F7F7F7"], [0.75, "#8FA8D6"], [1.0, "#2D4E9E"]]
# r_wg: orange below the 0.7 line (split views), white at it, blue towards full agreement.
AGREEMENT_SCALE = [[0.0, "#E08214"], [AGREEMENT_SPLIT_BELOW, "#F7F7F7"], [1.0, "#2D4E9E"]]


def _status_trace(x: Sequence[str], groups: Sequence[tuple[str, Group]], language: str) -> go.Heatmap:
    """Grey cells for the rows that are not shown: never on the data's colour scale."""
    z, text = [], []
    for _label, group in groups:
        value = None if group.shown else (0 if group.decision.empty else 1)
        z.append([value] * len(x))
        text.append(["" if group.shown else short_status(group, language)] * len(x))
    return go.Heatmap(
        z=z,
        x=list(x),
        y=[label for label, _ in groups],
        text=text,
        texttemplate="%{text}",
        colorscale=[[0, EMPTY_FILL], [1, WITHHELD_FILL]],
        zmin=0,
        zmax=1,
        showscale=False,
        hoverinfo="skip",
        xgap=2,
        ygap=2,
        name="status",
        textfont=dict(color=COLOURS["ink"]),
    )


def _grid_layout(fig: go.Figure, n_rows: int) -> None:
    base_layout(fig, rows_height(n_rows, per_row=52, extra=140), margin=dict(l=10, r=10, t=70, b=10))
    fig.update_xaxes(side="top", fixedrange=True, showgrid=False)
    fig.update_yaxes(autorange="reversed", automargin=True, fixedrange=True, showgrid=False)


def heatmap(view, language: str) -> ChartWithTable:
    """Teams x match and mismatch themes; colour = fit (a high mismatch score is coloured as a clash)."""
    title = t("dashboard.heatmap.title", language)
    themes = view.heatmap_themes
    columns = [
        typed_label(th.name + (" " + t("dashboard.heatmap.clash_mark", language) if th.side == "mismatch" else ""), 16)
        for th in themes
    ]
    groups = [(typed_label(row.team_name), row.group) for row in view.heatmap]
    z, text, hover = [], [], []
    for row in view.heatmap:
        means = {m.theme.id: m.estimate for m in row.means} if row.group.shown else {}
        z.append(
            [
                None
                if means.get(th.id) is None
                else (100 - means[th.id].mean if th.side == "mismatch" else means[th.id].mean)
                for th in themes
            ]
        )
        text.append(
            [
                format_score(means[th.id].mean, language)
                if means.get(th.id) is not None
                else (t("report.not_enough", language) if row.group.shown else "")
                for th in themes
            ]
        )
        hover.append([interval_text(means.get(th.id), language) for th in themes])
    fig = go.Figure()
    if groups:
        fig.add_trace(_status_trace(columns, groups, language))
        fig.add_trace(
            go.Heatmap(
                z=z,
                x=columns,
                y=[label for label, _ in groups],
                text=text,
                texttemplate="%{text}",
                customdata=hover,
                colorscale=FIT_SCALE,
                zmin=0,
                zmax=100,
                xgap=2,
                ygap=2,
                name="data",
                textfont=dict(size=15),
                hovertemplate="%{y} · %{x}: %{text} (%{customdata})<extra></extra>",
                colorbar=dict(
                    tickvals=[0, 50, 100],
                    thickness=12,
                    ticktext=[
                        t("dashboard.heatmap.tick_clash", language),
                        t("dashboard.heatmap.tick_neutral", language),
                        t("dashboard.heatmap.tick_fit", language),
                    ],
                ),
            )
        )
    _grid_layout(fig, len(groups))
    team_col = t("dashboard.col.team", language)
    rows = []
    for row in view.heatmap:
        means = {m.theme.id: m.estimate for m in row.means}
        out = {
            team_col: row.team_name,
            t("dashboard.col.status", language): group_status(row.group, view.k, language)
            or t("dashboard.status.shown", language, n=row.group.n),
        }
        for th in themes:
            out[th.name] = (
                short_status(row.group, language)
                if not row.group.shown
                else format_score(means[th.id].mean if means.get(th.id) else None, language)
            )
        out[t("chart.alignment_index", language)] = (
            short_status(row.group, language)
            if not row.group.shown
            else format_signed(row.alignment.mean if row.alignment else None, language)
        )
        rows.append(out)
    shown = sum(1 for row in view.heatmap if row.group.shown)
    hidden = [row.team_name for row in view.heatmap if not row.group.shown and not row.group.decision.empty]
    summary = t("dashboard.heatmap.summary", language, shown=shown, teams=len(view.heatmap))
    if hidden:
        summary += " " + t("dashboard.heatmap.summary_withheld", language, names=", ".join(hidden))
    return ChartWithTable("dash_heatmap", title, fig, pd.DataFrame(rows), summary)


def participation(view, language: str) -> ChartWithTable:
    """Responses as a share of each team's headcount (per round invited); low participation flagged."""
    title = t("dashboard.participation.title", language)
    rows = list(view.participation)
    labels = [typed_label(p.team_name) for p in rows]
    rates = [100 * p.rate if p.rate is not None else None for p in rows]
    fig = go.Figure(
        go.Bar(
            x=rates,
            y=labels,
            orientation="h",
            marker=dict(color=[COLOURS["mismatch"] if p.low else COLOURS["match"] for p in rows]),
            text=[
                (
                    format_percent(p.rate, language)
                    + (" · " + t("dashboard.participation.low", language) if p.low else "")
                )
                if p.rate is not None
                else ""
                for p in rows
            ],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.0f}%<extra></extra>",
        )
    )
    for p, label in zip(rows, labels):
        if p.rate is None:
            fig.add_annotation(
                x=2,
                y=label,
                xanchor="left",
                showarrow=False,
                text=_participation_note(p, view, language),
                font=dict(size=12, color=COLOURS["muted"]),
            )
    fig.add_vline(x=50, line=dict(color=COLOURS["muted"], width=1, dash="dot"))
    base_layout(fig, rows_height(len(rows)), margin=dict(l=10, r=40, t=20, b=10))
    top = max([105.0, *(r + 15 for r in rates if r is not None)])
    fig.update_xaxes(
        range=[0, top],
        tickvals=[0, 25, 50, 75, 100],
        ticksuffix="%",
        gridcolor=COLOURS["grid"],
        fixedrange=True,
        title=dict(text=t("dashboard.participation.axis", language), font=dict(size=13)),
    )
    fig.update_yaxes(autorange="reversed", automargin=True, fixedrange=True)
    table = pd.DataFrame(
        [
            {
                t("dashboard.col.team", language): p.team_name,
                t("dashboard.col.responses", language): str(p.group.n)
                if p.group.n is not None
                else short_status(p.group, language),
                t("dashboard.col.headcount", language): str(p.size) if p.size else "–",
                t("dashboard.col.invited_rounds", language): str(p.invited_rounds),
                t("dashboard.col.participation", language): format_percent(p.rate, language),
                t("dashboard.col.note", language): _participation_note(p, view, language),
            }
            for p in rows
        ]
    )
    low = [p.team_name for p in rows if p.low]
    known = [p for p in rows if p.rate is not None]
    if low:
        summary = t("dashboard.participation.summary_low", language, names=", ".join(low))
    elif known:
        summary = t("dashboard.participation.summary_ok", language, count=len(known))
    else:
        summary = t("dashboard.participation.summary_none", language)
    # Teams with a size that these rounds did not invite have no rate: say so, so the count above adds up.
    uninvited = [p for p in rows if p.size and p.invited_rounds == 0]
    if known and uninvited:
        summary += " " + t("dashboard.participation.summary_not_invited", language, count=len(uninvited))
    return ChartWithTable("dash_participation", title, fig, table, summary)


def _participation_note(p, view, language: str) -> str:
    if p.group.n is None:
        return group_status(p.group, view.k, language)
    if not p.invited_rounds:
        return t("dashboard.participation.not_invited", language)
    if view.filters.role is not None:
        return t("dashboard.participation.not_per_role", language)
    if not p.size:
        return t("dashboard.participation.no_headcount", language)
    return t("dashboard.participation.low", language) if p.low else ""


def agreement(view, language: str) -> ChartWithTable:
    """Within-team agreement r_wg(J) per team on the match and mismatch themes (the table has every
    theme); below 0.7 the team's views are split."""
    title = t("dashboard.agreement.title", language)
    themes = list(view.heatmap_themes)
    columns = [typed_label(th.name, 16) for th in themes]
    groups = [(typed_label(row.team_name), row.group) for row in view.agreement]
    z, text = [], []
    for row in view.agreement:
        values = {a.theme.id: a.agreement for a in row.themes}
        z.append([values[th.id].value if values.get(th.id) is not None else None for th in themes])
        text.append([_agreement_cell(values.get(th.id), language) if row.group.shown else "" for th in themes])
    fig = go.Figure()
    if groups:
        fig.add_trace(_status_trace(columns, groups, language))
        fig.add_trace(
            go.Heatmap(
                z=z,
                x=columns,
                y=[label for label, _ in groups],
                text=text,
                texttemplate="%{text}",
                name="data",
                colorscale=AGREEMENT_SCALE,
                zmin=0,
                zmax=1,
                xgap=2,
                ygap=2,
                textfont=dict(size=15),
                hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
                colorbar=dict(
                    tickvals=[0, AGREEMENT_SPLIT_BELOW, 1],
                    thickness=12,
                    ticktext=["0", format_number(AGREEMENT_SPLIT_BELOW, language, 1), "1"],
                ),
            )
        )
    _grid_layout(fig, len(groups))
    team_col = t("dashboard.col.team", language)
    rows = []
    for row in view.agreement:
        values = {a.theme.id: a.agreement for a in row.themes}
        out = {team_col: row.team_name}
        for th in view.themes:
            out[th.name] = (
                _agreement_cell(values.get(th.id), language).replace("<br>", " ")
                if row.group.shown
                else short_status(row.group, language)
            )
        rows.append(out)
    return ChartWithTable("dash_agreement", title, fig, pd.DataFrame(rows), _agreement_summary(view, language))


def _agreement_summary(view, language: str) -> str:
    if not any(row.group.shown for row in view.agreement):
        return t("dashboard.agreement.summary_none", language)
    parts = []
    for row in view.agreement:
        split = [a.theme.name for a in row.themes if a.split] if row.group.shown else []
        if len(split) > 2:
            parts.append(t("dashboard.agreement.summary_many", language, team=row.team_name, count=len(split)))
        elif split:
            parts.append(f"{row.team_name} ({', '.join(split)})")
    if not parts:
        return t("dashboard.agreement.summary_none_split", language)
    return t("dashboard.agreement.summary_split", language, pairs="; ".join(parts))


def _agreement_cell(agreement, language: str) -> str:
    if agreement is None:
        return t("report.not_enough", language)
    value = format_number(agreement.value, language, 2)
    return f"{value}<br>{t('dashboard.agreement.split', language)}" if agreement.split else value


def reliability(view, language: str) -> tuple[pd.DataFrame, str]:
    """Cronbach's alpha per theme as a table, and one plain sentence about it."""
    reasons = {TOO_FEW_FOR_ALPHA: t("dashboard.reliability.too_few", language, n=MIN_N_FOR_ALPHA)}
    rows = []
    for domain in view.reliability:
        r = domain.reliability
        rows.append(
            {
                t("chart.col.theme", language): domain.theme.name,
                t("dashboard.col.alpha", language): format_number(r.alpha, language, 2)
                if r.alpha is not None
                else reasons.get(r.reason, t("dashboard.reliability.not_computed", language)),
                t("dashboard.col.items", language): r.n_items,
                t("dashboard.col.n", language): r.n,
            }
        )
    computed = [d for d in view.reliability if d.reliability.alpha is not None]
    if computed:
        low = [d.theme.name for d in computed if d.reliability.alpha < 0.7]
        summary = (
            t("dashboard.reliability.summary_low", language, names=", ".join(low))
            if low
            else t("dashboard.reliability.summary_ok", language)
        )
    else:
        summary = t("dashboard.reliability.summary_none", language, n=MIN_N_FOR_ALPHA)
    return pd.DataFrame(rows), summary
