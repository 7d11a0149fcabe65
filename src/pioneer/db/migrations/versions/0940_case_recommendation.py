"""Typical cases (典型案例) get the province's step: ``submitted`` → ``recommended`` (省级推荐) or ``returned``
before the programme office decides (``pioneer.plans.choices.CASE_STEPS``). The status column is free text (no
constraint to widen); this adds who recommended a case and when (``recommended_by``, ``recommended_at``, UTC).
Cases already ``submitted`` stay so: nobody has recommended them, so they now wait in their province's queue.

Revision ID: 0940_case_recommendation
Revises: 0930_data_version_notify
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0940_case_recommendation"
down_revision = "0930_data_version_notify"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plans_case") as batch:
        batch.add_column(
            sa.Column("recommended_by", sa.String(length=128), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("recommended_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.execute("UPDATE plans_case SET status = 'submitted' WHERE status = 'recommended'")
    with op.batch_alter_table("plans_case") as batch:
        batch.drop_column("recommended_at")
        batch.drop_column("recommended_by")
