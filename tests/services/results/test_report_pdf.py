"""The PDF report: valid, in both languages, with the texts a reader needs, robust to odd free text, fast."""

import io
import time
from datetime import UTC, datetime, timezone
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from assessment import score_answers
from questions import BANKS_DIR, load_banks, load_instrument
from services.i18n import LANGUAGES, t
from services.output.pdf_page import REPLACEMENT, printable, wrap_words
from services.results.report_pdf import build_pdf

FIXTURES = Path(__file__).parents[2] / "fixtures"
MINI = load_instrument(FIXTURES / "mini-bank.yaml")
REAL = list(load_banks().values()) if any(BANKS_DIR.glob("*.yaml")) else []
BANKS = [MINI, *REAL]
GOLDEN = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (FIXTURES / "golden").glob("*.yaml")}
WHEN = datetime(2025, 11, 26, 9, 30, tzinfo=UTC)


def render(instrument, answers, language, **options):
    report = score_answers(instrument, answers)
    options = {"intervention": "Online CBT module", "role_name": None, "created_at": WHEN} | options
    return build_pdf(instrument, report, language, **options)


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    # extraction may split lines at any space: compare on single-spaced text
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def full_answers(instrument):
    return {q: (i % 5) + 1 for i, q in enumerate(instrument.question_ids)}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("bank", BANKS, ids=[b.id for b in BANKS])
def test_report_has_the_expected_text(bank, language):
    data = render(bank, full_answers(bank), language, role_name="Verpleegkundige")
    assert data.startswith(b"%PDF-")
    text = text_of(data)
    for expected in (
        t("report.title", language),
        "Online CBT module",
        "Verpleegkundige",
        t("report.footer.private", language),
        t("report.footer.page", language, page=1, pages=""),
        bank.content_hash[:12],
        bank.version,
        t("report.reflect", language),
        "26 " + t("report.months", language).split(",")[10],
    ):
        assert expected.strip() in text, expected
    report = score_answers(bank, full_answers(bank))
    band = getattr(bank.alignment_bands, report.alignment_band)
    assert bank.alignment_bands and band.label[language] in text
    for domain in bank.domains:
        assert " ".join(domain.name[language].split()) in text, domain.id


@pytest.mark.skipif(not REAL, reason="the shipped question bank is not there yet")
def test_dutch_characters_survive():
    text = text_of(render(REAL[0], full_answers(REAL[0]), "nl", intervention="Cliëntportaal ‘Één’ – naïef"))
    assert "Cliëntportaal ‘Één’ – naïef" in text
    assert "cliënt" in text.lower()
    assert REPLACEMENT not in text


def test_missing_scores_are_named_not_drawn():
    for language in LANGUAGES:
        text = text_of(render(MINI, GOLDEN["mini-not-enough"]["answers"], language))
        assert t("report.not_enough", language) in text
        assert t("report.alignment.none", language).split(".")[0] in text
        assert t("report.theme.not_enough_text", language).split(".")[0] in text
    empty = text_of(render(MINI, {}, "en"))
    assert "not answered" in empty


def test_long_name_with_emoji_and_control_characters():
    name = ("Mood tracker 📱 for clients 👩🏽‍⚕️\x00\x07\t\r\n" + "Stemmingsdagboek " * 17 + "x" * 60)[:300]
    assert len(name) == 300
    data = render(MINI, full_answers(MINI), "nl", intervention=name)
    text = text_of(data)
    assert "Mood tracker" in text and "Stemmingsdagboek" in text
    assert REPLACEMENT in text  # the emoji became a visible placeholder, not nothing


def test_name_without_spaces_and_name_of_only_emoji():
    for name in ("W" * 500, "🙂🙂🙂", "", "   "):
        assert render(MINI, full_answers(MINI), "en", intervention=name).startswith(b"%PDF-")


def test_resume_hint_can_be_left_out():
    hint = t("report.resume_hint", "en").split(".")[0]
    assert hint in text_of(render(MINI, {}, "en"))
    assert hint not in text_of(render(MINI, {}, "en", resume_hint=False))


def test_fast_enough():
    bank = BANKS[-1]
    report = score_answers(bank, full_answers(bank))
    start = time.perf_counter()
    for _ in range(3):
        build_pdf(bank, report, "nl", intervention="x", role_name=None, created_at=WHEN)
    assert (time.perf_counter() - start) / 3 < 3.0


GLYPHS = {ord(c) for c in "abcdefghijklmnopqrstuvwxyz ëé’–?" + REPLACEMENT}


@pytest.mark.parametrize(
    "text, single_line, expected",
    [
        ("abc", False, "abc"),
        ("cliënt’s", False, "cliënt’s"),
        ("e\u0301", False, "é"),  # combining accent composed, then known
        ("a\x00b\x07c", False, "abc"),  # control characters dropped
        ("a\tb\rc", False, "a b c"),
        ("a\nb", False, "a\nb"),
        ("a\nb", True, "a b"),
        ("a📱b", False, f"a{REPLACEMENT}b"),
        ("a👩🏽‍⚕️b", False, f"a{REPLACEMENT}b"),  # one placeholder for the whole emoji sequence
        ("a\u200bb", False, "ab"),  # zero-width space
        ("ΩΩ", False, REPLACEMENT),
    ],
)
def test_printable(text, single_line, expected):
    assert printable(text, GLYPHS, single_line=single_line) == expected


def measure(text, bold):
    return len(text) * (1.5 if bold else 1.0)


@pytest.mark.parametrize(
    "runs, width, expected",
    [
        ([("one two three", False)], 7, [["one two"], ["three"]]),
        ([("one  two\nthree", False)], 50, [["one two"], ["three"]]),
        ([("abcdefghij", False)], 4, [["abcd"], ["efgh"], ["ij"]]),
        ([("", False)], 10, []),
        ([("Ask:", True), (" why not", False)], 12, [["Ask:", " why"], ["not"]]),
    ],
)
def test_wrap_words(runs, width, expected):
    lines = wrap_words(runs, width, measure)
    assert [[text for text, _ in line] for line in lines] == expected
    for line in lines:
        assert sum(measure(text, bold) for text, bold in line) <= width
