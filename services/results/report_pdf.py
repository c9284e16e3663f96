"""The personal PDF report (A4, fpdf2): the document's sections, in order.

Pure service code (no streamlit). Text comes from the question bank and the `report.*` / `chart.*`
strings; free text typed by the respondent (the intervention name) is printed as plain text, with
characters the font cannot show replaced rather than crashing or vanishing silently. The page, its
fonts and text handling are in `pdf_page`; the charts, drawn with fpdf2 itself, in `pdf_charts`.
"""

from __future__ import annotations

from datetime import datetime

from assessment.interpretation import ThemeReading, alignment_reading, theme_readings, where_to_start
from assessment.scoring import ScoreReport
from questions.model import SIDES, Instrument, localise
from services.formatting import format_score, format_signed, side_name
from services.i18n import t
from services.output.chart_style import COLOURS
from services.output.pdf_charts import (
    alignment_bar,
    bars,
    bars_height,
    diverging,
    dumbbells,
    dumbbells_height,
)
from services.output.pdf_page import (
    INK,
    MUTED,
    NOTE,
    RULE,
    TINT,
    ReportPDF,
    Run,
    rgb,
)
from services.results.lens_charts import lens_names

MAX_FREE_TEXT = 400  # characters of respondent-typed text kept in the report


def build_pdf(
    instrument: Instrument,
    report: ScoreReport,
    language: str,
    *,
    intervention: str,
    role_name: str | None,
    created_at: datetime,
    resume_hint: bool = True,
    resume_code: str | None = None,
) -> bytes:
    """The respondent's report as PDF bytes, in `language`. `resume_code` is printed only when the person
    chose to include it (off by default: a printed report can lie on a shared printer)."""
    pdf = ReportPDF(language)
    pdf.add_page()
    _header(
        pdf,
        instrument,
        language,
        intervention=intervention,
        role_name=role_name,
        created_at=created_at,
        resume_hint=resume_hint,
        resume_code=resume_code,
    )
    _overall(pdf, instrument, report, language)
    readings = theme_readings(instrument, report, language)
    _where_to_start(pdf, readings, language)
    _charts(pdf, instrument, report, language)
    _theme_texts(pdf, instrument, readings, language)
    return bytes(pdf.output())


# ---------------------------------------------------------------- sections


def _header(
    pdf: ReportPDF,
    instrument: Instrument,
    language: str,
    *,
    intervention: str,
    role_name: str | None,
    created_at: datetime,
    resume_hint: bool,
    resume_code: str | None,
) -> None:
    pdf.para(t("report.title", language), size=20, bold=True, line=9)
    pdf.para(localise(instrument.title, language), size=10.5, colour=MUTED)
    pdf.ln(4)
    name = pdf.clean(intervention, single_line=True).strip()
    if len(name) > MAX_FREE_TEXT:
        name = name[: MAX_FREE_TEXT - 1].rstrip() + "…"
    rows = [
        (t("report.intervention", language), name or t("report.none_mark", language), True),
        (t("report.date", language), _long_date(created_at, language), False),
    ]
    if role_name:
        rows.append((t("report.role", language), pdf.clean(role_name, single_line=True), False))
    rows.append(
        (
            t("report.instrument", language),
            t(
                "report.instrument_value",
                language,
                id=instrument.id,
                version=instrument.version,
                hash=instrument.content_hash[:12],
            ),
            False,
        )
    )
    label_w = 34.0
    for label, value, bold in rows:
        y = pdf.get_y()
        pdf.style(9.5, colour=MUTED)
        pdf.cell(label_w, 5.2, label)
        pdf.set_xy(pdf.l_margin + label_w, y)
        pdf.para(value, size=10.5 if bold else 9.5, bold=bold, line=5.2)
        pdf.ln(0.6)
    if resume_code:
        pdf.ln(1)
        pdf.para(t("report.resume_code", language, code=pdf.clean(resume_code, single_line=True)), size=9.5)
    elif resume_hint:
        pdf.ln(1)
        pdf.para(t("report.resume_hint", language), size=8.5, colour=MUTED)
    pdf.ln(2)
    _rule(pdf)


def _overall(pdf: ReportPDF, instrument: Instrument, report: ScoreReport, language: str) -> None:
    reading = alignment_reading(instrument, report, language)
    pdf.heading(t("report.alignment.heading", language), size=15, follow=60)
    if reading.index is None:
        pdf.para(t("report.alignment.none", language), size=11)
    else:
        pdf.para(
            t("report.alignment.value", language, index=format_signed(reading.index, language), band=reading.label),
            size=12.5,
            bold=True,
            line=6.5,
        )
        pdf.ln(1)
        pdf.para(reading.text or "", size=10)
    pdf.ln(3)
    alignment_bar(pdf, instrument, report.alignment_index, language)
    pdf.ln(3)
    _note_box(pdf, t("report.caveat", language))


def _where_to_start(pdf: ReportPDF, readings: list[ThemeReading], language: str) -> None:
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


