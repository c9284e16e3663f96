"""The strategies file next to the question banks: the shipped file is valid, fits the shipped bank and covers
every theme and element; a malformed file names the file, the entry and the field of every problem."""

from __future__ import annotations

import textwrap

import pytest

from questions import load_banks
from questions.strategy_library import (
    STRATEGIES_DIR,
    StrategyFileError,
    check_against_bank,
    load_strategies,
    newest_strategies,
    parse_strategies,
)

GOOD = textwrap.dedent("""\
    id: test-strategies
    version: "1.0"
    bank: valuematch
    languages: [en, nl]
    sources:
      - {id: src, short: "Someone (2020)", citation: "Someone (2020). A paper.", relied_on: "Its abstract."}
    strategies:
      - id: one
        themes: [client_autonomy]
        our_design: true
        sources: [src]
        text: {en: "Do this.", nl: "Doe dit."}
        basis: {en: "Because.", nl: "Omdat."}
    """)


@pytest.fixture(scope="module")
def bank():
    return next(b for b in load_banks().values() if b.form_id is None)


def test_the_shipped_file_is_valid_and_fits_the_bank(bank):
    library = newest_strategies(bank=bank.id)
    assert (library.id, library.bank, library.languages) == ("valuematch-strategies", bank.id, ("en", "nl"))
    assert check_against_bank(library, bank) == []


def test_every_theme_and_element_has_at_least_two_strategies_each_traceable(bank):
    library = newest_strategies(bank=bank.id)
    for domain in bank.domains:
        if domain.side in ("match", "mismatch"):
            assert len(library.for_theme(domain.id)) >= 2, domain.id
    for number in bank.elements:
        assert len(library.for_element(number)) >= 2, number
    for strategy in library.strategies:
        assert strategy.sources and all(source in library.sources for source in strategy.sources)
        if strategy.our_design:  # says so in its basis, in both languages
            assert strategy.basis["en"].startswith("Our design") and strategy.basis["nl"].startswith("Ons ontwerp")


def test_a_good_file_parses():
    library = parse_strategies(GOOD, "good.yaml")
    assert library.for_theme("client_autonomy")[0].text["nl"] == "Doe dit."
    assert library.sources["src"].short == "Someone (2020)"


@pytest.mark.parametrize(
    "broken, expected",
    [
        (GOOD.replace('version: "1.0"', "version: 1.0"), "bad.yaml: top level, field 'version'"),
        (
            GOOD.replace("themes: [client_autonomy]", "themes: []"),
            "bad.yaml: strategy 'one', field 'themes': a strategy needs at least one theme or element",
        ),
        (GOOD.replace("themes: [client_autonomy]", "elements: [6]"), "bad.yaml: strategy 'one', field 'elements'"),
        (
            GOOD.replace("sources: [src]", "sources: [nobody]"),
            "bad.yaml: strategy 'one', field 'sources': unknown source 'nobody'",
        ),
        (GOOD.replace('nl: "Doe dit."', 'nl: ""'), "bad.yaml: strategy 'one', field 'text': missing translation 'nl'"),
        (GOOD.replace("our_design: true", "our_design: maybe"), "bad.yaml: strategy 'one', field 'our_design'"),
        (
            GOOD.replace("our_design: true", "our_design: true\n    colour: red"),
            "bad.yaml: strategy 'one', field 'colour': unknown key",
        ),
        (GOOD.replace('relied_on: "Its abstract."', 'relied_on: ""'), "bad.yaml: source 'src', field 'relied_on'"),
        (
            GOOD + "  - id: one\n    elements: [1]\n    our_design: false\n    sources: [src]\n"
            "    text: {en: a, nl: b}\n    basis: {en: a, nl: b}\n",
            "bad.yaml: strategy 'one', field 'id': duplicate",
        ),
        ("strategies: [", "bad.yaml: not valid YAML at line"),
        ("", "bad.yaml: top level: must be a mapping"),
    ],
)
def test_every_problem_names_the_file_the_entry_and_the_field(broken, expected):
    with pytest.raises(StrategyFileError) as error:
        parse_strategies(broken, "bad.yaml")
    assert any(problem.startswith(expected) for problem in error.value.problems), error.value.problems


def test_all_problems_are_reported_at_once():
    broken = GOOD.replace('version: "1.0"', "version: 1.0").replace("sources: [src]", "sources: [nobody]")
    with pytest.raises(StrategyFileError) as error:
        parse_strategies(broken, "bad.yaml")
    assert len(error.value.problems) == 2


def test_themes_are_checked_against_the_bank(bank):
    library = parse_strategies(
        GOOD.replace("themes: [client_autonomy]", "themes: [made_up, recognising_suffering]").replace(
            "bank: valuematch", "bank: otherbank"
        ),
        "wrong.yaml",
    )
    problems = check_against_bank(library, bank)
    assert problems == [
        "wrong.yaml: top level, field 'bank': is 'otherbank', the bank is 'valuematch'",
        "wrong.yaml: strategy 'one', field 'themes': 'made_up' is not a theme of valuematch 1.0",
        "wrong.yaml: strategy 'one', field 'themes': 'recognising_suffering' is a compassion element: "
        "list it under 'elements'",
    ]


def test_the_newest_version_in_a_folder_wins_and_a_bad_file_is_named(tmp_path):
    (tmp_path / "s-1.0.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "s-1.10.yaml").write_text(GOOD.replace('version: "1.0"', 'version: "1.10"'), encoding="utf-8")
    (tmp_path / "s-1.9.yaml").write_text(GOOD.replace('version: "1.0"', 'version: "1.9"'), encoding="utf-8")
    assert newest_strategies(tmp_path).version == "1.10"
    (tmp_path / "broken.yaml").write_text("id: [", encoding="utf-8")
    with pytest.raises(StrategyFileError, match=r"broken\.yaml"):
        newest_strategies(tmp_path)
    with pytest.raises(StrategyFileError, match="file not found"):
        load_strategies(tmp_path / "missing.yaml")


def test_the_strategies_live_beside_the_banks_not_among_them():
    from questions.loader import BANKS_DIR

    assert STRATEGIES_DIR.parent == BANKS_DIR.parent and not list(BANKS_DIR.glob("*strateg*"))
