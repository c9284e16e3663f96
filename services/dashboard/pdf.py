"""The dashboard's PDF summary (A4, fpdf2), built from export_rows like the CSV and XLSX files.

Context first (organisation, selection, k and what "withheld" means), then where to start, theme means
with their intervals, teams × themes, the trend, participation, agreement, reliability, and the
organisation's action plan for the view (pdf_plan). A selection that is not shown gives only the context,
why, and the plan (words and days): no numbers. The page, fonts and text
handling come from pdf_page, the bars from pdf_charts, the tables from pdf_summary; names typed by
people are neutralised as in the spreadsheets, so text copied out of the PDF cannot become a formula
either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from services.dashboard.file_words import (
    context_lines,
    decimals,
    group_text,
    note_text,
    rounded,
)
from services.dashboard.pdf_plan import PlanLine, plan_section
from services.dashboard.view_types import DashboardView
from services.formatting import format_date, format_number
from services.i18n import t
from services.output.cells import neutralise_cell
from services.output.chart_style import COLOURS
from services.output.pdf_charts import bars, bars_height
from services.output.pdf_page import (
    MUTED,
    NOTE,
    TINT,
    rgb,
)
from services.output.pdf_summary import (
    NAME_W,
    SummaryPDF,
    box_height,
    column_widths,
    context_block,
    draw_box,
    draw_table,
)

Row = dict[str, Any]
SIDES = ("match", "mismatch", "value", "compassion")
TEAM_SPLIT = "this team's view is split"  # the note export_rows gives a split team's theme


def dashboard_pdf(
    view: DashboardView, rows: list[Row], generated_at: datetime, plan: Sequence[PlanLine] | None = None
) -> bytes:
    """The summary of `view` as PDF bytes, in the view's language; with `plan` (None: no section), its actions."""
    language = view.language
    pdf = SummaryPDF(language, "dashboard_export.pdf.title", "dashboard_export.pdf.footer")
    pdf.add_page()
    context_block(
        pdf,
        t("dashboard_export.pdf.title", language),
        neutralise_cell(view.organisation_name),
        context_lines(view, rows, generated_at),
    )
    if not view.selection.shown:
        key = "selection_empty" if view.selection.decision.empty else "selection_withheld"
        pdf.ln(3)
        draw_box(
            pdf, t(f"dashboard_export.pdf.{key}", language, reason=note_text(rows[0]["note"], language)), 10, fill=NOTE
        )
        if plan is not None:
            plan_section(pdf, plan, language)
        return bytes(pdf.output())
    by_what: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_what[row["what"]].append(row)
    _where_to_start(pdf, view, by_what)  # first, as on the page: what a manager came for
    _themes(pdf, view, by_what)
    _heatmap(pdf, view, by_what)
    _trends(pdf, view, by_what)
    _participation(pdf, view, by_what)
    _agreement(pdf, view, by_what)
    _reliability(pdf, view, by_what)
    if plan is not None:
        plan_section(pdf, plan, language)
    return bytes(pdf.output())


# --- sections ---------------------------------------------------------------------------------------------


def _themes(pdf: SummaryPDF, view: DashboardView, by_what: dict[str, list[Row]]) -> None:
    language = view.language
    _section(pdf, "themes", language, note=True)
    (alignment,) = by_what["alignment index"]
    pdf.para(
        t(
            "dashboard_export.pdf.alignment",
            language,
            mean=_number(alignment, "mean", language),
            low=_number(alignment, "low", language),
            high=_number(alignment, "high", language),
            n=alignment["n"],
        )
        if alignment["mean"] is not None
        else t("dashboard_export.pdf.alignment_none", language),
        size=10,
        bold=True,
    )
    means = {row["theme"]: row for row in by_what["theme mean"]}
    for side in SIDES:
        on_side = [theme.name for theme in view.themes if theme.side == side and theme.name in means]
        if not on_side:
            continue
        chart = [(name, rounded(means[name], "mean")) for name in on_side]
        pdf.keep(bars_height(pdf, chart) + 6)
        pdf.para(t(f"dashboard_export.pdf.side.{side}", language), size=9.5, bold=True)
        bars(pdf, chart, rgb(COLOURS[side]), language)
    draw_table(
        pdf,
        _cols(language, "theme", "n", "mean", "interval"),
        [
            [row["theme"], str(row["n"]), _number(row, "mean", language), _interval(row, language)]
            for row in by_what["theme mean"]
        ],
        column_widths(pdf, 4, first=70),
    )


