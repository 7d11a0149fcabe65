"""Migrations on SQLite (the PostgreSQL twin is tests/integration/test_registry_postgres.py)."""

from __future__ import annotations

from sqlalchemy import text

from pioneer.db import current_revision, head_revision, make_engine, upgrade

USER_STATION = (
    "INSERT INTO registry_station (code, name, medium, division_code, longitude, latitude, datum, source) "
    "VALUES ('U1', '用户站', 'air', '110101', 116.4, 39.9, 'WGS84', 'user')"
)


def test_upgrade_empty_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    assert current_revision(url) is None
    assert upgrade(url) == head_revision()
    assert current_revision(url) == head_revision()
    assert upgrade(url) == head_revision()  # idempotent


def test_upgrade_populated_database_keeps_data(tmp_path):
    url = f"sqlite:///{tmp_path / 'b.db'}"
    upgrade(url, "0001_registry")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(USER_STATION))
    upgrade(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM registry_station WHERE code = 'U1'")).scalar() == "用户站"
        assert conn.execute(text("SELECT count(*) FROM registry_station")).scalar() == 13
        assert conn.execute(text("SELECT count(*) FROM registry_division")).scalar() == 6823
    engine.dispose()


def test_sqlite_foreign_keys_enforced(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
