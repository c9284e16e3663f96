"""Issue 15: bands are decided on exact values and every number is rounded once, the same way everywhere."""

from fractions import Fraction
from pathlib import Path

import pytest

from assessment import display_round, score_answers, signed_text
from assessment.scoring import alignment_band, band_of
from questions import load_instrument

BANK = load_instrument(Path(__file__).parents[2] / "questions" / "banks" / "valuematch-1.0.yaml")

# Answers whose alignment index is exactly +25 / -25; summed in floats they gave 24.99999999999999 and
# -24.999999999999986, shown as "mixed".
EXACTLY_PLUS_25 = {
    "ca1": 5,
    "ca2": 2,
    "ca3": 2,
    "tn1": 3,
    "tn2": 4,
    "tn3": 5,
    "fb1": 2,
    "fb2": 1,
    "fb3": 2,
    "tp1": 3,
    "tp2": 1,
    "tp3": 4,
}
EXACTLY_MINUS_25 = {
    "ca1": 4,
    "ca2": 5,
    "ca3": 1,
    "tn1": 2,
    "tn2": 2,
    "tn3": 5,
    "fb1": 5,
    "fb2": 2,
    "fb3": 1,
    "tp1": 5,
    "tp2": 3,
    "tp3": 1,
}


@pytest.mark.parametrize(
    "answers, index, band",
    [
        (EXACTLY_PLUS_25, 25, "aligned"),
        (EXACTLY_MINUS_25, -25, "misaligned"),
    ],
)
def test_an_index_of_exactly_25_is_exact_and_in_its_band(answers, index, band):
    report = score_answers(BANK, answers)
    assert report.alignment_index == index
    assert report.alignment_band == band
    assert signed_text(report.alignment_index) == ("+25" if index > 0 else "−25")


@pytest.mark.parametrize(
    "index, band",
    [
        (Fraction(-25), "misaligned"),
        (-25.000000000000004, "misaligned"),
        (-24.999999999999986, "misaligned"),
        (Fraction(-2499999, 100000), "mixed"),
        (-24.99, "mixed"),
        (0, "mixed"),
        (24.99, "mixed"),
        (Fraction(2499999, 100000), "mixed"),
        (24.99999999999999, "aligned"),
        (24.999999999999993, "aligned"),
        (Fraction(25), "aligned"),
        (25.0, "aligned"),
        (100, "aligned"),
        (-100, "misaligned"),
    ],
)
def test_alignment_band_at_every_boundary(index, band):
    assert alignment_band(BANK, index) == band


@pytest.mark.parametrize(
    "score, band",
    [
        (Fraction(75, 2), "low"),
        (37.49999999999999, "low"),
        (37.50000000000001, "low"),
        (37.51, "middle"),
        (62.49, "middle"),
        (62.49999999999999, "high"),
        (Fraction(125, 2), "high"),
        (62.5, "high"),
    ],
)
def test_theme_band_at_every_boundary(score, band):
    assert band_of(score) == band


@pytest.mark.parametrize(
    "value, shown",
    [
        (62.5, 63),
        (62.49999999999999, 63),
        (62.4999, 62),
        (Fraction(125, 2), 63),
        (37.5, 38),
        (-62.5, -63),
        (-0.4, 0),
        (0.5, 1),
        (-0.5, -1),
        (33.333333333333336, 33),
        (66.66666666666667, 67),
        (49.99999999999999, 50),
        (100, 100),
        (0, 0),
    ],
)
def test_display_round_goes_half_up_on_exact_decimals(value, shown):
    assert display_round(value) == shown


@pytest.mark.parametrize("value, text", [(50, "+50"), (-50, "−50"), (0, "0"), (-0.4, "0"), (12.5, "+13")])
def test_one_sign_convention(value, text):
    assert signed_text(value) == text
