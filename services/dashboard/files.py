"""Dashboard exports: the aggregates a dashboard view shows, as CSV, XLSX or a PDF summary.

`export_dashboard()` authorises the export, builds the file from `export_rows(view)` (so a withheld
group keeps its rows, with a note and no numbers) and logs the export in the audit log; the file is
handed out only once that audit row is stored. Every text cell goes through `neutralise_cell`, since
team and organisation names are typed by people and a spreadsheet would run `=...` as a formula.
The words of the files come from the `dashboard_export.*` strings; the PDF is built in dashboard_pdf, with
the organisation's plan when the caller gives it (pdf_plan).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from db import accounts as db_accounts
from services.accounts.auth import AccountView
from services.accounts.authorisation import authorise
from services.dashboard.file_words import (
    NUMBER_COLUMNS,
    chosen_filters,
    context_lines,
    decimals,
    export_filename,
    file_row,
)
from services.dashboard.pdf import dashboard_pdf
from services.dashboard.pdf_plan import PlanLine
from services.dashboard.rows import EXPORT_COLUMNS, export_rows
from services.dashboard.view_types import DashboardView
from services.errors import InvalidInput
from services.i18n import t
from services.output.cells import neutralise_cell
from services.runtime import Runtime

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
AUDIT_ACTION = "dashboard_exported"


@dataclass(frozen=True)
class ExportFile:
    """A file ready to hand out: its bytes, a download name, its MIME type and how many data rows it has."""

    data: bytes
    filename: str
    mime: str
    rows: int


def export_dashboard(
    rt: Runtime,
    account: AccountView | None,
    view: DashboardView,
    file_format: str,
    *,
    now: datetime | None = None,
    plan: Sequence[PlanLine] | None = None,
) -> ExportFile:
    """The aggregates `view` shows as a "csv", "xlsx" or "pdf" file, logged as "dashboard_exported".

    Raises NotAuthorised (nothing built, nothing logged) when the account may not export this
    organisation or team, InvalidInput for another format. The audit row names the organisation,
    the filters, the format and the number of rows, never a number of the data. `plan`: the actions the PDF
    lists (services/actions/reading.py dashboard_plan; None: no plan section), not in the CSV or XLSX.
    """
    authorise(account, "dashboard", "export", view.organisation_id, view.filters.team_id)
    if file_format not in FORMATS:
        raise InvalidInput(f"unknown export format {file_format!r}; choose one of {', '.join(FORMATS)}")
    assert account is not None  # authorise() refuses nobody signed in
    generated_at = _utc(now)
    rows = export_rows(view)
    if file_format == "csv":
        data = dashboard_csv(view, rows)
    elif file_format == "xlsx":
        data = dashboard_xlsx(view, rows, generated_at)
    else:
        data = dashboard_pdf(view, rows, generated_at, plan)
    filters = {key: value for key, value in asdict(view.filters).items() if key != "organisation_id"}
    with rt.sessions.begin() as session:
        db_accounts.add_audit(
            session,
            actor_id=account.id,
            action=AUDIT_ACTION,
            at=generated_at,
            detail={
                "organisation_id": view.organisation_id,
                "filters": filters,
                "format": file_format,
                "rows": len(rows),
            },
        )
    return ExportFile(
        data,
        export_filename(view.organisation_name, generated_at, file_format, chosen_filters(view)),
        FORMATS[file_format],
        len(rows),
    )


def _utc(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


# --- CSV and XLSX -----------------------------------------------------------------------------------------


def dashboard_csv(view: DashboardView, rows: list[dict[str, Any]]) -> bytes:
    """One header row and the rows, UTF-8 with BOM so Excel reads Dutch characters right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise_cell(t(f"dashboard_export.column.{c}", view.language)) for c in EXPORT_COLUMNS])
    for row in rows:
        cells = file_row(row, view.language)
        writer.writerow(
            [
                _csv_number(cells[c], decimals(c, row["what"]))
                if c in NUMBER_COLUMNS
                else ""
                if cells[c] is None
                else cells[c]
                for c in EXPORT_COLUMNS
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def _csv_number(value: float | None, places: int) -> str:
    return "" if value is None else f"{value:.{places}f}"  # always a dot, whatever the locale


COLUMN_WIDTH_MAX = {"theme": 50, "group": 40, "note": 45, "detail": 70}


def dashboard_xlsx(view: DashboardView, rows: list[dict[str, Any]], generated_at: datetime) -> bytes:
    """A workbook with the context on "Summary" and the rows on "Aggregates"; nothing is a formula."""
    language = view.language
    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    _text(summary.cell(1, 1), t("dashboard_export.context.title", language)).font = Font(bold=True, size=14)
    for number, (label, text) in enumerate(context_lines(view, rows, generated_at), start=3):
        _text(summary.cell(number, 1), label).font = Font(bold=True)
        _text(summary.cell(number, 2), text).alignment = Alignment(wrap_text=True, vertical="top")
        summary.cell(number, 1).alignment = Alignment(vertical="top")
    summary.column_dimensions["A"].width = 34
    summary.column_dimensions["B"].width = 90

    sheet = book.create_sheet("Aggregates")
    widths = {}
    for column, key in enumerate(EXPORT_COLUMNS, start=1):
        header = t(f"dashboard_export.column.{key}", language)
        _text(sheet.cell(1, column), neutralise_cell(header)).font = Font(bold=True)
        widths[key] = len(header)
    for number, row in enumerate(rows, start=2):
        cells = file_row(row, language)
        for column, key in enumerate(EXPORT_COLUMNS, start=1):
            value = cells[key]
            if value is None:
                continue
            cell = sheet.cell(number, column)
            if key in NUMBER_COLUMNS:
                cell.value = value
                places = decimals(key, row["what"])
                cell.number_format = "0" if places == 0 else "0." + "0" * places
            else:
                _text(cell, value)
            widths[key] = max(widths[key], len(str(value)))
    for column, key in enumerate(EXPORT_COLUMNS, start=1):
        letter = sheet.cell(1, column).column_letter
        sheet.column_dimensions[letter].width = max(8, min(widths[key] + 2, COLUMN_WIDTH_MAX.get(key, 30)))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    book.properties.creator = "ValueMatch"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(cell, value: str):
    """Put text in a cell as a string, never a formula (control characters Excel refuses are dropped)."""
    cell.value = neutralise_cell(ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    cell.data_type = "s"
    return cell
