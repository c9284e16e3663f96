"""services/formatting.py: every number, date and time a person reads, in English and Dutch, and the
machine forms of file cells. Table-driven: (input, language, expected)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from services import formatting
from services.formatting import (
    file_datetime,
    format_count,
    format_date,
    format_datetime,
    format_number,
    format_percent,
    format_score,
    format_signed,
    format_time,
    round_half_up,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    ("value", "places", "language", "expected"),
    [
        (62.45, 1, "en", "62.5"),
        (62.45, 1, "nl", "62,5"),
        (0.125, 2, "en", "0.13"),  # half away from zero, where Python's round gives 0.12
        (0.125, 2, "nl", "0,13"),
        (2.675, 2, "en", "2.68"),  # the float is 2.67499999...; read at nine decimals it is 2.675
        (-0.125, 2, "en", "−0.13"),  # true minus sign, rounded away from zero
        (-0.125, 2, "nl", "−0,13"),
        (-0.04, 1, "en", "0.0"),  # rounds to zero: no "−0.0"
        (-0.0, 1, "nl", "0,0"),  # negative zero
        (-0.0, 0, "en", "0"),
        (0.0, 2, "nl", "0,00"),
        (-2.5, 0, "en", "−3"),
        (2.5, 0, "nl", "3"),
        (1234.55, 1, "en", "1,234.6"),  # the language's grouping
        (1234.55, 1, "nl", "1.234,6"),
        (-1234.5, 0, "nl", "−1.235"),
        (0.7, 1, "nl", "0,7"),
        (Fraction(1, 3), 2, "en", "0.33"),
        (None, 1, "en", "–"),
        (None, 2, "nl", "–"),
    ],
)
def test_format_number(value, places, language, expected):
    assert format_number(value, language, places) == expected


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        (0.5, "en", "0.5"),
        (0.5, "nl", "0,5"),
        (0.25, "nl", "0,25"),
        (1.0, "en", "1"),
        (0.0, "nl", "0"),
        (0.7, "en", "0.7"),
        (0.999, "en", "1"),
        (-0.5, "nl", "−0,5"),
    ],
)
def test_format_number_trimmed(value, language, expected):
    assert format_number(value, language, 2, trim=True) == expected


@pytest.mark.parametrize(
    ("share", "places", "language", "expected"),
    [
        (0.125, 0, "en", "13%"),  # 12.5% shows as 13%, the display rounding
        (0.125, 0, "nl", "13%"),
        (0.12345, 1, "en", "12.3%"),
        (0.12345, 1, "nl", "12,3%"),
        (0.0, 0, "en", "0%"),
        (1.0, 0, "nl", "100%"),
        (-0.004, 0, "en", "0%"),  # no "−0%"
        (-0.25, 0, "nl", "−25%"),
        (2 / 3, 0, "en", "67%"),
        (None, 0, "en", "–"),
    ],
)
def test_format_percent(share, places, language, expected):
    assert format_percent(share, language, places) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (62.5, 63),
        (-62.5, -63),
        (62.49999999999999, 63),
        (0.4, 0),
        (-0.4, 0),
        (-0.0, 0),
    ],
)
def test_round_half_up_is_the_display_rounding(value, expected):
    assert round_half_up(value) == expected


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        (12.4, "en", "+12"),
        (-12.5, "nl", "−13"),
        (0.4, "en", "0"),
        (-0.4, "nl", "0"),
        (-0.0, "en", "0"),
    ],
)
def test_format_signed(value, language, expected):
    assert format_signed(value, language) == expected


@pytest.mark.parametrize(("value", "language", "expected"), [(62.5, "en", "63"), (0.0, "nl", "0"), (99.49, "en", "99")])
def test_format_score(value, language, expected):
    assert format_score(value, language) == expected


@pytest.mark.parametrize("language", ["en", "nl"])
def test_missing_scores_say_so_in_the_language(language):
    assert format_score(None, language) == formatting.t("report.not_enough", language)
    assert format_score(None, language, "report.not_answered") == formatting.t("report.not_answered", language)
    assert format_signed(None, language) == formatting.t("report.not_enough", language)


@pytest.mark.parametrize(
    ("count", "language", "expected"),
    [
        (0, "en", "0"),
        (1250, "en", "1,250"),
        (1250, "nl", "1.250"),
        (7, "nl", "7"),
    ],
)
def test_format_count(count, language, expected):
    assert format_count(count, language) == expected


@pytest.mark.parametrize(
    ("moment", "language", "expected"),
    [
        (date(2026, 12, 7), "en", "7 Dec 2026"),
        (date(2026, 12, 7), "nl", "7 dec 2026"),
        (date(2026, 3, 1), "en", "1 Mar 2026"),
        (date(2026, 3, 1), "nl", "1 mrt 2026"),  # Dutch month abbreviation
        (date(2026, 5, 31), "nl", "31 mei 2026"),
        (date(2026, 10, 2), "nl", "2 okt 2026"),
        (datetime(2026, 12, 31, 23, 59, tzinfo=UTC), "en", "31 Dec 2026"),
        (datetime(2027, 1, 1, 0, 0, tzinfo=UTC), "nl", "1 jan 2027"),
        # on the moment's own clock: 23:30 UTC on New Year's Eve is already the new year in Amsterdam
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC).astimezone(AMSTERDAM), "nl", "1 jan 2027"),
        (datetime(2026, 12, 31, 23, 30), "en", "31 Dec 2026"),  # naive: as it is
        (None, "en", "–"),
    ],
)
def test_format_date(moment, language, expected):
    assert format_date(moment, language) == expected


@pytest.mark.parametrize(
    ("moment", "language", "expected"),
    [
        (datetime(2026, 12, 7, 14, 5, tzinfo=UTC), "en", "14:05"),
        (datetime(2026, 12, 7, 14, 5, tzinfo=UTC), "nl", "14:05"),
        (datetime(2026, 12, 7, 0, 0, tzinfo=UTC), "en", "00:00"),  # midnight, 24 hours
        (datetime(2026, 12, 7, 12, 0, tzinfo=UTC), "nl", "12:00"),
        (time(9, 3), "en", "09:03"),
        (datetime(2026, 7, 1, 22, 30, tzinfo=UTC).astimezone(AMSTERDAM), "nl", "00:30"),  # summer time, own clock
        (None, "nl", "–"),
    ],
)
def test_format_time(moment, language, expected):
    assert format_time(moment, language) == expected


@pytest.mark.parametrize(
    ("moment", "language", "say_utc", "expected"),
    [
        (datetime(2026, 12, 7, 14, 5, tzinfo=UTC), "en", False, "7 Dec 2026, 14:05"),
        (datetime(2026, 12, 7, 14, 5, tzinfo=UTC), "nl", False, "7 dec 2026, 14:05"),
        (datetime(2026, 12, 7, 0, 0, tzinfo=UTC), "nl", False, "7 dec 2026, 00:00"),
        (datetime(2026, 12, 7, 14, 5), "en", False, "7 Dec 2026, 14:05"),  # naive = UTC
        (datetime(2026, 12, 7, 14, 5, tzinfo=UTC), "en", True, "7 Dec 2026, 14:05 UTC"),
        (datetime(2026, 12, 7, 14, 5), "nl", True, "7 dec 2026, 14:05 UTC"),
        # say_utc converts: 00:30 in Amsterdam on 1 January is 23:30 UTC the year before
        (datetime(2027, 1, 1, 0, 30, tzinfo=AMSTERDAM), "en", True, "31 Dec 2026, 23:30 UTC"),
        (datetime(2027, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))), "nl", False, "1 jan 2027, 00:30"),
        (None, "en", False, "–"),
        (None, "nl", True, "–"),
    ],
)
def test_format_datetime(moment, language, say_utc, expected):
    assert format_datetime(moment, language, say_utc=say_utc) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 3, 2, 9, 30, tzinfo=UTC), "2026-03-02 09:30"),
        (datetime(2026, 3, 2, 9, 30), "2026-03-02 09:30"),  # naive = UTC
        (datetime(2027, 1, 1, 0, 30, tzinfo=AMSTERDAM), "2026-12-31 23:30"),  # always in UTC
    ],
)
def test_file_datetime_is_iso_in_utc(moment, expected):
    assert file_datetime(moment) == expected


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_human_form_is_the_same_on_screen_and_in_files(language):
    """The shared forms do not depend on where they are used: one pattern per kind."""
    moment = datetime(2026, 12, 7, 14, 5, tzinfo=UTC)
    assert format_datetime(moment, language) == f"{format_date(moment, language)}, {format_time(moment, language)}"
