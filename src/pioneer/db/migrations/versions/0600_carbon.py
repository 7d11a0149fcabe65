"""Carbon: stored energy-activity account totals by sector, by fuel and per division-year
(``pioneer.carbon.models``).

Revision ID: 0600_carbon
Revises: 0500_compensation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0600_carbon"
down_revision = "0500_compensation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "carbon_account_total",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("edition", sa.String(length=32), nullable=False),
        sa.Column("grid", sa.String(length=64), nullable=False),
        sa.Column("record", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("co2_t", sa.Float(), nullable=False),
        sa.Column("co2_direct_t", sa.Float(), nullable=False),
        sa.Column("co2_indirect_t", sa.Float(), nullable=False),
        sa.Column("energy_gj", sa.Float(), nullable=True),
        sa.Column("source_file", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("stored_by", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carbon_account_total")),
        sa.UniqueConstraint(
            "division_code", "year", "edition", "record", "key", name="uq_carbon_account_total_key"
        ),
    )
    op.create_index(
        op.f("ix_carbon_account_total_division_code"), "carbon_account_total", ["division_code"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_carbon_account_total_division_code"), table_name="carbon_account_total")
    op.drop_table("carbon_account_total")