def _charts(pdf: ReportPDF, instrument: Instrument, report: ScoreReport, language: str) -> None:
    pdf.ln(4)
    pdf.heading(t("report.charts.heading", language), size=15, follow=60)
    index_text = format_signed(report.alignment_index, language)
    pdf.heading(
        t("chart.match_vs_mismatch.title", language, index=index_text)
        if report.alignment_index is not None
        else t("chart.match_vs_mismatch.title_none", language),
        size=12,
        follow=45,
    )
    diverging(pdf, instrument, report, language)

    pdf.heading(t("report.scores.heading", language), size=12, follow=40)
    for side in SIDES:
        domains = instrument.domains_on(side)
        if not domains:
            continue
        rows = [(localise(d.name, language), report.domain(d.id).score) for d in domains]
        pdf.keep(bars_height(pdf, rows) + 14)
        pdf.para(side_name(instrument, side, language), size=10.5, bold=True)
        pdf.para(t(f"report.side_note.{side}", language), size=8.5, colour=MUTED)
        pdf.ln(1)
        bars(pdf, rows, rgb(COLOURS[side]), language)
        pdf.ln(3)

    rows = list(zip(lens_names(instrument, report, language), (e.score for e in report.elements)))
    note = t("report.lens_note", language)
    pdf.heading(
        t("chart.compassion_lens.title", language),
        size=12,
        follow=pdf.text_height(note, pdf.content_width, size=8.5) + 1 + bars_height(pdf, rows),
    )
    pdf.para(note, size=8.5, colour=MUTED)
    pdf.ln(1)
    bars(pdf, rows, rgb(COLOURS["compassion"]), language, neutral=True)

    if report.gaps:
        note = t("report.gap_note", language)
        pdf.heading(
            t("chart.value_gap.title", language),
            size=12,
            follow=pdf.text_height(note, pdf.content_width, size=8.5)
            + 1
            + dumbbells_height(pdf, instrument, report, language),
        )
        pdf.para(note, size=8.5, colour=MUTED)
        pdf.ln(1)
        dumbbells(pdf, instrument, report, language)


def _theme_texts(pdf: ReportPDF, instrument: Instrument, readings: list[ThemeReading], language: str) -> None:
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
            needed = (
                6
                + pdf.text_height(reading.description, width, size=8.5)
                + pdf.text_height(text, width)
                + _question_height(pdf, reading.question, language)
                + 6
            )
            pdf.keep(needed)
            _theme_title(pdf, reading, language)
            pdf.para(reading.description, size=8.5, colour=MUTED)
            pdf.ln(1)
            pdf.para(text, size=10, colour=INK if reading.text else MUTED)
            pdf.ln(1.5)
            _question_box(pdf, reading.question, language)
            pdf.ln(4)


def _theme_title(pdf: ReportPDF, reading: ThemeReading, language: str) -> None:
    score = (
        t("report.theme.score", language, score=format_score(reading.score, language))
        if reading.score is not None
        else t("report.not_enough", language)
    )
    y = pdf.get_y()
    pdf.style(9.5, colour=MUTED if reading.score is None else INK)
    score_w = pdf.get_string_width(score) + 2
    pdf.set_xy(pdf.w - pdf.r_margin - score_w, y)
    pdf.cell(score_w, 5.5, score, align="R")
    pdf.set_xy(pdf.l_margin, y)
    pdf.para(reading.name, size=11, bold=True, line=5.5, width=pdf.content_width - score_w - 3)


QUESTION_LINE = 4.6


def _question_runs(pdf: ReportPDF, question: str, language: str) -> list[Run]:
    return [(t("report.reflect", language) + " ", True), (question, False)]


def _question_height(pdf: ReportPDF, question: str, language: str) -> float:
    return pdf.text_height(_question_runs(pdf, question, language), pdf.content_width - 7, line=QUESTION_LINE) + 3


def _question_box(pdf: ReportPDF, question: str, language: str) -> None:
    """The reflective question in a tinted box, led by a bold label on the same line."""
    height = _question_height(pdf, question, language)
    pdf.keep(height)
    y = pdf.get_y()
    pdf.set_fill_color(*TINT)
    pdf.rect(pdf.l_margin, y, pdf.content_width, height, style="F")
    pdf.set_fill_color(*rgb(COLOURS["match"]))
    pdf.rect(pdf.l_margin, y, 1.0, height, style="F")
    pdf.set_xy(pdf.l_margin + 4, y + 1.5)
    pdf.para(_question_runs(pdf, question, language), size=10, line=QUESTION_LINE, width=pdf.content_width - 7)
    pdf.set_y(y + height)


def _note_box(pdf: ReportPDF, text: str) -> None:
    inner = pdf.content_width - 8
    height = pdf.text_height(text, inner, size=8.5) + 4
    pdf.keep(height)
    y = pdf.get_y()
    pdf.set_fill_color(*NOTE)
    pdf.rect(pdf.l_margin, y, pdf.content_width, height, style="F")
    pdf.set_xy(pdf.l_margin + 4, y + 2)
    pdf.para(text, size=8.5, colour=MUTED, width=inner)
    pdf.set_y(y + height)


def _rule(pdf: ReportPDF) -> None:
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.3)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2)


def _long_date(moment: datetime, language: str) -> str:
    months = t("report.months", language).split(",")
    return t("report.date_format", language, day=moment.day, month=months[moment.month - 1], year=moment.year)
