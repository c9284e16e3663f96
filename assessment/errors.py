"""Errors of the scoring core."""

from __future__ import annotations


class AnswerError(ValueError):
    """Answers that do not fit the instrument (unknown item ids, values off the scale)."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))
