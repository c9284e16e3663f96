"""The manager dashboard's charts of the selection: plotly figures, each with a table and a plain summary.

Pure service code (no streamlit), built from a DashboardView. A group that is withheld or empty gives
no number anywhere (figure, table or summary): only its status ("withheld: fewer than k responses",
"withheld to protect a smaller group", "no responses yet"). The answers per statement are in likert_chart,
the team charts (heatmap, participation, agreement, reliability) in team_charts, the trends in trend_charts
and the actions on the time axis in what_changed; the words and numbers here are what they share.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from assessment.anonymity import FEWER_THAN_K
from services.dashboard.parts import Group
from services.dashboard.stats import Estimate
from services.formatting import format_number, format_percent, format_score, format_signed
from services.i18n import t
from services.output.chart_style import (
    COLOURS,
    ChartWithTable,
    base_layout,
    wrap_label,
)

SIDES = ("match", "mismatch", "value", "compassion")
MEAN_SIDES = ("match", "mismatch", "value")  # compassion has its own chart: the five elements
WITHHELD_FILL = "#BDBDBD"
EMPTY_FILL = "#F0F0F0"


# ---------------------------------------------------------------- words and numbers


def group_status(group: Group, k: int, language: str) -> str:
    """Why a group has no numbers, in words; empty string when it is shown."""
    decision = group.decision
    if decision.shown:
        return ""
    if decision.empty:
        return t("dashboard.status.empty", language)
    if decision.reason == FEWER_THAN_K:
        return t("dashboard.status.fewer_than_k", language, k=k)
    return t("dashboard.status.protects", language)


def short_status(group: Group, language: str) -> str:
    """One word for a table cell or a heatmap cell: "withheld" or "no data"."""
    return t("dashboard.cell.no_data" if group.decision.empty else "dashboard.cell.withheld", language)


def interval_text(estimate: Estimate | None, language: str, signed: bool = False) -> str:
    """ "47–57" for a 95% interval; "–" when there is a single answer."""
    if estimate is None or estimate.low is None or estimate.high is None:
        return "–"
    fmt = format_signed if signed else format_score
    return t("chart.range", language, low=fmt(estimate.low, language), high=fmt(estimate.high, language))


def side_label(side: str, language: str) -> str:
    return t(f"dashboard.side.{side}", language)


def typed_label(text: str, width: int = 22) -> str:
    """A name people typed (a team, a round, an action) as a plotly label: HTML-escaped, then wrapped."""
    return wrap_label(html.escape(text), width)


def rows_height(n_rows: int, per_row: int = 44, extra: int = 110, top: int = 900) -> int:
    return max(220, min(top, extra + per_row * n_rows))


def status_figure(text: str) -> go.Figure:
    """An empty figure that only says why there is nothing to draw."""
    fig = go.Figure()
    fig.add_annotation(
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        text=wrap_label(text, 60),
        font=dict(size=15, color=COLOURS["muted"]),
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return base_layout(fig, 160, margin=dict(l=10, r=20, t=30, b=10))


def withheld_chart(name: str, title: str, view, language: str, what: str) -> ChartWithTable:
    """The chart of a selection that is not shown: only its status, in the figure, the table and the summary."""
    status = group_status(view.selection, view.k, language)
    table = pd.DataFrame([{t("dashboard.col.what", language): what, t("dashboard.col.status", language): status}])
    return ChartWithTable(
        name, title, status_figure(status), table, t("dashboard.summary.withheld", language, status=status)
    )


def _score_axis(fig: go.Figure, title: str) -> None:
    fig.update_xaxes(
        range=[0, 104],
        tickvals=[0, 25, 50, 75, 100],
        gridcolor=COLOURS["grid"],
        zeroline=False,
        fixedrange=True,
        title=dict(text=title, font=dict(size=13)),
    )
    fig.add_vline(x=50, line=dict(color=COLOURS["muted"], width=1, dash="dot"))


def _error_x(estimates: Sequence[Estimate | None]) -> dict:
    plus = [e.high - e.mean if e and e.high is not None else None for e in estimates]
    minus = [e.mean - e.low if e and e.low is not None else None for e in estimates]
    return dict(type="data", array=plus, arrayminus=minus, color=COLOURS["ink"], thickness=1.5, width=6)


def _estimate_row(
    name_col: str, name: str, estimate: Estimate | None, language: str, extra: dict | None = None
) -> dict:
    missing = t("report.not_enough", language)
    return {
        name_col: name,
        **(extra or {}),
        t("dashboard.col.mean", language): format_score(estimate.mean, language) if estimate else missing,
        t("dashboard.col.interval", language): interval_text(estimate, language) if estimate else "–",
        t("dashboard.col.n", language): estimate.n if estimate else 0,
    }


# ---------------------------------------------------------------- the charts


def theme_means(view, language: str) -> ChartWithTable:
    """Horizontal bars per theme (0..100) with 95% intervals, coloured and grouped by side."""
    title = t("dashboard.theme_means.title", language)
    if not view.selection.shown:
        return withheld_chart("dash_theme_means", title, view, language, title)
    means = [m for side in MEAN_SIDES for m in view.theme_means if m.theme.side == side]
    fig = go.Figure()
    for side in MEAN_SIDES:
        rows = [m for m in means if m.theme.side == side]
        if not rows:
            continue
        estimates = [m.estimate for m in rows]
        fig.add_trace(
            go.Bar(
                x=[e.mean if e else None for e in estimates],
                y=[wrap_label(m.theme.name, 24) for m in rows],
                orientation="h",
                name=side_label(side, language),
                marker=dict(color=COLOURS[side]),
                error_x=_error_x(estimates),
                customdata=[interval_text(e, language) for e in estimates],
                text=[format_score(e.mean, language) if e else t("report.not_enough", language) for e in estimates],
                textposition="inside",
                insidetextanchor="start",
                textfont=dict(color="white"),
                hovertemplate="%{y}: %{x:.0f} (%{customdata})<extra></extra>",
            )
        )
    base_layout(fig, rows_height(len(means)), legend=True, margin=dict(l=10, r=20, t=40, b=10))
    fig.update_layout(bargap=0.3)
    _score_axis(fig, t("dashboard.theme_means.axis", language))
    fig.update_yaxes(autorange="reversed", automargin=True, fixedrange=True)
    name_col = t("chart.col.theme", language)
    table = pd.DataFrame(
        [
            _estimate_row(
                name_col,
                m.theme.name,
                m.estimate,
                language,
                {t("chart.col.side", language): side_label(m.theme.side, language)},
            )
            for m in means
        ]
    )
    return ChartWithTable("dash_theme_means", title, fig, table, _theme_summary(means, language))


def _theme_summary(means, language: str) -> str:
    parts = []
    for side in ("match", "mismatch"):
        scored = [m for m in means if m.theme.side == side and m.estimate is not None]
        if scored:
            top = max(scored, key=lambda m: m.estimate.mean)
            parts.append(
                t(
                    f"dashboard.theme_means.summary_{side}",
                    language,
                    theme=top.theme.name,
                    score=format_score(top.estimate.mean, language),
                )
            )
    missing = [m.theme.name for m in means if m.estimate is None]
    if missing:
        parts.append(t("chart.summary_missing", language, names=", ".join(missing)))
    return " ".join(parts) or t("dashboard.theme_means.summary_none", language)


def alignment(view, language: str, bands) -> ChartWithTable:
    """The alignment index with its 95% interval on -100..+100, over the instrument's bands."""
    title = t("dashboard.alignment.title", language)
    if not view.selection.shown:
        return withheld_chart("dash_alignment", title, view, language, title)
    estimate = view.alignment
    spans = (
        ("misaligned", -100.0, bands.misaligned_max),
        ("mixed", bands.misaligned_max, bands.aligned_min),
        ("aligned", bands.aligned_min, 100.0),
    )
    fills = {"misaligned": "#F6D0BB", "mixed": "#E6E6E6", "aligned": "#C4DFF0"}
    fig = go.Figure()
    for band_id, low, high in spans:
        fig.add_shape(
            type="rect", x0=low, x1=high, y0=0.3, y1=0.7, line=dict(width=0), fillcolor=fills[band_id], layer="below"
        )
        fig.add_annotation(
            x=(low + high) / 2,
            y=0.74,
            yanchor="bottom",
            showarrow=False,
            font=dict(size=13),
            text=t(f"dashboard.alignment.band_{band_id}", language),
        )
    if estimate is not None:
        fig.add_trace(
            go.Scatter(
                x=[estimate.mean],
                y=[0.5],
                mode="markers",
                error_x=_error_x([estimate]),
                marker=dict(symbol="diamond", size=18, color=COLOURS["ink"], line=dict(color="white", width=2)),
                hovertemplate=f"{format_signed(estimate.mean, language)} ({interval_text(estimate, language, True)})"
                "<extra></extra>",
            )
        )
        fig.add_annotation(
            x=estimate.mean,
            y=0.24,
            yanchor="top",
            showarrow=False,
            font=dict(size=15),
            text=f"<b>{format_signed(estimate.mean, language)}</b>",
        )
    else:
        fig.add_annotation(x=0, y=0.5, showarrow=False, text=t("report.not_enough", language), bgcolor="white")
    ticks = [-100.0, bands.misaligned_max, 0.0, bands.aligned_min, 100.0]
    base_layout(fig, 220, margin=dict(l=20, r=20, t=10, b=10))
    fig.update_xaxes(
        range=[-104, 104],
        tickvals=ticks,
        ticktext=[format_signed(v, language) for v in ticks],
        title=dict(text=t("dashboard.alignment.axis", language), font=dict(size=13)),
        showgrid=False,
        zeroline=False,
        fixedrange=True,
    )
    fig.update_yaxes(range=[0, 1.05], visible=False, fixedrange=True)
    measure = t("chart.col.measure", language)
    table = pd.DataFrame(
        [
            {
                measure: t("chart.alignment_index", language) + " (−100 … +100)",
                t("dashboard.col.mean", language): format_signed(estimate.mean if estimate else None, language),
                t("dashboard.col.interval", language): interval_text(estimate, language, True),
                t("dashboard.col.n", language): estimate.n if estimate else 0,
            }
        ]
    )
    if estimate is None:
        summary = t("dashboard.alignment.summary_none", language)
    else:
        summary = t(
            "dashboard.alignment.summary",
            language,
            index=format_signed(estimate.mean, language),
            interval=interval_text(estimate, language, True),
            n=estimate.n,
        )
    return ChartWithTable("dash_alignment", title, fig, table, summary)


