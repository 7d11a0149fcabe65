"""Background jobs get a heartbeat and the name of their runner (``pioneer.web.jobs``): a running job is
reported as failed when its heartbeat is older than ``STALE_AFTER``, by whichever server worker reads it — before,
only the process that started it knew it was alive, so a job polled through another ``--workers`` process was
marked failed while it ran. Jobs already ``running`` have no heartbeat; their claim time is their start.

Revision ID: 0950_job_heartbeat
Revises: 0940_case_recommendation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0950_job_heartbeat"
down_revision = "0940_case_recommendation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("web_job") as batch:
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("runner", sa.String(length=128), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("web_job") as batch:
        batch.drop_column("runner")
        batch.drop_column("heartbeat_at")
