"""Data access for the rules on which responses count for their team (services/respond/counting_rules.py).

Keyword-only functions that take a Session and never commit. What the rules remember (an answer over a
team's headcount, a second person on one device, identical answers in a burst) is kept in the audit
log, so these functions also count audit lines by the ids in their detail.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.account_models import AuditLog
from db.locking import locked
from db.models import Response
from db.org_models import RoundTeam

__all__ = [
    "audit_lines_of_round",
    "count_audit_lines",
    "count_counted",
    "count_identical_recent",
    "lock_invitation",
    "set_fingerprint",
]


def lock_invitation(session: Session, *, round_id: int, team_id: int) -> RoundTeam | None:
    """The team's invitation to a round, its row locked until the transaction ends: whether a response
    counts for the team is then decided for one response of that team and round at a time."""
    query = select(RoundTeam).where(RoundTeam.round_id == round_id, RoundTeam.team_id == team_id)
    return session.scalar(locked(query))


def count_counted(session: Session, *, round_id: int, team_id: int) -> int:
    """How many responses count for the team in the round (attributed to it)."""
    query = select(func.count(Response.id)).where(Response.round_id == round_id, Response.team_id == team_id)
    return session.scalar(query) or 0


def count_identical_recent(session: Session, *, round_id: int, team_id: int, fingerprint: str, since: datetime) -> int:
    """How many responses counted for the team in the round since `since` have this answer fingerprint."""
    query = select(func.count(Response.id)).where(
        Response.round_id == round_id,
        Response.team_id == team_id,
        Response.answer_fingerprint == fingerprint,
        Response.created_at >= since,
    )
    return session.scalar(query) or 0


def set_fingerprint(session: Session, *, response_id: int, fingerprint: str) -> None:
    """Note the answer fingerprint of a counted response."""
    session.execute(update(Response).where(Response.id == response_id).values(answer_fingerprint=fingerprint))


def count_audit_lines(session: Session, *, action: str, round_id: int, team_id: int, device: str | None = None) -> int:
    """How many audit lines of `action` name this round and team (and this device marker, when given)."""
    query = select(func.count(AuditLog.id)).where(
        AuditLog.action == action,
        AuditLog.detail["round_id"].as_integer() == round_id,
        AuditLog.detail["team_id"].as_integer() == team_id,
    )
    if device is not None:
        query = query.where(AuditLog.detail["device"].as_string() == device)
    return session.scalar(query) or 0


def audit_lines_of_round(session: Session, *, round_id: int, actions: Collection[str]) -> list[AuditLog]:
    """The audit lines of these actions that name the round, oldest first."""
    query = (
        select(AuditLog)
        .where(AuditLog.action.in_(list(actions)), AuditLog.detail["round_id"].as_integer() == round_id)
        .order_by(AuditLog.at, AuditLog.id)
    )
    return list(session.scalars(query))
