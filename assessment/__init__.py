"""The scoring core: pure functions over an instrument and one respondent's answers."""

from .display import display_round, exact, signed_text
from .errors import AnswerError
from .interpretation import AlignmentReading, ThemeReading, alignment_reading, theme_readings, where_to_start
from .scoring import DomainScore, ElementScore, ScoreReport, ValueGap, check_answers, missing_answers, score_answers

__all__ = [
    "AlignmentReading",
    "AnswerError",
    "DomainScore",
    "ElementScore",
    "ScoreReport",
    "ThemeReading",
    "ValueGap",
    "alignment_reading",
    "check_answers",
    "display_round",
    "exact",
    "missing_answers",
    "score_answers",
    "signed_text",
    "theme_readings",
    "where_to_start",
]