def _heatmap(pdf: SummaryPDF, view: DashboardView, by_what: dict[str, list[Row]]) -> None:
    if not view.heatmap:
        return
    language = view.language
    themes = [theme.name for theme in view.heatmap_themes]
    means = {(row["group"], row["theme"]): row for row in by_what["team theme mean"]}
    alignments = {row["group"]: row for row in by_what["team alignment index"]}
    table = []
    for team in view.heatmap:
        label = team.group.label
        if not team.group.shown:
            first = next(row for row in by_what["team theme mean"] if row["group"] == label)
            table.append([neutralise_cell(team.team_name), note_text(first["note"], language) or ""])
            continue
        table.append(
            [
                neutralise_cell(team.team_name),
                *(
                    _number(means[(label, theme)], "mean", language) if (label, theme) in means else _missing(language)
                    for theme in themes
                ),
                _number(alignments[label], "mean", language) if label in alignments else _missing(language),
            ]
        )
    _section(pdf, "heatmap", language, note=True)
    draw_table(
        pdf,
        [*_cols(language, "team"), *themes, *_cols(language, "alignment")],
        table,
        column_widths(pdf, len(themes) + 2, first=30),
    )


def _trends(pdf: SummaryPDF, view: DashboardView, by_what: dict[str, list[Row]]) -> None:
    if not view.trends:
        return
    language = view.language
    alignments = {row["group"]: row for row in by_what["trend: alignment index"]}
    table = []
    several = len({point.intervention_id for point in view.trends}) > 1
    for point in view.trends:
        # Rounds of different interventions are no trend: each round says which intervention it was about.
        name = neutralise_cell(f"{point.intervention}: {point.round_name}" if several else point.round_name)
        opens = format_date(point.opens_at, language)
        row = alignments[point.group.label]
        if not point.group.shown:
            table.append([name, opens, note_text(row["note"], language) or _missing(language)])
        else:
            table.append([name, opens, str(row["n"]), _number(row, "mean", language), _interval(row, language)])
    _section(pdf, "trends", language)
    draw_table(pdf, _cols(language, "round", "opens", "n", "alignment", "interval"), table, column_widths(pdf, 5))

    means = {(row["group"], row["theme"]): row for row in by_what["trend: theme mean"]}
    if not means or several:
        return
    columns = [neutralise_cell(point.round_name) for point in view.trends]
    table = []
    for theme in view.themes:
        cells = [theme.name]
        for point in view.trends:
            if not point.group.shown:
                cells.append(
                    t(
                        "dashboard_export.pdf.cell_" + ("no_data" if point.group.decision.empty else "withheld"),
                        language,
                    )
                )
            else:
                mean_row = means.get((point.group.label, theme.name))
                cells.append(_number(mean_row, "mean", language) if mean_row else _missing(language))
        table.append(cells)
    _section(pdf, "trend_themes", language, size=11)
    draw_table(pdf, [*_cols(language, "theme"), *columns], table, column_widths(pdf, len(columns) + 1))


def _participation(pdf: SummaryPDF, view: DashboardView, by_what: dict[str, list[Row]]) -> None:
    if not view.participation:
        return
    language = view.language
    rows = {row["group"]: row for row in by_what["participation"]}
    table = []
    for team in view.participation:
        row, name = rows[team.group.label], neutralise_cell(team.team_name)
        if row["n"] is None:
            table.append([name, _said(row, language)])
            continue
        rate = _number(row, "value", language)
        table.append(
            [
                name,
                str(row["n"]),
                str(team.size) if team.size else _missing(language),
                rate + "%" if row["value"] is not None else _missing(language),
                _said(row, language),
            ]
        )
    _section(pdf, "participation", language, note=True)
    draw_table(
        pdf,
        _cols(language, "team", "n", "size", "rate", "note"),
        table,
        [NAME_W, 14, 26, 26, pdf.content_width - NAME_W - 66],
        align="LRRRL",
    )


