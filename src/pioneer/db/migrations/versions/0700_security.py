"""API tokens with an expiry (ASVS V3.5: tokens expire and can be revoked; issue 15 item 5).

Tokens issued before this migration keep ``expires_at`` NULL: they do not expire until revoked (a new token is
always issued with an expiry)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0700_security"
down_revision = "0800_day_flags"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("web_api_token") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("web_api_token") as batch:
        batch.drop_column("revoked_at")
        batch.drop_column("expires_at")
