"""The dashboard's PDF summary: it opens, says what it summarises, shows the rounded numbers of
export_rows in the reader's language, labels withheld groups, and a withheld selection shows none."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from services.dashboard.file_words import note_text
from services.dashboard.files import export_dashboard
from services.dashboard.view import Filters, dashboard, export_rows
from services.formatting import format_number
from services.i18n import t
from tests.support.export_world import ODD_NAMES, WHEN, build_world

A4 = (595, 842)  # points


@pytest.fixture(scope="module")
def files(module_database):
    world = build_world(module_database)
    yield world
    world.runtime.engine.dispose()


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert all((round(p.mediabox.width), round(p.mediabox.height)) == A4 for p in reader.pages)
    # extraction may split lines at any space: compare on single-spaced text
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def pdf_text(files, filters: Filters, language: str = "en", account=None) -> tuple[str, list[dict], object]:
    account = account or files.admin
    view = dashboard(files.runtime, account, filters, language=language)
    export = export_dashboard(files.runtime, account, view, "pdf", now=WHEN)
    assert export.data.startswith(b"%PDF-") and export.mime == "application/pdf"
    assert export.filename.endswith("-20260501-0930.pdf")
    return text_of(export.data), export_rows(view), view


GENERATED = {"en": "1 May 2026, 09:30 UTC", "nl": "1 mei 2026, 09:30 UTC"}


def one_decimal(value: float, language: str) -> str:
    return format_number(value, language, 1)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_summary_of_a_shown_selection(files, language):
    text, rows, view = pdf_text(files, Filters(files.north.id), language)
    order = ("title", "where_to_start", "themes", "heatmap", "trends", "participation", "agreement", "reliability")
    for key in order:
        assert t(f"dashboard_export.pdf.{key}", language) in text, key
    # "Where to start" comes first, as on the page, and on one page with all its starters
    positions = [text.index(t(f"dashboard_export.pdf.{key}", language)) for key in order]
    assert positions == sorted(positions)
    view_now = dashboard(files.runtime, files.admin, Filters(files.north.id), language=language)
    pages = [
        " ".join(page.extract_text().split())
        for page in PdfReader(
            io.BytesIO(export_dashboard(files.runtime, files.admin, view_now, "pdf", now=WHEN).data)
        ).pages
    ]
    heading = t("dashboard_export.pdf.where_to_start", language)
    page = next(p for p in pages if heading in p)
    assert all(" ".join(r["detail"].split()) in page for r in rows if r["what"] == "where to start")
    assert "North" in text and GENERATED[language] in text
    assert t("dashboard_export.context.k", language) in text
    # n of the selection, and every theme mean with its interval, rounded to one decimal
    assert str(view.selection.n) in text
    for row in (r for r in rows if r["what"] == "theme mean"):
        assert row["theme"] in text
        cells = (
            f"{row['n']} {one_decimal(row['mean'], language)} {one_decimal(row['low'], language)} – "
            f"{one_decimal(row['high'], language)}"
        )
        assert cells in text, cells
    # teams: Large shown with its means, Small and Mid withheld with their reason and no numbers
    large = [r for r in rows if r["what"] == "team theme mean" and r["group"].startswith("Large")]
    assert "Large " + " ".join(one_decimal(r["mean"], language) for r in large) in text
    small_note = note_text("withheld: fewer than 5 responses", language)
    assert f"Small {small_note}" in text
    # where to start: every conversation starter
    starts = [r for r in rows if r["what"] == "where to start"]
    assert starts
    for row in starts:
        assert " ".join(row["detail"].split()) in text
    # reliability: alpha with two decimals (the North selection has 47 responses)
    alpha = next(r for r in rows if r["what"] == "Cronbach's alpha" and r["value"] is not None)
    assert format_number(alpha["value"], language, 2) in text


def test_dutch_summary_uses_dutch_words_and_the_decimal_comma(files):
    text, rows, _view = pdf_text(files, Filters(files.north.id), "nl")
    assert "Autonomie van de cliënt" in text and "Afstemmingsindex" in text
    mean = next(r for r in rows if r["what"] == "theme mean")
    assert one_decimal(mean["mean"], "nl") in text and "," in one_decimal(mean["mean"], "nl")
    assert "Page " not in text and "Pagina 1 van" in text


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_withheld_selection_says_so_and_shows_no_numbers(files, language):
    north = files.north
    text, rows, view = pdf_text(files, Filters(north.id, team_id=north.teams["Small"]), language)
    assert not view.selection.shown
    said = t("dashboard_export.pdf.selection_withheld", language, reason=note_text(rows[0]["note"], language))
    assert " ".join(said.split()) in text
    assert t("dashboard_export.pdf.themes", language) not in text
    # What is left once the context is taken out: k (5) and the page number, nothing of the data.
    rest = text.replace(GENERATED[language], "")
    for label in view.instruments:
        rest = rest.replace(label, "")
    assert set(re.findall(r"\d+", rest)) <= {"5", "1"}, re.findall(r"\d+", rest)


def test_an_empty_selection_says_nobody_responded(files):
    north = files.north
    text, _rows, view = pdf_text(files, Filters(north.id, team_id=north.teams["Small"], round_id=north.rounds["R3"]))
    assert view.selection.decision.empty
    assert t("dashboard_export.pdf.selection_empty", "en") in text


def test_odd_names_are_neutralised_in_the_pdf(files):
    text, _rows, view = pdf_text(files, Filters(files.odd.id))
    assert all(row.group.shown for row in view.heatmap)
    assert '\'=HYPERLINK("http://x")' in text
    assert not re.search(r"(?<!')=HYPERLINK", text)
    for name in ("+1", "-2", "@SUM(A1)"):
        assert f"'{name} " in text, name
    assert text.count("' x") >= 2  # tab and carriage return print as a space
    assert all(name.strip() for name in ODD_NAMES)


def test_a_team_selection_summarises_that_team_only(files):
    north = files.north
    text, _rows, view = pdf_text(files, Filters(north.id, team_id=north.teams["Large"]))
    assert view.selection.shown and "Large · all rounds · all roles" in text
    assert "Small" not in text and "Mid" not in text
