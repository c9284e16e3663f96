"""The report's page: A4 with the shipped DejaVu fonts, and text cleaned for the font and wrapped by hand.

Text is wrapped here (`wrap_words`) and set line by line with `cell`: fpdf2's `multi_cell` re-measures
a line for every character it adds, which made a report take over a second.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import TTFFont

from services.i18n import t

FONT_DIR = Path(__file__).parent / "fonts"
FAMILY = "DejaVu"
MARGIN = 16.0
REPLACEMENT = "\ufffd"

INK = (34, 34, 34)
MUTED = (102, 102, 102)
TRACK = (238, 238, 238)
RULE = (200, 200, 200)
TINT = (242, 246, 250)
NOTE = (245, 245, 245)

Colour = tuple[int, int, int]
Run = tuple[str, bool]  # text and whether it is bold


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


class ReportPDF(FPDF):
    """A4 portrait with the DejaVu fonts, a private-report footer and page numbers."""

    def __init__(self, language: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.language = language
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.c_margin = 0  # text starts exactly at the margin, in line with boxes and rules
        self.set_auto_page_break(True, margin=18)
        self.add_font(FAMILY, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        # both faces must have a glyph, since any text may be set in either
        self.glyphs = set(self._face("dejavu").cmap) & set(self._face("dejavuB").cmap)
        self.set_title(t("report.title", language))
        self.set_lang(language)
        self.set_creator("ValueMatch")

    def _face(self, key: str) -> TTFFont:
        """One of the fonts added above (TrueType: they alone know their glyphs by code point)."""
        font = self.fonts[key]
        if not isinstance(font, TTFFont):
            raise TypeError(f"font {key!r} is not the TrueType font this page adds")
        return font

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
        regular, bold_face = self._face("dejavu").cw, self._face("dejavuB").cw
        scale = size * 0.001 / self.k

        def width(text: str, bold: bool) -> float:
            widths = bold_face if bold else regular
            return sum(widths[ord(char)] for char in text) * scale

        return width

    def lines(self, runs: Sequence[Run] | str, width: float, size: float = 10, bold: bool = False) -> list[list[Run]]:
        if isinstance(runs, str):
            runs = [(runs, bold)]
        return wrap_words([(self.clean(text), b) for text, b in runs], width, self.measure(size))

    def text_height(
        self, text: Sequence[Run] | str, width: float, size: float = 10, bold: bool = False, line: float | None = None
    ) -> float:
        return len(self.lines(text, width, size, bold)) * (line or size * 0.46)

    def para(
        self,
        text: Sequence[Run] | str,
        size: float = 10,
        bold: bool = False,
        colour: Colour = INK,
        line: float | None = None,
        width: float = 0,
        align: str = "L",
    ) -> None:
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
        self.cell(
            self.content_width / 2,
            5,
            t("report.footer.page", self.language, page=self.page_no(), pages="{nb}"),
            align="R",
        )


def rgb(hex_colour: str) -> Colour:
    """A "#RRGGBB" palette colour as the (r, g, b) that fpdf2 takes."""
    hex_colour = hex_colour.lstrip("#")
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))
    return red, green, blue
