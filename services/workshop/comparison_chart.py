"""The workshop's chart of round 1 against round 2: each theme's average and the alignment index in both
rounds, with a plain summary of what moved (pure service code, as charts.py)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from services.dashboard.charts import rows_height, side_label
from services.formatting import format_score, format_signed
from services.i18n import t
from services.output.chart_style import COLOURS, ChartWithTable, base_layout, wrap_label
from services.workshop.charts import SIDE_ORDER, status_chart
from services.workshop.picture import RoundComparison, ThemeShift

FIRST_ROUND_COLOUR = "#9E9E9E"
NOTICEABLE_CHANGE = 5  # points on 0..100: smaller moves are not named in the summary


def ws_comparison(compared: RoundComparison | None, language: str, *, k: int) -> ChartWithTable:
    """Each theme's average in round 1 (open circle) and round 2 (diamond), and the alignment index."""
    title = t("workshop_report.comparison.title", language)
    if compared is None:
        return status_chart("ws_comparison", title, t("workshop_report.comparison.status", language, k=k), language)
    shifts = [(s, s.theme) for side in SIDE_ORDER for s in compared.themes if s.theme and s.theme.side == side]
    rounds = [t("workshop_report.round", language, round=r) for r in (compared.first_round, compared.second_round)]
    fig = make_subplots(rows=2, cols=1, row_heights=[0.82, 0.18], vertical_spacing=0.12)
    for row, rows, axis_range in (
        (1, [(s, wrap_label(theme.name, 24)) for s, theme in shifts], (0, 100)),
        (2, [(compared.alignment, t("chart.alignment_index", language))], (-100, 100)),
    ):
        _dumbbells(fig, row, rows, rounds, language)
        fig.update_xaxes(
            range=[axis_range[0] - 4, axis_range[1] + 4],
            gridcolor=COLOURS["grid"],
            fixedrange=True,
            zeroline=row == 2,
            row=row,
            col=1,
        )
        fig.update_yaxes(autorange="reversed", automargin=True, fixedrange=True, row=row, col=1)
    fig.update_xaxes(title=dict(text=t("dashboard.theme_means.axis", language), font=dict(size=13)), row=1, col=1)
    fig.update_xaxes(title=dict(text=t("dashboard.alignment.axis", language), font=dict(size=13)), row=2, col=1)
    base_layout(fig, rows_height(len(shifts) + 2, top=1000), legend=True, margin=dict(l=10, r=20, t=40, b=10))
    table = pd.DataFrame(
        [_shift_row(s, theme.name, theme.side, rounds, language) for s, theme in shifts]
        + [_shift_row(compared.alignment, t("chart.alignment_index", language), None, rounds, language)]
    )
    return ChartWithTable("ws_comparison", title, fig, table, comparison_summary(compared, language))


def _dumbbells(fig: go.Figure, row: int, rows: list[tuple[ThemeShift, str]], rounds: list[str], language: str) -> None:
    for shift, label in rows:
        if shift.change is not None:
            colour = COLOURS[shift.theme.side] if shift.theme else COLOURS["ink"]
            fig.add_trace(
                go.Scatter(
                    x=[shift.first, shift.second],
                    y=[label, label],
                    mode="lines",
                    line=dict(color=colour, width=3),
                    showlegend=False,
                    hoverinfo="skip",
                ),
                row=row,
                col=1,
            )
    first = [(s.first, label) for s, label in rows]
    second = [(s.second, label) for s, label in rows]
    fmt = format_signed if row == 2 else format_score
    for number, (points, symbol, colour) in enumerate(
        ((first, "circle-open", FIRST_ROUND_COLOUR), (second, "diamond", COLOURS["ink"]))
    ):
        fig.add_trace(
            go.Scatter(
                x=[x for x, _ in points],
                y=[label for _, label in points],
                mode="markers",
                name=rounds[number],
                marker=dict(symbol=symbol, size=14, color=colour, line=dict(width=2.5, color=colour)),
                showlegend=row == 1,
                legendgroup=str(number),
                customdata=[fmt(x, language) for x, _ in points],
                hovertemplate=f"{rounds[number]} · %{{y}}: %{{customdata}}<extra></extra>",
            ),
            row=row,
            col=1,
        )


def _shift_row(shift: ThemeShift, name: str, side: str | None, rounds: list[str], language: str) -> dict:
    fmt = format_score if side else format_signed
    return {
        t("chart.col.theme", language): name,
        t("chart.col.side", language): side_label(side, language) if side else "–",
        rounds[0]: fmt(shift.first, language),
        rounds[1]: fmt(shift.second, language),
        t("workshop_report.comparison.col_change", language): format_signed(shift.change, language)
        if shift.change is not None
        else "–",
    }


def comparison_summary(compared: RoundComparison, language: str) -> str:
    """Where the group moved most toward a better fit and most away from it, and the alignment index."""
    moved = [
        (fit, s, s.theme)
        for s in compared.themes
        if s.theme is not None and (fit := s.toward_fit) is not None and abs(fit) >= NOTICEABLE_CHANGE
    ]
    parts = []
    better = max(moved, key=lambda m: m[0], default=None)
    worse = min(moved, key=lambda m: m[0], default=None)
    for key, found in (("toward_fit", better), ("away_from_fit", worse)):
        if found is not None and (found[0] > 0) == (key == "toward_fit"):
            _fit, shift, theme = found
            parts.append(
                t(
                    f"workshop_report.comparison.summary_{key}",
                    language,
                    theme=theme.name,
                    first=format_score(shift.first, language),
                    second=format_score(shift.second, language),
                )
            )
    if not parts:
        parts.append(t("workshop_report.comparison.summary_little", language, points=NOTICEABLE_CHANGE))
    alignment = compared.alignment
    if alignment.change is not None:
        parts.append(
            t(
                "workshop_report.comparison.summary_alignment",
                language,
                first=format_signed(alignment.first, language),
                second=format_signed(alignment.second, language),
            )
        )
    parts.append(t("workshop_report.comparison.summary_n", language, n1=compared.n1, n2=compared.n2))
    return " ".join(parts)