def compassion(view, language: str) -> ChartWithTable:
    """Bars of the five compassion elements with 95% intervals; high = the intervention supports it."""
    title = t("dashboard.compassion.title", language)
    if not view.selection.shown:
        return withheld_chart("dash_compassion", title, view, language, title)
    elements = list(view.compassion)
    estimates = [e.estimate for e in elements]
    fig = go.Figure(
        go.Bar(
            x=[e.mean if e else None for e in estimates],
            y=[wrap_label(e.name, 24) for e in elements],
            orientation="h",
            marker=dict(color=COLOURS["compassion"]),
            error_x=_error_x(estimates),
            customdata=[interval_text(e, language) for e in estimates],
            text=[format_score(e.mean, language) if e else t("report.not_enough", language) for e in estimates],
            textposition="inside",
            insidetextanchor="start",
            textfont=dict(color="white"),
            hovertemplate="%{y}: %{x:.0f} (%{customdata})<extra></extra>",
        )
    )
    base_layout(fig, rows_height(len(elements)), margin=dict(l=10, r=20, t=20, b=10))
    fig.update_layout(bargap=0.3)
    _score_axis(fig, t("chart.compassion_lens.axis", language))
    fig.update_yaxes(autorange="reversed", automargin=True, fixedrange=True)
    name_col = t("chart.col.element", language)
    table = pd.DataFrame([_estimate_row(name_col, e.name, e.estimate, language) for e in elements])
    scored = [e for e in elements if e.estimate is not None]
    if len(scored) >= 2:
        top = max(scored, key=lambda e: e.estimate.mean)
        low = min(scored, key=lambda e: e.estimate.mean)
        summary = t(
            "dashboard.compassion.summary",
            language,
            top=top.name,
            low=low.name,
            top_score=format_score(top.estimate.mean, language),
            low_score=format_score(low.estimate.mean, language),
        )
    else:
        summary = t("chart.compassion_lens.summary_none", language)
    return ChartWithTable("dash_compassion", title, fig, table, summary)


