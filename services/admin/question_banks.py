"""Question banks for the admin commands: check bank files before installing them, and pick the bank
to score with.

QuestionBankError problems are returned (check_banks) or become a StartupError (default_bank); nothing
here prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from questions import Instrument, QuestionBankError, derive_forms, load_banks, load_instrument
from services.errors import StartupError
from services.runtime import newest
from services.settings import Settings


@dataclass(frozen=True)
class BankCheck:
    valid: list[Instrument]  # each valid bank followed by its derived short forms
    problems: list[str]


def check_banks(path: str | Path) -> BankCheck:
    """Validate one bank file, or every bank in a folder (with the checks across files the app makes)."""
    path = Path(path)
    if not path.is_dir():
        try:
            bank = load_instrument(path)
            return BankCheck([bank, *derive_forms(bank)], [])
        except QuestionBankError as exc:
            return BankCheck([], exc.problems)
    loaded: list[Instrument] = []
    problems: list[str] = []
    for file in sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")):
        try:
            loaded.append(load_instrument(file))
        except QuestionBankError as exc:
            problems.extend(exc.problems)
    try:
        load_banks(path)  # the app's own loading: adds what only shows across files (same version twice)
    except QuestionBankError as exc:
        problems.extend(p for p in exc.problems if p not in problems)
    valid = [i for i in loaded if not any(p.startswith(f"{i.source}:") for p in problems)]
    return BankCheck([f for bank in valid for f in (bank, *derive_forms(bank))], problems)


def default_bank(settings: Settings) -> Instrument:
    """The bank new assessments use: the newest version of settings.instrument."""
    try:
        banks = load_banks(settings.question_banks_dir)
    except QuestionBankError as exc:
        raise StartupError(str(exc)) from None
    return newest(banks, settings.instrument)
