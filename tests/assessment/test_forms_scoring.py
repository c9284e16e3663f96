"""Scoring a short form: the same scoring, on the form's items only; the full instrument is unchanged."""

import pytest

from assessment import AnswerError, missing_answers, score_answers
from questions import BANKS_DIR, derive_form, load_instrument, parse_instrument

SHIPPED = BANKS_DIR / "valuematch-1.0.yaml"
BANK = load_instrument(SHIPPED)
WORKSHOP = derive_form(BANK, BANK.form("workshop"))


def _answers(instrument, offset=0):
    """Every scored item answered, values cycling over the scale, every 7th not applicable."""
    points = instrument.scale.points
    return {
        q: "na" if n % 7 == 6 else points[(n + offset) % len(points)] for n, q in enumerate(instrument.required_ids)
    }


@pytest.mark.parametrize("value", [1, 3, 4, 5])
def test_all_twelve_answered_scores_every_theme_index_and_element(value):
    report = score_answers(WORKSHOP, {q: value for q in WORKSHOP.required_ids})
    for side in ("match", "mismatch"):
        assert [d.domain for d in report.domains if d.side == side] == [d.id for d in BANK.domains_on(side)]
    assert all(d.score is not None for d in report.domains)
    assert report.alignment_index is not None and report.alignment_band is not None
    assert [(e.element, e.status) for e in report.elements] == [(n, "ok") for n in (1, 2, 3, 4, 5)]
    assert report.gaps == () and report.answered == 12
    assert report.instrument_hash == WORKSHOP.content_hash


def test_form_domain_scores_equal_the_full_bank_on_the_same_answers():
    answers = _answers(WORKSHOP)
    on_form = score_answers(WORKSHOP, answers)
    on_bank = score_answers(BANK, answers)  # the bank's other items unanswered
    for domain in on_form.domains:
        full = on_bank.domain(domain.domain)
        if full.score is not None:
            assert domain.score == pytest.approx(full.score), domain.domain


def test_form_refuses_items_outside_it_and_asks_only_for_its_own():
    with pytest.raises(AnswerError, match="unknown item 'ca2'"):
        score_answers(WORKSHOP, {"ca2": 3})
    assert missing_answers(WORKSHOP, {}) == list(WORKSHOP.question_ids)


@pytest.mark.parametrize("offset", [0, 1, 2, 3, 4])
def test_full_instrument_scores_unchanged_by_forms(offset):
    text = SHIPPED.read_text(encoding="utf-8")
    without_forms = parse_instrument(text[: text.index("\nforms:")], "no-forms.yaml")
    assert without_forms.forms == () and BANK.forms
    answers = _answers(BANK, offset)
    assert score_answers(BANK, answers) == score_answers(without_forms, answers)
