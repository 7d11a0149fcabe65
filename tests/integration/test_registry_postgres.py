"""The registry's migrations on a real PostgreSQL server (``PIONEER_TEST_POSTGRES_URL``; started by
``scripts/start-postgres.sh``). Fails instead of skipping when ``PIONEER_REQUIRE_POSTGRES`` is set."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pioneer.db import current_revision, head_revision, make_engine, upgrade

pytestmark = pytest.mark.postgres


@pytest.fixture
def database():
    server = os.environ.get("PIONEER_TEST_POSTGRES_URL")
    if not server:
        if os.environ.get("PIONEER_REQUIRE_POSTGRES"):
            pytest.fail("PIONEER_TEST_POSTGRES_URL is not set but PIONEER_REQUIRE_POSTGRES is")
        pytest.skip("PIONEER_TEST_POSTGRES_URL not set")
    name = f"pioneer_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(server).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_empty_postgres_database(database):
    assert current_revision(database) is None
    assert upgrade(database) == head_revision()
    engine = make_engine(database)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM registry_division")).scalar() == 6823
        assert conn.execute(text("SELECT version()")).scalar().startswith("PostgreSQL")
        # sequences moved past the explicit seed ids
        conn.execute(
            text(
                "INSERT INTO registry_division (code, name, level, kind, status, start_year, province_code, "
                "source_parent_name) VALUES ('999901', 't', 'county', 'county', 'in_use', 2030, '990000', '')"
            )
        )
    engine.dispose()


def test_upgrade_populated_postgres_database(database):
    upgrade(database, "0001_registry")
    engine = make_engine(database)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO registry_station (code, name, medium, division_code, longitude, latitude, datum, source) "
                "VALUES ('U1', '用户站', 'air', '110101', 116.4, 39.9, 'WGS84', 'user')"
            )
        )
    upgrade(database)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM registry_station")).scalar() == 13
    engine.dispose()
    assert upgrade(database) == head_revision()


def test_history_trigger_on_postgres(database):
    upgrade(database)
    engine = make_engine(database)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO registry_zone (code, name_zh, name_en, tier, theme, seed_sections, as_of, state, "
                "created_at, updated_at) VALUES ('Z', 'z', '', 'county', '', '[]', '2025-01-01', 'draft', now(), now())"
            )
        )
        conn.execute(
            text(
                "INSERT INTO registry_zone_transition (zone_id, seq, to_state, actor_username, actor_role, reason, at) "
                "SELECT id, 0, 'draft', 'u', 'zone', '', now() FROM registry_zone"
            )
        )
    with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
        conn.execute(text("UPDATE registry_zone_transition SET reason = 'x'"))
    with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM registry_zone_transition"))
    engine.dispose()
