"""Every CSV and XLSX export built from hostile names, opened by a real spreadsheet program: LibreOffice
(headless) must read each hostile cell as text, never as a formula, a computed value or a link.

test_exports.py checks the files against our own rule (services.respond.answer_files.neutralise_cell); this checks
what a spreadsheet actually makes of them, CSV opened with formula evaluation on (a control file
with a live formula per format shows that formulas are evaluated). The names: the formula corpus
(= + - @ tab CR, DDE, HYPERLINK, IMPORTXML) and zero-width characters before = + and @. Files: a
person's own answers (CSV), the dashboard (CSV, XLSX), a workshop summary (CSV) and the invitation
links (CSV); one LibreOffice run per format, side by side (a start takes seconds).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from openpyxl import Workbook

from services.admin import organisations, rounds
from services.dashboard import files as dashboard_files
from services.dashboard import view as dashboard
from services.respond import answer_files
from services.workshop import hosting, presenter
from tests.security.libreoffice import CSV_WITH_FORMULAS, Cell, open_in_libreoffice, require_soffice
from tests.security.payloads import normalised, texts
from tests.security.world import closed_round_with_answers, named_world

WHEN = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
ZERO_WIDTH = [
    "\u200b=1+1",
    '\u200b=HYPERLINK("https://evil.example","Click")',
    "\u2060+1+1",
    "\ufeff=cmd|' /C calc'!A0",
    "\u200d@SUM(1+1)",
]
HOSTILE = list(dict.fromkeys([text for _label, text in texts("formulas")] + ZERO_WIDTH))


def control_xlsx() -> bytes:
    book = Workbook()
    book.active["A1"] = "=1+1"  # openpyxl writes a text starting with = as a formula
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


CONTROLS = {"control.csv": lambda: "\ufeffname\r\n=1+1\r\n".encode(), "control.xlsx": control_xlsx}


def squeezed(text: str) -> str:
    # LibreOffice keeps a tab or line break as its own element, not as text: compare without them.
    return "".join(text.split())


def holding(cells: list[Cell], text: str) -> list[Cell]:
    core = squeezed(text).lstrip("'")
    return [cell for cell in cells if core and core in squeezed(cell.text)]


def test_hostile_names_stay_text_when_a_spreadsheet_opens_every_export(runtime, people, tmp_path):
    require_soffice()
    anna, fien = people["anna"][0], people["fien"][0]
    stored = list(dict.fromkeys(normalised(text) for text in HOSTILE))  # as a name field keeps them
    expected: dict[str, list[str]] = {}  # file name -> names it must hold
    files: dict[str, bytes] = {}

    for number, payload in enumerate(HOSTILE):
        files[f"answers-{number}.csv"] = answer_files.answers_csv(
            runtime.instrument,
            {item: 4 for item in runtime.instrument.required_ids},
            "en",
            intervention=payload,
            created_at=WHEN,
        )
        expected[f"answers-{number}.csv"] = [payload]

    org = organisations.create_organisation(runtime, anna, name=stored[0]).id
    world = named_world(runtime, anna, org, stored)
    closed_round_with_answers(runtime, world, name=stored[-1])
    view = dashboard.dashboard(runtime, anna, dashboard.Filters(org), language="en")
    for file_format in ("csv", "xlsx"):
        files[f"dashboard.{file_format}"] = dashboard_files.export_dashboard(
            runtime, anna, view, file_format, now=WHEN
        ).data
        expected[f"dashboard.{file_format}"] = stored

    for number, payload in enumerate(stored):
        info = hosting.create_workshop(
            runtime, fien, title=payload, intervention=payload, form_id=None, language="en", min_group_size=5
        )
        hosting.add_action(runtime, fien, info.id, kind="monitor", theme=None, text=payload)
        files[f"workshop-{number}.csv"] = presenter.export(runtime, fien, info.id, "csv", language="en")[1]
        expected[f"workshop-{number}.csv"] = [payload]

    files["invitations.csv"] = rounds.invitation_csv(
        [(payload, f"https://valuematch.example.org/?invite=token{n}") for n, payload in enumerate(stored)]
    )
    expected["invitations.csv"] = stored

    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    for name, data in CONTROLS.items():
        (tmp_path / name).write_bytes(data())
    batches = [
        ([tmp_path / name for name in [*files, *CONTROLS] if name.endswith(extension)], infilter)
        for extension, infilter in ((".csv", CSV_WITH_FORMULAS), (".xlsx", None))
    ]
    opened = open_in_libreoffice(batches, tmp_path / "libreoffice")

    for control in CONTROLS:  # without live formulas here, the checks below would prove nothing
        assert [c.formula for c in opened.pop(control) if c.formula] == ["of:=1+1"], f"{control} not evaluated"
    problems = []
    for name, cells in opened.items():
        problems += [f"{c.where}: a formula {c.formula!r} showing {c.text!r}" for c in cells if c.formula]
        problems += [f"{c.where}: a link to {c.link!r}" for c in cells if c.link]
        for text in expected[name]:
            found = holding(cells, text)
            if not found:
                problems.append(f"{name}: {text!r} is in no cell")
            problems += [
                f"{c.where}: {text!r} came back as {c.value_type} {c.text!r}" for c in found if c.value_type != "string"
            ]
    assert not problems, "\n".join(problems)
