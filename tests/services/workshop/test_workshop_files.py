"""The workshop's summary files: the CSV (BOM, formulas neutralised, a withheld round without numbers)
and the PDF (opens, holds the rounds, the prompts and the actions, says when a round is withheld)."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import pytest
from pypdf import PdfReader

from services.i18n import LANGUAGES, t
from services.workshop.files import WorkshopMeta, workshop_csv
from services.workshop.picture import AgreedAction, comparison
from services.workshop.summary_pdf import workshop_pdf
from tests.services.workshop.test_workshop_picture import five_people, instrument, respond, round_of

WHEN = datetime(2026, 3, 2, 9, 30)
FORMULA = '=HYPERLINK("http://example.org","click")'
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def meta(language: str = "en", title: str = "Team day North") -> WorkshopMeta:
    return WorkshopMeta(
        title,
        "Online CBT",
        instrument().label,
        language,
        5,
        WHEN,
        datetime(2026, 3, 2, 12, 0),
        facilitator_note="+ bring coffee",
    )


def actions() -> tuple[AgreedAction, ...]:
    return (
        AgreedAction("act", "Client autonomy", FORMULA, WHEN),
        AgreedAction("influence", None, "Ask the manager which savings are expected", WHEN),
        AgreedAction("monitor", "Technology push", "@check the use in three months", WHEN),
    )


def rows_of(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    # extraction may split lines at any space: compare on single-spaced text
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def two_rounds(second_n: int = 6):
    first = round_of(five_people())
    second = round_of(
        tuple(respond(instrument(), {"match": 5, "mismatch": 2, "value": 4, "compassion": 4}) for _ in range(second_n)),
        round_no=2,
    )
    return first, second


# --- CSV ------------------------------------------------------------------------------------------------


def test_csv_has_a_bom_a_header_and_every_shown_number():
    first, second = two_rounds()
    rows = rows_of(workshop_csv(meta(), (first, second), comparison(first, second), actions(), "en"))
    header = rows[0]
    assert header == [
        t(f"workshop_report.csv.col.{c}", "en")
        for c in ("what", "round", "theme", "side", "n", "mean", "low", "high", "value", "share", "detail")
    ]
    assert all(len(row) == len(header) for row in rows)
    by_what = {}
    for row in rows[1:]:
        by_what.setdefault(row[0], []).append(dict(zip(header, row)))
    autonomy = next(r for r in by_what["Theme average"] if r["Theme"] == "Client autonomy" and r["Round"] == "1")
    assert (autonomy["n"], autonomy["Average (0–100)"]) == ("5", "75.0")
    assert [r["n"] for r in by_what["Answers in the round"]] == ["5", "6"]
    alignment = by_what["Alignment index (−100 to +100)"]
    assert [(r["Round"], r["Average (0–100)"]) for r in alignment] == [("1", "0.0"), ("2", "75.0")]
    # a negative number stays a number: it is not mistaken for a formula
    spread = [r for r in by_what["Spread of the alignment index"] if r["Round"] == "1"]
    assert [r["n"] for r in spread] == ["0", "0", "0", "2", "1", "2", "0", "0"]
    assert spread[0]["Detail"] == "−100 … −75"
    bands = [r for r in by_what["People per range"] if r["Theme"] == "Focus on financial benefit" and r["Round"] == "1"]
    assert [(r["Detail"], r["n"], r["Share (%)"]) for r in bands] == [
        ("Fits their values", "0", "0.0"),
        ("In between", "0", "0.0"),
        ("Clashes with their values", "5", "100.0"),
        ("Not enough answers", "0", "0.0"),
    ]
    change = next(r for r in by_what["Change between the rounds"] if r["Theme"] == "Focus on financial benefit")
    assert (change["Round"], change["Value"]) == ("1→2", "-50.0")
    assert by_what["Change in the alignment index"][0]["Value"] == "75.0"
    prompts = by_what["Compassion prompt"]
    assert prompts[0]["Theme"] == "Focus on financial benefit"
    assert prompts[0]["Detail"].startswith("Feeling for the person: Thinking of “Focus on financial benefit”")
    assert by_what["Where to start"][0]["Detail"] == first.where_to_start[0].question


def test_csv_neutralises_every_text_a_person_typed():
    first, second = two_rounds()
    rows = rows_of(workshop_csv(meta(title="=cmd|' /C calc'!A0"), (first, second), None, actions(), "en"))
    cells = [cell for row in rows for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells and "'" + FORMULA in cells
    assert "'+ bring coffee" in cells and "'@check the use in three months" in cells
    risky = [c for c in cells if c.startswith(("=", "+", "@")) or (c.startswith("-") and not NUMBER.fullmatch(c))]
    assert risky == []
    kinds = [row[0] for row in rows if row[0].startswith("Action")]
    assert kinds == ["Action: act on it", "Action: influence", "Action: keep an eye on it"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("second_n", "key"), [(3, "workshop_report.csv.withheld"), (0, "workshop_report.csv.empty")])
def test_a_round_not_shown_gives_one_row_and_no_number_of_it(language, second_n, key):
    first, second = two_rounds(second_n)
    assert comparison(first, second) is None
    rows = rows_of(workshop_csv(meta(language), (first, second), None, (), language))
    of_second = [row for row in rows[1:] if row[1] == "2"]
    assert len(of_second) == 1
    row = of_second[0]
    assert row[0] == t("workshop_report.csv.what.responses", language)
    assert row[4:10] == [""] * 6 and row[10] == t(key, language, k=5)
    assert not any(str(second_n) in cell for cell in row[2:10])


def test_dutch_csv_uses_dutch_words():
    nl = round_of(five_people(), language="nl")
    rows = rows_of(workshop_csv(meta("nl"), (nl,), None, actions(), "nl"))
    assert rows[0][0] == "Wat" and rows[1][0] == "Sessie"
    assert any(row[2] == instrument().domain("client_autonomy").name["nl"] for row in rows)
    assert any(row[0] == "Actie: zelf doen" for row in rows)


# --- PDF ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_holds_the_rounds_the_prompts_and_the_actions(language):
    first = round_of(five_people(), language=language)
    second = round_of(
        tuple(respond(instrument(), {"match": 5, "mismatch": 2, "value": 4, "compassion": 4}) for _ in range(6)),
        round_no=2,
        language=language,
    )
    text = pdf_text(workshop_pdf(meta(language), (first, second), comparison(first, second), actions(), language))
    assert t("workshop_report.pdf.title", language) in text and "Team day North" in text and "Online CBT" in text
    month = {"en": "Mar", "nl": "mrt"}[language]
    assert f"2 {month} 2026, 09:30 UTC – 2 {month} 2026, 12:00 UTC" in text
    for pic in (first, second):
        assert t("workshop_report.pdf.round_n", language, round=pic.round_no, n=pic.n) in text
    for key in ("themes", "bands", "alignment", "where_to_start", "comparison", "actions"):
        assert t(f"workshop_report.pdf.{key}", language) in text, key
    for start in first.where_to_start:
        assert " ".join(start.question.split()) in text
    for prompt in first.prompts:
        assert prompt.element_name in text and " ".join(prompt.text.split()) in text
    for kind in ("act", "influence", "monitor"):
        assert t(f"workshop_report.action.{kind}", language) in text
    assert "'" + FORMULA in text and "Ask the manager which savings are expected" in text
    assert "'@check the use in three months" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_of_a_withheld_round_says_so_without_its_numbers(language):
    first = round_of(five_people(), language=language)
    second = round_of(five_people()[:3], round_no=2, language=language)
    text = pdf_text(workshop_pdf(meta(language), (first, second), None, (), language))
    status = t("workshop_report.status.waiting", language, k=5)
    assert t("workshop_report.pdf.round_withheld", language, status=status) in text
    assert t("workshop_report.pdf.round_n", language, round=2, n=3) not in text
    assert t("workshop_report.pdf.comparison", language) not in text
    assert t("workshop_report.pdf.no_actions", language) in text
    # after round 2's heading nothing but its status (and the empty list of actions) follows
    tail = text[text.rindex(status) :]
    assert t("workshop_report.pdf.themes", language) not in tail
