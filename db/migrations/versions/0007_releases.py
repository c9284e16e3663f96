"""Releases: the frozen tallies of released rounds and the ledger of what the dashboard published; the
answer fingerprint of responses counted through a link (identical answers in a burst).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels = None
depends_on = None

_REFERS = (("organisation_id", "organisation"), ("team_id", "team"), ("round_id", "survey_round"))


def _cell(table: str) -> list:
    return [
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=64), nullable=False),
        *(
            sa.ForeignKeyConstraint(
                [column], [f"{referred}.id"], name=op.f(f"fk_{table}_{column}_{referred}"), ondelete="CASCADE"
            )
            for column, referred in _REFERS
        ),
    ]


def _key(table: str, *counted_by: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(
        "organisation_id", "team_id", "round_id", "role", *counted_by, name=op.f(f"pk_{table}")
    )


def upgrade() -> None:
    op.create_table(
        "released_round",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["survey_round.id"], name=op.f("fk_released_round_round_id_survey_round"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_released_round_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", name=op.f("pk_released_round")),
    )
    op.create_index(op.f("ix_released_round_organisation_id"), "released_round", ["organisation_id"])
    op.create_table(
        "released_response_tally",
        *_cell("released_response_tally"),
        sa.Column("n", sa.Integer(), nullable=False),
        _key("released_response_tally"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "released_score_tally",
        *_cell("released_score_tally"),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("total_sq", sa.Float(), nullable=False),
        _key("released_score_tally", "key"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "released_answer_tally",
        *_cell("released_answer_tally"),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        _key("released_answer_tally", "item_id", "value"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=64), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_release_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release")),
    )
    op.create_index("ix_release_organisation_state", "release", ["organisation_id", "state"])
    op.add_column("response", sa.Column("answer_fingerprint", sa.String(length=64), nullable=True))
    op.create_index("ix_response_round_team_fingerprint", "response", ["round_id", "team_id", "answer_fingerprint"])


def downgrade() -> None:
    op.drop_index("ix_response_round_team_fingerprint", table_name="response")
    with op.batch_alter_table("response") as batch:
        batch.drop_column("answer_fingerprint")
    op.drop_index("ix_release_organisation_state", table_name="release")
    op.drop_table("release")
    for table in ("released_answer_tally", "released_score_tally", "released_response_tally"):
        op.drop_table(table)
    op.drop_index(op.f("ix_released_round_organisation_id"), table_name="released_round")
    op.drop_table("released_round")
