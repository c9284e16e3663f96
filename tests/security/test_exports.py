"""Every export holds typed text literally, and no text cell can run as a spreadsheet formula.

Markup and SQL payloads (corpus/markup.yaml, sql.yaml) must arrive as typed; formula payloads
(corpus/formulas.yaml) as typed behind a leading apostrophe (services.respond.answer_files.neutralise_cell), in
CSV, XLSX and PDF alike. Files: a person's own answers (CSV, JSON, PDF), the dashboard (CSV, XLSX,
PDF), a workshop's summary (CSV, PDF), the invitation links (CSV) and `manage.py score` (CSV).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from services.admin import organisations, rounds
from services.dashboard import files as dashboard_files
from services.dashboard import view as dashboard
from services.data_tools import offline_scoring
from services.output.cells import FORMULA_STARTS, neutralise_cell
from services.respond import answer_files
from services.respond.questionnaire import score_answers
from services.results import report_pdf
from services.workshop import hosting, presenter
from tests.security.payloads import normalised, texts
from tests.security.world import closed_round_with_answers, named_world

KINDS = ("markup", "sql", "formulas")
WHEN = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)


def stored_payloads(kind: str) -> list[str]:
    """The kind's payloads as a name field stores them (whitespace tidied), each once."""
    return list(dict.fromkeys(normalised(text) for _label, text in texts(kind)))


def expected(text: str) -> str:
    return neutralise_cell(text)


def csv_cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")) for cell in row]


def xlsx_cells(data: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(data))
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"a formula in {sheet.title}!{cell.coordinate}: {cell.value!r}"
                if isinstance(cell.value, str):
                    cells.append(cell.value)
    return cells


def pdf_text(data: bytes) -> str:
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def assert_no_live_formula(cells: list[str]) -> None:
    for cell in cells:
        if cell.startswith(FORMULA_STARTS):
            try:
                float(cell)
            except ValueError:
                pytest.fail(f"a text cell a spreadsheet would run: {cell!r}")


def assert_holds(cells: list[str], text: str) -> None:
    """`text` (neutralised) is a cell, or starts one (a group label "team · all rounds ...")."""
    want = expected(text)
    assert any(c == want or c.startswith(want + " ") for c in cells), f"{want!r} not in the file"


def assert_in_pdf(whole: str, text: str) -> None:
    assert "".join(expected(text).split()) in whole, f"{expected(text)!r} not in the PDF"


@pytest.mark.parametrize("kind", KINDS)
def test_own_answers_files(runtime, kind):
    instrument = runtime.instrument
    answers = {item_id: 4 for item_id in instrument.required_ids}
    report = score_answers(instrument, answers)
    payloads = stored_payloads(kind)
    for payload in payloads:
        cells = csv_cells(answer_files.answers_csv(instrument, answers, "en", intervention=payload, created_at=WHEN))
        assert_no_live_formula(cells)
        assert_holds(cells, payload)
        document = json.loads(
            answer_files.answers_json(instrument, answers, "en", intervention=payload, created_at=WHEN, report=report)
        )
        assert document["intervention"] == payload  # JSON is not a spreadsheet: as typed
    # A PDF takes a second to build: each report's intervention holds as many payloads as it shows.
    for chunk in chunks(payloads, report_pdf.MAX_FREE_TEXT):
        whole = pdf_text(
            report_pdf.build_pdf(
                instrument, report, "en", intervention=" ~ ".join(chunk), role_name=None, created_at=WHEN
            )
        )
        for payload in chunk:
            assert "".join(payload.split()) in whole  # a report for one person: as typed


def chunks(payloads: list[str], limit: int) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for payload in payloads:
        if out[-1] and len(" ~ ".join([*out[-1], payload])) > limit:
            out.append([])
        out[-1].append(payload)
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_dashboard_exports(runtime, people, kind):
    anna = people["anna"][0]
    payloads = stored_payloads(kind)
    org = organisations.create_organisation(runtime, anna, name=payloads[0]).id
    world = named_world(runtime, anna, org, payloads)
    closed_round_with_answers(runtime, world, name=payloads[-1])
    view = dashboard.dashboard(runtime, anna, dashboard.Filters(org), language="en")
    files = {
        fmt: dashboard_files.export_dashboard(runtime, anna, view, fmt, now=WHEN).data for fmt in ("csv", "xlsx", "pdf")
    }
    for cells in (csv_cells(files["csv"]), xlsx_cells(files["xlsx"])):
        assert_no_live_formula(cells)
        assert_holds(cells, payloads[0])  # the organisation
        for payload in payloads:
            assert_holds(cells, payload)  # each team's rows
    whole = pdf_text(files["pdf"])
    for payload in payloads:
        assert_in_pdf(whole, payload)


@pytest.mark.parametrize("kind", KINDS)
def test_workshop_summaries(runtime, people, kind):
    fien = people["fien"][0]
    payloads = stored_payloads(kind)
    for payload in payloads:
        info = hosting.create_workshop(
            runtime, fien, title=payload, intervention=payload, form_id=None, language="en", min_group_size=5
        )
        hosting.add_action(runtime, fien, info.id, kind="monitor", theme=None, text=payload)
        _name, data = presenter.export(runtime, fien, info.id, "csv", language="en")
        cells = csv_cells(data)
        assert_no_live_formula(cells)
        assert cells.count(expected(payload)) >= 3  # title, intervention, action
    # One PDF: the last session's title and intervention, and every payload as an agreed action.
    for payload in payloads:
        hosting.add_action(runtime, fien, info.id, kind="act", theme=None, text=payload)
    _name, data = presenter.export(runtime, fien, info.id, "pdf", language="en")
    whole = pdf_text(data)
    for payload in payloads:
        assert_in_pdf(whole, payload)


@pytest.mark.parametrize("kind", KINDS)
def test_invitation_links_file(kind):
    links = [
        (payload, f"https://valuematch.example.org/?invite=token{n}") for n, payload in enumerate(stored_payloads(kind))
    ]
    cells = csv_cells(rounds.invitation_csv(links))
    assert_no_live_formula(cells)
    for team, _link in links:
        assert_holds(cells, team)


@pytest.mark.parametrize("kind", KINDS)
def test_offline_scores_file(runtime, tmp_path, kind):
    instrument = runtime.instrument
    # one row per respondent id: payloads that differ only in surrounding spaces are one id (the cell is stripped)
    payloads = list({text.strip(): text for _label, text in texts(kind)}.values())
    source = io.StringIO()
    writer = csv.writer(source)
    writer.writerow(["respondent", *instrument.required_ids])
    for payload in payloads:
        writer.writerow([payload, *(3 for _ in instrument.required_ids)])
    path = tmp_path / "answers.csv"
    path.write_text(source.getvalue(), encoding="utf-8")
    scores = io.StringIO()
    offline_scoring.score_file(path, instrument, scores)
    cells = csv_cells(scores.getvalue().encode())
    assert_no_live_formula(cells)
    for payload in payloads:
        assert expected(payload.strip()) in cells
