"""``pioneer backup`` / ``pioneer restore`` (SQLite): a home with accounts, zones, plans, a lake import, a kept
upload and an evidence file is backed up, restored into a fresh home and compared — every table row by row,
every lake, upload and evidence file byte for byte; a damaged archive or a home that is not fresh is refused
with nothing written."""

from __future__ import annotations

import hashlib
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from typer.testing import CliRunner

from pioneer.cli import app

CSV = b"station,time,pm2_5\n1001A,2025-01-01 01:00,3\n1001A,2025-01-01 02:00,4\n"


def _tables(db: Path) -> dict[str, list[tuple]]:
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as c:
        names = inspect(c).get_table_names()
        out = {n: sorted(map(tuple, c.execute(text(f'SELECT * FROM "{n}"')).all()), key=repr) for n in names}
    engine.dispose()
    return out


def _files(home: Path) -> dict[str, str]:
    return {str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in ("lake", "uploads", "evidence") for p in sorted((home / folder).rglob("*"))
            if p.is_file() and p.name != "_writer.lock"}  # fmt: skip


@pytest.fixture
def env(monkeypatch):
    def use(home: Path) -> None:
        monkeypatch.setenv("PIONEER_HOME", str(home))

    yield use


def test_backup_restore_roundtrip(home, client, tokens, tmp_path, env):
    # state in every store: a lake import, a kept (unconfirmed) upload, an evidence file
    src = tmp_path / "air.csv"
    src.write_bytes(CSV)
    env(home)
    assert CliRunner().invoke(app, ["ingest", str(src)]).exit_code == 0
    r = client.post("/api/v1/imports", files={"file": ("kept.csv", CSV, "text/csv")}, headers=tokens("admin"))
    assert r.json()["upload_id"]
    ev = client.post("/api/v1/projects/DEMO-BJ-001/evidence", files={"file": ("e.pdf", b"%PDF-1.4 x", "application/pdf")},
                     headers=tokens("admin"))  # fmt: skip
    assert ev.status_code == 201
    archive = tmp_path / "backup.tar"
    r = CliRunner().invoke(app, ["backup", str(archive)])
    assert r.exit_code == 0, r.output
    fresh = tmp_path / "fresh"
    env(fresh)
    r = CliRunner().invoke(app, ["restore", str(archive)])
    assert r.exit_code == 0, r.output
    before, after = _tables(home / "pioneer.db"), _tables(fresh / "pioneer.db")
    assert before.keys() == after.keys() and before == after
    assert before["web_user"] and before["registry_zone"]
    assert _files(home) == _files(fresh) and any(k.startswith("lake/") for k in _files(fresh))
    assert any(k.startswith("uploads/") for k in _files(fresh)) and any(
        k.startswith("evidence/") for k in _files(fresh)
    )
    # a second restore into the now used home is refused, nothing changed
    again = CliRunner().invoke(app, ["restore", str(archive)])
    assert again.exit_code == 1 and "not fresh" in again.output
    assert _tables(fresh / "pioneer.db") == after


def test_damaged_archive_refused(home, tmp_path, env):
    env(home)
    archive = tmp_path / "b.tar"
    assert CliRunner().invoke(app, ["backup", str(archive)]).exit_code == 0
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w") as dst:
        for m in src.getmembers():
            data = src.extractfile(m).read() if m.isfile() else None
            if m.name == "pioneer.db":
                data = data[:-1] + bytes([data[-1] ^ 1])
            if data is not None:
                import io

                m.size = len(data)
                dst.addfile(m, io.BytesIO(data))
    fresh = tmp_path / "fresh2"
    env(fresh)
    r = CliRunner().invoke(app, ["restore", str(damaged)])
    assert r.exit_code == 1 and "sha256" in r.output
    assert not (fresh / "pioneer.db").exists()
    r = CliRunner().invoke(app, ["restore", str(tmp_path / "b.tar.part")])
    assert r.exit_code != 0