def alignment_distribution(view, language: str, bands) -> ChartWithTable:
    """How the selection's alignment indexes spread over -100..+100, in bins of 25 points, so that a mean
    near 0 made of two camps shows as two humps, not as "mixed"."""
    title = t("dashboard.spread.title", language)
    if not view.selection.shown:
        return withheld_chart("dash_alignment_spread", title, view, language, title)
    bins = view.alignment_distribution
    scored = sum(b.count for b in bins)
    share = [100 * b.count / scored if scored else 0.0 for b in bins]
    labels = [f"{format_signed(b.lower, language)} … {format_signed(b.upper, language)}" for b in bins]

    def band(b) -> str:
        middle = (b.lower + b.upper) / 2
        return "aligned" if middle >= bands.aligned_min else "misaligned" if middle <= bands.misaligned_max else "mixed"

    colours = {"misaligned": COLOURS["mismatch"], "mixed": "#9E9E9E", "aligned": COLOURS["match"]}
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=share,
            marker=dict(color=[colours[band(b)] for b in bins]),
            text=[format_percent(value / 100, language) for value in share],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:.0f}%<extra></extra>",
        )
    )
    base_layout(fig, 260, margin=dict(l=10, r=10, t=20, b=10))
    fig.update_yaxes(
        title=dict(text=t("dashboard.spread.axis_share", language), font=dict(size=13)),
        range=[0, max(share + [10]) * 1.2],
        fixedrange=True,
    )
    fig.update_xaxes(title=dict(text=t("dashboard.alignment.axis", language), font=dict(size=13)), fixedrange=True)
    table = pd.DataFrame(
        [
            {
                t("dashboard.spread.col_range", language): label,
                t("dashboard.spread.col_band", language): t(f"dashboard.alignment.band_{band(b)}", language),
                t("dashboard.col.responses", language): b.count,
                t("dashboard.spread.col_share", language): format_percent(value / 100, language),
            }
            for label, b, value in zip(labels, bins, share)
        ]
    )
    if not scored:
        summary = t("dashboard.alignment.summary_none", language)
    else:
        by_band = {name: sum(v for b, v in zip(bins, share) if band(b) == name) for name in colours}
        summary = t(
            "dashboard.spread.summary",
            language,
            aligned=format_number(by_band["aligned"], language, 0),
            mixed=format_number(by_band["mixed"], language, 0),
            misaligned=format_number(by_band["misaligned"], language, 0),
            n=scored,
        )
    return ChartWithTable("dash_alignment_spread", title, fig, table, summary)
