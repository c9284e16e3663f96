"""Tables of workshop mode: live group sessions a facilitator runs, joined by code (docs/WORKSHOP.md).

Same Base (and naming convention) as db/models.py; db/__init__.py imports this module so the tables are
part of Base.metadata wherever the package is used.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base, utcnow

WORKSHOP_STATUSES = ("open", "locked", "closed")
ACTION_KINDS = ("act", "influence", "monitor")
MAX_ROUNDS = 2


class Workshop(Base):
    """One live session: its join code, what is asked, its k, and the facilitator's switches."""

    __tablename__ = "workshop_session"
    __table_args__ = (
        CheckConstraint("min_group_size >= 3", name="min_group_size_floor"),
        CheckConstraint("participant_cap > 0", name="participant_cap_positive"),
        CheckConstraint("status IN ('open', 'locked', 'closed')", name="known_status"),
        CheckConstraint(f"current_round BETWEEN 1 AND {MAX_ROUNDS}", name="known_round"),
        # Tied to a survey round of a team (its responses then count on the dashboard) or not at all.
        CheckConstraint("(team_id IS NULL) = (round_id IS NULL)", name="tied_all_or_none"),
        CheckConstraint("team_id IS NULL OR organisation_id IS NOT NULL", name="tied_in_organisation"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    # SET NULL: deleting an account keeps its sessions (admins still see them).
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    intervention: Mapped[str] = mapped_column(String(200))
    instrument_hash: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    min_group_size: Mapped[int] = mapped_column(Integer)
    participant_cap: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="open")
    results_visible: Mapped[bool] = mapped_column(Boolean, default=False)
    current_round: Mapped[int] = mapped_column(SmallInteger, default=1)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("survey_round.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    closed_at: Mapped[datetime | None] = mapped_column()


class WorkshopRound(Base):
    """A round of a session; `shown_count` = how many of its first responses the picture shows.

    The picture only moves on in steps of at least k responses, so no two pictures on the screen
    differ by fewer than k people's answers (docs/WORKSHOP.md).
    """

    __tablename__ = "workshop_round"
    __table_args__ = (
        PrimaryKeyConstraint("session_id", "round_no"),
        CheckConstraint("shown_count >= 0", name="shown_count_not_negative"),
    )

    workshop_id: Mapped[int] = mapped_column("session_id", ForeignKey("workshop_session.id", ondelete="CASCADE"))
    round_no: Mapped[int] = mapped_column(SmallInteger)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    shown_count: Mapped[int] = mapped_column(Integer, default=0)


class WorkshopRelease(Base):
    """What one picture of a round showed: its snapshot, k, and per figure family its contributors (for a
    round tied to a survey round, those counted there and the others apart) and whether it was shown.

    Written when the snapshot moves, before the picture is shown; the next picture is decided against these
    (assessment/anonymity/figures.py), and the dashboard of the tied round against them too.
    """

    __tablename__ = "workshop_release"
    __table_args__ = (PrimaryKeyConstraint("session_id", "round_no", "shown_count"),)

    workshop_id: Mapped[int] = mapped_column("session_id", ForeignKey("workshop_session.id", ondelete="CASCADE"))
    round_no: Mapped[int] = mapped_column(SmallInteger)
    shown_count: Mapped[int] = mapped_column(Integer)
    k: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # {"families": {family: [counted, other]}, "shown": [family, ...]}
    payload: Mapped[dict[str, Any]]


class WorkshopParticipant(Base):
    """A device that joined a session; only the sha256 of its device key is stored."""

    __tablename__ = "workshop_participant"
    __table_args__ = (
        UniqueConstraint("session_id", "device_hash", name="uq_workshop_participant_session_id_device_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column("session_id", ForeignKey("workshop_session.id", ondelete="CASCADE"))
    device_hash: Mapped[str] = mapped_column(String(64))
    respondent_id: Mapped[int | None] = mapped_column(ForeignKey("respondent.id", ondelete="SET NULL"))
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkshopEntry(Base):
    """A participant's response in one round: at most one per participant and round."""

    __tablename__ = "workshop_entry"
    __table_args__ = (
        PrimaryKeyConstraint("participant_id", "round_no"),
        Index("ix_workshop_entry_session_id_round_no_response_id", "session_id", "round_no", "response_id"),
    )

    participant_id: Mapped[int] = mapped_column(ForeignKey("workshop_participant.id", ondelete="CASCADE"))
    round_no: Mapped[int] = mapped_column(SmallInteger)
    workshop_id: Mapped[int] = mapped_column("session_id", ForeignKey("workshop_session.id", ondelete="CASCADE"))
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), unique=True)


class WorkshopAction(Base):
    """An action the group agreed on: act on it, influence it, or monitor it."""

    __tablename__ = "workshop_action"
    __table_args__ = (CheckConstraint("kind IN ('act', 'influence', 'monitor')", name="known_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        "session_id", ForeignKey("workshop_session.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    theme: Mapped[str | None] = mapped_column(String(64))  # a domain id of the instrument, or none
    text: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
