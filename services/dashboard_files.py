"""Dashboard exports: the aggregates a dashboard view shows, as CSV, XLSX or a PDF summary.

`export_dashboard()` authorises the export, builds the file from `export_rows(view)` (so a withheld
group keeps its rows, with a note and no numbers) and logs the export in the audit log; the file is
handed out only once that audit row is stored. Every text cell goes through `neutralise_cell`, since
team and organisation names are typed by people and a spreadsheet would run `=...` as a formula.
The words of the files come from the `dashboard_export.*` strings; the PDF is built in dashboard_pdf.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from assessment.anonymity import NOT_OFFERED, PROTECTS_SMALL_GROUP
from db import accounts as account_repo

from .auth import AccountView
from .authorisation import authorise
from .dashboard import DashboardView
from .dashboard_export import EXPORT_COLUMNS, export_rows
from .dashboard_parts import ITEMS_DIFFER, LEAST_ALIGNED, MISALIGNED, SPLIT_VIEW
from .dashboard_stats import (
    MORE_SPREAD_THAN_UNIFORM,
    NO_SCORE_VARIANCE,
    NOT_ENOUGH_ANSWERS,
    TOO_FEW_FOR_ALPHA,
    TOO_FEW_ITEMS,
)
from .errors import InvalidInput
from .exports import neutralise_cell
from .i18n import t
from .runtime import Runtime

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
AUDIT_ACTION = "dashboard_exported"
NUMBER_COLUMNS = ("n", "mean", "low", "high", "value")
TEXT_COLUMNS = tuple(c for c in EXPORT_COLUMNS if c not in NUMBER_COLUMNS)
TWO_DECIMALS = frozenset({"agreement r_wg(J)", "within-team agreement r_wg(J)", "Cronbach's alpha"})
"""The `what` whose value is an r_wg or an alpha (0..1); every other value and mean is on 0..100."""

# export_rows' English vocabulary -> the strings key that says it in the file's language
WHAT_KEYS = {
    "responses": "responses", "theme mean": "theme_mean", "agreement r_wg(J)": "agreement",
    "alignment index": "alignment", "alignment distribution": "alignment_distribution",
    "answer distribution": "answer_distribution",
    "not applicable rate": "not_applicable_rate", "compassion element": "compassion_element",
    "Cronbach's alpha": "alpha", "where to start": "where_to_start", "team theme mean": "team_theme_mean",
    "team alignment index": "team_alignment", "within-team agreement r_wg(J)": "team_agreement",
    "trend: alignment index": "trend_alignment", "trend: theme mean": "trend_theme_mean",
    "participation": "participation",
}
NOTE_KEYS = {
    "no data": "no_data", PROTECTS_SMALL_GROUP: "protects_small_group", NOT_OFFERED: "not_offered",
    NOT_ENOUGH_ANSWERS: "not_enough_answers", "this team's view is split": "team_view_split",
    "view is split": "view_split", MORE_SPREAD_THAN_UNIFORM: "more_spread_than_uniform",
    "reverse-keyed item": "reverse_keyed", TOO_FEW_FOR_ALPHA: "too_few_for_alpha", TOO_FEW_ITEMS: "too_few_items",
    NO_SCORE_VARIANCE: "no_score_variance", ITEMS_DIFFER: "items_differ", MISALIGNED: "misaligned",
    LEAST_ALIGNED: "least_aligned", SPLIT_VIEW: "split_view", "team size not entered": "size_not_entered",
    "not invited": "not_invited", "headcount is not per role": "not_per_role",
    "low participation": "low_participation",
}
GROUP_KEYS = {"all teams": "all_teams", "all rounds": "all_rounds", "all roles": "all_roles",
              "role not given": "role_not_given"}
GROUP_SEPARATOR = " · "
_FEWER_THAN_K = re.compile(r"withheld: fewer than (\d+) responses")
_FEWER_ANSWERS = re.compile(r"withheld: fewer than (\d+) answers, or a small group answered only part of its theme")
_WITHHELD = "withheld: "
# Longest first, so "this team's view is split" is one phrase, not a prefix and "view is split".
_PHRASES = re.compile("|".join(re.escape(p) for p in sorted(NOTE_KEYS, key=len, reverse=True)))


@dataclass(frozen=True)
class ExportFile:
    """A file ready to hand out: its bytes, a download name, its MIME type and how many data rows it has."""

    data: bytes
    filename: str
    mime: str
    rows: int


def export_dashboard(rt: Runtime, account: AccountView | None, view: DashboardView, file_format: str, *,
                     now: datetime | None = None) -> ExportFile:
    """The aggregates `view` shows as a "csv", "xlsx" or "pdf" file, logged as "dashboard_exported".

    Raises NotAuthorised (nothing built, nothing logged) when the account may not export this
    organisation or team, InvalidInput for another format. The audit row names the organisation,
    the filters, the format and the number of rows, never a number of the data.
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
        from .dashboard_pdf import (
            dashboard_pdf,  # here, not at the top: dashboard_pdf uses this module's words
        )
        data = dashboard_pdf(view, rows, generated_at)
    filters = {key: value for key, value in asdict(view.filters).items() if key != "organisation_id"}
    with rt.sessions.begin() as session:
        account_repo.add_audit(session, actor_id=account.id, action=AUDIT_ACTION, at=generated_at, detail={
            "organisation_id": view.organisation_id, "filters": filters, "format": file_format, "rows": len(rows)})
    return ExportFile(data, export_filename(view.organisation_name, generated_at, file_format),
                      FORMATS[file_format], len(rows))


