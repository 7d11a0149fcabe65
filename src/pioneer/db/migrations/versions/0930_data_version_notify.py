"""PostgreSQL: every committed write to a table the public answers read sends a notification on the channel
``pioneer_data_version`` (statement-level triggers calling ``pg_notify``), so the web app's data version
(``pioneer.web.cache.DataVersion``) follows the writes of every client by listening instead of reading a SQL
fingerprint at every request. Notifications are delivered at commit only (a rolled-back write sends none).
SQLite: nothing (its file change counter or the fingerprint is read).

Revision ID: 0930_data_version_notify
Revises: 0920_compensation_statements
"""

from __future__ import annotations

from alembic import op

revision = "0930_data_version_notify"
down_revision = "0920_compensation_statements"
branch_labels = None
depends_on = None

CHANNEL = "pioneer_data_version"
TABLES = ("indicator_value", "indicator_target", "registry_zone", "registry_zone_division",
          "registry_zone_transition", "registry_division")  # fmt: skip


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"""
        CREATE OR REPLACE FUNCTION pioneer_data_changed() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
            RETURN NULL;
        END
        $$ LANGUAGE plpgsql
    """)  # fmt: skip
    for table in TABLES:
        op.execute(f"""
            CREATE TRIGGER pioneer_data_version_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION pioneer_data_changed()
        """)  # fmt: skip


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS pioneer_data_version_{table} ON {table}")
    op.execute("DROP FUNCTION IF EXISTS pioneer_data_changed()")
