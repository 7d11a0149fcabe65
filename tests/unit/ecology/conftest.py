"""Ecology fixtures: a migrated app database (GB/T 2260 divisions seeded by the registry migrations), one session
per test rolled back afterwards.

Like the plans tests, every test runs on SQLite and on a real PostgreSQL server: ``PIONEER_TEST_POSTGRES_URL``
points at a server (``make test`` starts one with ``scripts/start-postgres.sh``); a fresh database
``pioneer_ecology_<random>`` is created, migrated and dropped. Without the URL the PostgreSQL cases are skipped —
unless ``PIONEER_REQUIRE_POSTGRES`` is set, then they fail."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from pioneer.db import make_engine, upgrade


def _postgres() -> Iterator[str]:
    server = os.environ.get("PIONEER_TEST_POSTGRES_URL")
    if not server:
        if os.environ.get("PIONEER_REQUIRE_POSTGRES"):
            pytest.fail("PIONEER_TEST_POSTGRES_URL is not set but PIONEER_REQUIRE_POSTGRES is")
        pytest.skip("PIONEER_TEST_POSTGRES_URL not set")
    name = f"pioneer_ecology_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def engine(request, tmp_path_factory) -> Iterator[Engine]:
    if request.param == "sqlite":
        urls = iter([f"sqlite:///{tmp_path_factory.mktemp('ecology') / 'pioneer.db'}"])
    else:
        urls = _postgres()
    url = next(urls)
    upgrade(url)
    eng = make_engine(url)
    yield eng
    eng.dispose()
    next(urls, None)  # drops the PostgreSQL database


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with engine.connect() as connection:
        outer = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
            yield s
        outer.rollback()
