"""Initial schema: respondents, interventions, drafts, responses with answers and scores,
lookup failures.

Revision ID: 0001
Revises:
Create Date: 2025-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _created_at() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "respondent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_respondent")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_respondent_code_hash")),
    )
    op.create_table(
        "intervention",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intervention")),
        sa.UniqueConstraint("name", name=op.f("uq_intervention_name")),
    )
    op.create_table(
        "response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_token", sa.String(length=64), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=True),
        sa.Column("instrument_id", sa.String(length=64), nullable=False),
        sa.Column("instrument_version", sa.String(length=32), nullable=False),
        sa.Column("instrument_hash", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("intervention", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=64), nullable=True),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["respondent_id"],
            ["respondent.id"],
            name=op.f("fk_response_respondent_id_respondent"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response")),
        sa.UniqueConstraint("submission_token", name=op.f("uq_response_submission_token")),
    )
    op.create_index(op.f("ix_response_created_at"), "response", ["created_at"])
    op.create_index(op.f("ix_response_respondent_id"), "response", ["respondent_id"])
    op.create_table(
        "draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("instrument_hash", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("intervention", sa.String(length=200), nullable=True),
        sa.Column("role", sa.String(length=64), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        _created_at(),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_response_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["respondent_id"],
            ["respondent.id"],
            name=op.f("fk_draft_respondent_id_respondent"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_response_id"],
            ["response.id"],
            name=op.f("fk_draft_submitted_response_id_response"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft")),
        sa.UniqueConstraint("token", name=op.f("uq_draft_token")),
    )
    op.create_index(op.f("ix_draft_respondent_id"), "draft", ["respondent_id"])
    op.create_table(
        "response_answer",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=True),
        sa.Column("not_applicable", sa.Boolean(), nullable=False),
        sa.CheckConstraint("(value IS NULL) = not_applicable", name=op.f("ck_response_answer_answered_or_na")),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["response.id"],
            name=op.f("fk_response_answer_response_id_response"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("response_id", "item_id", name=op.f("pk_response_answer")),
    )
    op.create_table(
        "response_score",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["response.id"],
            name=op.f("fk_response_score_response_id_response"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("response_id", "key", name=op.f("pk_response_score")),
    )
    op.create_index(op.f("ix_response_score_key"), "response_score", ["key"])
    op.create_table(
        "lookup_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("client_key", sa.String(length=128), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lookup_failure")),
    )
    op.create_index(
        op.f("ix_lookup_failure_scope_client_key_created_at"),
        "lookup_failure",
        ["scope", "client_key", "created_at"],
    )


def downgrade() -> None:
    op.drop_table("lookup_failure")
    op.drop_table("response_score")
    op.drop_table("response_answer")
    op.drop_table("draft")
    op.drop_table("response")
    op.drop_table("intervention")
    op.drop_table("respondent")
