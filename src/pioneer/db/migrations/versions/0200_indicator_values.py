"""Indicators: values with lineage, reported-statistics imports, division targets (``pioneer.indicators.models``).

Revision ID: 0200_indicator_values
Revises: 0100_web_accounts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0200_indicator_values"
down_revision = "0100_web_accounts"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "indicator_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("edition", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("source_document", sa.Text(), nullable=True),
        sa.Column("import_id", sa.String(length=64), nullable=True),
        sa.Column("lineage", sa.JSON(), nullable=False),
        sa.Column("created_at", TZ, server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_value")),
        sa.UniqueConstraint("division_code", "indicator", "year", "edition", name="uq_indicator_value_key"),
    )
    with op.batch_alter_table("indicator_value") as b:
        b.create_index(b.f("ix_indicator_value_division_code"), ["division_code"])
        b.create_index(b.f("ix_indicator_value_indicator"), ["indicator"])
        b.create_index(b.f("ix_indicator_value_year"), ["year"])
        b.create_index(b.f("ix_indicator_value_import_id"), ["import_id"])
    op.create_table(
        "indicator_import",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("n_rows", sa.Integer(), nullable=False),
        sa.Column("submitted_by", sa.String(length=128), nullable=True),
        sa.Column("created_at", TZ, server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_import")),
    )
    op.create_table(
        "indicator_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("comparator", sa.String(length=4), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("confidence", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_target")),
        sa.UniqueConstraint("division_code", "indicator", "year", name="uq_indicator_target_key"),
    )
    with op.batch_alter_table("indicator_target") as b:
        b.create_index(b.f("ix_indicator_target_division_code"), ["division_code"])


def downgrade() -> None:
    op.drop_table("indicator_target")
    op.drop_table("indicator_import")
    op.drop_table("indicator_value")
