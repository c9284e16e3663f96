"""Tables of an organisation's action plan: what it agreed to do about its results, notes over time, and the
follow-up rounds scheduled from an action (services/actions/).

Same Base (and naming convention) as db/models.py; db/__init__.py imports this module so the tables are
part of Base.metadata wherever the package is used.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base, utcnow

ACTION_KINDS = ("act", "influence", "monitor")  # as in workshops
ACTION_STATUSES = ("planned", "doing", "done", "dropped")
FOLLOW_UP_STATUSES = ("scheduled", "started", "cancelled")
DESCRIPTION_LENGTH = 500  # a workshop action's text fits
OWNER_LENGTH = 120
NOTE_LENGTH = 1000


class ActionItem(Base):
    """One action of an organisation's plan. It addresses a theme (a domain id of the question bank), a
    compassion element (1..5), or neither (the intervention as a whole). No team rows = the whole organisation.

    `version` grows by one with every change: an update names the version it saw and changes nothing when
    another change came first (optimistic concurrency, db/actions.py update_action).
    """

    __tablename__ = "action_item"
    __table_args__ = (
        CheckConstraint("kind IN ('act', 'influence', 'monitor')", name="known_kind"),
        CheckConstraint("status IN ('planned', 'doing', 'done', 'dropped')", name="known_status"),
        CheckConstraint("element IS NULL OR element BETWEEN 1 AND 5", name="known_element"),
        CheckConstraint("theme IS NULL OR element IS NULL", name="one_target"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    intervention_id: Mapped[int | None] = mapped_column(ForeignKey("intervention.id", ondelete="SET NULL"))
    theme: Mapped[str | None] = mapped_column(String(64))
    element: Mapped[int | None] = mapped_column(SmallInteger)
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_LENGTH))
    owner: Mapped[str | None] = mapped_column(String(OWNER_LENGTH))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    # The question bank whose words name the theme (the current one when the action was made).
    instrument_hash: Mapped[str] = mapped_column(String(64))
    # Promoted from a workshop: the agreed action and its session (SET NULL: the plan outlives them).
    origin_workshop_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshop_action.id", ondelete="SET NULL"), unique=True
    )
    origin_workshop_id: Mapped[int | None] = mapped_column(
        "origin_session_id", ForeignKey("workshop_session.id", ondelete="SET NULL")
    )
    created_by: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()  # first moved to doing (or straight to done)
    finished_at: Mapped[datetime | None] = mapped_column()  # done or dropped; cleared when reopened
    version: Mapped[int] = mapped_column(Integer, default=1)


class ActionTeam(Base):
    """A team an action is about; an action without these rows is about the whole organisation."""

    __tablename__ = "action_team"
    __table_args__ = (PrimaryKeyConstraint("action_id", "team_id"),)

    action_id: Mapped[int] = mapped_column(ForeignKey("action_item.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))


class ActionNote(Base):
    """A dated note on an action: what happened, what was decided. Notes are only added, never changed."""

    __tablename__ = "action_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action_item.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(NOTE_LENGTH))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ActionFollowUp(Base):
    """A short survey round planned from an action for its first and last day. An admin starts it (the
    survey round and its invitation links are made then: `round_id`), or it is cancelled."""

    __tablename__ = "action_follow_up"
    __table_args__ = (
        CheckConstraint("status IN ('scheduled', 'started', 'cancelled')", name="known_status"),
        CheckConstraint("closes_on >= opens_on", name="closes_after_opens"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action_item.id", ondelete="CASCADE"), index=True)
    intervention_id: Mapped[int | None] = mapped_column(ForeignKey("intervention.id", ondelete="SET NULL"))
    form_id: Mapped[str | None] = mapped_column(String(64))  # the bank's short form; None = the full questionnaire
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    round_id: Mapped[int | None] = mapped_column(ForeignKey("survey_round.id", ondelete="SET NULL"), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()


class FollowUpTeam(Base):
    """A team a follow-up round will invite."""

    __tablename__ = "action_follow_up_team"
    __table_args__ = (PrimaryKeyConstraint("follow_up_id", "team_id"),)

    follow_up_id: Mapped[int] = mapped_column(ForeignKey("action_follow_up.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
