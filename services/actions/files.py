"""The action plan as CSV or XLSX: the actions the account sees (and, in the workbook, their notes).

Every text cell goes through neutralise_cell (a description or note starting with "=" stays text, never a
formula); dates are ISO days and UTC minutes, so a spreadsheet can sort them. The export is audited
("plan_exported") before the file is handed out. The words come from the `actions.file.*` strings.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from db import accounts as db_accounts
from db import actions as db_actions
from db import organisations as db_organisations
from db.models import Intervention
from services.accounts.auth import AccountView
from services.accounts.authorisation import authorise
from services.actions.rows import PAGE, ActionRow, target_label, visible_actions, visible_organisation
from services.actions.rules import Target
from services.errors import InvalidInput
from services.formatting import file_datetime
from services.i18n import t
from services.output.cells import neutralise_cell
from services.runtime import Runtime

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
COLUMNS = (
    "id",
    "target",
    "kind",
    "description",
    "owner",
    "due",
    "status",
    "teams",
    "intervention",
    "origin",
    "created",
    "changed",
    "notes",
)
NOTE_COLUMNS = ("id", "when", "note")


@dataclass(frozen=True)
class PlanFile:
    data: bytes
    filename: str
    mime: str
    rows: int


def export_plan(
    rt: Runtime,
    actor: AccountView | None,
    organisation_id: int,
    file_format: str,
    *,
    language: str,
    statuses: Collection[str] | None = None,
    target: Target | None = None,
    now: datetime | None = None,
) -> PlanFile:
    """The plan (filtered as the page shows it) as "csv" or "xlsx", logged as "plan_exported" first."""
    authorise(actor, PAGE, "export")
    assert actor is not None
    if file_format not in FORMATS:
        raise InvalidInput(f"unknown export format {file_format!r}")
    now = now or datetime.now(UTC)
    with rt.sessions.begin() as session:
        organisation = visible_organisation(session, actor, organisation_id)
        actions = visible_actions(session, actor, organisation, statuses=statuses, target=target)
        teams = {team.id: team.name for team in db_organisations.list_teams(session, organisation_id=organisation.id)}
        interventions = {
            row.id: row.name
            for row in session.query(Intervention).filter(
                Intervention.id.in_(sorted({a.intervention_id for a in actions if a.intervention_id}))
            )
        }
        rows = [plan_row(rt, action, teams, interventions, language) for action in actions]
        note_rows = [
            {"id": note.action_id, "when": file_datetime(note.created_at), "note": note.text}
            for note in db_actions.notes_of_actions(session, [a.id for a in actions])
        ]
        db_accounts.add_audit(
            session,
            actor_id=actor.id,
            action="plan_exported",
            at=now,
            detail={"organisation_id": organisation.id, "format": file_format, "rows": len(rows)},
        )
        name = organisation.name
    data = plan_csv(rows, language) if file_format == "csv" else plan_xlsx(rows, note_rows, language)
    return PlanFile(data, filename(name, now, file_format, language), FORMATS[file_format], len(rows))


def plan_row(
    rt: Runtime, action: ActionRow, teams: dict[int, str], interventions: dict[int, str], language: str
) -> dict[str, object]:
    """One action as the files write it (also what the dashboard's PDF can show): words in `language`."""
    return {
        "id": action.id,
        "target": target_label(rt, action.target, language, action.instrument_hash),
        "kind": t(f"actions.kind_{action.kind}", language),
        "description": action.description,
        "owner": action.owner or "",
        "due": action.due_on.isoformat() if action.due_on else "",
        "status": t(f"actions.status_{action.status}", language),
        "teams": ", ".join(teams.get(i, f"#{i}") for i in action.team_ids) or t("actions.whole_organisation", language),
        "intervention": interventions.get(action.intervention_id or -1, ""),
        "origin": t("actions.origin_workshop", language)
        if action.origin_workshop_id or action.origin_workshop_action_id
        else "",
        "created": file_datetime(action.created_at),
        "changed": file_datetime(action.updated_at),
        "notes": action.notes,
    }


def plan_csv(rows: list[dict[str, object]], language: str) -> bytes:
    """A header row and the rows, UTF-8 with BOM so a spreadsheet reads Dutch characters right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise_cell(t(f"actions.file.column.{c}", language)) for c in COLUMNS])
    for row in rows:
        writer.writerow([neutralise_cell(row[c]) for c in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def plan_xlsx(rows: list[dict[str, object]], note_rows: list[dict[str, object]], language: str) -> bytes:
    """Sheets "Plan" and "Notes"; every text cell is text, never a formula."""
    book = Workbook()
    plan = book.active
    plan.title = "Plan"
    _sheet(plan, COLUMNS, rows, language)
    _sheet(book.create_sheet("Notes"), NOTE_COLUMNS, note_rows, language)
    book.properties.creator = "ValueMatch"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filename(organisation: str, when: datetime, file_format: str, language: str) -> str:
    """e.g. "action-plan-zorg-noord-2026-03-02.csv": letters and digits of the name only."""
    slug = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in organisation.lower()).strip("-")
    slug = "-".join(part for part in slug.split("-") if part)[:40] or "organisation"
    return f"{t('actions.file.name', language)}-{slug}-{when.date().isoformat()}.{file_format}"


def _sheet(sheet, columns: tuple[str, ...], rows: list[dict[str, object]], language: str) -> None:
    for column, key in enumerate(columns, start=1):
        _text(sheet.cell(1, column), t(f"actions.file.column.{key}", language)).font = Font(bold=True)
    for number, row in enumerate(rows, start=2):
        for column, key in enumerate(columns, start=1):
            value = row[key]
            if isinstance(value, int):
                sheet.cell(number, column).value = value
            elif value:
                _text(sheet.cell(number, column), str(value))
    for column, key in enumerate(columns, start=1):
        letter = sheet.cell(1, column).column_letter
        sheet.column_dimensions[letter].width = 60 if key in ("description", "note") else 18
    sheet.freeze_panes = "A2"


def _text(cell, value: str):
    """Text in a cell as a string, never a formula (control characters a spreadsheet refuses are dropped)."""
    cell.value = neutralise_cell(ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    cell.data_type = "s"
    return cell
