"""``pioneer backup`` / ``pioneer restore`` on PostgreSQL (the test server of ``scripts/start-postgres.sh``, with
its password): a migrated database with accounts, zones and plans plus a lake import is backed up through
``pg_dump --format=custom``, restored with ``pg_restore`` into a second, empty database and a fresh home, and
compared table by table, row by row, and file by file. Skipped without the server unless
``PIONEER_REQUIRE_POSTGRES`` is set."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from pioneer.cli import app

CSV = b"station,time,pm2_5\n1001A,2025-01-01 01:00,3\n1001A,2025-01-01 02:00,4\n"


@pytest.fixture
def databases():
    server = os.environ.get("PIONEER_TEST_POSTGRES_URL")
    if not server:
        if os.environ.get("PIONEER_REQUIRE_POSTGRES"):
            pytest.fail("PIONEER_TEST_POSTGRES_URL is not set but PIONEER_REQUIRE_POSTGRES is")
        pytest.skip("PIONEER_TEST_POSTGRES_URL not set")
    names = [f"pioneer_backup_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for n in names:
            conn.execute(text(f'CREATE DATABASE "{n}"'))
    yield [make_url(server).set(database=n).render_as_string(hide_password=False) for n in names]
    with admin.connect() as conn:
        for n in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)'))
    admin.dispose()


def _tables(url: str) -> dict[str, list[tuple]]:
    engine = create_engine(url)
    with engine.connect() as c:
        names = inspect(c).get_table_names()
        out = {n: sorted(map(tuple, c.execute(text(f'SELECT * FROM "{n}"')).all()), key=repr) for n in names}
    engine.dispose()
    return out


def _files(home: Path) -> dict[str, str]:
    return {str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in ("lake", "uploads", "evidence") for p in sorted((home / folder).rglob("*"))
            if p.is_file() and p.name != "_writer.lock"}  # fmt: skip


def test_postgres_backup_restore_roundtrip(databases, tmp_path, monkeypatch):
    from pioneer.db import make_engine, session_scope, upgrade
    from pioneer.plans.demo import seed_plans
    from pioneer.web.demo import seed_accounts, seed_zones

    source, target = databases
    home = tmp_path / "home"
    monkeypatch.setenv("PIONEER_HOME", str(home))
    monkeypatch.setenv("PIONEER_DATABASE_URL", source)
    upgrade(source)
    engine = make_engine(source)
    with session_scope(engine) as s:
        seed_zones(s)
        seed_accounts(s)
        seed_plans(s)
    engine.dispose()
    src = tmp_path / "air.csv"
    src.write_bytes(CSV)
    assert CliRunner().invoke(app, ["ingest", str(src)]).exit_code == 0
    archive = tmp_path / "pg-backup.tar"
    r = CliRunner().invoke(app, ["backup", str(archive)])
    assert r.exit_code == 0, r.output
    assert "postgresql" in r.output

    fresh = tmp_path / "fresh"
    monkeypatch.setenv("PIONEER_HOME", str(fresh))
    monkeypatch.setenv("PIONEER_DATABASE_URL", target)
    r = CliRunner().invoke(app, ["restore", str(archive)])
    assert r.exit_code == 0, r.output

    before, after = _tables(source), _tables(target)
    assert before.keys() == after.keys() and "web_user" in after and "registry_division" in after
    for name in before:
        assert before[name] == after[name], name
    assert sum(len(v) for v in after.values()) > 6823  # the divisions and more
    assert _files(home) == _files(fresh) and any(k.startswith("lake/") for k in _files(fresh))


def test_postgres_restore_refuses_without_database_url(databases, tmp_path, monkeypatch):
    source, _ = databases
    monkeypatch.setenv("PIONEER_HOME", str(tmp_path / "h"))
    monkeypatch.setenv("PIONEER_DATABASE_URL", source)
    from pioneer.db import upgrade

    upgrade(source)
    archive = tmp_path / "b.tar"
    assert CliRunner().invoke(app, ["backup", str(archive)]).exit_code == 0
    monkeypatch.delenv("PIONEER_DATABASE_URL")
    monkeypatch.setenv("PIONEER_HOME", str(tmp_path / "h2"))
    r = CliRunner().invoke(app, ["restore", str(archive)])
    assert r.exit_code == 1 and "PIONEER_DATABASE_URL" in r.output and "Traceback" not in r.output


def test_postgres_restore_refuses_a_used_database(databases, tmp_path, monkeypatch):
    from pioneer.db import upgrade

    source, target = databases
    monkeypatch.setenv("PIONEER_HOME", str(tmp_path / "h"))
    monkeypatch.setenv("PIONEER_DATABASE_URL", source)
    upgrade(source)
    archive = tmp_path / "b.tar"
    assert CliRunner().invoke(app, ["backup", str(archive)]).exit_code == 0
    upgrade(target)  # the target is in use
    monkeypatch.setenv("PIONEER_HOME", str(tmp_path / "h2"))
    monkeypatch.setenv("PIONEER_DATABASE_URL", target)
    r = CliRunner().invoke(app, ["restore", str(archive)])
    assert r.exit_code == 1 and "not empty" in r.output.replace("\n", " ") and "Traceback" not in r.output
