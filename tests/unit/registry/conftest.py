"""Registry fixtures: the same tests run on SQLite and on a real PostgreSQL server (``backend`` fixture).

PostgreSQL: ``PIONEER_TEST_POSTGRES_URL`` points at a server (``make test`` starts one with
``scripts/start-postgres.sh``); a fresh database ``pioneer_test_<random>`` is created per test session, migrated
with the same Alembic migrations, and dropped at the end. Without the URL the PostgreSQL cases are skipped —
unless ``PIONEER_REQUIRE_POSTGRES`` is set (as in ``make test``), then they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from pioneer.db import make_engine, upgrade


def postgres_server_url() -> str | None:
    url = os.environ.get("PIONEER_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("PIONEER_REQUIRE_POSTGRES"):
            pytest.fail(
                "PIONEER_TEST_POSTGRES_URL is not set but PIONEER_REQUIRE_POSTGRES is (run scripts/start-postgres.sh)"
            )
        pytest.skip("PIONEER_TEST_POSTGRES_URL not set")
    return url


def fresh_postgres_database(server_url: str) -> tuple[str, callable]:
    """Create ``pioneer_test_<random>`` on the server; return its URL and a function that drops it."""
    name = f"pioneer_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request, tmp_path_factory) -> Iterator[str]:
    """URL of a migrated app database (SQLite file or fresh PostgreSQL database)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('registry') / 'pioneer.db'}"
        upgrade(url)
        yield url
        return
    url, drop = fresh_postgres_database(postgres_server_url())
    try:
        upgrade(url)
        yield url
    finally:
        drop()


@pytest.fixture(scope="session")
def engine(backend: str) -> Iterator[Engine]:
    eng = make_engine(backend)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test (writes use savepoints)."""
    with engine.connect() as connection:
        outer = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
            yield s
        outer.rollback()
