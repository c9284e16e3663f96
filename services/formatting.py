"""How numbers, dates, times and side names are shown in English and Dutch: the one place for it, used by the
screen, the PDF reports and the human lines of the CSV and XLSX files alike.

Dates read "7 Dec 2026" / "7 dec 2026" and times "14:05" (24 hours) in both languages, so a day and a month
are never confused. A moment is shown on its own clock: stored moments are UTC, so that is UTC unless a page
converted it (the device pass is shown in the browser's zone). Numbers use the language's decimal separator
(Babel, CLDR), a true minus sign and the one display rounding, halves away from zero (assessment.display).
File cells a spreadsheet computes with stay machine-readable: real numbers, and ISO moments (`file_datetime`).
Plurals live in services.plurals (services.i18n needs them, and this module needs services.i18n).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from fractions import Fraction

from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime
from babel.dates import format_time as babel_time
from babel.numbers import format_decimal
from babel.numbers import format_percent as babel_percent

from assessment.display import display_round, exact, signed_text
from questions.model import Instrument, localise
from services.i18n import t
from services.plurals import babel_locale, format_count, plural_category

__all__ = [
    "CLI_LANGUAGE",
    "MINUS",
    "MISSING",
    "file_datetime",
    "format_count",
    "format_date",
    "format_datetime",
    "format_number",
    "format_percent",
    "format_score",
    "format_signed",
    "format_time",
    "plural_category",
    "round_half_up",
    "side_name",
]

DATE_PATTERN = "d MMM y"  # 7 Dec 2026 / 7 dec 2026
TIME_PATTERN = "HH:mm"  # 14:05, 00:00 at midnight
DATETIME_PATTERN = f"{DATE_PATTERN}, {TIME_PATTERN}"
MINUS = "\u2212"  # the true minus sign, as signed_text writes it
MISSING = "–"  # an empty table cell: no date, no number
CLI_LANGUAGE = "en"  # manage.py and the server log speak English


# --- rounding ----------------------------------------------------------------------------------------------


def round_half_up(value: float) -> int:
    """Rounds .5 away from zero, so 62.5 shows as 63: the one display rounding (assessment.display_round)."""
    return display_round(value)


def _quantised(value: Fraction | float, places: int) -> Decimal:
    """`value` at `places` decimals by the display rounding (0.125 -> 0.13, -0.05 -> -0.1), never -0."""
    return Decimal(display_round(exact(value) * 10**places)).scaleb(-places)


# --- numbers -----------------------------------------------------------------------------------------------


def format_score(value: float | None, language: str, missing: str = "report.not_enough") -> str:
    """A 0..100 score as a whole number, or the localised text for a missing score."""
    return str(round_half_up(value)) if value is not None else t(missing, language)


def format_signed(value: float | None, language: str, missing: str = "report.not_enough") -> str:
    """A signed whole number with a true minus sign ("+12", "−12", "0"), or the missing text."""
    if value is None:
        return t(missing, language)
    return signed_text(value)


def format_number(value: float | None, language: str, places: int = 1, *, trim: bool = False) -> str:
    """A number with `places` decimals as the language writes it: "1,234.5" in English, "1.234,5" in Dutch,
    "−0.5" with a true minus sign, never "−0.0"; "–" for None. `trim` drops trailing zeros (0.50 -> 0.5)."""
    if value is None:
        return MISSING
    number = _quantised(value, places)
    pattern = "#,##0" + ("." + ("#" if trim else "0") * places if places else "")
    return _signed(number, format_decimal(abs(number), format=pattern, locale=babel_locale(language)))


def format_percent(share: float | None, language: str, places: int = 0) -> str:
    """A share of 0..1 as a percentage: 0.125 -> "13%" (halves away from zero), with `places` decimals;
    "–" for None."""
    if share is None:
        return MISSING
    number = _quantised(exact(share) * 100, places) / 100
    pattern = "#,##0" + ("." + "0" * places if places else "") + "%"
    return _signed(number, babel_percent(abs(number), format=pattern, locale=babel_locale(language)))


def _signed(number: Decimal, text: str) -> str:
    return (MINUS if number < 0 else "") + text


# --- dates and times ---------------------------------------------------------------------------------------


def format_date(moment: date | datetime | None, language: str) -> str:
    """The day, "7 Dec 2026" / "7 dec 2026", on the moment's own clock; "–" for None."""
    return MISSING if moment is None else babel_date(moment, DATE_PATTERN, locale=babel_locale(language))


def format_time(moment: datetime | time | None, language: str) -> str:
    """The time of day, 24 hours: "14:05", "00:00" at midnight, on the moment's own clock; "–" for None."""
    return MISSING if moment is None else babel_time(moment, TIME_PATTERN, locale=babel_locale(language))


def format_datetime(moment: datetime | None, language: str, *, say_utc: bool = False) -> str:
    """ "7 Dec 2026, 14:05" / "7 dec 2026, 14:05" on the moment's own clock (a naive one is taken as UTC);
    `say_utc` shows it in UTC and says so ("… 14:05 UTC"), for text that does not say it elsewhere."""
    if moment is None:
        return MISSING
    text = babel_datetime(_utc(moment) if say_utc else moment, DATETIME_PATTERN, locale=babel_locale(language))
    return text + " UTC" if say_utc else text


def file_datetime(moment: datetime) -> str:
    """A moment in a file cell, for spreadsheets and scripts: ISO 8601 to the minute in UTC, "2026-03-02 09:30"
    (a naive moment is taken as UTC)."""
    return _utc(moment).strftime("%Y-%m-%d %H:%M")


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# --- words ---------------------------------------------------------------------------------------------------


def side_name(instrument: Instrument, side: str, language: str) -> str:
    """The display name of a side (match, mismatch, value, compassion) from the question bank."""
    return localise(instrument.sides[side], language)
