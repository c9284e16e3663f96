"""The import fingerprint of paper-imported responses (services/data_tools/response_import.py): a hash of each
row's round, team, role and answers, so rows imported before are recognised in a re-saved file.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("response", sa.Column("import_fingerprint", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_response_import_fingerprint"), "response", ["import_fingerprint"])


def downgrade() -> None:
    op.drop_index(op.f("ix_response_import_fingerprint"), table_name="response")
    with op.batch_alter_table("response") as batch:
        batch.drop_column("import_fingerprint")