def _agreement(pdf: SummaryPDF, view: DashboardView, by_what: dict[str, list[Row]]) -> None:
    language = view.language
    _section(pdf, "agreement", language, note=True)
    widths = [70, 20, pdf.content_width - 90]
    draw_table(
        pdf,
        _cols(language, "theme", "rwg", "note"),
        [[row["theme"], _number(row, "value", language), _said(row, language)] for row in by_what["agreement r_wg(J)"]],
        widths,
        align="LRL",
    )
    teams = {team.group.label: neutralise_cell(team.team_name) for team in view.agreement}
    splits = [row for row in by_what["within-team agreement r_wg(J)"] if TEAM_SPLIT in (row["note"] or "")]
    _section(pdf, "team_splits", language, size=11)
    if not splits:
        pdf.para(t("dashboard_export.pdf.no_team_splits", language), size=9)
        return
    draw_table(
        pdf,
        _cols(language, "team", "theme", "rwg"),
        [
            [
                teams.get(row["group"], neutralise_cell(group_text(row["group"], language))),
                row["theme"],
                _number(row, "value", language),
            ]
            for row in splits
        ],
        [NAME_W, 70, 20],
        align="LLR",
    )


def _reliability(pdf: SummaryPDF, view: DashboardView, by_what: dict[str, list[Row]]) -> None:
    language = view.language
    _section(pdf, "reliability", language, note=True)
    draw_table(
        pdf,
        _cols(language, "theme", "n", "alpha", "note"),
        [
            [row["theme"], str(row["n"]), _number(row, "value", language), _said(row, language)]
            for row in by_what["Cronbach's alpha"]
        ],
        [70, 14, 18, pdf.content_width - 102],
        align="LRRL",
    )


def _where_to_start(pdf: SummaryPDF, view: DashboardView, by_what: dict[str, list[Row]]) -> None:
    starts = by_what["where to start"]
    if not starts:
        return
    language = view.language
    entries = []
    for row in starts:
        line = t(
            "dashboard_export.pdf.start_line",
            language,
            mean=_number(row, "mean", language),
            low=_number(row, "low", language),
            high=_number(row, "high", language),
            n=row["n"],
            reasons=_said(row, language),
        )
        question = [(t("dashboard_export.pdf.starter", language) + " ", True), (row["detail"] or "", False)]
        height = 6 + pdf.text_height(line, pdf.content_width, size=8.5) + box_height(pdf, question, 9.5) + 4
        entries.append((row, line, question, height))
    pdf.keep(20 + sum(height for *_rest, height in entries))  # the section on one page, not split
    _section(pdf, "where_to_start", language)
    for row, line, question, height in entries:
        pdf.keep(height)
        pdf.para(row["theme"], size=10.5, bold=True)
        pdf.para(line, size=8.5, colour=MUTED)
        pdf.ln(1)
        draw_box(pdf, question, 9.5, fill=TINT, accent=rgb(COLOURS["match"]))
        pdf.ln(4)


def _section(pdf: SummaryPDF, key: str, language: str, *, note: bool = False, size: float = 13) -> None:
    """A section's heading, kept with what follows, and its explaining note if it has one."""
    pdf.heading(t(f"dashboard_export.pdf.{key}", language), size=size, follow=30)
    if note:
        pdf.para(t(f"dashboard_export.pdf.{key}_note", language), size=8.5, colour=MUTED)
        pdf.ln(1)


# --- words and numbers -----------------------------------------------------------------------------------


def _cols(language: str, *keys: str) -> list[str]:
    return [t(f"dashboard_export.pdf.col.{key}", language) for key in keys]


def _said(row: Row, language: str) -> str:
    return note_text(row["note"], language) or ""


def _number(row: Row, column: str, language: str) -> str:
    """A number as people read it: the file's rounding, a decimal comma in Dutch, a true minus sign."""
    value = rounded(row, column)
    if value is None:
        return _missing(language)
    return format_number(value, language, decimals(column, row["what"]))


def _interval(row: Row, language: str) -> str:
    if row["low"] is None or row["high"] is None:
        return _missing(language)
    return f"{_number(row, 'low', language)} – {_number(row, 'high', language)}"


def _missing(language: str) -> str:
    return t("dashboard_export.pdf.cell_missing", language)