# --- words and numbers shared by the three formats -------------------------------------------------------


def export_filename(organisation_name: str, generated_at: datetime, extension: str) -> str:
    """valuematch-dashboard-<organisation slug>-<YYYYMMDD-HHMM>.<extension>, in ASCII only."""
    return f"valuematch-dashboard-{slug(organisation_name)}-{generated_at:%Y%m%d-%H%M}.{extension}"


def slug(name: str) -> str:
    """Lower-case ASCII letters, digits and single hyphens ("Zorg Één" -> "zorg-een")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-") or "organisation"


def what_text(what: str, language: str) -> str:
    """An export row's `what` in the file's language (an unknown one as it is)."""
    key = WHAT_KEYS.get(what)
    return t(f"dashboard_export.what.{key}", language) if key else what


def note_text(note: str | None, language: str) -> str | None:
    """An export row's `note` in the file's language; known phrases translated, anything else kept."""
    if note is None:
        return None
    if match := _FEWER_THAN_K.fullmatch(note):
        return t("dashboard_export.note.fewer_than_k", language, k=match[1])
    if match := _FEWER_ANSWERS.fullmatch(note):
        return t("dashboard_export.note.fewer_answers_than_k", language, k=match[1])
    if note.startswith(_WITHHELD):
        return t("dashboard_export.note.withheld_because", language,
                 reason=_phrases(note.removeprefix(_WITHHELD), language))
    return _phrases(note, language)


def _phrases(text: str, language: str) -> str:
    return _PHRASES.sub(lambda m: t(f"dashboard_export.note.{NOTE_KEYS[m[0]]}", language), text)


def group_text(label: str, language: str) -> str:
    """A group label ("Mid · all rounds · all roles") with its generic parts in the file's language."""
    return GROUP_SEPARATOR.join(t(f"dashboard_export.group.{GROUP_KEYS[part]}", language) if part in GROUP_KEYS
                                else part for part in label.split(GROUP_SEPARATOR))


def decimals(column: str, what: str) -> int:
    """Decimals a number of `column` keeps: n whole, r_wg and alpha 2, means and percentages 1."""
    if column == "n":
        return 0
    return 2 if column == "value" and what in TWO_DECIMALS else 1


def rounded(row: Mapping[str, Any], column: str) -> int | float | None:
    """The row's number in `column`, rounded for the file (None stays None; never a -0.0)."""
    value = row[column]
    if value is None:
        return None
    places = decimals(column, row["what"])
    if places == 0:
        return int(value)
    return round(float(value), places) + 0.0   # + 0.0 turns -0.0 into 0.0


def file_row(row: Mapping[str, Any], language: str) -> dict[str, Any]:
    """An export row as a file writes it: words translated and neutralised, numbers rounded."""
    words = {"what": what_text(row["what"], language), "group": group_text(row["group"], language),
             "note": note_text(row["note"], language)}
    out: dict[str, Any] = {}
    for column in EXPORT_COLUMNS:
        if column in NUMBER_COLUMNS:
            out[column] = rounded(row, column)
        else:
            out[column] = neutralise_cell(words.get(column, row[column]))
    return out


def context_lines(view: DashboardView, rows: list[dict[str, Any]], generated_at: datetime
                  ) -> list[tuple[str, str]]:
    """(label, text) pairs saying what the file is about; names neutralised."""
    language = view.language
    responses = rows[0]   # export_rows starts with the selection's responses
    n = str(responses["n"]) if responses["n"] is not None else note_text(responses["note"], language)
    pairs = [
        ("organisation", view.organisation_name),
        ("selection", group_text(view.selection.label, language)),
        ("instruments", ", ".join(view.instruments)),
        ("responses", n or ""),
        ("k", str(view.k)),
        ("generated", t("dashboard_export.context.generated_value", language,
                        when=f"{generated_at:%Y-%m-%d %H:%M}")),
        ("withheld", t("dashboard_export.context.withheld_text", language, k=view.k)),
    ]
    if view.selection.shown:   # a selection without numbers needs no word on how they are rounded
        pairs.append(("numbers", t("dashboard_export.context.numbers_text", language)))
    return [(t(f"dashboard_export.context.{key}", language), neutralise_cell(text)) for key, text in pairs]


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
        writer.writerow([_csv_number(cells[c], decimals(c, row["what"])) if c in NUMBER_COLUMNS
                         else "" if cells[c] is None else cells[c] for c in EXPORT_COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def _csv_number(value: float | None, places: int) -> str:
    return "" if value is None else f"{value:.{places}f}"   # always a dot, whatever the locale


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
