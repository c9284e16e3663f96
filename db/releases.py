"""Releases: freezing a closed round's tallies, reading the frozen tallies, and the ledger of published
decisions (db/release_models.py). Keyword-only functions that take a Session and never commit."""
from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select

from db.org_models import AnswerTally, ResponseTally, ScoreTally
from db.release_models import (
    Release,
    ReleasedAnswerTally,
    ReleasedResponseTally,
    ReleasedRound,
    ReleasedScoreTally,
)

__all__ = ["add_release", "find_release", "freeze_rounds", "list_releases", "released_round_ids",
           "withdraw_rounds"]

_FROZEN = ((ResponseTally, ReleasedResponseTally, ("n",)),
           (ScoreTally, ReleasedScoreTally, ("key", "n", "total", "total_sq")),
           (AnswerTally, ReleasedAnswerTally, ("item_id", "value", "count")))
_CELL = ("organisation_id", "team_id", "round_id", "role")


def released_round_ids(session: Any, *, organisation_id: int) -> set[int]:
    """The organisation's rounds whose tallies are frozen for publication."""
    query = select(ReleasedRound.round_id).where(ReleasedRound.organisation_id == organisation_id)
    return set(session.scalars(query))


def freeze_rounds(session: Any, *, organisation_id: int, round_ids: Collection[int], at: datetime) -> None:
    """Copy the live tallies of `round_ids` (closed, not released yet) into the released tables."""
    if not round_ids:
        return
    ids = sorted(round_ids)
    for live, frozen, counted in _FROZEN:
        columns = [*_CELL, *counted]
        source = select(*(getattr(live, c) for c in columns)).where(
            live.organisation_id == organisation_id, live.round_id.in_(ids))
        session.execute(insert(frozen).from_select(columns, source))
    session.execute(insert(ReleasedRound), [
        {"round_id": round_id, "organisation_id": organisation_id, "released_at": at} for round_id in ids])


def withdraw_rounds(session: Any, *, round_ids: Collection[int]) -> int:
    """Remove the frozen tallies of whole rounds (a purge); the ledger keeps what was published."""
    ids = sorted(round_ids)
    if not ids:
        return 0
    for _, frozen, _ in _FROZEN:
        session.execute(delete(frozen).where(frozen.round_id.in_(ids)),
                        execution_options={"synchronize_session": False})
    result = session.execute(delete(ReleasedRound).where(ReleasedRound.round_id.in_(ids)),
                             execution_options={"synchronize_session": False})
    return int(result.rowcount or 0)


def find_release(session: Any, *, organisation_id: int, state: str) -> Release | None:
    """The newest release of the organisation made in `state`, if any."""
    query = (select(Release).where(Release.organisation_id == organisation_id, Release.state == state)
             .order_by(Release.id.desc()).limit(1))
    return session.scalars(query).first()


def list_releases(session: Any, *, organisation_id: int) -> list[Release]:
    """Every release of the organisation, oldest first."""
    query = select(Release).where(Release.organisation_id == organisation_id).order_by(Release.id)
    return list(session.scalars(query))


def add_release(session: Any, *, organisation_id: int, state: str, k: int, payload: dict[str, Any],
                at: datetime) -> Release:
    """Record a release (before anything of it is shown)."""
    release = Release(organisation_id=organisation_id, state=state, k=k, payload=payload, created_at=at)
    session.add(release)
    session.flush()
    return release
