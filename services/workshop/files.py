"""A workshop's summary as files: one plain CSV table, and a PDF for the people who were there.

Both hold what the big screen showed (each round's picture), the conversation prompts and the actions
the group agreed. A round with fewer than k answers gives one line saying so and no number of it. Every
text cell of the CSV goes through `neutralise_cell` (titles and actions are typed by people, and a
spreadsheet would run `=...` as a formula); the PDF neutralises them the same way, so text copied out of
it cannot become a formula either.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from services.dashboard.charts import interval_text
from services.dashboard.parts import LEAST_ALIGNED, MISALIGNED, SPLIT_VIEW
from services.dashboard.stats import Estimate
from services.formatting import (
    file_datetime,
    format_datetime,
    format_number,
    format_score,
    format_signed,
)
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
from services.workshop.charts import SIDE_ORDER, comparison_summary, round_status
from services.workshop.picture import AgreedAction, RoundComparison, WorkshopPicture

COLUMNS = ("what", "round", "theme", "side", "n", "mean", "low", "high", "value", "share", "detail")
ACTION_KINDS = ("act", "influence", "monitor")
REASON_KEYS = {LEAST_ALIGNED: "dashboard.start.reason_least", SPLIT_VIEW: "dashboard.start.reason_split"}


@dataclass(frozen=True)
class WorkshopMeta:
    """What a summary is about: the session as the facilitator set it up."""

    title: str
    intervention: str
    instrument_label: str
    language: str
    k: int
    created_at: datetime
    closed_at: datetime | None
    facilitator_note: str | None = None


# --- CSV ------------------------------------------------------------------------------------------------


def workshop_csv(
    meta: WorkshopMeta,
    pictures: Sequence[WorkshopPicture],
    comparison: RoundComparison | None,
    actions: Sequence[AgreedAction],
    language: str,
) -> bytes:
    """One header row and one row per number shown, UTF-8 with BOM so Excel reads Dutch characters right."""
    rows: list[dict] = [
        _row("session", detail=meta.title),
        _row("intervention", detail=meta.intervention),
        _row("questionnaire", detail=meta.instrument_label),
        _row("k", value=meta.k),
        _row("started", detail=file_datetime(meta.created_at)),
    ]
    if meta.closed_at is not None:
        rows.append(_row("closed", detail=file_datetime(meta.closed_at)))
    if meta.facilitator_note:
        rows.append(_row("note", detail=meta.facilitator_note))
    for picture in pictures:
        rows += _picture_rows(picture, language)
    if comparison is not None:
        label = f"{comparison.first_round}→{comparison.second_round}"
        rows += [
            _row("change", round=label, theme=s.theme.name, side=_side(s.theme.side, language), value=_number(s.change))
            for s in comparison.themes
            if s.theme is not None
        ]
        rows.append(_row("alignment_change", round=label, value=_number(comparison.alignment.change)))
    rows += [_row(f"action_{a.kind}", theme=a.theme or "", detail=a.text) for a in actions]

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise_cell(t(f"workshop_report.csv.col.{c}", language)) for c in COLUMNS])
    for row in rows:
        row["what"] = t(f"workshop_report.csv.what.{row['what']}", language)
        writer.writerow([neutralise_cell(row.get(column, "")) for column in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def _row(what: str, **cells) -> dict:
    return {"what": what, **{k: "" if v is None else v for k, v in cells.items()}}


def _picture_rows(picture: WorkshopPicture, language: str) -> list[dict]:
    """A round's numbers; a round not shown gives its status only."""
    round_no = picture.round_no
    if not picture.shown:
        status = "workshop_report.csv.empty" if picture.selection.decision.empty else "workshop_report.csv.withheld"
        return [_row("responses", round=round_no, detail=t(status, language, k=picture.k))]
    rows = [
        _row("responses", round=round_no, n=picture.n),
        _estimate_row("alignment", round_no, "", "", picture.alignment, language),
    ]
    for mean in picture.theme_means:
        side = _side(mean.theme.side, language)
        rows.append(_estimate_row("theme_mean", round_no, mean.theme.name, side, mean.estimate, language))
        if mean.agreement is not None:
            reading = "reading_split" if mean.agreement.split else "reading_agreed"
            rows.append(
                _row(
                    "agreement",
                    round=round_no,
                    theme=mean.theme.name,
                    side=side,
                    value=_number(mean.agreement.value, 2),
                    detail=t(f"workshop_report.agreement.{reading}", language),
                )
            )
    for bands in picture.theme_bands:
        counts = (
            ("fits", bands.fits),
            ("between", bands.middle),
            ("clashes", bands.clashes),
            ("not_enough", bands.not_enough),
        )
        rows += [
            _row(
                "band",
                round=round_no,
                theme=bands.theme.name,
                side=_side(bands.theme.side, language),
                n=count,
                share=_number(100 * count / picture.n),
                detail=t(f"workshop_report.bands.{reading}", language),
            )
            for reading, count in counts
        ]
    scored = sum(b.count for b in picture.alignment_distribution)
    rows += [
        _row(
            "alignment_bin",
            round=round_no,
            n=b.count,
            share=_number(100 * b.count / scored) if scored else None,
            detail=f"{format_signed(b.lower, language)} … {format_signed(b.upper, language)}",
        )
        for b in picture.alignment_distribution
    ]
    rows += [_estimate_row("element", round_no, e.name, "", e.estimate, language) for e in picture.compassion]
    for start in picture.where_to_start:
        rows.append(
            _row(
                "start",
                round=round_no,
                theme=start.theme.name,
                side=_side(start.theme.side, language),
                mean=_number(start.estimate.mean),
                detail=start.question,
            )
        )
    rows += [
        _row("prompt", round=round_no, theme=p.theme.name, detail=f"{p.element_name}: {p.text}")
        for p in picture.prompts
    ]
    return rows


def _estimate_row(what: str, round_no: int, theme: str, side: str, estimate: Estimate | None, language: str) -> dict:
    if estimate is None:
        return _row(what, round=round_no, theme=theme, side=side, n=0, detail=t("report.not_enough", language))
    return _row(
        what,
        round=round_no,
        theme=theme,
        side=side,
        n=estimate.n,
        mean=_number(estimate.mean),
        low=_number(estimate.low),
        high=_number(estimate.high),
    )


def _number(value: float | None, places: int = 1) -> float | None:
    """Rounded for the file, a number (so a minus sign is no formula); never -0.0."""
    return None if value is None else round(value, places) + 0.0


def _side(side: str, language: str) -> str:
    return t(f"dashboard.side.{side}", language)


# --- PDF ------------------------------------------------------------------------------------------------


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
