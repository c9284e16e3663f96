"""What every chart shares: colours, the layout, small axis and label helpers, and ChartWithTable.

Pure service code (no streamlit); used by the result, dashboard and workshop charts and the PDFs.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from services.i18n import t

# Okabe-Ito: distinguishable with every common colour-vision deficiency. Shapes and positions
# carry the same information as the colours wherever two series meet.
COLOURS = {
    "match": "#0072B2",  # blue
    "mismatch": "#D55E00",  # vermillion
    "value": "#009E73",  # bluish green
    "compassion": "#CC79A7",  # reddish purple
    "importance": "#0072B2",
    "support": "#E69F00",  # orange
    "ink": "#222222",
    "muted": "#666666",
    "grid": "#DDDDDD",
}
BAND_FILLS = {"misaligned": "#F6D0BB", "mixed": "#E6E6E6", "aligned": "#C4DFF0"}
FONT_SIZE = 14


@dataclass(frozen=True)
class ChartWithTable:
    """A chart and its text alternatives; `name` is stable (the page uses `chart-<name>` as key)."""

    name: str
    title: str
    figure: go.Figure
    table: pd.DataFrame
    summary: str


def wrap_label(text: str, width: int) -> str:
    """Plotly label with line breaks, so long names do not squeeze the plot on a phone."""
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False)) or text


def base_layout(fig: go.Figure, height: int, *, legend: bool = False, margin: dict | None = None) -> go.Figure:
    fig.update_layout(
        height=height,
        margin=margin or dict(l=10, r=20, t=20, b=10),
        font=dict(size=FONT_SIZE),
        showlegend=legend,
        legend=dict(orientation="h", x=0, xanchor="left", y=1.02, yanchor="bottom", font=dict(size=13)),
        hoverlabel=dict(font_size=FONT_SIZE),
        plot_bgcolor="rgba(0,0,0,0)",
        paper_bgcolor="rgba(0,0,0,0)",
        dragmode=False,
    )
    return fig


def rows_height(n_rows: int, per_row: int = 46, extra: int = 110) -> int:
    return max(300, min(420, extra + per_row * n_rows))


def missing_note(fig: go.Figure, *, x: float, y: str, text: str, anchor: str = "left") -> None:
    fig.add_annotation(
        x=x,
        y=y,
        text=wrap_label(text, 12),
        showarrow=False,
        xanchor=anchor,
        align=anchor,
        font=dict(size=12, color=COLOURS["muted"]),
    )


def score_axis(fig: go.Figure, title: str, upper: float = 112) -> None:
    fig.update_xaxes(
        range=[0, upper],
        tickvals=[0, 25, 50, 75, 100],
        gridcolor=COLOURS["grid"],
        title=dict(text=title, font=dict(size=13)),
        zeroline=False,
        fixedrange=True,
    )


def neutral_line(fig: go.Figure, language: str) -> None:
    # 50 is the midpoint of the answer scale: on average neither agreeing nor disagreeing
    fig.add_vline(x=50, line=dict(color=COLOURS["muted"], width=1, dash="dot"))
    fig.add_annotation(
        x=50,
        y=1.0,
        yref="paper",
        yanchor="bottom",
        showarrow=False,
        text=t("chart.neutral", language),
        font=dict(size=12, color=COLOURS["muted"]),
    )
