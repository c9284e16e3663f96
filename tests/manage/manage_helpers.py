"""Shared helpers and constants of the admin CLI tests (tests/manage/)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import manage

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
MINI_BANK = FIXTURES / "mini-bank.yaml"
GOLDEN = yaml.safe_load((FIXTURES / "golden" / "mini-aligned.yaml").read_text(encoding="utf-8"))
COMMANDS = ["init-db", "validate-questions", "score", "add-intervention", "list-interventions"]


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = manage.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def golden_csv(**changes: str) -> str:
    """The hand-worked golden answers as a one-respondent CSV (changes: item id -> cell text)."""
    cells = {k: str(v) for k, v in GOLDEN["answers"].items()} | changes
    return "respondent," + ",".join(cells) + "\nR1," + ",".join(cells.values()) + "\n"
