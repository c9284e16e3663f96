"""Tally the alignment index's distribution: bins of 25 points per cell, from responses already stored.

From this revision on, every tally writer also counts each attributed response's alignment index in
its bin (key "alignment_bin:<lower edge>", see db/tallies.py); this backfills the responses stored
before it. Downgrading removes the bin rows again.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from itertools import pairwise

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels = None
depends_on = None

_EDGES = (-100, -75, -50, -25, 0, 25, 50, 75)  # as db.tallies.ALIGNMENT_BIN_EDGES at this revision


def _bin_case() -> str:
    ladder = " ".join(f"WHEN s.value < {upper} THEN 'alignment_bin:{lower}'" for lower, upper in pairwise(_EDGES))
    return f"CASE {ladder} ELSE 'alignment_bin:{_EDGES[-1]}' END"


def upgrade() -> None:
    op.execute(
        sa.text(f"""
        INSERT INTO score_tally (organisation_id, team_id, round_id, role, key, n, total, total_sq)
        SELECT r.organisation_id, r.team_id, r.round_id, COALESCE(r.role, ''), {_bin_case()},
               COUNT(*), SUM(s.value), SUM(s.value * s.value)
        FROM response r JOIN response_score s ON s.response_id = r.id
        WHERE r.organisation_id IS NOT NULL AND s.key = 'alignment_index' AND s.value IS NOT NULL
        GROUP BY r.organisation_id, r.team_id, r.round_id, COALESCE(r.role, ''), {_bin_case()}
    """)
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM score_tally WHERE key LIKE 'alignment_bin:%'"))
