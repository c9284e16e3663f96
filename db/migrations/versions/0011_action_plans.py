"""Action plans: an organisation's actions on its results (theme or compassion element, kind, owner, due date,
status, origin in a workshop, a version for concurrent edits), their teams, notes, and follow-up rounds.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, referred: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{referred}.id"], name=op.f(f"fk_{table}_{column}_{referred}"), ondelete=ondelete
    )


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "action_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=True),
        sa.Column("theme", sa.String(length=64), nullable=True),
        sa.Column("element", sa.SmallInteger(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("owner", sa.String(length=120), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("instrument_hash", sa.String(length=64), nullable=False),
        sa.Column("origin_workshop_action_id", sa.Integer(), nullable=True),
        sa.Column("origin_session_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _when("created_at"),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        _when("updated_at"),
        _when("started_at", nullable=True),
        _when("finished_at", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('act', 'influence', 'monitor')", name=op.f("ck_action_item_known_kind")),
        sa.CheckConstraint(
            "status IN ('planned', 'doing', 'done', 'dropped')", name=op.f("ck_action_item_known_status")
        ),
        sa.CheckConstraint("element IS NULL OR element BETWEEN 1 AND 5", name=op.f("ck_action_item_known_element")),
        sa.CheckConstraint("theme IS NULL OR element IS NULL", name=op.f("ck_action_item_one_target")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_action_item_version_positive")),
        _fk("action_item", "organisation_id", "organisation", "CASCADE"),
        _fk("action_item", "intervention_id", "intervention", "SET NULL"),
        _fk("action_item", "origin_workshop_action_id", "workshop_action", "SET NULL"),
        _fk("action_item", "origin_session_id", "workshop_session", "SET NULL"),
        sa.ForeignKeyConstraint(
            ["created_by"], ["account.id"], ondelete="SET NULL", name=op.f("fk_action_item_created_by_account")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["account.id"], ondelete="SET NULL", name=op.f("fk_action_item_updated_by_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_item")),
        sa.UniqueConstraint("origin_workshop_action_id", name=op.f("uq_action_item_origin_workshop_action_id")),
    )
    op.create_index(op.f("ix_action_item_organisation_id"), "action_item", ["organisation_id"])
    op.create_table(
        "action_team",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["action_item.id"], ondelete="CASCADE", name=op.f("fk_action_team_action_id_action_item")
        ),
        _fk("action_team", "team_id", "team", "CASCADE"),
        sa.PrimaryKeyConstraint("action_id", "team_id", name=op.f("pk_action_team")),
    )
    op.create_table(
        "action_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _when("created_at"),
        sa.ForeignKeyConstraint(
            ["action_id"], ["action_item.id"], ondelete="CASCADE", name=op.f("fk_action_note_action_id_action_item")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["account.id"], ondelete="SET NULL", name=op.f("fk_action_note_created_by_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_note")),
    )
    op.create_index(op.f("ix_action_note_action_id"), "action_note", ["action_id"])
    op.create_table(
        "action_follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=True),
        sa.Column("form_id", sa.String(length=64), nullable=True),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _when("created_at"),
        _when("started_at", nullable=True),
        sa.CheckConstraint(
            "status IN ('scheduled', 'started', 'cancelled')", name=op.f("ck_action_follow_up_known_status")
        ),
        sa.CheckConstraint("closes_on >= opens_on", name=op.f("ck_action_follow_up_closes_after_opens")),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["action_item.id"],
            ondelete="CASCADE",
            name=op.f("fk_action_follow_up_action_id_action_item"),
        ),
        _fk("action_follow_up", "intervention_id", "intervention", "SET NULL"),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["survey_round.id"],
            ondelete="SET NULL",
            name=op.f("fk_action_follow_up_round_id_survey_round"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["account.id"], ondelete="SET NULL", name=op.f("fk_action_follow_up_created_by_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_follow_up")),
        sa.UniqueConstraint("round_id", name=op.f("uq_action_follow_up_round_id")),
    )
    op.create_index(op.f("ix_action_follow_up_action_id"), "action_follow_up", ["action_id"])
    op.create_table(
        "action_follow_up_team",
        sa.Column("follow_up_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["follow_up_id"],
            ["action_follow_up.id"],
            ondelete="CASCADE",
            name=op.f("fk_action_follow_up_team_follow_up_id_action_follow_up"),
        ),
        _fk("action_follow_up_team", "team_id", "team", "CASCADE"),
        sa.PrimaryKeyConstraint("follow_up_id", "team_id", name=op.f("pk_action_follow_up_team")),
    )


def downgrade() -> None:
    for table in ("action_follow_up_team", "action_follow_up", "action_note", "action_team", "action_item"):
        op.drop_table(table)
