"""The dashboard's PDF summary (A4, fpdf2), built from export_rows like the CSV and XLSX files.

Context first (organisation, selection, k and what "withheld" means), then theme means with their
intervals, teams × themes, the trend, participation, agreement, reliability and where to start. A
selection that is not shown gives only the context and why: no numbers. The page, fonts and text
handling come from pdf_page, the bars from pdf_charts; names typed by people are neutralised as in
the spreadsheets, so text copied out of the PDF cannot become a formula either.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from .charts import COLOURS
from .dashboard import DashboardView
from .dashboard_files import context_lines, decimals, group_text, note_text, rounded
from .exports import neutralise_cell
from .i18n import t
from .pdf_charts import bars, bars_height
from .pdf_page import INK, MUTED, NOTE, RULE, TINT, Colour, ReportPDF, Run, rgb

Row = dict[str, Any]
SIDES = ("match", "mismatch", "value", "compassion")
TEAM_SPLIT = "this team's view is split"     # the note export_rows gives a split team's theme
TABLE_SIZE = 8.5
HEADER_SIZE = 8.0
MIN_HEADER_SIZE = 6.5
TABLE_LINE = 3.9
PAD = 1.2
NAME_W = 46.0                                # the first column of a table: a theme, team or round


class DashboardPDF(ReportPDF):
    """The report's page with the dashboard's title and footer."""

    def __init__(self, language: str) -> None:
        super().__init__(language)
        self.set_title(t("dashboard_export.pdf.title", language))

    def footer(self) -> None:
        self.set_y(-12)
        self.style(8, colour=MUTED)
        self.cell(self.content_width * 0.75, 5, t("dashboard_export.pdf.footer", self.language))
        self.cell(self.content_width * 0.25, 5, t("report.footer.page", self.language, page=self.page_no(),
                                                  pages="{nb}"), align="R")


def dashboard_pdf(view: DashboardView, rows: list[Row], generated_at: datetime) -> bytes:
    """The summary of `view` as PDF bytes, in the view's language."""
    language = view.language
    pdf = DashboardPDF(language)
    pdf.add_page()
    pdf.para(t("dashboard_export.pdf.title", language), size=18, bold=True, line=8)
    pdf.para(neutralise_cell(view.organisation_name), size=11, colour=MUTED)
    pdf.ln(3)
    label_w = 52.0
    for label, text in context_lines(view, rows, generated_at):
        pdf.keep(pdf.text_height(text, pdf.content_width - label_w, size=9, line=4.4))
        y = pdf.get_y()
        pdf.para(label, size=9, bold=True, line=4.4, width=label_w - 3)
        below_label = pdf.get_y()
        pdf.set_xy(pdf.l_margin + label_w, y)
        pdf.para(text, size=9, line=4.4)
        pdf.set_y(max(below_label, pdf.get_y()) + 1)
    if not view.selection.shown:
        key = "selection_empty" if view.selection.decision.empty else "selection_withheld"
        pdf.ln(3)
        _box(pdf, t(f"dashboard_export.pdf.{key}", language, reason=note_text(rows[0]["note"], language)), 10,
             fill=NOTE)
        return bytes(pdf.output())
    by_what: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_what[row["what"]].append(row)
    _themes(pdf, view, by_what)
    _heatmap(pdf, view, by_what)
    _trends(pdf, view, by_what)
    _participation(pdf, view, by_what)
    _agreement(pdf, view, by_what)
    _reliability(pdf, view, by_what)
    _where_to_start(pdf, view, by_what)
    return bytes(pdf.output())


# --- sections ---------------------------------------------------------------------------------------------


