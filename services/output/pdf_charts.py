"""The PDF report's charts, drawn with fpdf2's own lines, rectangles and text.

No browser or image exporter is needed, so a report takes a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Sequence

from assessment.scoring import ScoreReport
from questions.model import Instrument, localise
from services.formatting import format_score, format_signed
from services.i18n import t
from services.output.chart_style import BAND_FILLS, COLOURS
from services.output.pdf_page import (
    INK,
    MUTED,
    RULE,
    TRACK,
    Colour,
    ReportPDF,
    rgb,
)

LABEL_W = 58.0  # room for theme names left of the bars
VALUE_W = 24.0  # room right of the bars for the value or the gap
ROW_LINE = 4.0  # label line height at 9 pt
LABEL_SIZE = 9


def _row_height(pdf: ReportPDF, label: str) -> float:
    return max(8.0, len(pdf.lines(label, LABEL_W - 3, LABEL_SIZE)) * ROW_LINE + 2.5)


def bars_height(pdf: ReportPDF, rows: Sequence[tuple[str, float | None]]) -> float:
    """Height in mm that `bars` takes for these rows."""
    return sum(_row_height(pdf, label) for label, _ in rows) + 8


def _row_label(pdf: ReportPDF, label: str, y: float, height: float) -> None:
    lines = len(pdf.lines(label, LABEL_W - 3, LABEL_SIZE))
    pdf.set_xy(pdf.l_margin, y + (height - lines * ROW_LINE) / 2)
    pdf.para(label, size=LABEL_SIZE, line=ROW_LINE, width=LABEL_W - 3, align="R")


def _missing(pdf: ReportPDF, x: float, y: float, height: float, text: str) -> None:
    pdf.style(8.5, colour=MUTED)
    pdf.set_xy(x, y)
    pdf.cell(pdf.get_string_width(text) + 1, height, text)


def _value_label(pdf: ReportPDF, x: float, y: float, height: float, text: str) -> None:
    """A bold number on a white ground, so a gridline never runs through it."""
    pdf.style(9, bold=True)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_xy(x, y + 2)
    pdf.cell(pdf.get_string_width(text) + 1.6, height - 4, text, align="C", fill=True)


def bars(
    pdf: ReportPDF, rows: Sequence[tuple[str, float | None]], colour: Colour, language: str, *, neutral: bool = False
) -> None:
    """Horizontal 0..100 bars; a missing score gets words in an empty track, never a bar of 0."""
    pdf.keep(bars_height(pdf, rows))
    x0 = pdf.l_margin + LABEL_W
    width = pdf.content_width - LABEL_W - VALUE_W
    top = pdf.get_y()
    values: list[tuple[float, float, float, str]] = []
    for label, score in rows:
        y, height = pdf.get_y(), _row_height(pdf, label)
        _row_label(pdf, label, y, height)
        pdf.set_fill_color(*TRACK)
        pdf.rect(x0, y + 1.5, width, height - 3, style="F")
        if score is None:
            _missing(pdf, x0 + 2, y, height, t("report.not_enough", language))
        else:
            pdf.set_fill_color(*colour)
            pdf.rect(x0, y + 1.5, max(width * score / 100, 0.4), height - 3, style="F")
            values.append((x0 + width * score / 100 + 1, y, height, format_score(score, language)))
        pdf.set_y(y + height)
    bottom = pdf.get_y()
    if neutral:  # over the bars, under the numbers
        pdf.set_draw_color(*MUTED)
        pdf.set_line_width(0.25)
        pdf.set_dash_pattern(dash=0.8, gap=0.8)
        pdf.line(x0 + width / 2, top, x0 + width / 2, bottom)
        pdf.set_dash_pattern()
    for x, y, height, text in values:
        _value_label(pdf, x, y, height, text)
    _ticks(
        pdf,
        x0,
        width,
        bottom,
        [(v, str(v)) for v in (0, 25, 50, 75, 100)],
        0,
        100,
        caption=t("chart.neutral", language) if neutral else None,
    )


def _ticks(
    pdf: ReportPDF,
    x0: float,
    width: float,
    y: float,
    ticks: Sequence[tuple[float, str]],
    low: float,
    high: float,
    caption: str | None = None,
) -> None:
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    pdf.line(x0, y, x0 + width, y)
    pdf.style(7.5, colour=MUTED)
    for value, text in ticks:
        x = x0 + (value - low) / (high - low) * width
        pdf.line(x, y, x, y + 1)
        pdf.set_xy(x - 10, y + 1)
        pdf.cell(20, 3.5, text, align="C")
    if caption:  # the neutral midpoint, named under its tick
        pdf.set_xy(x0 + width / 2 - 15, y + 4.2)
        pdf.cell(30, 3.2, caption, align="C")
    pdf.set_y(y + 8)


def diverging(pdf: ReportPDF, instrument: Instrument, report: ScoreReport, language: str) -> None:
    """Match themes to the right of zero, mismatch themes to the left, 0..100 each way."""
    rows = [
        (localise(d.name, language), report.domain(d.id).score, side)
        for side in ("match", "mismatch")
        for d in instrument.domains_on(side)
    ]
    pdf.keep(sum(_row_height(pdf, label) for label, _, _ in rows) + 14)
    x0 = pdf.l_margin + LABEL_W
    width = pdf.content_width - LABEL_W - 6
    centre, half = x0 + width / 2, width / 2 - 9  # room at each end for the value
    top = pdf.get_y()
    for label, score, side in rows:
        y, height = pdf.get_y(), _row_height(pdf, label)
        _row_label(pdf, label, y, height)
        if score is None:
            _missing(pdf, centre + 2, y, height, t("report.not_enough", language))
        else:
            length = max(half * score / 100, 0.4)
            pdf.set_fill_color(*rgb(COLOURS[side]))
            pdf.rect(centre if side == "match" else centre - length, y + 1.5, length, height - 3, style="F")
            text = format_score(score, language)
            pdf.style(9, bold=True)
            x = centre + length + 1 if side == "match" else centre - length - 2.6 - pdf.get_string_width(text)
            _value_label(pdf, x, y, height, text)
        pdf.set_y(y + height)
    bottom = pdf.get_y()
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.4)
    pdf.line(centre, top, centre, bottom)
    ticks = [(-100, "100"), (-50, "50"), (0, "0"), (50, "50"), (100, "100")]
    _ticks(pdf, centre - half, 2 * half, bottom, ticks, -100, 100)
    pdf.style(8.5, colour=MUTED)
    pdf.set_xy(centre - 42, bottom + 4.5)
    pdf.cell(40, 4, t("chart.match_vs_mismatch.axis_left", language), align="R")
    pdf.set_xy(centre + 2, bottom + 4.5)
    pdf.cell(40, 4, t("chart.match_vs_mismatch.axis_right", language))
    pdf.set_y(bottom + 10)


def alignment_bar(pdf: ReportPDF, instrument: Instrument, index: float | None, language: str) -> None:
    """The alignment index over its shaded, labelled bands on -100..+100."""
    bands = instrument.alignment_bands
    spans = [
        (getattr(bands, band_id), band_id, low, high)
        for band_id, low, high in (
            ("misaligned", -100.0, bands.misaligned_max),
            ("mixed", bands.misaligned_max, bands.aligned_min),
            ("aligned", bands.aligned_min, 100.0),
        )
    ]
    x0, width = pdf.l_margin + 4, pdf.content_width - 8

    def at(value: float) -> float:
        return x0 + (value + 100) / 200 * width

    label_line = 3.8
    label_h = max(
        pdf.text_height(localise(band.label, language), at(high) - at(low) - 2, size=8.5, line=label_line)
        for band, _, low, high in spans
    )
    pdf.keep(label_h + 34)
    top = pdf.get_y()
    bar_top = top + label_h + 1.5
    for band, band_id, low, high in spans:
        pdf.set_fill_color(*rgb(BAND_FILLS[band_id]))
        pdf.rect(at(low), bar_top, at(high) - at(low), 9, style="F")
        pdf.set_xy(at(low) + 1, top)
        pdf.para(localise(band.label, language), size=8.5, line=label_line, width=at(high) - at(low) - 2, align="C")
    ticks = [(v, format_signed(v, language)) for v in (-100.0, bands.misaligned_max, 0.0, bands.aligned_min, 100.0)]
    if index is None:
        pdf.style(9, colour=MUTED)
        pdf.set_xy(at(0) - 25, bar_top)
        pdf.cell(50, 9, t("report.not_enough", language), align="C")
        _ticks(pdf, x0, width, bar_top + 9, ticks, -100, 100)
        return
    x = at(index)
    pdf.set_fill_color(*INK)
    pdf.set_draw_color(255, 255, 255)
    pdf.set_line_width(0.4)
    pdf.polygon(
        [(x, bar_top + 0.8), (x + 3.4, bar_top + 4.5), (x, bar_top + 8.2), (x - 3.4, bar_top + 4.5)], style="DF"
    )
    _ticks(pdf, x0, width, bar_top + 9, ticks, -100, 100)
    pdf.style(10, bold=True)
    pdf.set_xy(x - 10, bar_top + 13.5)
    pdf.cell(20, 5, format_signed(index, language), align="C")
    pdf.set_y(bar_top + 19)


def dumbbells(pdf: ReportPDF, instrument: Instrument, report: ScoreReport, language: str) -> None:
    """Importance (circle) and support (diamond) per value on 0..100, joined by a line, with the gap."""
    rows = [(localise(instrument.domain(g.domain).name, language), g) for g in report.gaps]
    pdf.keep(dumbbells_height(pdf, instrument, report, language))
    track_x0 = pdf.l_margin + LABEL_W
    track_width = pdf.content_width - LABEL_W - VALUE_W
    x0, width = track_x0 + 3, track_width - 6  # markers at 0 and 100 stay inside the track
    importance_colour, support_colour = rgb(COLOURS["importance"]), rgb(COLOURS["support"])

    y = pdf.get_y() + 2  # legend
    pdf.set_fill_color(*importance_colour)
    pdf.circle(x0 + 1.6, y, 1.6, style="F")
    pdf.style(8.5)
    importance_label = t("chart.value_gap.importance", language)
    pdf.set_xy(x0 + 4.5, y - 2)
    pdf.cell(pdf.get_string_width(importance_label) + 2, 4, importance_label)
    legend_x = pdf.get_x() + 5
    _diamond(pdf, legend_x + 1.8, y, 1.9, support_colour)
    pdf.style(8.5)
    pdf.set_xy(legend_x + 4.8, y - 2)
    pdf.cell(60, 4, t("chart.value_gap.support", language))
    pdf.set_y(y + 4)

    for label, gap in rows:
        y, height = pdf.get_y(), _row_height(pdf, label)
        _row_label(pdf, label, y, height)
        mid = y + height / 2
        pdf.set_fill_color(*TRACK)
        pdf.rect(track_x0, y + 1.5, track_width, height - 3, style="F")
        if gap.importance is None and gap.support is None:
            _missing(pdf, x0 + 2, y, height, t("report.not_answered", language))
        if gap.importance is not None and gap.support is not None:
            pdf.set_draw_color(150, 150, 150)
            pdf.set_line_width(1.1)
            pdf.line(x0 + width * gap.importance / 100, mid, x0 + width * gap.support / 100, mid)
        if gap.importance is not None:
            pdf.set_fill_color(*importance_colour)
            pdf.set_draw_color(255, 255, 255)
            pdf.set_line_width(0.3)
            pdf.circle(x0 + width * gap.importance / 100, mid, 2.0, style="DF")
        if gap.support is not None:
            _diamond(pdf, x0 + width * gap.support / 100, mid, 2.4, support_colour)
        pdf.set_xy(track_x0 + track_width + 3, y)
        pdf.style(9, bold=gap.gap is not None, colour=INK if gap.gap is not None else MUTED)
        gap_text = (
            t("chart.value_gap.gap_label", language, gap=format_signed(gap.gap, language))
            if gap.gap is not None
            else t("report.none_mark", language)
        )
        pdf.cell(VALUE_W - 4, height, gap_text)
        pdf.set_y(y + height)
    _ticks(pdf, x0, width, pdf.get_y(), [(v, str(v)) for v in (0, 25, 50, 75, 100)], 0, 100)


def dumbbells_height(pdf: ReportPDF, instrument: Instrument, report: ScoreReport, language: str) -> float:
    """Height in mm that `dumbbells` takes."""
    # legend 6 mm, the rows, the axis 8 mm
    return 6 + sum(_row_height(pdf, localise(instrument.domain(g.domain).name, language)) for g in report.gaps) + 8


def _diamond(pdf: ReportPDF, x: float, y: float, radius: float, colour: Colour) -> None:
    pdf.set_fill_color(*colour)
    pdf.set_draw_color(255, 255, 255)
    pdf.set_line_width(0.3)
    pdf.polygon([(x, y - radius), (x + radius, y), (x, y + radius), (x - radius, y)], style="DF")
