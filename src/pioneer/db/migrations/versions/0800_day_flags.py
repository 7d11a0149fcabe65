"""Exceptional-event day flags (sand and dust): ``air_day_flag`` (``pioneer.assessment.events_models``).

Revision ID: 0800_day_flags
Revises: 0600_carbon
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0800_day_flags"
down_revision = "0600_carbon"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "air_day_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("set_by", sa.String(length=128), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_air_day_flag")),
        sa.UniqueConstraint("division_code", "date", "kind", name="uq_air_day_flag"),
    )
    op.create_index(op.f("ix_air_day_flag_division_code"), "air_day_flag", ["division_code"], unique=False)
    op.create_index(op.f("ix_air_day_flag_date"), "air_day_flag", ["date"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_air_day_flag_date"), table_name="air_day_flag")
    op.drop_index(op.f("ix_air_day_flag_division_code"), table_name="air_day_flag")
    op.drop_table("air_day_flag")
