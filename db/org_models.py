"""Tables for organisations, their teams and survey rounds, and the tallies the dashboard reads.

See docs/DASHBOARD.md. Same Base (and naming convention) as db/models.py; db/__init__.py imports
this module so the tables are part of Base.metadata wherever the package is used.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from db.models import Base, utcnow

# Never below this, whatever an organisation asks for (docs/DASHBOARD.md, anonymity).
MIN_GROUP_SIZE_FLOOR = 3


class Organisation(Base):
    """An organisation whose teams answer in survey rounds; `min_group_size` is its k."""

    __tablename__ = "organisation"
    __table_args__ = (
        CheckConstraint(f"min_group_size >= {MIN_GROUP_SIZE_FLOOR}", name="min_group_size_floor"),
        CheckConstraint("comment_min_group_size >= min_group_size", name="comment_min_group_size"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    min_group_size: Mapped[int] = mapped_column(Integer, default=5)
    comment_min_group_size: Mapped[int] = mapped_column(Integer, default=10)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Team(Base):
    """A unit of an organisation; `size` (headcount) is optional, for participation rates."""

    __tablename__ = "team"
    __table_args__ = (
        UniqueConstraint("organisation_id", "name", name="uq_team_organisation_id_name"),
        CheckConstraint("size IS NULL OR size > 0", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int | None] = mapped_column(Integer)


class SurveyRound(Base):
    """One round of an organisation's survey about one intervention, open between two dates."""

    __tablename__ = "survey_round"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    intervention_id: Mapped[int] = mapped_column(ForeignKey("intervention.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    instrument_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoundTeam(Base):
    """A team invited to a round: its invitation link. Only the token's sha256 hex is stored."""

    __tablename__ = "round_team"
    __table_args__ = (UniqueConstraint("round_id", "team_id", name="uq_round_team_round_id_team_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)


# --- tallies ------------------------------------------------------------------------------
# One row per atomic cell (organisation, team, round, role) and what is counted. `role` is ''
# when the respondent gave none: NULL cannot be part of a primary key, and '' keeps the key
# the same on SQLite and PostgreSQL. db/tallies.py turns '' back into None for its callers.


class TallyCell:
    # The cell's columns lead every tally's primary key, so an organisation's rows lie side by
    # side. Declarative puts a mixin's columns after the class's own, hence the explicit key.
    # On SQLite the rows are stored in that key's order (WITHOUT ROWID: one B-tree instead of
    # a table plus an index), which halves the pages reading a cell or upserting one touches.
    _counted_by: ClassVar[tuple[str, ...]] = ()

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        key = ("organisation_id", "team_id", "round_id", "role", *cls._counted_by)
        return (PrimaryKeyConstraint(*key), {"sqlite_with_rowid": False})

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(64))


class ResponseTally(TallyCell, Base):
    """How many attributed responses each cell has (the anonymity rules' input)."""

    __tablename__ = "response_tally"

    n: Mapped[int] = mapped_column(Integer)


class ScoreTally(TallyCell, Base):
    """Sum and sum of squares of one score over a cell's responses that have that score."""

    __tablename__ = "score_tally"
    _counted_by = ("key",)

    key: Mapped[str] = mapped_column(String(64))
    n: Mapped[int] = mapped_column(Integer)
    total: Mapped[float] = mapped_column(Float)
    total_sq: Mapped[float] = mapped_column(Float)


class AnswerTally(TallyCell, Base):
    """How often each answer (1..5, 0 = not applicable) was given to an item in a cell."""

    __tablename__ = "answer_tally"
    _counted_by = ("item_id", "value")

    item_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[int] = mapped_column(SmallInteger)
    count: Mapped[int] = mapped_column(Integer)
