"""The public cache's data version on PostgreSQL follows every client's committed writes through the
notifications of migration 0930 (``pioneer.web.cache.Listener``) instead of a SQL fingerprint per request; a
rolled-back write changes nothing; without the triggers the fingerprint is read as before. Needs the test
server (``scripts/start-postgres.sh``, ``PIONEER_TEST_POSTGRES_URL``); skipped without it."""

from __future__ import annotations

import os
import time
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pioneer.db import make_engine, upgrade
from pioneer.web.cache import DataVersion


@pytest.fixture
def pg_url():
    server = os.environ.get("PIONEER_TEST_POSTGRES_URL")
    if not server:
        if os.environ.get("PIONEER_REQUIRE_POSTGRES"):
            pytest.fail("PIONEER_TEST_POSTGRES_URL is not set but PIONEER_REQUIRE_POSTGRES is")
        pytest.skip("PIONEER_TEST_POSTGRES_URL not set")
    name = f"pioneer_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


INSERT = text("INSERT INTO indicator_value (division_code, indicator, year, edition, value, unit, source_kind, method,"
              " lineage) VALUES ('110000', 'air_pm2_5', :y, '', 30.0, 'µg/m³', 'reported', '', '{}')")  # fmt: skip


def _until(predicate, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_another_clients_commit_changes_the_version_without_a_fingerprint(pg_url, monkeypatch):
    app_engine, other = make_engine(pg_url), make_engine(pg_url)
    version = DataVersion(app_engine)
    version.listen()
    try:
        assert _until(lambda: version.listener.ready)
        calls = []
        monkeypatch.setattr(version, "fingerprint", lambda: calls.append(1) or ("fp",))
        before = version()
        assert before[2][0] == "notified" and version() == before and not calls  # no SQL per request
        with other.connect() as conn:  # a rolled-back write: no notification
            conn.execute(INSERT, {"y": 2020})
            conn.rollback()
        time.sleep(1.5)
        assert version() == before
        with other.begin() as conn:
            conn.execute(INSERT, {"y": 2021})
        assert _until(lambda: version() != before)
        assert not calls
    finally:
        version.listener.stop()
        app_engine.dispose()
        other.dispose()


def test_without_the_triggers_the_fingerprint_is_read(pg_url):
    engine = make_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER pioneer_data_version_indicator_value ON indicator_value"))
    version = DataVersion(engine)
    version.listen()
    try:
        assert _until(lambda: version.listener.absent)
        before = version()
        assert before[2][0] != "notified"
        with engine.begin() as conn:
            conn.execute(INSERT, {"y": 2022})
        assert version() != before  # the fingerprint's count moved
    finally:
        version.listener.stop()
        engine.dispose()
