"""Drop the index on response_score.key alone: no query looks scores up by key without their response
(the primary key (response_id, key) serves every lookup), and keeping it up to date was a large share of
the cost of writing many responses at once.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_response_score_key", table_name="response_score")


def downgrade() -> None:
    op.create_index("ix_response_score_key", "response_score", ["key"])
