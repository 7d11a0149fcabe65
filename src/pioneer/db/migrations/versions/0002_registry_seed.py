"""Registry seed data: GB/T 2260 division history 1980–2024 (areacodes, CC0), the five regional strategies,
Beijing's 12 national air stations.

Revision ID: 0002_registry_seed
Revises: 0001_registry
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_registry_seed"
down_revision = "0001_registry"
branch_labels = None
depends_on = None

division = sa.table(
    "registry_division",
    *(sa.column(c) for c in ("id", "code", "name", "level", "kind", "status", "start_year", "end_year")),
    *(sa.column(c) for c in ("parent_code", "province_code", "source_parent_name")),
)
successor = sa.table(
    "registry_division_successor",
    *(sa.column(c) for c in ("id", "division_id", "successor_code", "year", "full")),
)
strategy = sa.table(
    "registry_strategy",
    *(sa.column(c) for c in ("code", "name_zh", "name_en", "seed_section", "member_level", "source_title")),
    *(sa.column(c) for c in ("source_issuer", "source_date", "scope_note", "confidence")),
)
member = sa.table("registry_strategy_member", sa.column("strategy_code"), sa.column("division_code"))
task = sa.table(
    "registry_strategy_task",
    *(
        sa.column(c)
        for c in ("strategy_code", "ordinal", "section", "domain", "text_zh", "text_en", "confidence")
    ),
)
station = sa.table(
    "registry_station",
    *(
        sa.column(c)
        for c in (
            "code",
            "name",
            "medium",
            "division_code",
            "longitude",
            "latitude",
            "datum",
            "active_from",
            "active_to",
            "air_class",
            "water_body",
            "basin",
            "cross_boundary",
            "upstream_division_code",
            "downstream_division_code",
            "noise_zone_class",
            "source",
        )
    ),
)


def _records(frame) -> list[dict]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def upgrade() -> None:
    from pioneer.registry.divisions.loader import division_rows, successor_rows
    from pioneer.registry.stations.service import beijing_seed_rows
    from pioneer.registry.strategies.service import strategy_rows

    divisions = division_rows()
    op.bulk_insert(division, _records(divisions))
    op.bulk_insert(successor, _records(successor_rows(divisions)))
    strategies, members, tasks = strategy_rows()
    op.bulk_insert(strategy, strategies)
    op.bulk_insert(member, members)
    op.bulk_insert(task, tasks)
    op.bulk_insert(station, beijing_seed_rows())
    if op.get_bind().dialect.name == "postgresql":
        # Explicit ids were inserted: move the sequences past them.
        for table in ("registry_division", "registry_division_successor"):
            op.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )


def downgrade() -> None:
    op.execute("DELETE FROM registry_station WHERE source LIKE 'seed:%'")
    for table in ("registry_strategy_task", "registry_strategy_member", "registry_strategy"):
        op.execute(f"DELETE FROM {table}")
    op.execute("DELETE FROM registry_division_successor")
    op.execute("DELETE FROM registry_division")
