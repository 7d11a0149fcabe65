"""The test PostgreSQL server authenticates with a password on its own port (issue 15 item 5).

``scripts/start-postgres.sh`` starts the cluster on 55432 with ``scram-sha-256`` for every connection; the URL in
``PIONEER_TEST_POSTGRES_URL`` carries the generated password. Skipped without the URL unless
``PIONEER_REQUIRE_POSTGRES`` is set (``make test``)."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError


@pytest.fixture
def server_url():
    url = os.environ.get("PIONEER_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("PIONEER_REQUIRE_POSTGRES"):
            pytest.fail("PIONEER_TEST_POSTGRES_URL is not set but PIONEER_REQUIRE_POSTGRES is")
        pytest.skip("PIONEER_TEST_POSTGRES_URL not set")
    return make_url(url)


def _connects(url) -> bool:
    engine = create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except OperationalError:
        return False
    finally:
        engine.dispose()


def test_own_port_and_password_in_url(server_url):
    assert server_url.port not in (None, 5432)
    assert server_url.password and len(server_url.password) >= 32


def test_password_is_required(server_url):
    assert _connects(server_url)
    # URL.set(password=None) keeps the password: build the URL without one
    bare = URL.create(
        server_url.drivername, server_url.username, None, server_url.host, server_url.port, "postgres"
    )
    assert not _connects(bare)
    assert not _connects(server_url.set(password="wrong-" + server_url.password))


def test_every_rule_is_scram(server_url):
    engine = create_engine(server_url)
    try:
        with engine.connect() as conn:
            methods = {row[0] for row in conn.execute(text("SELECT auth_method FROM pg_hba_file_rules"))}
            stored = conn.execute(
                text("SELECT rolpassword FROM pg_authid WHERE rolname = current_user")
            ).scalar()
    finally:
        engine.dispose()
    assert methods == {"scram-sha-256"}
    assert stored.startswith("SCRAM-SHA-256$")
