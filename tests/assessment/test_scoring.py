"""Scoring rules: golden files of worked answers, table-driven rules, and properties for any answers."""

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment import AnswerError, check_answers, missing_answers, score_answers
from assessment.scoring import alignment_band, band_of, enough
from questions import load_banks, load_instrument

FIXTURES = Path(__file__).parents[1] / "fixtures"
GOLDEN = sorted((FIXTURES / "golden").glob("*.yaml"))
MINI = load_instrument(FIXTURES / "mini-bank.yaml")
BANKS = [MINI, *load_banks().values()]


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_golden_files(path):
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    bank = load_instrument(FIXTURES / case["bank"])
    report = score_answers(bank, case["answers"])
    flat = {key: value for key, (value, _status) in report.flat().items()}
    for key, expected in case["expected"].items():
        assert flat[key] == (pytest.approx(expected) if expected is not None else None), key
    assert set(flat) == set(case["expected"])
    for domain, band in case["bands"].items():
        actual = report.alignment_band if domain == "alignment" else report.domain(domain).band
        assert actual == band, domain


@pytest.mark.parametrize(
    "answered, n_items, ok",
    [
        (0, 1, False),
        (1, 1, True),
        (1, 2, True),
        (0, 2, False),
        (1, 3, False),
        (2, 3, True),
        (2, 4, True),
        (1, 4, False),
        (0, 0, False),
    ],
)
def test_at_least_half_answered(answered, n_items, ok):
    assert enough(answered, n_items) is ok


@pytest.mark.parametrize(
    "score, band",
    [
        (None, None),
        (0, "low"),
        (37.5, "low"),
        (37.6, "middle"),
        (62.4, "middle"),
        (62.5, "high"),
        (100, "high"),
    ],
)
def test_domain_bands(score, band):
    assert band_of(score) == band


@pytest.mark.parametrize(
    "index, band",
    [
        (None, None),
        (-100, "misaligned"),
        (-25, "misaligned"),
        (-24.9, "mixed"),
        (0, "mixed"),
        (24.9, "mixed"),
        (25, "aligned"),
        (100, "aligned"),
    ],
)
def test_alignment_bands(index, band):
    assert alignment_band(MINI, index) == band


@pytest.mark.parametrize(
    "answers, fragment",
    [
        ({"zz": 3}, "unknown item 'zz'"),
        ({"a1": 6}, "item 'a1': 6 is not on the scale 1..5"),
        ({"a1": 0}, "not on the scale"),
        ({"a1": "3"}, "not on the scale"),
        ({"a1": 2.5}, "not on the scale"),
        ({"a1": True}, "not on the scale"),
        ({"a1": "NA"}, "not on the scale"),
    ],
)
def test_bad_answers_are_refused(answers, fragment):
    with pytest.raises(AnswerError, match=fragment):
        score_answers(MINI, answers)


def test_not_applicable_and_none_are_accepted():
    assert check_answers(MINI, {"a1": "na", "a2": None, "n1": 4}) == {"a1": "na", "n1": 4}


def test_missing_answers_in_questionnaire_order():
    answers = {"a1": 3, "n1": "na", "imp_helping": 4}
    assert missing_answers(MINI, answers) == ["a2", "n2", "p1", "p2", "h1", "h2", "r1", "r2"]


def answers_for(bank):
    """Any valid set of answers (some missing, some not applicable) for a bank."""
    choices = st.one_of(st.none(), st.just("na"), st.integers(bank.scale.min, bank.scale.max))
    return st.fixed_dictionaries({q: choices for q in bank.question_ids})


def _in_range(value, lo, hi):
    return value is None or lo - 1e-9 <= value <= hi + 1e-9


@pytest.mark.parametrize("bank", BANKS, ids=[b.label for b in BANKS])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_every_score_within_its_range(bank, data):
    report = score_answers(bank, data.draw(answers_for(bank)))
    for key, (value, status) in report.flat().items():
        lo, hi = (-100, 100) if key == "alignment_index" or key.startswith("gap:") else (0, 100)
        assert _in_range(value, lo, hi), (key, value)
        assert (status == "ok") == (value is not None)


@pytest.mark.parametrize("bank", BANKS, ids=[b.label for b in BANKS])
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_mirroring_an_answer_mirrors_its_contribution(bank, data):
    """Answering x on a reversed item counts like answering (min+max-x) on the same item unreversed."""
    answers = data.draw(answers_for(bank))
    item = data.draw(st.sampled_from(bank.items))
    value = data.draw(st.integers(bank.scale.min, bank.scale.max))
    mirrored = bank.scale.min + bank.scale.max - value
    flipped = _with_reverse(bank, item.id)
    original = score_answers(bank, {**answers, item.id: value}).flat()
    assert score_answers(flipped, {**answers, item.id: mirrored}).flat() == original


@pytest.mark.parametrize("bank", BANKS, ids=[b.label for b in BANKS])
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_more_agreement_on_a_match_item_never_lowers_alignment(bank, data):
    answers = data.draw(answers_for(bank))
    item = data.draw(st.sampled_from([i for i in bank.items if i.side == "match" and not i.reverse]))
    low = score_answers(bank, {**answers, item.id: bank.scale.min}).alignment_index
    high = score_answers(bank, {**answers, item.id: bank.scale.max}).alignment_index
    if low is not None and high is not None:
        assert high >= low


def _with_reverse(bank, item_id):
    from dataclasses import replace

    items = tuple(replace(i, reverse=not i.reverse) if i.id == item_id else i for i in bank.items)
    return replace(bank, items=items)
