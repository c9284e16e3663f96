"""The plan as CSV and XLSX (each backend): what the account sees, typed text kept literally, nothing a
spreadsheet would run, audited before it is handed out."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from db.account_models import AuditLog
from services.actions import files, plan
from services.errors import NotAuthorised
from services.output.cells import neutralise_cell
from tests.services.actions.conftest import NOW, TODAY
from tests.support.rows import count_rows

FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "=cmd|'/c calc'!A1"]


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.fixture
def actions(runtime, north, mia, tess):
    made = [
        plan.create_action(
            runtime,
            mia,
            north["org"],
            target="theme:client_autonomy",
            kind="act",
            description=text,
            owner=text,
            now=NOW,
            due_on=TODAY + timedelta(days=7),
        )
        for text in FORMULAS
    ]
    plan.add_note(runtime, mia, made[0].id, text="=1+2 <b>note</b>", now=NOW)
    team = plan.create_action(
        runtime,
        tess,
        north["org"],
        target="element:2",
        kind="monitor",
        description="Team a's own",
        team_ids=[north["a"]],
        now=NOW,
    )
    return made, team


def test_csv_holds_every_text_literally_and_inert(runtime, north, mia, actions):
    made = files.export_plan(runtime, mia, north["org"], "csv", language="en", now=NOW)
    rows = csv_rows(made.data)
    assert rows[0][:4] == ["Number", "About", "Kind", "Action"]
    descriptions = {row[3] for row in rows[1:]}
    assert descriptions == {neutralise_cell(text) for text in FORMULAS} | {"Team a's own"}
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    row = next(r for r in rows[1:] if r[3] == "Team a's own")
    assert row[1:3] == ["Compassion: Shared humanity", "Monitor"] and row[7] == "a"
    assert made.rows == 6 and made.filename.startswith("action-plan-north-2026-03-02")
    assert count_rows(runtime, AuditLog, AuditLog.action == "plan_exported") == 1


def test_xlsx_has_the_plan_and_the_notes_and_no_formula(runtime, north, mia, actions):
    made = files.export_plan(runtime, mia, north["org"], "xlsx", language="nl", now=NOW)
    book = load_workbook(io.BytesIO(made.data))
    assert book.sheetnames == ["Plan", "Notes"]
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
    plan_sheet, notes = book["Plan"], book["Notes"]
    assert plan_sheet["D1"].value == "Actie" and plan_sheet["F2"].value == (TODAY + timedelta(days=7)).isoformat()
    assert [c.value for c in notes[2]] == [actions[0][0].id, "2026-03-02 09:30", "'=1+2 <b>note</b>"]


def test_a_team_managers_file_holds_their_teams_actions_only(runtime, north, tess, fay, actions):
    rows = csv_rows(files.export_plan(runtime, tess, north["org"], "csv", language="en", now=NOW).data)
    assert [row[3] for row in rows[1:]] == ["Team a's own"]
    with pytest.raises(NotAuthorised):
        files.export_plan(runtime, fay, north["org"], "csv", language="en", now=NOW)
    assert count_rows(runtime, AuditLog, AuditLog.action == "plan_exported") == 1
