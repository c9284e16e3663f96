"""Organisations, teams, survey rounds with invitation links, and the dashboard's tallies.

Responses and drafts get nullable organisation/team/round columns; interventions get an
optional organisation, and their names become unique per organisation (and among the open
list, through a partial unique index). Existing rows are kept as they are: all unattributed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-01-12
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ATTRIBUTION = (
    ("organisation_id", "organisation"),
    ("team_id", "team"),
    ("round_id", "survey_round"),
)
_OPEN_LIST = "organisation_id IS NULL"
_ALL_OR_NONE = "(organisation_id IS NULL) = (team_id IS NULL) AND (team_id IS NULL) = (round_id IS NULL)"


def _created_at() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def _tally_cell(table: str) -> list[sa.Column | sa.ForeignKeyConstraint]:
    return [
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=64), nullable=False),
        *(
            sa.ForeignKeyConstraint(
                [column],
                [f"{referred}.id"],
                name=op.f(f"fk_{table}_{column}_{referred}"),
                ondelete="CASCADE",
            )
            for column, referred in _ATTRIBUTION
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("min_group_size", sa.Integer(), nullable=False),
        sa.Column("comment_min_group_size", sa.Integer(), nullable=False),
        _created_at(),
        sa.CheckConstraint("min_group_size >= 3", name=op.f("ck_organisation_min_group_size_floor")),
        sa.CheckConstraint(
            "comment_min_group_size >= min_group_size",
            name=op.f("ck_organisation_comment_min_group_size"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("name", name=op.f("uq_organisation_name")),
    )
    op.create_table(
        "team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.CheckConstraint("size IS NULL OR size > 0", name=op.f("ck_team_size_positive")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_team_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team")),
        sa.UniqueConstraint("organisation_id", "name", name=op.f("uq_team_organisation_id_name")),
    )
    op.create_index(op.f("ix_team_organisation_id"), "team", ["organisation_id"])
    op.create_table(
        "survey_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("instrument_hash", sa.String(length=64), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_survey_round_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["intervention.id"],
            name=op.f("fk_survey_round_intervention_id_intervention"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_round")),
    )
    op.create_index(op.f("ix_survey_round_organisation_id"), "survey_round", ["organisation_id"])
    op.create_index(op.f("ix_survey_round_intervention_id"), "survey_round", ["intervention_id"])
    op.create_table(
        "round_team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["survey_round.id"],
            name=op.f("fk_round_team_round_id_survey_round"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
            name=op.f("fk_round_team_team_id_team"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_team")),
        sa.UniqueConstraint("round_id", "team_id", name=op.f("uq_round_team_round_id_team_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_round_team_token_hash")),
    )
    op.create_index(op.f("ix_round_team_team_id"), "round_team", ["team_id"])

    op.create_table(
        "response_tally",
        *_tally_cell("response_tally"),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("organisation_id", "team_id", "round_id", "role", name=op.f("pk_response_tally")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "score_tally",
        *_tally_cell("score_tally"),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("total_sq", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("organisation_id", "team_id", "round_id", "role", "key", name=op.f("pk_score_tally")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "answer_tally",
        *_tally_cell("answer_tally"),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "organisation_id",
            "team_id",
            "round_id",
            "role",
            "item_id",
            "value",
            name=op.f("pk_answer_tally"),
        ),
        sqlite_with_rowid=False,
    )

    # On SQLite the batches rebuild the tables (upgrade_to_head turns foreign keys off for it).
    with op.batch_alter_table("intervention") as batch:
        batch.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_intervention_organisation_id_organisation"),
            "organisation",
            ["organisation_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.drop_constraint(op.f("uq_intervention_name"), type_="unique")
        batch.create_unique_constraint(op.f("uq_intervention_organisation_id_name"), ["organisation_id", "name"])
    op.create_index(
        op.f("uq_intervention_name_open"),
        "intervention",
        ["name"],
        unique=True,
        sqlite_where=sa.text(_OPEN_LIST),
        postgresql_where=sa.text(_OPEN_LIST),
    )
    for table, indexed in (("draft", False), ("response", True)):
        with op.batch_alter_table(table) as batch:
            for column, referred in _ATTRIBUTION:
                batch.add_column(sa.Column(column, sa.Integer(), nullable=True))
                batch.create_foreign_key(op.f(f"fk_{table}_{column}_{referred}"), referred, [column], ["id"])
                if indexed:
                    batch.create_index(op.f(f"ix_{table}_{column}"), [column])
            batch.create_check_constraint(op.f(f"ck_{table}_attributed_all_or_none"), _ALL_OR_NONE)


def downgrade() -> None:
    for table, indexed in (("response", True), ("draft", False)):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"ck_{table}_attributed_all_or_none"), type_="check")
            for column, referred in _ATTRIBUTION:
                if indexed:
                    batch.drop_index(op.f(f"ix_{table}_{column}"))
                batch.drop_constraint(op.f(f"fk_{table}_{column}_{referred}"), type_="foreignkey")
                batch.drop_column(column)
    op.drop_table("answer_tally")
    op.drop_table("score_tally")
    op.drop_table("response_tally")
    op.drop_table("round_team")
    op.drop_table("survey_round")
    # Organisations' own interventions go with the organisations; the open list stays.
    op.execute(sa.text("DELETE FROM intervention WHERE organisation_id IS NOT NULL"))
    op.drop_index(op.f("uq_intervention_name_open"), table_name="intervention")
    with op.batch_alter_table("intervention") as batch:
        batch.drop_constraint(op.f("uq_intervention_organisation_id_name"), type_="unique")
        batch.drop_constraint(op.f("fk_intervention_organisation_id_organisation"), type_="foreignkey")
        batch.drop_column("organisation_id")
        batch.create_unique_constraint(op.f("uq_intervention_name"), ["name"])
    op.drop_table("team")
    op.drop_table("organisation")
