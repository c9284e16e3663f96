"""Tables of the releases: what the dashboard has published, and the frozen tallies it publishes from.

A survey round's tallies are copied into the released_* tables the first time the dashboard shows the round
after it closed; from then on the dashboard reads only the copies, so an erasure, an import or a late write
never changes a published cell (docs/DASHBOARD.md, "Releases"). `release` is the ledger: every set of
decisions the dashboard made, with the counts behind them, kept after the rounds themselves are purged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, SmallInteger, String, false
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base, utcnow
from db.org_models import TallyCell


class ReleasedRound(Base):
    """A closed round whose tallies were frozen for publication."""

    __tablename__ = "released_round"

    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    released_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Whether the round's partial answerers per score are counted in released_score_tally (keys "partial:*").
    partial_counted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ReleasedResponseTally(TallyCell, Base):
    """response_tally of a released round, as it was when the round was released."""

    __tablename__ = "released_response_tally"
    n: Mapped[int] = mapped_column(Integer)


class ReleasedScoreTally(TallyCell, Base):
    """score_tally of a released round, frozen."""

    __tablename__ = "released_score_tally"
    _counted_by = ("key",)
    key: Mapped[str] = mapped_column(String(64))
    n: Mapped[int] = mapped_column(Integer)
    total: Mapped[float] = mapped_column(Float)
    total_sq: Mapped[float] = mapped_column(Float)


class ReleasedAnswerTally(TallyCell, Base):
    """answer_tally of a released round, frozen."""

    __tablename__ = "released_answer_tally"
    _counted_by = ("item_id", "value")
    item_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[int] = mapped_column(SmallInteger)
    count: Mapped[int] = mapped_column(Integer)


class Release(Base):
    """One set of dashboard decisions of an organisation (the ledger): its state, k and, per figure, the
    contributors per cell and which offered views were shown. Never deleted with rounds."""

    __tablename__ = "release"
    __table_args__ = (Index("ix_release_organisation_state", "organisation_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(64))
    k: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    payload: Mapped[dict[str, Any]]
