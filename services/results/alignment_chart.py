"""The alignment index as a chart: a bullet bar on -100..+100 over its shaded, labelled bands."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from assessment.interpretation import alignment_reading
from assessment.scoring import ScoreReport
from questions.model import Instrument, localise
from services.formatting import format_signed
from services.i18n import t
from services.output.chart_style import BAND_FILLS, COLOURS, ChartWithTable, base_layout, wrap_label


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
