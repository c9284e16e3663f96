"""A workshop's summary as a PDF, for the people who were there: what services/workshop/files.py says of
both files holds for it (the pictures as shown, no number of a round below k, typed text neutralised)."""

from __future__ import annotations

from collections.abc import Sequence

from services.dashboard.charts import interval_text
from services.dashboard.parts import LEAST_ALIGNED, MISALIGNED, SPLIT_VIEW
from services.formatting import format_datetime, format_number, format_score, format_signed
from services.i18n import t
from services.output.cells import neutralise_cell
from services.output.chart_style import COLOURS
from services.output.pdf_charts import alignment_bar, bars, bars_height
from services.output.pdf_page import (
    MUTED,
    NOTE,
    TINT,
    Run,
    rgb,
)
from services.output.pdf_summary import (
    SummaryPDF,
    box_height,
    column_widths,
    context_block,
    draw_box,
    draw_table,
)
from services.workshop.charts import SIDE_ORDER, round_status
from services.workshop.comparison_chart import comparison_summary
from services.workshop.files import WorkshopMeta
from services.workshop.picture import AgreedAction, RoundComparison, WorkshopPicture

ACTION_KINDS = ("act", "influence", "monitor")
REASON_KEYS = {LEAST_ALIGNED: "dashboard.start.reason_least", SPLIT_VIEW: "dashboard.start.reason_split"}


def workshop_pdf(
    meta: WorkshopMeta,
    pictures: Sequence[WorkshopPicture],
    comparison: RoundComparison | None,
    actions: Sequence[AgreedAction],
    language: str,
) -> bytes:
    """The session's summary as PDF bytes: context, each round's picture, the comparison, the actions."""
    pdf = SummaryPDF(language, "workshop_report.pdf.title", "workshop_report.pdf.footer")
    pdf.add_page()
    context_block(
        pdf, t("workshop_report.pdf.title", language), neutralise_cell(meta.title), _context(meta, pictures, language)
    )
    for picture in pictures:
        _round(pdf, picture, language)
    if comparison is not None:
        _comparison(pdf, comparison, language)
    _actions(pdf, actions, language)
    return bytes(pdf.output())


def _context(meta: WorkshopMeta, pictures: Sequence[WorkshopPicture], language: str) -> list[tuple[str, str]]:
    when = format_datetime(meta.created_at, language, say_utc=True) + (
        f" – {format_datetime(meta.closed_at, language, say_utc=True)}" if meta.closed_at else ""
    )
    lines = [
        ("intervention", meta.intervention),
        ("questionnaire", meta.instrument_label),
        ("date", when),
        ("k", t("workshop_report.pdf.k_text", language, k=meta.k)),
    ]
    lines.append(
        (
            "round",
            "\n".join(
                t("workshop_report.pdf.round_n", language, round=p.round_no, n=p.n)
                if p.shown
                else f"{t('workshop_report.round', language, round=p.round_no)}: {round_status(p, language)}"
                for p in pictures
            ),
        )
    )
    if meta.facilitator_note:
        lines.append(("note", meta.facilitator_note))
    return [(t(f"workshop_report.pdf.context.{key}", language), neutralise_cell(text)) for key, text in lines]


def _round(pdf: SummaryPDF, picture: WorkshopPicture, language: str) -> None:
    if not picture.shown:
        pdf.heading(t("workshop_report.round", language, round=picture.round_no), size=15, follow=12)
        draw_box(
            pdf,
            t("workshop_report.pdf.round_withheld", language, status=round_status(picture, language)),
            10,
            fill=NOTE,
        )
        return
    pdf.heading(t("workshop_report.pdf.round_n", language, round=picture.round_no, n=picture.n), size=15)
    _theme_means(pdf, picture, language)
    _heading(pdf, "bands", language)
    draw_table(
        pdf,
        [
            *_cols(language, "theme"),
            *(t(f"workshop_report.bands.{r}", language) for r in ("fits", "between", "clashes", "not_enough")),
        ],
        [[b.theme.name, *(str(c) for c in (b.fits, b.middle, b.clashes, b.not_enough))] for b in picture.theme_bands],
        column_widths(pdf, 5, first=62),
    )
    _heading(pdf, "alignment", language)
    alignment_bar(pdf, picture.instrument, picture.alignment.mean if picture.alignment else None, language)
    if picture.alignment is not None:
        pdf.para(
            t(
                "workshop_report.pdf.alignment_line",
                language,
                n=picture.alignment.n,
                interval=interval_text(picture.alignment, language, signed=True),
            ),
            size=8.5,
            colour=MUTED,
        )
    _compassion(pdf, picture, language)
    _where_to_start(pdf, picture, language)


def _compassion(pdf: SummaryPDF, picture: WorkshopPicture, language: str) -> None:
    """The compassion lens as on the screen: each element's average, with its likely range."""
    if not picture.compassion:
        return
    _heading(pdf, "compassion", language)
    chart = [(e.name, e.estimate.mean if e.estimate else None) for e in picture.compassion]
    bars(pdf, chart, rgb(COLOURS["compassion"]), language)
    draw_table(
        pdf,
        _cols(language, "element", "n", "mean", "interval"),
        [
            [
                e.name,
                str(e.estimate.n if e.estimate else 0),
                format_score(mean, language),
                interval_text(e.estimate, language),
            ]
            for e, (_, mean) in zip(picture.compassion, chart)
        ],
        column_widths(pdf, 4, first=80),
    )


