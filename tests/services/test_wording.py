"""Wording rules across every strings file: real plurals (no "statement(s)"), one term per concept, and the
band names of About the same as the bank's (what Results shows); on the professional's pages also plain words
for statistics, one Dutch word per concept and "je" throughout."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
import yaml

from questions.loader import BANKS_DIR, load_banks
from services import formatting, i18n

REPO = Path(__file__).resolve().parents[2]
STRINGS = sorted(i18n.STRINGS_DIR.glob("*.yaml"))
# Each concept has one name; on the right the variants we no longer use.
REJECTED_TERMS = {
    "hervatcode": ("hervattingscode",),
    "reflectietool": ("reflectie-instrument", "reflectie instrument"),
    "reflection tool": ("reflection instrument", "reflective tool"),
    "meetronde": ("teamronde",),
    "survey round": ("team round",),
    "vergelijkingscijfers": ("referentiescore",),
    "compassielens": ("compassiekader", "compassie-lens"),
}
# What a professional reads (start, questionnaire, results, history, About, the PDF): one Dutch word per
# concept where the staff pages may say otherwise, plain words instead of statistics, and "je", never "u".
PROFESSIONAL_PARTS = ("ui", "report", "streamlit")
PROFESSIONAL_REJECTED = {
    term: re.compile(pattern, re.IGNORECASE)
    for term, pattern in {
        "uitkomst": r"\bresultaa?t(en)?\b(?<!geen resultaten)",  # Streamlit's "Geen resultaten" is a search's
        "functie": r"\brol\b",
        "verstuurd": r"\bingestuurd",
        "je, jij, jouw": r"\b(u|uw)\b",
    }.items()
}
# A workshop's texts are read in the room, by the participants too: the professional's Dutch words for their
# outcome and for sending answers, in the facilitator's texts as well.
WORKSHOP_PARTS = ("workshop", "workshop_report")
WORKSHOP_TERMS = ("uitkomst", "verstuurd")
JARGON = (
    "z-score",
    "r_wg",
    "cronbach",
    "95%",
    "95 %",
    "interval",
    "psychometri",
    "standard deviation",
    "standaarddeviatie",
    "items",
)
PLACEHOLDER = re.compile(r"\{[^}]*\}")


def wording_files() -> list[Path]:
    return [*STRINGS, *sorted(BANKS_DIR.glob("*.yaml")), *sorted((REPO / "docs").glob("*.md")), REPO / "README.md"]


@pytest.mark.parametrize("path", STRINGS, ids=lambda p: p.name)
def test_no_bracketed_plurals(path):
    found = [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.search(r"\w\((s|en|n|es)\)", line, re.IGNORECASE)
    ]
    assert not found, f"{path.name}: write the plural as {{count:# word|# words}}: {found}"


@pytest.mark.parametrize("term,rejected", REJECTED_TERMS.items())
def test_one_term_per_concept(term, rejected):
    found = [
        f"{path.relative_to(REPO)}: {variant}"
        for path in wording_files()
        for variant in rejected
        if variant in path.read_text(encoding="utf-8").lower()
    ]
    assert not found, f"say '{term}': {found}"


def professional_texts(language: str) -> dict[str, str]:
    texts = {}
    for part in PROFESSIONAL_PARTS:
        texts.update(yaml.safe_load((i18n.STRINGS_DIR / f"{part}.{language}.yaml").read_text(encoding="utf-8")))
    return texts


@pytest.mark.parametrize("term,pattern", PROFESSIONAL_REJECTED.items())
def test_one_dutch_word_per_concept_on_the_professionals_pages(term, pattern):
    found = [
        f"{key}: {match.group()}" for key, text in professional_texts("nl").items() for match in pattern.finditer(text)
    ]
    assert not found, f"say '{term}': {found}"


@pytest.mark.parametrize("part", WORKSHOP_PARTS)
@pytest.mark.parametrize("term", WORKSHOP_TERMS)
def test_the_workshop_uses_the_professionals_dutch_words(part, term):
    texts = yaml.safe_load((i18n.STRINGS_DIR / f"{part}.nl.yaml").read_text(encoding="utf-8"))
    found = [
        f"{key}: {match.group()}" for key, text in texts.items() for match in PROFESSIONAL_REJECTED[term].finditer(text)
    ]
    assert not found, f"say '{term}': {found}"


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_no_statistics_jargon_on_the_professionals_pages(language):
    found = [
        f"{key}: {word}"
        for key, text in professional_texts(language).items()
        for word in JARGON
        if word in PLACEHOLDER.sub("", text).lower()
    ]
    assert not found, f"say it in plain words: {found}"


def test_the_word_checks_can_fail():
    result, formal = PROFESSIONAL_REJECTED["uitkomst"], PROFESSIONAL_REJECTED["je, jij, jouw"]
    assert result.search("Je resultaten in grafieken") and not result.search("Geen resultaten")
    assert formal.search("Vult u uw code in?") and not formal.search("Vul je code in, 24 uur")


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_about_names_the_bands_as_results_do(language):
    scoring = i18n.catalogue(language)["about.scoring"].lower()
    for instrument in load_banks().values():
        bands = instrument.alignment_bands
        for band in (bands.aligned, bands.mixed, bands.misaligned):
            assert band.label[language].lower() in scoring, (language, band.label[language])


@pytest.mark.parametrize(
    "language,count,expected",
    [
        ("en", 0, "0 seconds"),
        ("en", 1, "1 second"),
        ("en", 2, "2 seconds"),
        ("en", 1250, "1,250 seconds"),
        ("nl", 0, "0 seconden"),
        ("nl", 1, "1 seconde"),
        ("nl", 2, "2 seconden"),
        ("nl", 1250, "1.250 seconden"),
    ],
)
def test_counted_words_follow_the_language_plural_rule(language, count, expected):
    assert expected in i18n.t("error.too_many_attempts", language, seconds=count)


@pytest.mark.parametrize(
    "language,count,expected",
    [
        ("en", 1, "1 statement still needs an answer"),
        ("en", 3, "3 statements still need an answer"),
        ("nl", 1, "1 stelling heeft nog geen antwoord"),
        ("nl", 3, "3 stellingen hebben nog geen antwoord"),
    ],
)
def test_the_verb_agrees_with_the_count(language, count, expected):
    assert i18n.t("assess.missing_intro", language, count=count).startswith(expected)


@pytest.mark.parametrize(
    "language,count,category",
    [
        ("en", 1, "one"),
        ("en", 0, "other"),
        ("en", 21, "other"),
        ("nl", 1, "one"),
        ("nl", 2, "other"),
        ("nl", -1, "one"),
        ("en", 1.5, "other"),
    ],
)
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
