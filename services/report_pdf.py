"""The personal PDF report (A4, fpdf2). Charts are drawn with fpdf2's own lines, rectangles and text,
so no browser or image exporter is needed and a report takes a fraction of a second.

Pure service code (no streamlit). Text comes from the question bank and the `report.*` / `chart.*`
strings; free text typed by the respondent (the intervention name) is printed as plain text, with
characters the font cannot show replaced rather than crashing or vanishing silently.

Text is wrapped here (`wrap_words`) and set line by line with `cell`: fpdf2's `multi_cell` re-measures
a line for every character it adds, which made a report take over a second.
"""
from __future__ import annotations

import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Callable, Sequence

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from assessment.interpretation import ThemeReading, alignment_reading, theme_readings, where_to_start
from assessment.scoring import ScoreReport
from questions.model import SIDES, Instrument, localise

from .charts import BAND_FILLS, COLOURS, format_score, format_signed, side_name
from .i18n import t

FONT_DIR = Path(__file__).parent / "fonts"
FAMILY = "DejaVu"
MARGIN = 16.0
MAX_FREE_TEXT = 400          # characters of respondent-typed text kept in the report
REPLACEMENT = "\ufffd"

INK = (34, 34, 34)
MUTED = (102, 102, 102)
TRACK = (238, 238, 238)
RULE = (200, 200, 200)
TINT = (242, 246, 250)
NOTE = (245, 245, 245)

Colour = tuple[int, int, int]
Run = tuple[str, bool]       # text and whether it is bold


def build_pdf(instrument: Instrument, report: ScoreReport, language: str, *, intervention: str,
              role_name: str | None, created_at: datetime, resume_hint: bool = True) -> bytes:
    """The respondent's report as PDF bytes, in `language`."""
    pdf = _ReportPDF(language)
    pdf.add_page()
    _header(pdf, instrument, language, intervention=intervention, role_name=role_name,
            created_at=created_at, resume_hint=resume_hint)
    _overall(pdf, instrument, report, language)
    readings = theme_readings(instrument, report, language)
    _where_to_start(pdf, readings, language)
    _charts(pdf, instrument, report, language)
    _theme_texts(pdf, instrument, readings, language)
    return bytes(pdf.output())


def printable(text: str, glyphs: set[int], *, single_line: bool = False) -> str:
    """`text` with control and format characters removed and characters without a glyph replaced.

    A run of unsupported characters (an emoji with its skin-tone modifier, say) becomes one U+FFFD.
    """
    out: list[str] = []
    for char in unicodedata.normalize("NFC", str(text)):
        category = unicodedata.category(char)
        if char == "\n" and not single_line:
            out.append(char)
        elif char in "\t\r\n\v\f" or category in ("Zl", "Zp"):
            out.append(" ")
        elif category in ("Cc", "Cf", "Cs", "Co", "Cn") or (category == "Mn" and ord(char) not in glyphs):
            continue  # invisible: controls, joiners, variation selectors, private use
        elif ord(char) in glyphs:
            out.append(char)
        elif not out or out[-1] != REPLACEMENT:
            out.append(REPLACEMENT if ord(REPLACEMENT) in glyphs else "?")
    return "".join(out)


def wrap_words(runs: Sequence[Run], width: float, measure: Callable[[str, bool], float]) -> list[list[Run]]:
    """Greedy word wrap of styled text into lines no wider than `width`.

    `measure(text, bold)` gives a width. A newline starts a new line; a word wider than a whole
    line is cut between characters. Each line is a list of runs; consecutive runs of one style merge.
    """
    lines: list[list[Run]] = [[]]
    used = 0.0
    for text, bold in runs:
        for number, paragraph in enumerate(text.split("\n")):
            if number:
                lines.append([])
                used = 0.0
            for word in paragraph.split():
                for piece in _pieces(word, bold, width, measure):
                    space = measure(" ", bold) if lines[-1] else 0.0
                    size = measure(piece, bold)
                    if lines[-1] and used + space + size > width:
                        lines.append([])
                        used, space = 0.0, 0.0
                    _append(lines[-1], (" " if space else "") + piece, bold)
                    used += space + size
    return lines if lines != [[]] else []


