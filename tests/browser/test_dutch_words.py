"""Dutch as a first-class language: no English on a Dutch page, neither seen nor heard. Every public and
staff page in Dutch (tests/browser/sweep.py), its accessibility tree and the placeholders and tooltips
of what is visible, searched for the app's English strings, Streamlit's own English words and common
English words."""

from __future__ import annotations

import re

import pytest

from services import i18n
from tests.browser.sweep import GROUP, swept

pytestmark = pytest.mark.xdist_group(GROUP)

ENGLISH_WORDS = (
    "the",
    "your",
    "you",
    "please",
    "press",
    "click",
    "skip",
    "choose",
    "show",
    "hide",
    "remove",
    "search",
    "sidebar",
    "menu",
    "help for",
    "add:",
    "submit",
    "download as",
)
# Titles of cited English publications (About) are quoted as published.
CITED_TITLES = (
    "Compassion as a guiding framework for the implementation of digital mental health "
    "interventions: an interview study with clients and professionals.",
)
PLACEHOLDER = re.compile(r"\{[^}]*\}")


def english_phrases() -> list[re.Pattern]:
    """The English UI texts that Dutch says otherwise (two words or more, the parts between placeholders),
    Streamlit's phrases among them, and the common English words."""
    english, dutch = i18n.catalogue("en"), i18n.catalogue("nl")
    phrases = set()
    for key, text in english.items():
        if dutch.get(key) == text:
            continue
        for part in PLACEHOLDER.split(text):
            part = part.strip(" .,:;()*_\"'")
            if len(part.split()) >= 2 and len(part) >= 8 and not part.startswith(("http", "<")):
                phrases.add(part)
    patterns = [re.compile(re.escape(p)) for p in sorted(phrases)]
    return patterns + [re.compile(rf"(?<!\w){re.escape(w)}(?!\w)", re.IGNORECASE) for w in ENGLISH_WORDS]


def english_on(text: str, patterns: list[re.Pattern]) -> list[str]:
    for title in CITED_TITLES:
        text = text.replace(title, "")
    found = []
    for pattern in patterns:
        for match in pattern.finditer(text):
            start = text.rfind("\n", 0, match.start()) + 1
            end = text.find("\n", match.end())
            line = text[start : end if end >= 0 else None].strip()
            found.append(f"{pattern.pattern!r} in: {line[:160]}")
    return found


def test_no_english_on_a_dutch_page(browser, start_app_server):
    patterns = english_phrases()
    problems = [
        f"{page.name}: {finding}"
        for page in swept(browser, start_app_server, "nl")
        for text in page.texts
        for finding in english_on(text, patterns)
    ]
    assert not problems, f"{len(problems)} English words on Dutch pages:\n" + "\n".join(sorted(set(problems)))


def test_the_english_detector_finds_english():
    patterns = english_phrases()
    assert english_on('- link "Skip to main content"', patterns)
    assert english_on('- button "Help for Digitale interventie"', patterns)
    assert english_on("- text: Press Enter to submit form", patterns)
    assert not english_on("- text: Druk op Enter om te versturen. Je antwoorden zijn anoniem.", patterns)