def _themes(pdf: DashboardPDF, view: DashboardView, by_what: dict[str, list[Row]]) -> None:
    language = view.language
    _section(pdf, "themes", language, note=True)
    (alignment,) = by_what["alignment index"]
    pdf.para(t("dashboard_export.pdf.alignment", language, mean=_number(alignment, "mean", language),
               low=_number(alignment, "low", language), high=_number(alignment, "high", language),
               n=alignment["n"]) if alignment["mean"] is not None
             else t("dashboard_export.pdf.alignment_none", language), size=10, bold=True)
    means = {row["theme"]: row for row in by_what["theme mean"]}
    for side in SIDES:
        on_side = [theme.name for theme in view.themes if theme.side == side and theme.name in means]
        if not on_side:
            continue
        chart = [(name, rounded(means[name], "mean")) for name in on_side]
        pdf.keep(bars_height(pdf, chart) + 6)
        pdf.para(t(f"dashboard_export.pdf.side.{side}", language), size=9.5, bold=True)
        bars(pdf, chart, rgb(COLOURS[side]), language)
    _table(pdf, _cols(language, "theme", "n", "mean", "interval"),
           [[row["theme"], str(row["n"]), _number(row, "mean", language), _interval(row, language)]
            for row in by_what["theme mean"]], _widths(pdf, 4, first=70))


def _heatmap(pdf: DashboardPDF, view: DashboardView, by_what: dict[str, list[Row]]) -> None:
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
        table.append([neutralise_cell(team.team_name),
                      *(_number(means[(label, theme)], "mean", language) if (label, theme) in means
                        else _missing(language) for theme in themes),
                      _number(alignments[label], "mean", language) if label in alignments else _missing(language)])
    _section(pdf, "heatmap", language, note=True)
    _table(pdf, [*_cols(language, "team"), *themes, *_cols(language, "alignment")], table,
           _widths(pdf, len(themes) + 2, first=30))


def _trends(pdf: DashboardPDF, view: DashboardView, by_what: dict[str, list[Row]]) -> None:
    if not view.trends:
        return
    language = view.language
    alignments = {row["group"]: row for row in by_what["trend: alignment index"]}
    table = []
    for point in view.trends:
        name, opens = neutralise_cell(point.round_name), f"{point.opens_at:%Y-%m-%d}"
        row = alignments[point.group.label]
        if not point.group.shown:
            table.append([name, opens, note_text(row["note"], language) or _missing(language)])
        else:
            table.append([name, opens, str(row["n"]), _number(row, "mean", language), _interval(row, language)])
    _section(pdf, "trends", language)
    _table(pdf, _cols(language, "round", "opens", "n", "alignment", "interval"), table, _widths(pdf, 5))

    means = {(row["group"], row["theme"]): row for row in by_what["trend: theme mean"]}
    if not means:
        return
    columns = [neutralise_cell(point.round_name) for point in view.trends]
    table = []
    for theme in view.themes:
        cells = [theme.name]
        for point in view.trends:
            if not point.group.shown:
                cells.append(t("dashboard_export.pdf.cell_" + ("no_data" if point.group.decision.empty
                                                                else "withheld"), language))
            else:
                row = means.get((point.group.label, theme.name))
                cells.append(_number(row, "mean", language) if row else _missing(language))
        table.append(cells)
    _section(pdf, "trend_themes", language, size=11)
    _table(pdf, [*_cols(language, "theme"), *columns], table, _widths(pdf, len(columns) + 1))


def _participation(pdf: DashboardPDF, view: DashboardView, by_what: dict[str, list[Row]]) -> None:
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
        table.append([name, str(row["n"]), str(team.size) if team.size else _missing(language),
                      rate + "%" if row["value"] is not None else _missing(language),
                      _said(row, language)])
    _section(pdf, "participation", language, note=True)
    _table(pdf, _cols(language, "team", "n", "size", "rate", "note"), table,
           [NAME_W, 14, 26, 26, pdf.content_width - NAME_W - 66], align="LRRRL")


