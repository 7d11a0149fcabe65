"""Registry schema: divisions, strategies, zones (append-only history), stations.

Revision ID: 0001_registry
Revises:
Create Date: 2026-11-24 05:18:13.897538
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_registry"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_division",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("start_year", sa.SmallInteger(), nullable=False),
        sa.Column("end_year", sa.SmallInteger(), nullable=True),
        sa.Column("parent_code", sa.String(length=6), nullable=True),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("source_parent_name", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_division")),
        sa.UniqueConstraint("code", "start_year", name="uq_registry_division_code_start"),
    )
    with op.batch_alter_table("registry_division", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registry_division_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_registry_division_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_registry_division_parent_code"), ["parent_code"], unique=False)

    op.create_table(
        "registry_station",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("medium", sa.String(length=8), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("datum", sa.String(length=16), nullable=False),
        sa.Column("active_from", sa.Date(), nullable=True),
        sa.Column("active_to", sa.Date(), nullable=True),
        sa.Column("air_class", sa.String(length=16), nullable=True),
        sa.Column("water_body", sa.String(length=16), nullable=True),
        sa.Column("basin", sa.String(length=64), nullable=True),
        sa.Column("cross_boundary", sa.Boolean(), nullable=True),
        sa.Column("upstream_division_code", sa.String(length=6), nullable=True),
        sa.Column("downstream_division_code", sa.String(length=6), nullable=True),
        sa.Column("noise_zone_class", sa.String(length=4), nullable=True),
        sa.Column("source", sa.String(length=256), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_station")),
        sa.UniqueConstraint("code", name=op.f("uq_registry_station_code")),
    )
    with op.batch_alter_table("registry_station", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_station_division_code"), ["division_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_registry_station_medium"), ["medium"], unique=False)

    op.create_table(
        "registry_strategy",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=64), nullable=False),
        sa.Column("name_en", sa.String(length=128), nullable=False),
        sa.Column("seed_section", sa.String(length=16), nullable=False),
        sa.Column("member_level", sa.String(length=16), nullable=False),
        sa.Column("source_title", sa.String(length=256), nullable=False),
        sa.Column("source_issuer", sa.String(length=128), nullable=False),
        sa.Column("source_date", sa.String(length=10), nullable=False),
        sa.Column("scope_note", sa.Text(), nullable=False),
        sa.Column("confidence", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_registry_strategy")),
    )
    op.create_table(
        "registry_division_successor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("division_id", sa.Integer(), nullable=False),
        sa.Column("successor_code", sa.String(length=6), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("full", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_id"],
            ["registry_division.id"],
            name=op.f("fk_registry_division_successor_division_id_registry_division"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_division_successor")),
    )
    with op.batch_alter_table("registry_division_successor", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_division_successor_division_id"), ["division_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_registry_division_successor_successor_code"), ["successor_code"], unique=False
        )

    op.create_table(
        "registry_strategy_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("strategy_code", sa.String(length=32), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.ForeignKeyConstraint(
            ["strategy_code"],
            ["registry_strategy.code"],
            name=op.f("fk_registry_strategy_member_strategy_code_registry_strategy"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_strategy_member")),
        sa.UniqueConstraint("strategy_code", "division_code", name="uq_registry_strategy_member"),
    )
    with op.batch_alter_table("registry_strategy_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_strategy_member_strategy_code"), ["strategy_code"], unique=False
        )

    op.create_table(
        "registry_strategy_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("strategy_code", sa.String(length=32), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=32), nullable=False),
        sa.Column("domain", sa.String(length=32), nullable=False),
        sa.Column("text_zh", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("confidence", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["strategy_code"],
            ["registry_strategy.code"],
            name=op.f("fk_registry_strategy_task_strategy_code_registry_strategy"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_strategy_task")),
        sa.UniqueConstraint("strategy_code", "ordinal", name="uq_registry_strategy_task"),
    )
    with op.batch_alter_table("registry_strategy_task", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_strategy_task_strategy_code"), ["strategy_code"], unique=False
        )

    op.create_table(
        "registry_zone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=128), nullable=False),
        sa.Column("name_en", sa.String(length=256), nullable=False),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("theme", sa.Text(), nullable=False),
        sa.Column("seed_sections", sa.JSON(), nullable=False),
        sa.Column("strategy_code", sa.String(length=32), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["strategy_code"],
            ["registry_strategy.code"],
            name=op.f("fk_registry_zone_strategy_code_registry_strategy"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_zone")),
        sa.UniqueConstraint("code", name=op.f("uq_registry_zone_code")),
    )
    with op.batch_alter_table("registry_zone", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registry_zone_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_registry_zone_tier"), ["tier"], unique=False)

    op.create_table(
        "registry_zone_division",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["registry_zone.id"], name=op.f("fk_registry_zone_division_zone_id_registry_zone")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_zone_division")),
        sa.UniqueConstraint("zone_id", "division_code", name="uq_registry_zone_division"),
    )
    with op.batch_alter_table("registry_zone_division", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_zone_division_division_code"), ["division_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_registry_zone_division_zone_id"), ["zone_id"], unique=False)

    op.create_table(
        "registry_zone_transition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(length=24), nullable=True),
        sa.Column("to_state", sa.String(length=24), nullable=False),
        sa.Column("actor_username", sa.String(length=128), nullable=False),
        sa.Column("actor_role", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["registry_zone.id"], name=op.f("fk_registry_zone_transition_zone_id_registry_zone")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_zone_transition")),
        sa.UniqueConstraint("zone_id", "seq", name="uq_registry_zone_transition_seq"),
    )
    with op.batch_alter_table("registry_zone_transition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registry_zone_transition_zone_id"), ["zone_id"], unique=False)

    _create_history_triggers()


HISTORY = "registry_zone_transition"


def _create_history_triggers() -> None:
    """The zone lifecycle history is append-only for every client, not only for the ORM."""
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {HISTORY}_no_{action.lower()} BEFORE {action} ON {HISTORY} "
                f"BEGIN SELECT RAISE(ABORT, '{HISTORY} is append-only'); END"
            )
    else:
        op.execute(
            f"CREATE FUNCTION {HISTORY}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{HISTORY} is append-only'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {HISTORY}_append_only BEFORE UPDATE OR DELETE ON {HISTORY} "
            f"FOR EACH ROW EXECUTE FUNCTION {HISTORY}_append_only()"
        )


def _drop_history_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {HISTORY}_no_{action}")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {HISTORY}_append_only ON {HISTORY}")
        op.execute(f"DROP FUNCTION IF EXISTS {HISTORY}_append_only()")


def downgrade() -> None:
    _drop_history_triggers()
    for table in (
        "registry_zone_transition",
        "registry_zone_division",
        "registry_zone",
        "registry_strategy_task",
        "registry_strategy_member",
        "registry_division_successor",
        "registry_strategy",
        "registry_station",
        "registry_division",
    ):
        op.drop_table(table)
