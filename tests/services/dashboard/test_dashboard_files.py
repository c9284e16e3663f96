"""Dashboard exports (CSV, XLSX; the PDF in test_dashboard_pdf.py) on a real database: the rows
are export_rows rounded, names cannot become formulas, a withheld selection exports no numbers, and
every export is authorised and audited, the audit row holding no number of the data."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from db import AuditLog
from services.accounts.auth import AccountView
from services.dashboard.file_words import export_filename, note_text, rounded, what_text
from services.dashboard.files import ExportFile, export_dashboard
from services.dashboard.view import EXPORT_COLUMNS, Filters, dashboard, export_rows
from services.errors import InvalidInput, NotAuthorised
from services.i18n import t
from services.output.cells import FORMULA_STARTS
from tests.support.export_world import ODD_NAMES, WHEN, World, build_world

NUMBERS = ("n", "mean", "low", "high", "value")
TWO_DECIMALS = {"agreement r_wg(J)", "within-team agreement r_wg(J)", "Cronbach's alpha"}


@pytest.fixture(scope="module")
def files(module_database):
    world = build_world(module_database)
    yield world
    world.runtime.engine.dispose()


def audit_count(world: World) -> int:
    with world.runtime.sessions.begin() as session:
        return session.scalar(select(func.count(AuditLog.id)))


def expected_number(row: dict, column: str) -> str:
    """How the CSV writes a number: n whole, r_wg and alpha 2 decimals, everything else 1, dot decimal."""
    value = row[column]
    if value is None:
        return ""
    if column == "n":
        return str(value)
    places = 2 if column == "value" and row["what"] in TWO_DECIMALS else 1
    return f"{round(value, places) + 0.0:.{places}f}"  # + 0.0: a -0.0 is written as 0.0


def read_csv(export: ExportFile) -> list[list[str]]:
    assert export.data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    return list(csv.reader(io.StringIO(export.data.decode("utf-8-sig"), newline="")))


# --- CSV ------------------------------------------------------------------------------------------------


def test_csv_is_export_rows_rounded_under_one_header(files):
    view = dashboard(files.runtime, files.admin, Filters(files.north.id))
    rows = export_rows(view)
    export = export_dashboard(files.runtime, files.admin, view, "csv", now=WHEN)
    assert (export.mime, export.rows) == ("text/csv; charset=utf-8", len(rows))
    assert export.filename == "valuematch-dashboard-north-20260501-0930.csv"
    header, *body = read_csv(export)
    assert header == [t(f"dashboard_export.column.{c}", "en") for c in EXPORT_COLUMNS]
    assert header[:3] == ["what", "group", "theme or item"]
    assert len(body) == len(rows)
    for cells, row in zip(body, rows, strict=True):
        assert len(cells) == len(EXPORT_COLUMNS)
        for column, cell in zip(EXPORT_COLUMNS, cells, strict=True):
            if column in NUMBERS:
                assert cell == expected_number(row, column), (row, column)
            else:
                assert cell == (row[column] or ""), (row, column)
    # means 1 decimal, r_wg 2, percentages 1: spot checks on the text itself
    mean = next(c for c in body if c[0] == "theme mean")
    assert re.fullmatch(r"\d+\.\d", mean[5])
    agreement = next(c for c in body if c[0] == "agreement r_wg(J)" and c[8])
    assert re.fullmatch(r"-?\d\.\d\d", agreement[8])
    share = next(c for c in body if c[0] == "answer distribution")
    assert re.fullmatch(r"\d+\.\d", share[8])


def test_dutch_csv_has_dutch_headers_and_words_and_keeps_the_dot(files):
    view = dashboard(files.runtime, files.admin, Filters(files.north.id), language="nl")
    rows = export_rows(view)
    header, *body = read_csv(export_dashboard(files.runtime, files.admin, view, "csv", now=WHEN))
    assert header == [t(f"dashboard_export.column.{c}", "nl") for c in EXPORT_COLUMNS]
    assert header[0] == "wat" and header[-2] == "opmerking"
    assert [c[0] for c in body] == [what_text(r["what"], "nl") for r in rows]
    assert {c[0] for c in body} >= {"gemiddelde per thema", "afstemmingsindex", "deelname"}
    assert body[0][1] == "alle teams · alle meetrondes · alle rollen"
    assert "Autonomie van de cliënt" in {c[2] for c in body}
    assert any(c[9] == "niet getoond: minder dan 5 reacties" for c in body)
    assert all("," not in c[i] for c in body for i in range(4, 9))


def test_every_word_export_rows_uses_has_a_dutch_translation(files):
    north = files.north
    whats, notes = set(), set()
    for filters in (
        Filters(north.id),
        Filters(north.id, team_id=north.teams["Small"]),
        Filters(north.id, team_id=north.teams["Mid"], role="nurse"),
        Filters(north.id, round_id=north.rounds["R3"]),
    ):
        for row in export_rows(dashboard(files.runtime, files.admin, filters)):
            whats.add(row["what"])
            notes.add(row["note"])
    assert all(what_text(what, "nl") != what for what in whats), whats
    for note in notes - {None}:
        dutch = note_text(note, "nl")
        assert dutch != note and not re.search(r"\b(withheld|fewer|view|not|data)\b", dutch), (note, dutch)
    assert what_text("something new", "nl") == "something new"
    assert note_text("withheld: fewer than 7 responses", "nl") == "niet getoond: minder dan 7 reacties"
    assert note_text("misaligned, split view", "nl") == "schuurt, meningen lopen uiteen"


@pytest.mark.parametrize(
    "what, column, value, expected",
    [
        ("theme mean", "mean", 49.456, 49.5),
        ("theme mean", "low", -0.04, 0.0),
        ("theme mean", "n", 12, 12),
        ("answer distribution", "value", 33.333, 33.3),
        ("participation", "value", 112.55, 112.5),  # a rate above 100% when the headcount is out of date
        ("agreement r_wg(J)", "value", 0.7049, 0.70),
        ("within-team agreement r_wg(J)", "value", 0.666, 0.67),
        ("Cronbach's alpha", "value", 0.8151, 0.82),
        ("where to start", "value", 61.25, 61.2),
        ("theme mean", "mean", None, None),
    ],
)
def test_rounding(what, column, value, expected):
    row = dict.fromkeys(EXPORT_COLUMNS) | {"what": what, column: value}
    got = rounded(row, column)
    assert got == pytest.approx(expected) if expected is not None else got is None
    if got == 0:
        assert str(got) == "0.0"  # never "-0.0"


# --- XLSX -----------------------------------------------------------------------------------------------


def test_xlsx_has_the_context_and_the_same_rows_as_numbers(files):
    view = dashboard(
        files.runtime, files.admin, Filters(files.north.id, team_id=files.north.teams["Mid"], role="nurse")
    )
    rows = export_rows(view)
    export = export_dashboard(files.runtime, files.admin, view, "xlsx", now=WHEN)
    assert export.filename.endswith("-20260501-0930.xlsx") and export.rows == len(rows)
    book = load_workbook(io.BytesIO(export.data))
    assert book.sheetnames == ["Summary", "Aggregates"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=3, values_only=True) if row[0]}
    assert summary["Organisation"] == "North"
    assert summary["Selection (team · rounds · role)"] == "Mid · all rounds · Nurse or nurse specialist"
    assert summary["Minimum group size (k)"] == "5"
    assert summary["Generated at"] == "1 May 2026, 09:30 UTC"
    assert summary["Responses in the selection"] == str(rows[0]["n"])
    assert "fewer than 5 responses" in summary["Withheld cells"]

    sheet = book["Aggregates"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == [t(f"dashboard_export.column.{c}", "en") for c in EXPORT_COLUMNS]
    assert all(c.font.b for c in sheet[1])
    assert sheet.column_dimensions["C"].width > 10
    body = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(body) == len(rows)
    for cells, row in zip(body, rows, strict=True):
        for column, cell in zip(EXPORT_COLUMNS, cells, strict=True):
            if column in NUMBERS:
                expected = expected_number(row, column)
                assert (cell is None) if expected == "" else (cell == pytest.approx(float(expected))), (row, column)
                assert cell is None or isinstance(cell, int | float)
            else:
                assert cell == row[column], (row, column)


def test_dutch_xlsx(files):
    view = dashboard(files.runtime, files.admin, Filters(files.north.id), language="nl")
    book = load_workbook(io.BytesIO(export_dashboard(files.runtime, files.admin, view, "xlsx", now=WHEN).data))
    assert [c.value for c in book["Aggregates"][1]] == [t(f"dashboard_export.column.{c}", "nl") for c in EXPORT_COLUMNS]
    labels = [row[0] for row in book["Summary"].iter_rows(values_only=True)]
    assert "Organisatie" in labels and "Minimale groepsgrootte (k)" in labels


# --- names that a spreadsheet would run --------------------------------------------------------------------


def test_odd_names_are_neutralised_in_csv_and_xlsx(files):
    view = dashboard(files.runtime, files.admin, Filters(files.odd.id))
    assert view.organisation_name == ODD_NAMES[0] and all(row.group.shown for row in view.heatmap)

    export = export_dashboard(files.runtime, files.admin, view, "csv", now=WHEN)
    assert re.fullmatch(r"valuematch-dashboard-[a-z0-9-]+-20260501-0930\.csv", export.filename)
    groups = set()
    for cells in read_csv(export):
        for cell in cells:
            assert not cell.startswith(FORMULA_STARTS) or re.fullmatch(r"-\d+(\.\d+)?", cell), cell
        groups.add(cells[1])
    for name in ODD_NAMES:
        assert f"'{name} · all rounds · all roles" in groups, name

    book = load_workbook(io.BytesIO(export_dashboard(files.runtime, files.admin, view, "xlsx", now=WHEN).data))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_STARTS), (cell.coordinate, cell.value)
                    texts.append(cell.value)
    assert "'" + ODD_NAMES[0] in texts  # the organisation, on the summary sheet
    for name in ("+1", "-2", "@SUM(A1)"):
        assert f"'{name} · all rounds · all roles" in texts


# --- a withheld selection ---------------------------------------------------------------------------------


def test_a_withheld_selection_exports_no_numbers(files):
    north = files.north
    view = dashboard(files.runtime, files.admin, Filters(north.id, team_id=north.teams["Small"]))
    assert not view.selection.shown

    _header, *body = read_csv(export_dashboard(files.runtime, files.admin, view, "csv", now=WHEN))
    assert body and all(cells[4:9] == [""] * 5 for cells in body)
    assert all(cells[9] for cells in body)  # every row says why it has no numbers

    book = load_workbook(io.BytesIO(export_dashboard(files.runtime, files.admin, view, "xlsx", now=WHEN).data))
    for row in book["Aggregates"].iter_rows(min_row=2, values_only=True):
        assert row[4:9] == (None,) * 5
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=3, values_only=True) if row[0]}
    assert summary["Responses in the selection"] == "withheld: fewer than 5 responses"
    assert "Numbers" not in summary


# --- authorisation and audit --------------------------------------------------------------------------------


def test_one_audit_row_with_format_and_filters_and_no_numbers(files):
    north = files.north
    filters = Filters(north.id, team_id=north.teams["Mid"], role="nurse")
    view = dashboard(files.runtime, files.mid_manager, filters)
    for file_format in ("csv", "xlsx", "pdf"):
        before = audit_count(files)
        export = export_dashboard(files.runtime, files.mid_manager, view, file_format, now=WHEN)
        assert audit_count(files) == before + 1
        with files.runtime.sessions.begin() as session:
            entry = session.scalars(select(AuditLog).order_by(AuditLog.id.desc()).limit(1)).one()
            assert (entry.action, entry.account_id, entry.at) == ("dashboard_exported", files.mid_manager.id, WHEN)
            assert entry.detail == {
                "organisation_id": north.id,
                "filters": {"team_id": north.teams["Mid"], "intervention_id": None, "role": "nurse", "round_id": None},
                "format": file_format,
                "rows": export.rows,
            }


@pytest.mark.parametrize(
    "who, organisation, team",
    [
        ("facilitator", "north", None),
        ("south_manager", "north", None),
        ("mid_manager", "north", None),  # limited to team Mid: not the organisation as a whole
        ("manager", "south", None),
        (None, "north", None),
    ],
)
def test_an_account_that_may_not_export_gets_nothing_and_nothing_is_logged(files, who, organisation, team):
    org = getattr(files, organisation)
    view = dashboard(files.runtime, files.admin, Filters(org.id))
    account = getattr(files, who) if who else None
    before = audit_count(files)
    for file_format in ("csv", "xlsx", "pdf", "json"):
        with pytest.raises(NotAuthorised):
            export_dashboard(files.runtime, account, view, file_format, now=WHEN)
    assert audit_count(files) == before


@pytest.mark.parametrize("file_format", ["json", "CSV", "", "xls", None])
def test_unknown_format_is_invalid_input_and_not_logged(files, file_format):
    view = dashboard(files.runtime, files.admin, Filters(files.south.id))
    before = audit_count(files)
    with pytest.raises(InvalidInput):
        export_dashboard(files.runtime, files.admin, view, file_format, now=WHEN)
    assert audit_count(files) == before


def test_an_export_that_cannot_be_audited_is_not_given_out(files):
    view = dashboard(files.runtime, files.admin, Filters(files.south.id))
    ghost = AccountView(987654, "ghost", "admin", {})  # no such account: the audit row cannot be stored
    before = audit_count(files)
    with pytest.raises(IntegrityError):
        export_dashboard(files.runtime, ghost, view, "csv", now=WHEN)
    assert audit_count(files) == before


# --- file names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, moment, expected",
    [
        ("North", WHEN, "valuematch-dashboard-north-20260501-0930.csv"),
        ("Zorggroep Één & Co.", WHEN, "valuematch-dashboard-zorggroep-een-co-20260501-0930.csv"),
        ('=HYPERLINK("http://x")', WHEN, "valuematch-dashboard-hyperlink-http-x-20260501-0930.csv"),
        ("ГКБ №1", WHEN, "valuematch-dashboard-no1-20260501-0930.csv"),
        ("情報", WHEN, "valuematch-dashboard-organisation-20260501-0930.csv"),
    ],
)
def test_filenames_are_ascii_slugs(name, moment, expected):
    assert export_filename(name, moment, "csv") == expected


@pytest.mark.parametrize(
    "chosen, expected",
    [
        ((), "valuematch-dashboard-north-20260501-0930.xlsx"),
        (("Mid",), "valuematch-dashboard-north-mid-20260501-0930.xlsx"),
        (
            ("Mid", "Online CBT", "Baseline 2026", "Nurse"),
            "valuematch-dashboard-north-mid-online-cbt-baseline-2026-nurse-20260501-0930.xlsx",
        ),
        (("情報",), "valuematch-dashboard-north-filter-20260501-0930.xlsx"),
        (("=cmd|' /C calc'!A0",), "valuematch-dashboard-north-cmd-c-calc-a0-20260501-0930.xlsx"),
    ],
)
def test_filenames_name_the_chosen_filters(chosen, expected):
    assert export_filename("North", WHEN, "xlsx", chosen) == expected


def test_now_is_written_in_utc(files):
    view = dashboard(files.runtime, files.admin, Filters(files.south.id))
    amsterdam = datetime(2026, 5, 1, 11, 30, tzinfo=timezone(timedelta(hours=2)))
    for moment in (amsterdam, datetime(2026, 5, 1, 9, 30)):  # naive = already UTC
        export = export_dashboard(files.runtime, files.admin, view, "csv", now=moment)
        assert export.filename == "valuematch-dashboard-south-20260501-0930.csv"
