"""Releases: freezing a closed round's tallies, reading the frozen tallies, and the ledger of published
decisions (db/release_models.py). Keyword-only functions that take a Session and never commit."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, literal, select, union_all, update

from db.models import Response, ResponseAnswer
from db.org_models import AnswerTally, ResponseTally, ScoreTally
from db.release_models import (
    Release,
    ReleasedAnswerTally,
    ReleasedResponseTally,
    ReleasedRound,
    ReleasedScoreTally,
)

__all__ = [
    "PARTIAL_PREFIX",
    "add_release",
    "count_partial_answerers",
    "find_release",
    "freeze_rounds",
    "list_releases",
    "partial_uncounted",
    "released_round_ids",
    "withdraw_rounds",
]

# released_score_tally rows under "partial:<score key>" count a cell's partial answerers of that score.
PARTIAL_PREFIX = "partial:"

_FROZEN = (
    (ResponseTally, ReleasedResponseTally, ("n",)),
    (ScoreTally, ReleasedScoreTally, ("key", "n", "total", "total_sq")),
    (AnswerTally, ReleasedAnswerTally, ("item_id", "value", "count")),
)
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
            live.organisation_id == organisation_id, live.round_id.in_(ids)
        )
        session.execute(insert(frozen).from_select(columns, source))
    session.execute(
        insert(ReleasedRound),
        [{"round_id": round_id, "organisation_id": organisation_id, "released_at": at} for round_id in ids],
    )


def partial_uncounted(session: Any, *, organisation_id: int) -> set[int]:
    """Released rounds of the organisation whose partial answerers are not counted yet."""
    query = select(ReleasedRound.round_id).where(
        ReleasedRound.organisation_id == organisation_id, ReleasedRound.partial_counted.is_(False)
    )
    return set(session.scalars(query))


def count_partial_answerers(
    session: Any, *, organisation_id: int, round_id: int, items_of: Mapping[str, Collection[str]]
) -> None:
    """Count, per cell of a released round, the responses that answered some but not all of each score's
    statements on the scale (`items_of`: score key -> its statements), as frozen rows "partial:<key>"."""
    rows = _partial_on_items(session, organisation_id, round_id, items_of)
    if rows:
        session.execute(
            insert(ReleasedScoreTally),
            [
                {
                    "organisation_id": organisation_id,
                    "team_id": team_id,
                    "round_id": round_id,
                    "role": role,
                    "key": PARTIAL_PREFIX + key,
                    "n": n,
                    "total": 0.0,
                    "total_sq": 0.0,
                }
                for team_id, role, key, n in rows
            ],
        )
    session.execute(update(ReleasedRound).where(ReleasedRound.round_id == round_id).values(partial_counted=True))


def _partial_on_items(
    session: Any, organisation_id: int, round_id: int, items_of: Mapping[str, Collection[str]]
) -> list[tuple[int, str, str, int]]:
    rows: list[tuple[int, str, str, int]] = []
    if items_of:
        mapping = union_all(
            *(
                select(literal(item).label("item_id"), literal(key).label("key"), literal(len(items)).label("size"))
                for key, items in sorted(items_of.items())
                for item in sorted(items)
            )
        ).cte("score_item")
        role = func.coalesce(Response.role, "")
        # count(value) skips NULL: "not applicable" is stored as NULL.
        per_response = (
            select(
                Response.team_id,
                role.label("role"),
                mapping.c.key,
                mapping.c.size,
                func.count(ResponseAnswer.value).label("answered"),
            )
            .join(ResponseAnswer, ResponseAnswer.response_id == Response.id)
            .join(mapping, mapping.c.item_id == ResponseAnswer.item_id)
            .where(Response.organisation_id == organisation_id, Response.round_id == round_id)
            .group_by(Response.id, Response.team_id, role, mapping.c.key, mapping.c.size)
        ).subquery()
        counted = (
            select(per_response.c.team_id, per_response.c.role, per_response.c.key, func.count())
            .where(per_response.c.answered > 0, per_response.c.answered < per_response.c.size)
            .group_by(per_response.c.team_id, per_response.c.role, per_response.c.key)
        )
        rows = [(team_id, role_, key, int(n)) for team_id, role_, key, n in session.execute(counted)]
    return rows


def withdraw_rounds(session: Any, *, round_ids: Collection[int]) -> int:
    """Remove the frozen tallies of whole rounds (a purge); the ledger keeps what was published."""
    ids = sorted(round_ids)
    if not ids:
        return 0
    for _, frozen, _ in _FROZEN:
        session.execute(
            delete(frozen).where(frozen.round_id.in_(ids)), execution_options={"synchronize_session": False}
        )
    result = session.execute(
        delete(ReleasedRound).where(ReleasedRound.round_id.in_(ids)), execution_options={"synchronize_session": False}
    )
    return int(result.rowcount or 0)


def find_release(session: Any, *, organisation_id: int, state: str) -> Release | None:
    """The newest release of the organisation made in `state`, if any."""
    query = (
        select(Release)
        .where(Release.organisation_id == organisation_id, Release.state == state)
        .order_by(Release.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def list_releases(session: Any, *, organisation_id: int) -> list[Release]:
    """Every release of the organisation, oldest first."""
    query = select(Release).where(Release.organisation_id == organisation_id).order_by(Release.id)
    return list(session.scalars(query))


def add_release(
    session: Any, *, organisation_id: int, state: str, k: int, payload: dict[str, Any], at: datetime
) -> Release:
    """Record a release (before anything of it is shown)."""
    release = Release(organisation_id=organisation_id, state=state, k=k, payload=payload, created_at=at)
    session.add(release)
    session.flush()
    return release
