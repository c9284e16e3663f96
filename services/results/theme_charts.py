"""The themes as charts: a radar of the themes where higher means a better fit, and diverging bars of the themes
that fit your values against those that clash with them."""

from __future__ import annotations

import plotly.graph_objects as go

from assessment.interpretation import alignment_reading
from assessment.scoring import ScoreReport
from questions.model import Instrument, localise
from services.formatting import format_score, format_signed, side_name
from services.i18n import t
from services.output.chart_style import COLOURS, ChartWithTable, base_layout, missing_note, rows_height, wrap_label
from services.results.chart_text import extremes_summary, theme_table


def themes_radar(instrument: Instrument, report: ScoreReport, language: str) -> ChartWithTable:
    """Radar of the themes where a higher score means a better fit: the match themes and the own values.

    Mismatch themes are left out on purpose: on a radar, a spike outward would mean "good" on one
    axis and "bad" on the next. They have their own direction in `match_vs_mismatch`.
    """
    sides = [side for side in ("match", "value") if instrument.domains_on(side)]
    domains = [d for side in sides for d in instrument.domains_on(side)]
    names = [localise(d.name, language) for d in domains]
    scores = [report.domain(d.id).score for d in domains]
    missing = t("report.not_enough", language)
    labels = [
        wrap_label(name, 14) + ("<br><i>" + wrap_label(f"({missing})", 14) + "</i>" if score is None else "")
        for name, score in zip(names, scores)
    ]

    fig = go.Figure()
    # the outline, closed by repeating the first point; a missing score leaves a gap, not a dip to 0
    fig.add_trace(
        go.Scatterpolar(
            r=[*scores, scores[0]] if scores else [],
            theta=[*labels, labels[0]] if labels else [],
            mode="lines",
            fill="toself",
            fillcolor="rgba(0,114,178,0.12)",
            line=dict(color=COLOURS["match"], width=2),
            hoverinfo="skip",
            showlegend=False,
            connectgaps=False,
        )
    )
    for side, symbol in zip(sides, ("circle", "square")):
        index = [i for i, d in enumerate(domains) if d.side == side and scores[i] is not None]
        fig.add_trace(
            go.Scatterpolar(
                r=[scores[i] for i in index],
                theta=[labels[i] for i in index],
                customdata=[[names[i], format_score(scores[i], language)] for i in index],
                mode="markers",
                marker=dict(size=11, symbol=symbol, color=COLOURS[side], line=dict(color="white", width=1)),
                name=side_name(instrument, side, language),
                hovertemplate="%{customdata[0]}: %{customdata[1]}<extra></extra>",
            )
        )
    # polar plots get no automatic margin: leave room for two-line theme names on a phone
    base_layout(fig, 420, legend=True, margin=dict(l=105, r=105, t=55, b=20))
    fig.update_layout(
        legend=dict(y=-0.08, yanchor="top"),
        polar=dict(
            bgcolor="rgba(0,0,0,0)",
            radialaxis=dict(
                range=[0, 100],
                tickvals=[0, 25, 50, 75, 100],
                tickfont=dict(size=11),
                gridcolor=COLOURS["grid"],
                linecolor=COLOURS["grid"],
                # halfway between the first two themes, so tick labels never cover a point
                angle=90 - 180 / max(len(labels), 1),
                tickangle=0,
            ),
            angularaxis=dict(
                categoryorder="array",
                categoryarray=labels,
                direction="clockwise",
                rotation=90,
                gridcolor=COLOURS["grid"],
                tickfont=dict(size=12),
            ),
        ),
    )
    return ChartWithTable(
        name="themes_radar",
        title=t("chart.themes_radar.title", language),
        figure=fig,
        table=theme_table(instrument, report, language, sides),
        summary=extremes_summary(list(zip(names, scores)), language, "chart.themes_radar"),
    )


def match_vs_mismatch(instrument: Instrument, report: ScoreReport, language: str) -> ChartWithTable:
    """Diverging bars: themes that fit your values to the right, themes that clash to the left."""
    missing = t("report.not_enough", language)
    index_text = format_signed(report.alignment_index, language)
    fig = go.Figure()
    n_rows = 0
    for side, sign in (("match", 1), ("mismatch", -1)):
        domains = instrument.domains_on(side)
        n_rows += len(domains)
        names = [localise(d.name, language) for d in domains]
        labels = [wrap_label(name, 22) for name in names]
        scores = [report.domain(d.id).score for d in domains]
        fig.add_trace(
            go.Bar(
                x=[sign * s if s is not None else None for s in scores],
                y=labels,
                orientation="h",
                name=side_name(instrument, side, language),
                customdata=names,
                # solid fills: a hatch pattern vanished under Streamlit's chart theme; direction tells the sides apart
                marker=dict(color=COLOURS[side]),
                text=[format_score(s, language) if s is not None else "" for s in scores],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{customdata}: %{text}<extra></extra>",
            )
        )
        for label, score in zip(labels, scores):
            if score is None:
                # always right of zero: the side with the most room next to the labels
                missing_note(fig, x=2, y=label, text=missing)
    base_layout(fig, rows_height(n_rows), legend=True, margin=dict(l=10, r=20, t=40, b=50))
    fig.update_layout(barmode="relative", bargap=0.35)
    fig.update_xaxes(
        range=[-112, 112],
        tickvals=[-100, -50, 0, 50, 100],
        ticktext=["100", "50", "0", "50", "100"],
        zeroline=True,
        zerolinecolor=COLOURS["ink"],
        zerolinewidth=1.5,
        gridcolor=COLOURS["grid"],
        fixedrange=True,
    )
    # direction words under each half of the axis rather than one long title that a phone would clip
    for text, anchor, shift in (
        (t("chart.match_vs_mismatch.axis_left", language), "right", -8),
        (t("chart.match_vs_mismatch.axis_right", language), "left", 8),
    ):
        fig.add_annotation(
            x=0,
            xanchor=anchor,
            xshift=shift,
            y=0,
            yref="paper",
            yanchor="top",
            yshift=-26,
            showarrow=False,
            text=text,
            font=dict(size=13, color=COLOURS["muted"]),
        )
    fig.update_yaxes(autorange="reversed", automargin=True, fixedrange=True)

    band = alignment_reading(instrument, report, language).label
    if report.alignment_index is None:
        summary = t(
            "chart.match_vs_mismatch.summary_none",
            language,
            match=format_score(report.match_score, language),
            mismatch=format_score(report.mismatch_score, language),
        )
    else:
        summary = t(
            "chart.match_vs_mismatch.summary",
            language,
            match=format_score(report.match_score, language),
            mismatch=format_score(report.mismatch_score, language),
            index=index_text,
            band=band,
        )
    return ChartWithTable(
        name="match_vs_mismatch",
        title=(
            t("chart.match_vs_mismatch.title", language, index=index_text)
            if report.alignment_index is not None
            else t("chart.match_vs_mismatch.title_none", language)
        ),
        figure=fig,
        table=theme_table(instrument, report, language, ("match", "mismatch")),
        summary=summary,
    )
