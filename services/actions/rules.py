"""The rules of an action plan as pure functions: what an action may address, the limits of its texts, its
due date, how its status moves, and the dates of a follow-up round. No database, no Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from db.action_models import (
    ACTION_KINDS,
    ACTION_STATUSES,
    DESCRIPTION_LENGTH,
    NOTE_LENGTH,
    OWNER_LENGTH,
)
from questions.model import Instrument
from services.errors import InvalidInput
from services.text_rules import has_odd_characters

__all__ = [
    "ACTION_KINDS",
    "ACTION_STATUSES",
    "DESCRIPTION_LENGTH",
    "DUE_SOON_DAYS",
    "FOLLOW_UP_DAYS",
    "FOLLOW_UP_FORM",
    "MAX_AHEAD_DAYS",
    "MAX_FOLLOW_UP_DAYS",
    "NOTE_LENGTH",
    "OPEN_STATUSES",
    "OWNER_LENGTH",
    "PlanRefused",
    "Target",
    "as_utc",
    "check_due_date",
    "check_follow_up_dates",
    "check_kind",
    "check_status",
    "clean_text",
    "covers",
    "follow_up_window",
    "is_due",
    "status_times",
]

OPEN_STATUSES = ("planned", "doing")
MAX_AHEAD_DAYS = 5 * 366  # a due date or follow-up further away than about five years is a typing slip
FOLLOW_UP_DAYS = 14  # a follow-up round's usual length: two weeks
MAX_FOLLOW_UP_DAYS = 12 * 7  # and its longest
DUE_SOON_DAYS = 14  # a scheduled follow-up is listed as due this many days before its first day
FOLLOW_UP_FORM = "workshop"  # the bank's short form, used when it measures what the action addresses


class PlanRefused(InvalidInput):
    """Input the action plan refuses; `reason` names the message the page shows, `values` fill it in."""

    def __init__(self, reason: str, **values: object) -> None:
        self.reason = reason
        self.values = values
        super().__init__(reason)


@dataclass(frozen=True)
class Target:
    """What an action addresses: a theme (a domain id of the question bank), a compassion element (1..5), or
    neither (the intervention as a whole). `key` is how a link or a choice names it."""

    theme: str | None = None
    element: int | None = None

    def __post_init__(self) -> None:
        if self.theme is not None and self.element is not None:
            raise ValueError("a target is a theme or an element, not both")

    @property
    def key(self) -> str:
        if self.theme is not None:
            return f"theme:{self.theme}"
        if self.element is not None:
            return f"element:{self.element}"
        return "general"

    @classmethod
    def parse(cls, key: object) -> Target:
        """The target a key names ("theme:<id>", "element:<1..5>", "general"); PlanRefused("target_unknown")
        for anything else. Whether the theme exists is checked against the question bank elsewhere."""
        if isinstance(key, Target):
            return key
        if key in (None, "", "general"):
            return cls()
        text = str(key)
        kind, _, value = text.partition(":")
        if kind == "theme" and value and len(value) <= 64 and value.replace("_", "").isalnum() and value.isascii():
            return cls(theme=value)
        if kind == "element" and value.isascii() and value.isdigit() and 1 <= int(value) <= 5:
            return cls(element=int(value))
        raise PlanRefused("target_unknown")


def as_utc(now: datetime | None) -> datetime:
    """`now` as an aware UTC moment (None: this moment; a naive one is taken as UTC)."""
    if now is None:
        return datetime.now(UTC)
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def clean_text(text: object, *, limit: int, what: str, required: bool = True) -> str | None:
    """Typed text with its spaces tidied (runs of whitespace made one space); stored exactly so otherwise.
    PlanRefused("<what>_missing" | "<what>_too_long" | "<what>_bad_characters"); None when optional and empty."""
    if text is not None and not isinstance(text, str):
        raise PlanRefused(f"{what}_missing")
    tidy = " ".join((text or "").split())
    if not tidy:
        if required:
            raise PlanRefused(f"{what}_missing")
        return None
    if len(tidy) > limit:
        raise PlanRefused(f"{what}_too_long", max=limit, length=len(tidy))
    if has_odd_characters(tidy):
        raise PlanRefused(f"{what}_bad_characters")
    return tidy


def check_kind(kind: object) -> str:
    if kind not in ACTION_KINDS:
        raise PlanRefused("kind_unknown")
    return str(kind)


def check_status(status: object) -> str:
    if status not in ACTION_STATUSES:
        raise PlanRefused("status_unknown")
    return str(status)


def check_due_date(due_on: object, *, before: date | None, today: date) -> date | None:
    """A due date may be none, the one the action already has (even when that day has passed), or a day from
    today up to about five years ahead."""
    if due_on is None:
        return None
    if isinstance(due_on, datetime) or not isinstance(due_on, date):
        raise PlanRefused("due_not_a_date")
    if due_on == before:
        return due_on
    if due_on < today:
        raise PlanRefused("due_in_past")
    if due_on > today + timedelta(days=MAX_AHEAD_DAYS):
        raise PlanRefused("due_too_far")
    return due_on


def check_follow_up_dates(opens_on: object, closes_on: object, *, today: date) -> tuple[date, date]:
    """A follow-up round's first day is in the future (tomorrow at the earliest); its last day is on or after
    its first, at most MAX_FOLLOW_UP_DAYS later. No last day: FOLLOW_UP_DAYS after the first."""
    if isinstance(opens_on, datetime) or not isinstance(opens_on, date):
        raise PlanRefused("follow_up_date_missing")
    if closes_on is None:
        closes_on = opens_on + timedelta(days=FOLLOW_UP_DAYS - 1)
    if isinstance(closes_on, datetime) or not isinstance(closes_on, date):
        raise PlanRefused("follow_up_date_missing")
    if opens_on <= today:
        raise PlanRefused("follow_up_not_in_future")
    if opens_on > today + timedelta(days=MAX_AHEAD_DAYS):
        raise PlanRefused("follow_up_too_far")
    if closes_on < opens_on:
        raise PlanRefused("follow_up_closes_before_opens")
    if (closes_on - opens_on).days + 1 > MAX_FOLLOW_UP_DAYS:
        raise PlanRefused("follow_up_too_long", days=MAX_FOLLOW_UP_DAYS)
    return opens_on, closes_on


def status_times(
    before: str, after: str, *, started_at: datetime | None, finished_at: datetime | None, now: datetime
) -> tuple[datetime | None, datetime | None]:
    """When the action first started (kept once set) and when it finished (done or dropped; cleared when it
    is reopened), after its status moved from `before` to `after`."""
    if after == before:
        return started_at, finished_at
    if after in ("doing", "done") and started_at is None:
        started_at = now
    finished_at = now if after in ("done", "dropped") else None
    return started_at, finished_at


def follow_up_window(opens_on: date, closes_on: date, *, today: date) -> tuple[date, date]:
    """The round's first and last day when it is started today: as scheduled, or moved on as a whole (same
    length) when its first day has passed, so that a late start still gives people the time planned."""
    if opens_on >= today:
        return opens_on, closes_on
    shift = today - opens_on
    return today, closes_on + shift


def is_due(opens_on: date, *, today: date, within_days: int = DUE_SOON_DAYS) -> bool:
    """A scheduled follow-up needs an admin from `within_days` before its first day (links take time to hand out)."""
    return opens_on <= today + timedelta(days=within_days)


def covers(instrument: Instrument, target: Target) -> bool:
    """Whether answers on `instrument` (a bank or one of its short forms) give a score for the target."""
    if target.theme is not None:
        return any(domain.id == target.theme for domain in instrument.domains)
    if target.element is not None:
        return bool(instrument.lens_items(target.element))
    return True