def _agreement(pdf: DashboardPDF, view: DashboardView, by_what: dict[str, list[Row]]) -> None:
    language = view.language
    _section(pdf, "agreement", language, note=True)
    widths = [70, 20, pdf.content_width - 90]
    _table(pdf, _cols(language, "theme", "rwg", "note"),
           [[row["theme"], _number(row, "value", language), _said(row, language)]
            for row in by_what["agreement r_wg(J)"]], widths, align="LRL")
    teams = {team.group.label: neutralise_cell(team.team_name) for team in view.agreement}
    splits = [row for row in by_what["within-team agreement r_wg(J)"] if TEAM_SPLIT in (row["note"] or "")]
    _section(pdf, "team_splits", language, size=11)
    if not splits:
        pdf.para(t("dashboard_export.pdf.no_team_splits", language), size=9)
        return
    _table(pdf, _cols(language, "team", "theme", "rwg"),
           [[teams.get(row["group"], neutralise_cell(group_text(row["group"], language))), row["theme"],
             _number(row, "value", language)] for row in splits], [NAME_W, 70, 20], align="LLR")


def _reliability(pdf: DashboardPDF, view: DashboardView, by_what: dict[str, list[Row]]) -> None:
    language = view.language
    _section(pdf, "reliability", language, note=True)
    _table(pdf, _cols(language, "theme", "n", "alpha", "note"),
           [[row["theme"], str(row["n"]), _number(row, "value", language), _said(row, language)]
            for row in by_what["Cronbach's alpha"]], [70, 14, 18, pdf.content_width - 102], align="LRRL")


def _where_to_start(pdf: DashboardPDF, view: DashboardView, by_what: dict[str, list[Row]]) -> None:
    starts = by_what["where to start"]
    if not starts:
        return
    language = view.language
    _section(pdf, "where_to_start", language)
    for row in starts:
        line = t("dashboard_export.pdf.start_line", language, mean=_number(row, "mean", language),
                 low=_number(row, "low", language), high=_number(row, "high", language), n=row["n"],
                 reasons=_said(row, language))
        question = [(t("dashboard_export.pdf.starter", language) + " ", True), (row["detail"] or "", False)]
        pdf.keep(6 + pdf.text_height(line, pdf.content_width, size=8.5) + _box_height(pdf, question, 9.5) + 4)
        pdf.para(row["theme"], size=10.5, bold=True)
        pdf.para(line, size=8.5, colour=MUTED)
        pdf.ln(1)
        _box(pdf, question, 9.5, fill=TINT, accent=rgb(COLOURS["match"]))
        pdf.ln(4)


def _section(pdf: DashboardPDF, key: str, language: str, *, note: bool = False, size: float = 13) -> None:
    """A section's heading, kept with what follows, and its explaining note if it has one."""
    pdf.heading(t(f"dashboard_export.pdf.{key}", language), size=size, follow=30)
    if note:
        pdf.para(t(f"dashboard_export.pdf.{key}_note", language), size=8.5, colour=MUTED)
        pdf.ln(1)


# --- tables and numbers -----------------------------------------------------------------------------------


def _table(pdf: DashboardPDF, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
           align: str | None = None) -> None:
    """Wrapped text cells under a tinted header row, which repeats after a page break.

    A row shorter than the header spans its last cell over the remaining columns, in muted text:
    that is how a withheld group keeps its row without numbers.
    """
    align = align or "L" + "R" * (len(headers) - 1)
    header_size = _header_size(pdf, headers, widths)
    first = _height(pdf, rows[0], widths, TABLE_SIZE) if rows else 0
    pdf.keep(_height(pdf, headers, widths, header_size, bold=True) + first)
    _row(pdf, headers, widths, align, header_size, header=True)
    for cells in rows:
        if pdf.will_page_break(_height(pdf, cells, widths, TABLE_SIZE)):
            pdf.add_page()
            _row(pdf, headers, widths, align, header_size, header=True)
        _row(pdf, cells, widths, align, TABLE_SIZE)
    pdf.ln(2)