def _pieces(word: str, bold: bool, width: float, measure: Callable[[str, bool], float]) -> list[str]:
    if measure(word, bold) <= width:
        return [word]
    pieces, current = [], ""
    for char in word:
        if current and measure(current + char, bold) > width:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current] if current else pieces


def _append(line: list[Run], text: str, bold: bool) -> None:
    if line and line[-1][1] == bold:
        line[-1] = (line[-1][0] + text, bold)
    else:
        line.append((text, bold))


class _ReportPDF(FPDF):
    """A4 portrait with the DejaVu fonts, a private-report footer and page numbers."""

    def __init__(self, language: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.language = language
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.c_margin = 0   # text starts exactly at the margin, in line with boxes and rules
        self.set_auto_page_break(True, margin=18)
        self.add_font(FAMILY, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        # both faces must have a glyph, since any text may be set in either
        self.glyphs = set(self.fonts["dejavu"].cmap) & set(self.fonts["dejavuB"].cmap)
        self.set_title(t("report.title", language))
        self.set_lang(language)
        self.set_creator("ValueMatch")

    @property
    def content_width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def clean(self, text: str, *, single_line: bool = False) -> str:
        return printable(text, self.glyphs, single_line=single_line)

    def style(self, size: float = 10, bold: bool = False, colour: Colour = INK) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*colour)

    def measure(self, size: float) -> Callable[[str, bool], float]:
        """Width in mm of cleaned text at `size` pt, straight from the fonts' advance widths.

        Same numbers as get_string_width (no kerning or shaping is used), at a fraction of its cost.
        """
        regular, bold_face = self.fonts["dejavu"].cw, self.fonts["dejavuB"].cw
        scale = size * 0.001 / self.k

        def width(text: str, bold: bool) -> float:
            widths = bold_face if bold else regular
            return sum(widths[ord(char)] for char in text) * scale
        return width

    def lines(self, runs: Sequence[Run] | str, width: float, size: float = 10, bold: bool = False) -> list[list[Run]]:
        if isinstance(runs, str):
            runs = [(runs, bold)]
        return wrap_words([(self.clean(text), b) for text, b in runs], width, self.measure(size))

    def text_height(self, text: Sequence[Run] | str, width: float, size: float = 10, bold: bool = False,
                    line: float | None = None) -> float:
        return len(self.lines(text, width, size, bold)) * (line or size * 0.46)

    def para(self, text: Sequence[Run] | str, size: float = 10, bold: bool = False, colour: Colour = INK,
             line: float | None = None, width: float = 0, align: str = "L") -> None:
        """Wrapped text from the current x, then back to the left margin on the next line."""
        x = self.get_x()
        width = width or self.w - self.r_margin - x
        height = line or size * 0.46
        for row in self.lines(text, width, size, bold):
            if self.will_page_break(height):
                self.add_page()
            self.set_x(x + self._offset(row, width, size, align))
            for text_run, run_bold in row:
                self.style(size, run_bold, colour)
                self.cell(self.get_string_width(text_run), height, text_run)
            self.ln(height)
        self.set_x(self.l_margin)

    def _offset(self, row: list[Run], width: float, size: float, align: str) -> float:
        if align == "L":
            return 0.0
        used = sum(self.measure(size)(text, bold) for text, bold in row)
        return width - used if align == "R" else (width - used) / 2

    def keep(self, height: float) -> None:
        """Start a new page unless `height` mm still fit on this one."""
        if self.will_page_break(height):
            self.add_page()

    def heading(self, text: str, size: float = 13, follow: float = 30) -> None:
        self.keep(size * 0.6 + follow)
        self.ln(3)
        self.para(text, size=size, bold=True, line=size * 0.5)
        self.ln(1.5)

    def footer(self) -> None:
        self.set_y(-12)
        self.style(8, colour=MUTED)
        self.cell(self.content_width / 2, 5, t("report.footer.private", self.language))
        self.cell(self.content_width / 2, 5, t("report.footer.page", self.language, page=self.page_no(),
                                               pages="{nb}"), align="R")


def _rgb(hex_colour: str) -> Colour:
    hex_colour = hex_colour.lstrip("#")
    return tuple(int(hex_colour[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


# ---------------------------------------------------------------- sections

def _header(pdf: _ReportPDF, instrument: Instrument, language: str, *, intervention: str,
            role_name: str | None, created_at: datetime, resume_hint: bool) -> None:
    pdf.para(t("report.title", language), size=20, bold=True, line=9)
    pdf.para(localise(instrument.title, language), size=10.5, colour=MUTED)
    pdf.ln(4)
    name = pdf.clean(intervention, single_line=True).strip()
    if len(name) > MAX_FREE_TEXT:
        name = name[:MAX_FREE_TEXT - 1].rstrip() + "…"
    rows = [(t("report.intervention", language), name or t("report.none_mark", language), True),
            (t("report.date", language), _long_date(created_at, language), False)]
    if role_name:
        rows.append((t("report.role", language), pdf.clean(role_name, single_line=True), False))
    rows.append((t("report.instrument", language),
                 t("report.instrument_value", language, id=instrument.id, version=instrument.version,
                   hash=instrument.content_hash[:12]), False))
    label_w = 34.0
    for label, value, bold in rows:
        y = pdf.get_y()
        pdf.style(9.5, colour=MUTED)
        pdf.cell(label_w, 5.2, label)
        pdf.set_xy(pdf.l_margin + label_w, y)
        pdf.para(value, size=10.5 if bold else 9.5, bold=bold, line=5.2)
        pdf.ln(0.6)
    if resume_hint:
        pdf.ln(1)
        pdf.para(t("report.resume_hint", language), size=8.5, colour=MUTED)
    pdf.ln(2)
    _rule(pdf)


def _overall(pdf: _ReportPDF, instrument: Instrument, report: ScoreReport, language: str) -> None:
    reading = alignment_reading(instrument, report, language)
    pdf.heading(t("report.alignment.heading", language), size=15, follow=60)
    if reading.index is None:
        pdf.para(t("report.alignment.none", language), size=11)
    else:
        pdf.para(t("report.alignment.value", language, index=format_signed(reading.index, language),
                   band=reading.label), size=12.5, bold=True, line=6.5)
        pdf.ln(1)
        pdf.para(reading.text or "", size=10)
    pdf.ln(3)
    _alignment_bar(pdf, instrument, report.alignment_index, language)
    pdf.ln(3)
    _note_box(pdf, t("report.caveat", language))


def _where_to_start(pdf: _ReportPDF, readings: list[ThemeReading], language: str) -> None:
    start = where_to_start(readings)
    if not start:
        return
    pdf.heading(t("report.where_to_start", language), size=12, follow=25)
    for reading in start:
        title = f"{reading.name} ({t('report.theme.score', language, score=format_score(reading.score, language))})"
        pdf.keep(pdf.text_height(reading.question, pdf.content_width - 6) + 8)
        pdf.para(title, size=10, bold=True)
        pdf.set_x(pdf.l_margin + 6)
        pdf.para(reading.question, size=10)
        pdf.ln(2)


def _charts(pdf: _ReportPDF, instrument: Instrument, report: ScoreReport, language: str) -> None:
    pdf.ln(4)
    pdf.heading(t("report.charts.heading", language), size=15, follow=60)
    index_text = format_signed(report.alignment_index, language)
    pdf.heading(t("chart.match_vs_mismatch.title", language, index=index_text) if report.alignment_index is not None
                else t("chart.match_vs_mismatch.title_none", language), size=12, follow=45)
    _diverging(pdf, instrument, report, language)

    pdf.heading(t("report.scores.heading", language), size=12, follow=40)
    for side in SIDES:
        domains = instrument.domains_on(side)
        if not domains:
            continue
        rows = [(localise(d.name, language), report.domain(d.id).score) for d in domains]
        pdf.keep(_bars_height(pdf, rows) + 14)
        pdf.para(side_name(instrument, side, language), size=10.5, bold=True)
        pdf.para(t(f"report.side_note.{side}", language), size=8.5, colour=MUTED)
        pdf.ln(1)
        _bars(pdf, rows, _rgb(COLOURS[side]), language)
        pdf.ln(3)

    rows = [(localise(instrument.elements[e.element].name, language), e.score) for e in report.elements]
    note = t("report.lens_note", language)
    pdf.heading(t("chart.compassion_lens.title", language), size=12,
                follow=pdf.text_height(note, pdf.content_width, size=8.5) + 1 + _bars_height(pdf, rows))
    pdf.para(note, size=8.5, colour=MUTED)
    pdf.ln(1)
    _bars(pdf, rows, _rgb(COLOURS["compassion"]), language, neutral=True)

    if report.gaps:
        note = t("report.gap_note", language)
        pdf.heading(t("chart.value_gap.title", language), size=12,
                    follow=pdf.text_height(note, pdf.content_width, size=8.5) + 1
                    + _dumbbells_height(pdf, instrument, report, language))
        pdf.para(note, size=8.5, colour=MUTED)
        pdf.ln(1)
        _dumbbells(pdf, instrument, report, language)


def _theme_texts(pdf: _ReportPDF, instrument: Instrument, readings: list[ThemeReading], language: str) -> None:
    pdf.ln(4)
    pdf.heading(t("report.themes.heading", language), size=15, follow=60)
    width = pdf.content_width
    for side in SIDES:
        on_side = [r for r in readings if r.side == side]
        if not on_side:
            continue
        pdf.heading(side_name(instrument, side, language), size=12, follow=35)
        for reading in on_side:
            text = reading.text or t("report.theme.not_enough_text", language)
            needed = (6 + pdf.text_height(reading.description, width, size=8.5)
                      + pdf.text_height(text, width) + _question_height(pdf, reading.question, language) + 6)
            pdf.keep(needed)
            _theme_title(pdf, reading, language)
            pdf.para(reading.description, size=8.5, colour=MUTED)
            pdf.ln(1)
            pdf.para(text, size=10, colour=INK if reading.text else MUTED)
            pdf.ln(1.5)
            _question_box(pdf, reading.question, language)
            pdf.ln(4)


def _theme_title(pdf: _ReportPDF, reading: ThemeReading, language: str) -> None:
    score = (t("report.theme.score", language, score=format_score(reading.score, language))
             if reading.score is not None else t("report.not_enough", language))
    y = pdf.get_y()
    pdf.style(9.5, colour=MUTED if reading.score is None else INK)
    score_w = pdf.get_string_width(score) + 2
    pdf.set_xy(pdf.w - pdf.r_margin - score_w, y)
    pdf.cell(score_w, 5.5, score, align="R")
    pdf.set_xy(pdf.l_margin, y)
    pdf.para(reading.name, size=11, bold=True, line=5.5, width=pdf.content_width - score_w - 3)


QUESTION_LINE = 4.6


def _question_runs(pdf: _ReportPDF, question: str, language: str) -> list[Run]:
    return [(t("report.reflect", language) + " ", True), (question, False)]


def _question_height(pdf: _ReportPDF, question: str, language: str) -> float:
    return pdf.text_height(_question_runs(pdf, question, language), pdf.content_width - 7, line=QUESTION_LINE) + 3


def _question_box(pdf: _ReportPDF, question: str, language: str) -> None:
    """The reflective question in a tinted box, led by a bold label on the same line."""
    height = _question_height(pdf, question, language)
    pdf.keep(height)
    y = pdf.get_y()
    pdf.set_fill_color(*TINT)
    pdf.rect(pdf.l_margin, y, pdf.content_width, height, style="F")
    pdf.set_fill_color(*_rgb(COLOURS["match"]))
    pdf.rect(pdf.l_margin, y, 1.0, height, style="F")
    pdf.set_xy(pdf.l_margin + 4, y + 1.5)
    pdf.para(_question_runs(pdf, question, language), size=10, line=QUESTION_LINE, width=pdf.content_width - 7)
    pdf.set_y(y + height)


def _note_box(pdf: _ReportPDF, text: str) -> None:
    inner = pdf.content_width - 8
    height = pdf.text_height(text, inner, size=8.5) + 4
    pdf.keep(height)
    y = pdf.get_y()
    pdf.set_fill_color(*NOTE)
    pdf.rect(pdf.l_margin, y, pdf.content_width, height, style="F")
    pdf.set_xy(pdf.l_margin + 4, y + 2)
    pdf.para(text, size=8.5, colour=MUTED, width=inner)
    pdf.set_y(y + height)


def _rule(pdf: _ReportPDF) -> None:
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.3)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2)


def _long_date(moment: datetime, language: str) -> str:
    months = t("report.months", language).split(",")
    return t("report.date_format", language, day=moment.day, month=months[moment.month - 1], year=moment.year)


# ---------------------------------------------------------------- charts drawn with fpdf2

LABEL_W = 58.0      # room for theme names left of the bars
VALUE_W = 24.0      # room right of the bars for the value or the gap
ROW_LINE = 4.0      # label line height at 9 pt
LABEL_SIZE = 9


def _row_height(pdf: _ReportPDF, label: str) -> float:
    return max(8.0, len(pdf.lines(label, LABEL_W - 3, LABEL_SIZE)) * ROW_LINE + 2.5)


def _bars_height(pdf: _ReportPDF, rows: Sequence[tuple[str, float | None]]) -> float:
    return sum(_row_height(pdf, label) for label, _ in rows) + 8


def _row_label(pdf: _ReportPDF, label: str, y: float, height: float) -> None:
    lines = len(pdf.lines(label, LABEL_W - 3, LABEL_SIZE))
    pdf.set_xy(pdf.l_margin, y + (height - lines * ROW_LINE) / 2)
    pdf.para(label, size=LABEL_SIZE, line=ROW_LINE, width=LABEL_W - 3, align="R")


def _missing(pdf: _ReportPDF, x: float, y: float, height: float, text: str) -> None:
    pdf.style(8.5, colour=MUTED)
    pdf.set_xy(x, y)
    pdf.cell(pdf.get_string_width(text) + 1, height, text)


def _value_label(pdf: _ReportPDF, x: float, y: float, height: float, text: str) -> None:
    """A bold number on a white ground, so a gridline never runs through it."""
    pdf.style(9, bold=True)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_xy(x, y + 2)
    pdf.cell(pdf.get_string_width(text) + 1.6, height - 4, text, align="C", fill=True)


def _bars(pdf: _ReportPDF, rows: Sequence[tuple[str, float | None]], colour: Colour,
          language: str, *, neutral: bool = False) -> None:
    """Horizontal 0..100 bars; a missing score gets words in an empty track, never a bar of 0."""
    pdf.keep(_bars_height(pdf, rows))
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
    _ticks(pdf, x0, width, bottom, [(v, str(v)) for v in (0, 25, 50, 75, 100)], 0, 100,
           caption=t("chart.neutral", language) if neutral else None)


def _ticks(pdf: _ReportPDF, x0: float, width: float, y: float, ticks: Sequence[tuple[float, str]],
           low: float, high: float, caption: str | None = None) -> None:
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


def _diverging(pdf: _ReportPDF, instrument: Instrument, report: ScoreReport, language: str) -> None:
    """Match themes to the right of zero, mismatch themes to the left, 0..100 each way."""
    rows = [(localise(d.name, language), report.domain(d.id).score, side)
            for side in ("match", "mismatch") for d in instrument.domains_on(side)]
    pdf.keep(sum(_row_height(pdf, label) for label, _, _ in rows) + 14)
    x0 = pdf.l_margin + LABEL_W
    width = pdf.content_width - LABEL_W - 6
    centre, half = x0 + width / 2, width / 2 - 9   # room at each end for the value
    top = pdf.get_y()
    for label, score, side in rows:
        y, height = pdf.get_y(), _row_height(pdf, label)
        _row_label(pdf, label, y, height)
        if score is None:
            _missing(pdf, centre + 2, y, height, t("report.not_enough", language))
        else:
            length = max(half * score / 100, 0.4)
            pdf.set_fill_color(*_rgb(COLOURS[side]))
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


def _alignment_bar(pdf: _ReportPDF, instrument: Instrument, index: float | None, language: str) -> None:
    """The alignment index over its shaded, labelled bands on -100..+100."""
    bands = instrument.alignment_bands
    spans = [(getattr(bands, band_id), band_id, low, high) for band_id, low, high in (
        ("misaligned", -100.0, bands.misaligned_max), ("mixed", bands.misaligned_max, bands.aligned_min),
        ("aligned", bands.aligned_min, 100.0))]
    x0, width = pdf.l_margin + 4, pdf.content_width - 8

    def at(value: float) -> float:
        return x0 + (value + 100) / 200 * width

    label_line = 3.8
    label_h = max(pdf.text_height(localise(band.label, language), at(high) - at(low) - 2, size=8.5, line=label_line)
                  for band, _, low, high in spans)
    pdf.keep(label_h + 34)
    top = pdf.get_y()
    bar_top = top + label_h + 1.5
    for band, band_id, low, high in spans:
        pdf.set_fill_color(*_rgb(BAND_FILLS[band_id]))
        pdf.rect(at(low), bar_top, at(high) - at(low), 9, style="F")
        pdf.set_xy(at(low) + 1, top)
        pdf.para(localise(band.label, language), size=8.5, line=label_line, width=at(high) - at(low) - 2,
                 align="C")
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
    pdf.polygon([(x, bar_top + 0.8), (x + 3.4, bar_top + 4.5), (x, bar_top + 8.2), (x - 3.4, bar_top + 4.5)],
                style="DF")
    _ticks(pdf, x0, width, bar_top + 9, ticks, -100, 100)
    pdf.style(10, bold=True)
    pdf.set_xy(x - 10, bar_top + 13.5)
    pdf.cell(20, 5, format_signed(index, language), align="C")
    pdf.set_y(bar_top + 19)


def _dumbbells(pdf: _ReportPDF, instrument: Instrument, report: ScoreReport, language: str) -> None:
    """Importance (circle) and support (diamond) per value on 0..100, joined by a line, with the gap."""
    rows = [(localise(instrument.domain(g.domain).name, language), g) for g in report.gaps]
    pdf.keep(_dumbbells_height(pdf, instrument, report, language))
    track_x0 = pdf.l_margin + LABEL_W
    track_width = pdf.content_width - LABEL_W - VALUE_W
    x0, width = track_x0 + 3, track_width - 6   # markers at 0 and 100 stay inside the track
    importance_colour, support_colour = _rgb(COLOURS["importance"]), _rgb(COLOURS["support"])

    y = pdf.get_y() + 2   # legend
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
        gap_text = (t("chart.value_gap.gap_label", language, gap=format_signed(gap.gap, language))
                    if gap.gap is not None else t("report.none_mark", language))
        pdf.cell(VALUE_W - 4, height, gap_text)
        pdf.set_y(y + height)
    _ticks(pdf, x0, width, pdf.get_y(), [(v, str(v)) for v in (0, 25, 50, 75, 100)], 0, 100)


def _dumbbells_height(pdf: _ReportPDF, instrument: Instrument, report: ScoreReport, language: str) -> float:
    # legend 6 mm, the rows, the axis 8 mm
    return 6 + sum(_row_height(pdf, localise(instrument.domain(g.domain).name, language)) for g in report.gaps) + 8


def _diamond(pdf: _ReportPDF, x: float, y: float, radius: float, colour: Colour) -> None:
    pdf.set_fill_color(*colour)
    pdf.set_draw_color(255, 255, 255)
    pdf.set_line_width(0.3)
    pdf.polygon([(x, y - radius), (x + radius, y), (x, y + radius), (x - radius, y)], style="DF")
