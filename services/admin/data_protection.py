"""Data protection: retention (`manage.py purge --older-than`) and erasure by resume code (`manage.py erase`).

Each call is one transaction: the rows go, the dashboard's tallies of the organisations concerned are
rebuilt from what remains, and one audit row records the counts (never a resume code). A dry run does
the same work and rolls it back, so its counts are exactly what a real run would delete.
Nothing here prints.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from db import accounts as db_accounts
from db import respondents as db_respondents
from db import retention
from services.errors import InvalidInput, NotFound
from services.respond.resume_codes import code_hash, normalise
from services.runtime import Runtime

UNITS = {"d": "days", "w": "weeks", "m": "months", "y": "years"}
MAX_YEARS = 100
DURATION_HINT = "a whole number and a unit without a space: 365d (days), 26w (weeks), 18m (months) or 2y (years)"
_DURATION = re.compile(r"([0-9]{1,6})([dwmy])")


@dataclass(frozen=True)
class RetentionPeriod:
    """How old data may get, e.g. 18 months; `text` as it was given ("18m")."""

    amount: int
    unit: str  # d, w, m or y
    text: str

    def cutoff(self, now: datetime) -> datetime:
        """The moment `amount` units before `now`: what was made before it is older than the period.

        Months and years are calendar ones; a day that the earlier month lacks becomes its last day
        (31 March minus 1 month is 28 or 29 February).
        """
        if self.unit in ("d", "w"):
            return now - timedelta(days=self.amount * (7 if self.unit == "w" else 1))
        months = self.amount * (12 if self.unit == "y" else 1)
        index = now.year * 12 + (now.month - 1) - months
        year, month = divmod(index, 12)
        day = min(now.day, calendar.monthrange(year, month + 1)[1])
        return now.replace(year=year, month=month + 1, day=day)


def parse_period(text: str) -> RetentionPeriod:
    """'365d', '26w', '18m' or '2y' as a RetentionPeriod; InvalidInput saying the accepted forms otherwise."""
    cleaned = (text or "").strip()
    match = _DURATION.fullmatch(cleaned)
    if match is None:
        raise InvalidInput(f"'{text}' is not a period: give {DURATION_HINT}")
    amount, unit = int(match.group(1)), match.group(2)
    if amount == 0:
        raise InvalidInput(f"'{text}' is zero: give a period of at least one {UNITS[unit][:-1]}")
    days_per_unit = {"d": 1, "w": 7, "m": 31, "y": 366}[unit]
    if amount * days_per_unit > MAX_YEARS * 366:
        raise InvalidInput(f"'{text}' is longer than {MAX_YEARS} years")
    return RetentionPeriod(amount, unit, cleaned)


@dataclass(frozen=True)
class Deleted:
    """What a purge or erasure deleted (or, for a dry run, would delete): rows per kind (retention.KINDS)."""

    counts: dict[str, int]
    dry_run: bool
    cutoff: datetime | None = None  # purge only

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def purge(
    rt: Runtime,
    *,
    older_than: str | RetentionPeriod,
    dry_run: bool = False,
    now: datetime | None = None,
    actor_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Deleted:
    """Delete responses, drafts, workshop data, invitations of old rounds and more older than the period.

    See db/retention.py purge_before for what exactly goes. Logged as "data_purged" with the counts.
    `progress(done, total)` hears of each step (each kind of row deleted, each organisation's tallies).
    """
    period = older_than if isinstance(older_than, RetentionPeriod) else parse_period(older_than)
    cutoff = period.cutoff(now or datetime.now(UTC))

    def work(session: Session) -> dict[str, int]:
        counts = retention.purge_before(session, cutoff=cutoff, progress=progress)
        db_accounts.add_audit(
            session,
            actor_id=actor_id,
            action="data_purged",
            detail={"older_than": period.text, "cutoff": cutoff.isoformat(), **counts},
        )
        return counts

    return Deleted(_one_transaction(rt, work, keep=not dry_run), dry_run, cutoff)


def erase(rt: Runtime, *, resume_code: str, dry_run: bool = False, actor_id: int | None = None) -> Deleted:
    """Delete everything stored under a resume code: its responses with their answers and scores, its
    drafts, its workshop entries, and the code's record itself. Logged as "respondent_erased" with the
    counts; the code is not stored anywhere.

    NotFound("resume_code") for a code that is malformed or belongs to nobody (nothing changes). A page
    offering this to respondents must slow down guessing first, as assessments.resume does.
    """
    canonical = normalise(resume_code)

    def work(session: Session) -> dict[str, int]:
        respondent = db_respondents.find_respondent(session, code_hash=code_hash(canonical)) if canonical else None
        if respondent is None:
            raise NotFound("resume_code")
        counts = retention.erase_respondent(session, respondent_id=respondent.id)
        db_accounts.add_audit(session, actor_id=actor_id, action="respondent_erased", detail=counts)
        return counts

    return Deleted(_one_transaction(rt, work, keep=not dry_run), dry_run)


def _one_transaction(rt: Runtime, work: Callable[[Session], dict[str, int]], *, keep: bool) -> dict[str, int]:
    """Run `work` in one transaction; commit it when `keep`, roll it back otherwise (a dry run)."""
    with rt.sessions() as session:
        transaction = session.begin()
        try:
            counts = work(session)
        except BaseException:
            transaction.rollback()
            raise
        if keep:
            transaction.commit()
        else:
            transaction.rollback()
        return counts