def _header_size(pdf: DashboardPDF, headers: Sequence[str], widths: Sequence[float]) -> float:
    """A header size at which no word is cut: long Dutch compounds shrink the header, not break."""
    measure = pdf.measure(1.0)
    fits = [0.97 * (width - 2 * PAD) / measure(word, True)
            for header, width in zip(headers, widths) for word in pdf.clean(header).split()]
    return max(MIN_HEADER_SIZE, min([HEADER_SIZE, *fits]))


def _spans(cells: Sequence[str], widths: Sequence[float]) -> list[float]:
    if len(cells) >= len(widths):
        return list(widths)
    return [*widths[:len(cells) - 1], sum(widths[len(cells) - 1:])]


def _height(pdf: DashboardPDF, cells: Sequence[str], widths: Sequence[float], size: float,
            bold: bool = False) -> float:
    lines = max(max(len(pdf.lines(text, width - 2 * PAD, size, bold)), 1)
                for text, width in zip(cells, _spans(cells, widths)))
    return lines * _line(size) + 2 * PAD


def _line(size: float) -> float:
    return size * TABLE_LINE / TABLE_SIZE


def _row(pdf: DashboardPDF, cells: Sequence[str], widths: Sequence[float], align: str, size: float, *,
         header: bool = False) -> None:
    y, height, x = pdf.get_y(), _height(pdf, cells, widths, size, bold=header), pdf.l_margin
    if header:
        pdf.set_fill_color(*TINT)
        pdf.rect(x, y, sum(widths), height, style="F")
    spanning = len(cells) < len(widths)
    for number, (text, width) in enumerate(zip(cells, _spans(cells, widths))):
        last_span = spanning and number == len(cells) - 1
        pdf.set_xy(x + PAD, y + PAD)
        pdf.para(text, size=size, bold=header, colour=MUTED if last_span else INK, line=_line(size),
                 width=width - 2 * PAD, align="L" if last_span or header and number == 0 else align[number])
        x += width
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    pdf.line(pdf.l_margin, y + height, pdf.l_margin + sum(widths), y + height)
    pdf.set_y(y + height)


def _widths(pdf: DashboardPDF, columns: int, first: float = NAME_W) -> list[float]:
    rest = (pdf.content_width - first) / (columns - 1)
    return [first, *[rest] * (columns - 1)]


def _cols(language: str, *keys: str) -> list[str]:
    return [t(f"dashboard_export.pdf.col.{key}", language) for key in keys]


def _said(row: Row, language: str) -> str:
    return note_text(row["note"], language) or ""


def _number(row: Row, column: str, language: str) -> str:
    """A number as people read it: the file's rounding, a decimal comma in Dutch, a true minus sign."""
    value = rounded(row, column)
    if value is None:
        return _missing(language)
    text = f"{abs(value):.{decimals(column, row['what'])}f}"
    return ("−" if value < 0 else "") + (text.replace(".", ",") if language == "nl" else text)


def _interval(row: Row, language: str) -> str:
    if row["low"] is None or row["high"] is None:
        return _missing(language)
    return f"{_number(row, 'low', language)} – {_number(row, 'high', language)}"


def _missing(language: str) -> str:
    return t("dashboard_export.pdf.cell_missing", language)


def _box_height(pdf: DashboardPDF, text: Sequence[Run] | str, size: float) -> float:
    return pdf.text_height(text, pdf.content_width - 8, size=size) + 4


def _box(pdf: DashboardPDF, text: Sequence[Run] | str, size: float, *, fill: Colour,
         accent: Colour | None = None) -> None:
    """Text on a tinted ground across the page, with a coloured bar on its left if `accent`."""
    height = _box_height(pdf, text, size)
    pdf.keep(height)
    y = pdf.get_y()
    pdf.set_fill_color(*fill)
    pdf.rect(pdf.l_margin, y, pdf.content_width, height, style="F")
    if accent:
        pdf.set_fill_color(*accent)
        pdf.rect(pdf.l_margin, y, 1.0, height, style="F")
    pdf.set_xy(pdf.l_margin + 4, y + 2)
    pdf.para(text, size=size, width=pdf.content_width - 8)
    pdf.set_y(y + height)
