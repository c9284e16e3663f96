"""The action plan's rules as pure functions (services/actions/rules.py): targets, texts, due dates, status
times, follow-up dates and which questionnaire a follow-up uses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from questions import load_banks
from services.actions.rules import (
    MAX_FOLLOW_UP_DAYS,
    PlanRefused,
    Target,
    check_due_date,
    check_follow_up_dates,
    clean_text,
    covers,
    follow_up_window,
    is_due,
    status_times,
)

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
EARLIER = datetime(2026, 2, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "key, expected",
    [
        ("theme:client_autonomy", Target(theme="client_autonomy")),
        ("element:3", Target(element=3)),
        ("general", Target()),
        ("", Target()),
        (None, Target()),
    ],
)
def test_a_target_key_names_one_target(key, expected):
    assert Target.parse(key) == expected
    assert Target.parse(expected.key) == expected


@pytest.mark.parametrize(
    "key",
    [
        "theme:",
        "element:0",
        "element:6",
        "element:x",
        "domain:client_autonomy",
        "theme:<script>",
        "theme:" + "a" * 65,
        "element:٣",
    ],
)
def test_other_target_keys_are_refused(key):
    with pytest.raises(PlanRefused) as refused:
        Target.parse(key)
    assert refused.value.reason == "target_unknown"


@pytest.mark.parametrize(
    "text, required, expected, reason",
    [
        ("  Ask   clients\nfirst ", True, "Ask clients first", None),
        ("", True, None, "description_missing"),
        ("   \n\t", True, None, "description_missing"),
        ("", False, None, None),
        ("x" * 20, True, "x" * 20, None),
        ("x" * 21, True, None, "description_too_long"),
        ("bell\x07", True, None, "description_bad_characters"),
        ("right-to-left \u202e", True, None, "description_bad_characters"),
        ('=HYPERLINK("x")', True, '=HYPERLINK("x")', None),  # stored literally; files neutralise it
        ("<b>x</b>';--", True, "<b>x</b>';--", None),
    ],
)
def test_texts_are_tidied_limited_and_kept_literally(text, required, expected, reason):
    if reason:
        with pytest.raises(PlanRefused) as refused:
            clean_text(text, limit=20, what="description", required=required)
        assert refused.value.reason == reason
    else:
        assert clean_text(text, limit=20, what="description", required=required) == expected


@pytest.mark.parametrize(
    "due, before, reason",
    [
        (None, None, None),
        (TODAY, None, None),  # today is not the past
        (TODAY - timedelta(days=1), None, "due_in_past"),
        (TODAY - timedelta(days=30), TODAY - timedelta(days=30), None),  # kept as it was, though it has passed
        (TODAY - timedelta(days=2), TODAY - timedelta(days=30), "due_in_past"),  # moved, but still in the past
        (TODAY + timedelta(days=365 * 5), None, None),
        (TODAY + timedelta(days=366 * 5 + 1), None, "due_too_far"),
        (NOW, None, "due_not_a_date"),  # a moment, not a day
        ("2026-03-05", None, "due_not_a_date"),
    ],
)
def test_due_dates(due, before, reason):
    if reason:
        with pytest.raises(PlanRefused) as refused:
            check_due_date(due, before=before, today=TODAY)
        assert refused.value.reason == reason
    else:
        assert check_due_date(due, before=before, today=TODAY) == due


@pytest.mark.parametrize(
    "before, after, started, finished, expected",
    [
        ("planned", "doing", None, None, (NOW, None)),
        ("planned", "done", None, None, (NOW, NOW)),  # done at once: started and finished now
        ("doing", "done", EARLIER, None, (EARLIER, NOW)),  # the first start is kept
        ("done", "doing", EARLIER, EARLIER, (EARLIER, None)),  # reopened: no longer finished
        ("planned", "dropped", None, None, (None, NOW)),  # never started
        ("dropped", "planned", None, EARLIER, (None, None)),
        ("doing", "doing", EARLIER, None, (EARLIER, None)),  # no move, nothing changes
    ],
)
def test_status_times(before, after, started, finished, expected):
    assert status_times(before, after, started_at=started, finished_at=finished, now=NOW) == expected


@pytest.mark.parametrize(
    "opens, closes, expected, reason",
    [
        (TODAY + timedelta(days=1), None, (TODAY + timedelta(days=1), TODAY + timedelta(days=14)), None),
        (TODAY + timedelta(days=7), TODAY + timedelta(days=7), (TODAY + timedelta(days=7),) * 2, None),
        (TODAY, None, None, "follow_up_not_in_future"),  # must be in the future: tomorrow at the earliest
        (TODAY - timedelta(days=3), None, None, "follow_up_not_in_future"),
        (TODAY + timedelta(days=7), TODAY + timedelta(days=6), None, "follow_up_closes_before_opens"),
        (
            TODAY + timedelta(days=1),
            TODAY + timedelta(days=MAX_FOLLOW_UP_DAYS),
            (TODAY + timedelta(days=1), TODAY + timedelta(days=MAX_FOLLOW_UP_DAYS)),
            None,
        ),
        (TODAY + timedelta(days=1), TODAY + timedelta(days=MAX_FOLLOW_UP_DAYS + 1), None, "follow_up_too_long"),
        (TODAY + timedelta(days=366 * 5 + 1), None, None, "follow_up_too_far"),
        (None, None, None, "follow_up_date_missing"),
        (NOW, None, None, "follow_up_date_missing"),
    ],
)
def test_follow_up_dates(opens, closes, expected, reason):
    if reason:
        with pytest.raises(PlanRefused) as refused:
            check_follow_up_dates(opens, closes, today=TODAY)
        assert refused.value.reason == reason
    else:
        assert check_follow_up_dates(opens, closes, today=TODAY) == expected


@pytest.mark.parametrize(
    "opens, closes, today, expected",
    [
        (date(2026, 3, 10), date(2026, 3, 23), date(2026, 3, 2), (date(2026, 3, 10), date(2026, 3, 23))),
        (date(2026, 3, 10), date(2026, 3, 23), date(2026, 3, 10), (date(2026, 3, 10), date(2026, 3, 23))),
        # started five days late: the whole window moves on, same length
        (date(2026, 3, 10), date(2026, 3, 23), date(2026, 3, 15), (date(2026, 3, 15), date(2026, 3, 28))),
    ],
)
def test_a_late_start_keeps_the_planned_length(opens, closes, today, expected):
    assert follow_up_window(opens, closes, today=today) == expected


@pytest.mark.parametrize(
    "opens, due",
    [
        (TODAY - timedelta(days=3), True),
        (TODAY, True),
        (TODAY + timedelta(days=14), True),
        (TODAY + timedelta(days=15), False),
    ],
)
def test_a_follow_up_is_due_two_weeks_before_its_first_day(opens, due):
    assert is_due(opens, today=TODAY) is due


@pytest.fixture(scope="module")
def bank_and_short_form():
    banks = load_banks()
    bank = next(b for b in banks.values() if b.form_id is None)
    form = next(b for b in banks.values() if b.form_id == "workshop")
    return bank, form


@pytest.mark.parametrize(
    "target, on_short_form",
    [
        (Target(theme="client_autonomy"), True),
        (Target(theme="technology_push"), True),
        (Target(theme="helping_people"), False),  # the short form asks nothing about the professional's values
        (Target(element=1), True),
        (Target(element=5), True),  # through the element tags of the organisation statements
        (Target(), True),
    ],
)
def test_what_the_short_form_measures(bank_and_short_form, target, on_short_form):
    bank, form = bank_and_short_form
    assert covers(bank, target)
    assert covers(form, target) is on_short_form
