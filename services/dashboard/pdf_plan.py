"""The dashboard PDF's action plan: the organisation's actions in the view's scope (its team and intervention),
what each is about, its kind, owner, due date and status.

The lines come from services/actions/reading.py (dashboard_plan), in the reader's words. Text people typed (an
action, an owner) is written as typed: the PDF draws characters, never markup, and a cell a spreadsheet would
run gets its leading apostrophe as in the other files (neutralise_cell). No figure: an action is words and days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from services.formatting import format_date
from services.i18n import t
from services.output.cells import neutralise_cell
from services.output.pdf_page import MUTED
from services.output.pdf_summary import SummaryPDF, draw_table

COLUMNS = ("about", "action", "kind", "owner", "due", "status")
WIDTHS = (38.0, 0.0, 18.0, 28.0, 21.0, 21.0)  # 0: the rest of the page


@dataclass(frozen=True)
class PlanLine:
    """One action as the PDF lists it: words in the reader's language, `description` and `owner` as typed."""

    about: str
    description: str
    kind: str
    owner: str
    due_on: date | None
    status: str
    teams: str  # the teams it is about; empty for the whole organisation


def plan_section(pdf: SummaryPDF, plan: Sequence[PlanLine], language: str) -> None:
    """The heading, what the section is, and the actions as a table (or that there are none)."""
    pdf.heading(t("dashboard_export.pdf.plan", language), size=13, follow=30)
    pdf.para(t("dashboard_export.pdf.plan_note", language), size=8.5, colour=MUTED)
    pdf.ln(1)
    if not plan:
        pdf.para(t("dashboard_export.pdf.plan_none", language), size=9)
        return
    rest = pdf.content_width - sum(WIDTHS)
    draw_table(
        pdf,
        [t(f"dashboard_export.pdf.col.{key}", language) for key in COLUMNS],
        [
            [
                f"{line.about} · {line.teams}" if line.teams else line.about,
                neutralise_cell(line.description),
                line.kind,
                neutralise_cell(line.owner) or "–",
                format_date(line.due_on, language) if line.due_on else "–",
                line.status,
            ]
            for line in plan
        ],
        [width or rest for width in WIDTHS],
        align="LLLLLL",
    )
