"""Result charts: plotly figures, each with a table and a plain-language summary as text alternatives.

Pure service code (no streamlit). Every label comes from the question bank or the `chart.*` /
`report.*` strings, so a chart reads the same in every language. A score that could not be
computed ("not enough answers") is never drawn as 0: it has no bar or point, and is named in the
chart, the table and the summary.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from assessment.interpretation import alignment_reading
from assessment.scoring import ScoreReport
from questions.model import Instrument, localise
from services.formatting import (
    format_score,
    format_signed,
    round_half_up,
    side_name,
)
from services.i18n import t
from services.output.chart_style import (
    BAND_FILLS,
    COLOURS,
    ChartWithTable,
    base_layout,
    missing_note,
    neutral_line,
    rows_height,
    score_axis,
    wrap_label,
)

ORDER = ("alignment_gauge", "match_vs_mismatch", "themes_radar", "compassion_lens", "value_gap")


def _extremes_summary(rows: Sequence[tuple[str, float | None]], language: str, key: str) -> str:
    """ "X scores highest, Y lowest", with the one-score and no-score cases and the missing names."""
    scored = [(name, score) for name, score in rows if score is not None]
    missing = [name for name, score in rows if score is None]
    if not scored:
        return t(f"{key}.summary_none", language)
    top = max(scored, key=lambda row: row[1])
    low = min(scored, key=lambda row: row[1])
    if len(scored) == 1:
        text = t(f"{key}.summary_one", language, top=top[0], top_score=format_score(top[1], language))
    else:
        text = t(
            f"{key}.summary",
            language,
            top=top[0],
            top_score=format_score(top[1], language),
            low=low[0],
            low_score=format_score(low[1], language),
        )
    if missing:
        text += " " + t("chart.summary_missing", language, names=", ".join(missing))
    return text


def _theme_table(instrument: Instrument, report: ScoreReport, language: str, sides: Sequence[str]) -> pd.DataFrame:
    rows = []
    for side in sides:
        for domain in instrument.domains_on(side):
            score = report.domain(domain.id)
            rows.append(
                {
                    t("chart.col.theme", language): localise(domain.name, language),
                    t("chart.col.side", language): side_name(instrument, side, language),
                    t("chart.col.score", language): format_score(score.score, language),
                    t("chart.col.answered", language): t(
                        "chart.answered_of", language, answered=score.answered, n=score.n_items
                    ),
                }
            )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- the charts


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
        table=_theme_table(instrument, report, language, sides),
        summary=_extremes_summary(list(zip(names, scores)), language, "chart.themes_radar"),
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
        table=_theme_table(instrument, report, language, ("match", "mismatch")),
        summary=summary,
    )


def alignment_gauge(instrument: Instrument, report: ScoreReport, language: str) -> ChartWithTable:
    """A bullet bar of the alignment index on -100..+100 over its shaded, labelled bands."""
    bands = instrument.alignment_bands
    spans = (
        ("misaligned", -100.0, bands.misaligned_max),
        ("mixed", bands.misaligned_max, bands.aligned_min),
        ("aligned", bands.aligned_min, 100.0),
    )
    index = report.alignment_index
    index_text = format_signed(index, language)
    reading = alignment_reading(instrument, report, language)

    fig = go.Figure()
    for band_id, low, high in spans:
        band = getattr(bands, band_id)
        fig.add_shape(
            type="rect",
            x0=low,
            x1=high,
            y0=0.3,
            y1=0.7,
            line=dict(width=0),
            fillcolor=BAND_FILLS[band_id],
            layer="below",
        )
        fig.add_annotation(
            x=(low + high) / 2,
            y=0.74,
            yanchor="bottom",
            showarrow=False,
            text=wrap_label(localise(band.label, language), 18),
            font=dict(size=13),
        )
    if index is not None:
        fig.add_trace(
            go.Scatter(
                x=[index],
                y=[0.5],
                mode="markers",
                marker=dict(symbol="diamond", size=20, color=COLOURS["ink"], line=dict(color="white", width=2)),
                hovertemplate=f"{t('chart.alignment_index', language)}: {index_text}<extra></extra>",
            )
        )
        fig.add_annotation(
            x=index,
            y=0.26,
            yanchor="top",
            showarrow=False,
            text=f"<b>{index_text}</b>",
            font=dict(size=15, color=COLOURS["ink"]),
        )
    else:
        fig.add_annotation(
            x=0,
            y=0.5,
            showarrow=False,
            text=t("report.not_enough", language),
            bgcolor="white",
            font=dict(size=14, color=COLOURS["muted"]),
        )
    ticks = [-100.0, bands.misaligned_max, 0.0, bands.aligned_min, 100.0]
    base_layout(fig, 230, margin=dict(l=20, r=20, t=10, b=10))
    fig.update_xaxes(
        range=[-104, 104],
        tickvals=ticks,
        ticktext=[format_signed(v, language) for v in ticks],
        title=dict(text=t("chart.alignment_gauge.axis", language), font=dict(size=13)),
        showgrid=False,
        zeroline=False,
        fixedrange=True,
    )
    fig.update_yaxes(range=[0, 1.05], visible=False, fixedrange=True)

    measure, result = t("chart.col.measure", language), t("chart.col.result", language)
    rows = [
        {measure: t("chart.alignment_index", language) + " (−100 … +100)", result: index_text},
        {measure: t("chart.band", language), result: reading.label or t("report.none_mark", language)},
    ]
    for band_id, low, high in reversed(spans):
        rows.append(
            {
                measure: t("chart.band_range", language, band=localise(getattr(bands, band_id).label, language)),
                result: t(
                    "chart.range", language, low=format_signed(low, language), high=format_signed(high, language)
                ),
            }
        )
    summary = (
        t("chart.alignment_gauge.summary", language, index=index_text, band=reading.label)
        if index is not None
        else t("chart.alignment_gauge.summary_none", language)
    )
    return ChartWithTable(
        name="alignment_gauge",
        title=t("chart.alignment_gauge.title", language, index=index_text),
        figure=fig,
        table=pd.DataFrame(rows),
        summary=summary,
    )


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
        summary=_extremes_summary(list(zip(names, scores)), language, "chart.compassion_lens"),
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


RADAR_MIN_THEMES = 3


def radar_themes(instrument: Instrument) -> int:
    """How many axes the radar would have: the match themes and the own values."""
    return sum(len(instrument.domains_on(side)) for side in ("match", "value"))


def build_all(instrument: Instrument, report: ScoreReport, language: str) -> list[ChartWithTable]:
    """Every chart in the results page's `ORDER`; value_gap only with value pairs, the radar only with
    three or more axes (two draw a line; `match_vs_mismatch` shows those themes anyway)."""
    builders = {
        "alignment_gauge": alignment_gauge,
        "match_vs_mismatch": match_vs_mismatch,
        "themes_radar": themes_radar,
        "compassion_lens": compassion_lens,
        "value_gap": value_gap,
    }
    skip = {
        name
        for name, left_out in (
            ("value_gap", not report.gaps),
            ("themes_radar", radar_themes(instrument) < RADAR_MIN_THEMES),
        )
        if left_out
    }
    return [builders[name](instrument, report, language) for name in ORDER if name not in skip]


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
