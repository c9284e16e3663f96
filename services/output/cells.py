"""Spreadsheet cells that cannot run: text a spreadsheet would read as a formula is made inert."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet reads a cell starting with one of these as a formula (CSV injection)."""


def neutralise_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, made inert by a leading apostrophe.

    Only strings are changed; numbers (also negative ones), None and booleans pass through as they are.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
