"""Issue 15 in the PDF: no promise that answers can be changed, the code only by choice, the lens named apart."""

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from assessment import score_answers
from questions import BANKS_DIR, load_instrument
from services.results.report_pdf import build_pdf

BANK = load_instrument(BANKS_DIR / "valuematch-1.0.yaml")
WHEN = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
CODE = "7K2M-QX4P-9TRB-HW3D"


def pdf_text(language: str, **options) -> str:
    answers = {q: 4 for q in BANK.required_ids}
    data = build_pdf(
        BANK,
        score_answers(BANK, answers),
        language,
        intervention="Online CBT module",
        role_name=None,
        created_at=WHEN,
        **options,
    )
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


@pytest.mark.parametrize(
    "language, promise, truth",
    [
        ("en", "change your answers", "Submitted answers cannot be changed"),
        ("nl", "bekijken of aanpassen", "Verstuurde antwoorden kun je niet meer aanpassen"),
    ],
)
def test_the_report_does_not_promise_answers_can_be_changed(language, promise, truth):
    text = pdf_text(language)
    assert promise not in text
    assert truth in text


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_code_is_printed_only_when_chosen(language):
    assert CODE not in pdf_text(language)
    assert CODE not in pdf_text(language, resume_code=None)
    assert CODE in pdf_text(language, resume_code=CODE)


@pytest.mark.parametrize(
    "language, theme, lens",
    [
        ("en", "Recognising suffering", "Recognising suffering, all statements"),
        ("nl", "Lijden herkennen", "Lijden herkennen, alle stellingen"),
    ],
)
def test_the_lens_rows_are_named_apart_from_the_element_themes(language, theme, lens):
    text = pdf_text(language)
    assert lens in text
    assert text.count(theme) > text.count(lens)  # the theme itself is named on its own as well
