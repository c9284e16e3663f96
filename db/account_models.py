"""Tables of the people who run ValueMatch: accounts, their organisation scope, sessions, audit log.

Respondents never have an account; these tables are for admins, managers and facilitators.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base, utcnow

ROLES = ("admin", "manager", "facilitator")


class Account(Base):
    """Someone who signs in: by password, or by single sign-on (then password_hash is NULL)."""

    __tablename__ = "account"
    __table_args__ = (CheckConstraint("role IN ('admin', 'manager', 'facilitator')", name="known_role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stored normalised (trimmed, case-folded), so "Anna" and "anna" cannot both exist.
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))  # Argon2id PHC string
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column()


class AccountScope(Base):
    """One organisation an account may see; with team_id, only that team of it.

    An organisation with a row whose team_id is NULL is open as a whole; otherwise only the
    listed teams are. Admins have no rows: they see everything.
    """

    __tablename__ = "account_scope"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))


class SignIn(Base):
    """A signed-in browser session; only the sha256 of its random token is stored."""

    __tablename__ = "auth_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class AuditLog(Base):
    """One administrative action: who (NULL = the system or the console), what, and details.

    The detail never holds a secret (no password, no token).
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # SET NULL: the log outlives the account it names.
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class SetupToken(Base):
    """A one-time set-up token, printed while no admin exists; only its sha256 is stored.

    Any app server's token works on every server (they share this table); creating the first admin
    uses one and deletes them all.
    """

    __tablename__ = "setup_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
