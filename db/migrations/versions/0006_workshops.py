"""Workshop sessions: live group sessions joined by code, their rounds, participants, entries and
agreed actions; drafts learn which workshop participant and round they belong to.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, referred: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{referred}.id"], name=op.f(f"fk_{table}_{column}_{referred}"), ondelete=ondelete
    )


def _when() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "workshop_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("intervention", sa.String(length=200), nullable=False),
        sa.Column("instrument_hash", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("min_group_size", sa.Integer(), nullable=False),
        sa.Column("participant_cap", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("results_visible", sa.Boolean(), nullable=False),
        sa.Column("current_round", sa.SmallInteger(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("round_id", sa.Integer(), nullable=True),
        _when(),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("min_group_size >= 3", name=op.f("ck_workshop_session_min_group_size_floor")),
        sa.CheckConstraint("participant_cap > 0", name=op.f("ck_workshop_session_participant_cap_positive")),
        sa.CheckConstraint("status IN ('open', 'locked', 'closed')", name=op.f("ck_workshop_session_known_status")),
        sa.CheckConstraint("current_round BETWEEN 1 AND 2", name=op.f("ck_workshop_session_known_round")),
        sa.CheckConstraint("(team_id IS NULL) = (round_id IS NULL)", name=op.f("ck_workshop_session_tied_all_or_none")),
        sa.CheckConstraint(
            "team_id IS NULL OR organisation_id IS NOT NULL", name=op.f("ck_workshop_session_tied_in_organisation")
        ),
        _fk("workshop_session", "facilitator_id", "account", "SET NULL"),
        _fk("workshop_session", "organisation_id", "organisation", "SET NULL"),
        _fk("workshop_session", "team_id", "team", "SET NULL"),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["survey_round.id"],
            ondelete="SET NULL",
            name=op.f("fk_workshop_session_round_id_survey_round"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_session")),
        sa.UniqueConstraint("code", name=op.f("uq_workshop_session_code")),
    )
    op.create_index(op.f("ix_workshop_session_facilitator_id"), "workshop_session", ["facilitator_id"])
    op.create_index(op.f("ix_workshop_session_organisation_id"), "workshop_session", ["organisation_id"])
    op.create_table(
        "workshop_round",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("round_no", sa.SmallInteger(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shown_count", sa.Integer(), nullable=False),
        sa.CheckConstraint("shown_count >= 0", name=op.f("ck_workshop_round_shown_count_not_negative")),
        _fk("workshop_round", "session_id", "workshop_session", "CASCADE"),
        sa.PrimaryKeyConstraint("session_id", "round_no", name=op.f("pk_workshop_round")),
    )
    op.create_table(
        "workshop_participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("device_hash", sa.String(length=64), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        _fk("workshop_participant", "session_id", "workshop_session", "CASCADE"),
        _fk("workshop_participant", "respondent_id", "respondent", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_participant")),
        sa.UniqueConstraint("session_id", "device_hash", name=op.f("uq_workshop_participant_session_id_device_hash")),
    )
    op.create_table(
        "workshop_entry",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("round_no", sa.SmallInteger(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        _fk("workshop_entry", "participant_id", "workshop_participant", "CASCADE"),
        _fk("workshop_entry", "session_id", "workshop_session", "CASCADE"),
        _fk("workshop_entry", "response_id", "response", "CASCADE"),
        sa.PrimaryKeyConstraint("participant_id", "round_no", name=op.f("pk_workshop_entry")),
        sa.UniqueConstraint("response_id", name=op.f("uq_workshop_entry_response_id")),
    )
    op.create_index(
        "ix_workshop_entry_session_id_round_no_response_id", "workshop_entry", ["session_id", "round_no", "response_id"]
    )
    op.create_table(
        "workshop_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("theme", sa.String(length=64), nullable=True),
        sa.Column("text", sa.String(length=500), nullable=False),
        _when(),
        sa.CheckConstraint("kind IN ('act', 'influence', 'monitor')", name=op.f("ck_workshop_action_known_kind")),
        _fk("workshop_action", "session_id", "workshop_session", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_action")),
    )
    op.create_index(op.f("ix_workshop_action_session_id"), "workshop_action", ["session_id"])
    with op.batch_alter_table("draft") as batch:
        batch.add_column(sa.Column("workshop_participant_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("workshop_round", sa.SmallInteger(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_draft_workshop_participant_id_workshop_participant"),
            "workshop_participant",
            ["workshop_participant_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("draft") as batch:
        batch.drop_constraint(op.f("fk_draft_workshop_participant_id_workshop_participant"), type_="foreignkey")
        batch.drop_column("workshop_round")
        batch.drop_column("workshop_participant_id")
    for table in ("workshop_action", "workshop_entry", "workshop_participant", "workshop_round", "workshop_session"):
        op.drop_table(table)