def _theme_means(pdf: SummaryPDF, picture: WorkshopPicture, language: str) -> None:
    """Bars per side, drawn like the dashboard's summary, then the numbers with their agreement."""
    _heading(pdf, "themes", language)
    means = [(m, m.estimate.mean if m.estimate else None) for m in picture.theme_means]
    for side in SIDE_ORDER:
        chart = [(m.theme.name, mean) for m, mean in means if m.theme.side == side]
        if chart:
            pdf.keep(bars_height(pdf, chart) + 6)
            pdf.para(t(f"dashboard_export.pdf.side.{side}", language), size=9.5, bold=True)
            bars(pdf, chart, rgb(COLOURS[side]), language)
    draw_table(
        pdf,
        _cols(language, "theme", "n", "mean", "interval", "agreement"),
        [
            [
                m.theme.name,
                str(m.estimate.n if m.estimate else 0),
                format_score(mean, language),
                interval_text(m.estimate, language),
                _agreement(m.agreement, language),
            ]
            for m, mean in means
        ],
        column_widths(pdf, 5, first=62),
    )


def _where_to_start(pdf: SummaryPDF, picture: WorkshopPicture, language: str) -> None:
    if not picture.where_to_start:
        return
    _heading(pdf, "where_to_start", language)
    for start in picture.where_to_start:
        line = " ".join(
            [
                t(
                    "dashboard.start.score",
                    language,
                    score=format_score(start.estimate.mean, language),
                    interval=interval_text(start.estimate, language),
                ),
                *(_reason(reason, start.theme.side, language) for reason in start.reasons),
            ]
        )
        question: list[Run] = [(t("dashboard_export.pdf.starter", language) + " ", True), (start.question, False)]
        pdf.keep(6 + pdf.text_height(line, pdf.content_width, size=8.5) + box_height(pdf, question, 9.5) + 4)
        pdf.para(start.theme.name, size=10.5, bold=True)
        pdf.para(line, size=8.5, colour=MUTED)
        pdf.ln(1)
        draw_box(pdf, question, 9.5, fill=TINT, accent=rgb(COLOURS["match"]))
        for prompt in (p for p in picture.prompts if p.theme == start.theme):
            pdf.ln(1)
            draw_box(
                pdf,
                [(f"{prompt.element_name} ", True), (f"({prompt.description})\n", False), (prompt.text, False)],
                9,
                fill=TINT,
                accent=rgb(COLOURS["compassion"]),
            )
        pdf.ln(4)


def _comparison(pdf: SummaryPDF, comparison: RoundComparison, language: str) -> None:
    _heading(pdf, "comparison", language, size=15)
    pdf.para(comparison_summary(comparison, language), size=9.5)
    pdf.ln(1)
    rounds = [t("workshop_report.round", language, round=r) for r in (comparison.first_round, comparison.second_round)]
    missing = "dashboard_export.pdf.cell_missing"
    rows = [
        [
            s.theme.name,
            format_score(s.first, language, missing),
            format_score(s.second, language, missing),
            format_signed(s.change, language, missing),
        ]
        for s in comparison.themes
        if s.theme is not None
    ]
    shift = comparison.alignment
    rows.append(
        [
            t("chart.alignment_index", language),
            *(format_signed(v, language, missing) for v in (shift.first, shift.second, shift.change)),
        ]
    )
    draw_table(
        pdf,
        [*_cols(language, "theme"), *rounds, t("workshop_report.comparison.col_change", language)],
        rows,
        column_widths(pdf, 4, first=70),
    )


def _actions(pdf: SummaryPDF, actions: Sequence[AgreedAction], language: str) -> None:
    _heading(pdf, "actions", language, size=15)
    if not actions:
        pdf.para(t("workshop_report.pdf.no_actions", language), size=9.5)
        return
    for kind in ACTION_KINDS:
        chosen = [a for a in actions if a.kind == kind]
        if not chosen:
            continue
        pdf.heading(t(f"workshop_report.action.{kind}", language), size=11, follow=10)
        for action in chosen:
            runs: list[Run] = [(f"{neutralise_cell(action.theme)}: ", True)] if action.theme else []
            pdf.para([("• ", False), *runs, (neutralise_cell(action.text), False)], size=9.5)
            pdf.ln(0.8)


def _heading(pdf: SummaryPDF, key: str, language: str, size: float = 12) -> None:
    pdf.heading(t(f"workshop_report.pdf.{key}", language), size=size, follow=24)


def _cols(language: str, *keys: str) -> list[str]:
    return [t(f"workshop_report.pdf.col.{key}", language) for key in keys]


def _agreement(agreement, language: str) -> str:
    if agreement is None:
        return "–"
    value = format_number(agreement.value, language, 2)
    return f"{value} ({t('dashboard.agreement.split', language)})" if agreement.split else value


def _reason(reason: str, side: str, language: str) -> str:
    if reason == MISALIGNED:
        return t("dashboard.start.reason_low" if side != "mismatch" else "dashboard.start.reason_high", language)
    return t(REASON_KEYS[reason], language) if reason in REASON_KEYS else reason
