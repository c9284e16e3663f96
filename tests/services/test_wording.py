"""Wording rules across every strings file: real plurals (no "statement(s)"), one term per concept, and the
band names of About the same as the bank's (what Results shows)."""
from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from questions.loader import BANKS_DIR, load_banks
from services import formatting, i18n

REPO = Path(__file__).resolve().parents[2]
STRINGS = sorted(i18n.STRINGS_DIR.glob("*.yaml"))
# Each concept has one name; on the right the variants we no longer use.
REJECTED_TERMS = {
    "hervatcode": ("hervattingscode",),
    "reflectietool": ("reflectie-instrument", "reflectie instrument"),
    "reflection tool": ("reflection instrument", "reflective tool"),
}


def wording_files() -> list[Path]:
    return [*STRINGS, *sorted(BANKS_DIR.glob("*.yaml")), *sorted((REPO / "docs").glob("*.md")), REPO / "README.md"]


@pytest.mark.parametrize("path", STRINGS, ids=lambda p: p.name)
def test_no_bracketed_plurals(path):
    found = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
             if re.search(r"\w\((s|en|n|es)\)", line, re.IGNORECASE)]
    assert not found, f"{path.name}: write the plural as {{count:# word|# words}}: {found}"


@pytest.mark.parametrize("term,rejected", REJECTED_TERMS.items())
def test_one_term_per_concept(term, rejected):
    found = [f"{path.relative_to(REPO)}: {variant}" for path in wording_files()
             for variant in rejected if variant in path.read_text(encoding="utf-8").lower()]
    assert not found, f"say '{term}': {found}"


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_about_names_the_bands_as_results_do(language):
    scoring = i18n.catalogue(language)["about.scoring"].lower()
    for instrument in load_banks().values():
        bands = instrument.alignment_bands
        for band in (bands.aligned, bands.mixed, bands.misaligned):
            assert band.label[language].lower() in scoring, (language, band.label[language])


@pytest.mark.parametrize("language,count,expected", [
    ("en", 0, "0 seconds"), ("en", 1, "1 second"), ("en", 2, "2 seconds"), ("en", 1250, "1,250 seconds"),
    ("nl", 0, "0 seconden"), ("nl", 1, "1 seconde"), ("nl", 2, "2 seconden"), ("nl", 1250, "1.250 seconden"),
])
def test_counted_words_follow_the_language_plural_rule(language, count, expected):
    assert expected in i18n.t("error.too_many_attempts", language, seconds=count)


@pytest.mark.parametrize("language,count,expected", [
    ("en", 1, "1 statement still needs an answer"), ("en", 3, "3 statements still need an answer"),
    ("nl", 1, "1 stelling heeft nog geen antwoord"), ("nl", 3, "3 stellingen hebben nog geen antwoord"),
])
def test_the_verb_agrees_with_the_count(language, count, expected):
    assert i18n.t("assess.missing_intro", language, count=count).startswith(expected)


@pytest.mark.parametrize("language,count,category", [
    ("en", 1, "one"), ("en", 0, "other"), ("en", 21, "other"), ("nl", 1, "one"), ("nl", 2, "other"),
    ("nl", -1, "one"), ("en", 1.5, "other"),
])
def test_plural_category(language, count, category):
    assert formatting.plural_category(count, language) == category


def test_every_counted_word_has_two_forms_with_the_number():
    for language in i18n.LANGUAGES:
        for key, text in i18n.catalogue(language).items():
            for _, _, spec, _ in string.Formatter().parse(text):
                if spec and "|" in spec:
                    forms = spec.split("|")
                    assert len(forms) == 2 and all("#" in form for form in forms), (language, key, spec)


def test_every_streamlit_phrase_has_a_dutch_replacement():
    from app_pages import streamlit_language
    english = {key: text for key, text in i18n.catalogue("en").items() if key.startswith("streamlit.")}
    assert len(streamlit_language.words("nl")) == len(english)
    assert streamlit_language.words("en") == []
