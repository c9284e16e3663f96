"""What the PDF summaries (dashboard, workshop) share: the page with their title and footer, the
context lines under the title, tables and tinted boxes.

A table's cells wrap; its header row repeats after a page break and shrinks rather than cut a word.
A row shorter than the header spans its last cell over the remaining columns, in muted text: that is
how a withheld group keeps its row without numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.i18n import t
from services.output.pdf_page import (
    INK,
    MUTED,
    RULE,
    TINT,
    Colour,
    ReportPDF,
    Run,
)

TABLE_SIZE = 8.5
HEADER_SIZE = 8.0
MIN_HEADER_SIZE = 6.5
TABLE_LINE = 3.9
PAD = 1.2
NAME_W = 46.0  # the first column of a table: a theme, team or round
LABEL_W = 52.0  # the labels of the context lines


class SummaryPDF(ReportPDF):
    """The report's page with a summary's own title and footer line (both strings keys)."""

    def __init__(self, language: str, title_key: str, footer_key: str) -> None:
        super().__init__(language)
        self.footer_key = footer_key
        self.set_title(t(title_key, language))

    def footer(self) -> None:
        self.set_y(-12)
        self.style(8, colour=MUTED)
        self.cell(self.content_width * 0.75, 5, t(self.footer_key, self.language))
        self.cell(
            self.content_width * 0.25,
            5,
            t("report.footer.page", self.language, page=self.page_no(), pages="{nb}"),
            align="R",
        )


def context_block(
    pdf: ReportPDF, title: str, subtitle: str, lines: Sequence[tuple[str, str]], label_w: float = LABEL_W
) -> None:
    """The title, a muted subtitle, and (label, text) lines with the labels in a column of their own."""
    pdf.para(title, size=18, bold=True, line=8)
    pdf.para(subtitle, size=11, colour=MUTED)
    pdf.ln(3)
    for label, text in lines:
        pdf.keep(pdf.text_height(text, pdf.content_width - label_w, size=9, line=4.4))
        y = pdf.get_y()
        pdf.para(label, size=9, bold=True, line=4.4, width=label_w - 3)
        below_label = pdf.get_y()
        pdf.set_xy(pdf.l_margin + label_w, y)
        pdf.para(text, size=9, line=4.4)
        pdf.set_y(max(below_label, pdf.get_y()) + 1)


def draw_table(
    pdf: ReportPDF,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    align: str | None = None,
) -> None:
    """Wrapped text cells under a tinted header row, which repeats after a page break."""
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


def column_widths(pdf: ReportPDF, columns: int, first: float = NAME_W) -> list[float]:
    """A first column of `first` mm and the rest of the page shared equally by the others."""
    rest = (pdf.content_width - first) / (columns - 1)
    return [first, *[rest] * (columns - 1)]


def _header_size(pdf: ReportPDF, headers: Sequence[str], widths: Sequence[float]) -> float:
    """A header size at which no word is cut: long Dutch compounds shrink the header, not break."""
    measure = pdf.measure(1.0)
    fits = [
        0.97 * (width - 2 * PAD) / measure(word, True)
        for header, width in zip(headers, widths)
        for word in pdf.clean(header).split()
    ]
    return max(MIN_HEADER_SIZE, min([HEADER_SIZE, *fits]))


def _spans(cells: Sequence[str], widths: Sequence[float]) -> list[float]:
    if len(cells) >= len(widths):
        return list(widths)
    return [*widths[: len(cells) - 1], sum(widths[len(cells) - 1 :])]


def _height(pdf: ReportPDF, cells: Sequence[str], widths: Sequence[float], size: float, bold: bool = False) -> float:
    lines = max(
        max(len(pdf.lines(text, width - 2 * PAD, size, bold)), 1) for text, width in zip(cells, _spans(cells, widths))
    )
    return lines * _line(size) + 2 * PAD


def _line(size: float) -> float:
    return size * TABLE_LINE / TABLE_SIZE


def _row(
    pdf: ReportPDF, cells: Sequence[str], widths: Sequence[float], align: str, size: float, *, header: bool = False
) -> None:
    y, height, x = pdf.get_y(), _height(pdf, cells, widths, size, bold=header), pdf.l_margin
    if header:
        pdf.set_fill_color(*TINT)
        pdf.rect(x, y, sum(widths), height, style="F")
    spanning = len(cells) < len(widths)
    for number, (text, width) in enumerate(zip(cells, _spans(cells, widths))):
        last_span = spanning and number == len(cells) - 1
        pdf.set_xy(x + PAD, y + PAD)
        pdf.para(
            text,
            size=size,
            bold=header,
            colour=MUTED if last_span else INK,
            line=_line(size),
            width=width - 2 * PAD,
            align="L" if last_span or (header and number == 0) else align[number],
        )
        x += width
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    pdf.line(pdf.l_margin, y + height, pdf.l_margin + sum(widths), y + height)
    pdf.set_y(y + height)


def box_height(pdf: ReportPDF, text: Sequence[Run] | str, size: float) -> float:
    return pdf.text_height(text, pdf.content_width - 8, size=size) + 4


def draw_box(
    pdf: ReportPDF, text: Sequence[Run] | str, size: float, *, fill: Colour, accent: Colour | None = None
) -> None:
    """Text on a tinted ground across the page, with a coloured bar on its left if `accent`."""
    height = box_height(pdf, text, size)
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
