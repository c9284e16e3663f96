"""Tables of ValueMatch (SQLAlchemy 2.0 typed declarative; portable to SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Fixed constraint names make migrations identical on SQLite and PostgreSQL (and batch-alterable).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# A draft or response came through an invitation (all three set) or did not (none set).
ATTRIBUTED_ALL_OR_NONE = "(organisation_id IS NULL) = (team_id IS NULL) AND (team_id IS NULL) = (round_id IS NULL)"


def utcnow() -> datetime:
    """The current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """DateTime(timezone=True) that always stores UTC and always returns aware UTC datetimes.

    SQLite keeps no offset, so without this a non-UTC value would be stored as wall-clock time
    and read back naive.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware (UTC) datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}
    if TYPE_CHECKING:
        # Every model here maps one table (SQLAlchemy types __table__ as any FromClause).
        __table__: ClassVar[Table]


class Respondent(Base):
    """Someone who can resume their drafts and see their history with a resume code."""

    __tablename__ = "respondent"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the code
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Intervention(Base):
    """A digital intervention respondents can choose to answer about."""

    __tablename__ = "intervention"
    __table_args__ = (
        UniqueConstraint("organisation_id", "name", name="uq_intervention_organisation_id_name"),
        # UNIQUE treats NULLs as distinct, so the open list (no organisation) needs its own
        # partial index to keep its names unique; both backends support partial indexes.
        Index(
            "uq_intervention_name_open",
            "name",
            unique=True,
            sqlite_where=text("organisation_id IS NULL"),
            postgresql_where=text("organisation_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # NULL = the open list offered on the plain start page; else the organisation's own.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Draft(Base):
    """An assessment in progress, reachable by the random token kept in the URL."""

    __tablename__ = "draft"
    __table_args__ = (CheckConstraint(ATTRIBUTED_ALL_OR_NONE, name="attributed_all_or_none"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondent.id", ondelete="CASCADE"), index=True)
    instrument_hash: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    intervention: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(64))
    # item id -> 1..5 or "na"; unanswered items are absent.
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    step: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_response_id: Mapped[int | None] = mapped_column(ForeignKey("response.id", ondelete="SET NULL"))
    # Set together when the draft was started from a round's team invitation (docs/DASHBOARD.md).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("survey_round.id"))
    # Set together when the draft belongs to a participant of a workshop, in that round.
    workshop_participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshop_participant.id", ondelete="SET NULL")
    )
    workshop_round: Mapped[int | None] = mapped_column(SmallInteger)


class Response(Base):
    """One submitted assessment; its answers and scores live in their own tables."""

    __tablename__ = "response"
    __table_args__ = (
        CheckConstraint(ATTRIBUTED_ALL_OR_NONE, name="attributed_all_or_none"),
        Index("ix_response_round_team_fingerprint", "round_id", "team_id", "answer_fingerprint"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Chosen by the client before submitting, so a double submit is recognised.
    submission_token: Mapped[str] = mapped_column(String(64), unique=True)
    # SET NULL: forgetting a respondent keeps their anonymous responses in the aggregates.
    respondent_id: Mapped[int | None] = mapped_column(ForeignKey("respondent.id", ondelete="SET NULL"), index=True)
    instrument_id: Mapped[str] = mapped_column(String(64))
    instrument_version: Mapped[str] = mapped_column(String(32))
    instrument_hash: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    intervention: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Set together when the response came through a round's team invitation; only such
    # responses enter the tallies (db/tallies.py) and so the dashboard.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("survey_round.id"), index=True)
    # sha256 of the answers of a response counted through a link (services/respond/counting_rules.py): identical
    # answer sets in a burst are found by one indexed count, not by comparing every recent response.
    answer_fingerprint: Mapped[str | None] = mapped_column(String(64))
    # sha256 of a paper-imported row's round, team, role and answers (services/data_tools/response_import.py):
    # the same rows imported again, from a re-saved file too, are found by one indexed lookup.
    import_fingerprint: Mapped[str | None] = mapped_column(String(64), index=True)


class ResponseAnswer(Base):
    """One answered item: a value on the scale, or not applicable (never both, never neither)."""

    __tablename__ = "response_answer"
    __table_args__ = (CheckConstraint("(value IS NULL) = not_applicable", name="answered_or_na"),)

    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int | None] = mapped_column(SmallInteger)
    not_applicable: Mapped[bool] = mapped_column(Boolean, default=False)


class ResponseScore(Base):
    """One score of a response, e.g. "domain:client_autonomy" or "alignment_index"."""

    __tablename__ = "response_score"

    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16))  # "ok" | "not_enough"


class LookupFailure(Base):
    """A failed resume-code lookup, kept to slow down guessing."""

    __tablename__ = "lookup_failure"
    __table_args__ = (Index("ix_lookup_failure_scope_client_key_created_at", "scope", "client_key", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(32))
    client_key: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
