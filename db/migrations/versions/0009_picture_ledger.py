"""The workshop pictures' ledger (what each picture of a round showed, with its contributors per figure),
and which released rounds have their partial answerers counted.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workshop_release",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("round_no", sa.SmallInteger(), nullable=False),
        sa.Column("shown_count", sa.Integer(), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["workshop_session.id"],
            name=op.f("fk_workshop_release_session_id_workshop_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "round_no", "shown_count", name=op.f("pk_workshop_release")),
    )
    with op.batch_alter_table("released_round") as batch:
        batch.add_column(sa.Column("partial_counted", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("released_round") as batch:
        batch.drop_column("partial_counted")
    op.drop_table("workshop_release")
