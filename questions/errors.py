"""Errors of the question bank."""

from __future__ import annotations


class QuestionBankError(Exception):
    """A question bank file is missing or invalid; `problems` lists every problem found."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = list(problems)
        listing = "\n".join(f"- {p}" for p in self.problems)
        super().__init__(f"Invalid question bank {source} ({len(self.problems)} problem(s)):\n{listing}")
