"""Backup and restore of a Pioneer installation: the app database, the lake, kept uploads and evidence files
(everything under ``PIONEER_HOME`` that is state), as one ``.tar`` archive with a manifest of sha256 sums.

Consistency: the lake's single-writer lock (:meth:`pioneer.lake.storage.Lake.writer`) is held while the lake is
copied, so no import commits half-way through the copy; the database is copied with its own online tools — SQLite
through its backup API (``sqlite3.Connection.backup``: a consistent snapshot while others read and write),
PostgreSQL through ``pg_dump --format=custom`` (one transaction snapshot) and ``pg_restore``. The database and the
lake are two stores: a web write committed between the two copies can be in one and not the other (the database
is copied second, while the lake lock is still held, so no lake import can run in between).

Restore goes into a fresh home only (no ``pioneer.db``, empty ``lake/``), checks every file's sha256 against the
manifest before anything is written, and for PostgreSQL restores into ``PIONEER_DATABASE_URL``, which must be an
empty database (no Alembic revision: a used database is refused, never overwritten).

PostgreSQL goes through its own tools rather than a SQLAlchemy copy: ``pg_dump`` takes one transaction snapshot
of every table, sequence, index and constraint (a row-by-row copy would need its own snapshot handling and
would miss sequences and server-side objects), and the custom format is what ``pg_restore`` checks and replays.
The client tools must match or be newer than the server (Debian's ``postgresql-client``).
A local lake only (an object-store lake has its own backup tools).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from pioneer.config import settings
from pioneer.errors import PioneerError

FOLDERS = ("lake", "uploads", "evidence")
MANIFEST = "manifest.json"


class BackupError(PioneerError):
    """A backup or restore that cannot be done (nothing was changed)."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _pg_url(url: str) -> str:
    """A libpq URL from a SQLAlchemy one (``postgresql+psycopg://`` → ``postgresql://``)."""
    rest = url.split("://", 1)[1]
    return "postgresql://" + rest


def backup(archive: str | Path) -> dict[str, Any]:
    """Write a backup of the current ``PIONEER_HOME`` (and database) to ``archive`` (a ``.tar`` file, written
    atomically). Returns the manifest."""
    from pioneer.lake.storage import Lake

    config = settings()
    home = config.home.resolve()
    archive = Path(archive)
    lake = Lake()
    if not lake.is_local:
        raise BackupError("仅支持本地数据湖的备份", "only a local lake can be backed up this way")
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp)
        with lake.writer():  # no import commits while the lake and then the database are copied
            for name in FOLDERS:
                src = Path(lake.root) if name == "lake" else home / name
                if src.is_dir():
                    shutil.copytree(src, stage / name, ignore=shutil.ignore_patterns("_writer.lock"))
            db = _backup_database(config.database, stage)
        files = sorted(p for p in stage.rglob("*") if p.is_file())
        manifest = {
            "pioneer_backup": 1,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": db,
            "revision": _revision(config.database),
            "files": {str(p.relative_to(stage)): _sha256(p) for p in files},
        }
        (stage / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
        part = archive.with_name(archive.name + ".part")
        with tarfile.open(part, "w") as tar:
            tar.add(stage / MANIFEST, arcname=MANIFEST)
            for p in files:
                tar.add(p, arcname=str(p.relative_to(stage)))
        part.replace(archive)
    return manifest


def _backup_database(url: str, stage: Path) -> str:
    if url.startswith("sqlite:///"):
        src = sqlite3.connect(url[len("sqlite:///") :])
        dst = sqlite3.connect(stage / "pioneer.db")
        with dst:
            src.backup(dst)  # the SQLite online backup API: a consistent copy while others use the file
        dst.close()
        src.close()
        return "sqlite"
    if url.startswith("postgresql"):
        out = stage / "pioneer.pgdump"
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(out), _pg_url(url)])
        return "postgresql"
    raise BackupError("不支持的数据库", f"unsupported database URL scheme: {url.split(':', 1)[0]}")


def _revision(url: str) -> str | None:
    from pioneer.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as c:
            return c.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except Exception:  # no alembic table: an empty database
        return None
    finally:
        engine.dispose()


def _run(cmd: list[str]) -> None:
    try:
        subprocess.run(cmd, check=True, capture_output=True, timeout=3600)
    except FileNotFoundError:
        raise BackupError(
            f"找不到 {cmd[0]}（请安装 PostgreSQL 客户端）",
            f"{cmd[0]} not found (install the PostgreSQL client)",
        ) from None
    except subprocess.CalledProcessError as exc:
        raise BackupError(
            f"{cmd[0]} 失败", f"{cmd[0]} failed: {exc.stderr.decode(errors='replace')[-500:]}"
        ) from None


def read_manifest(archive: str | Path) -> dict[str, Any]:
    """The manifest of a backup archive (refused if it is not one)."""
    try:
        with tarfile.open(archive, "r") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            return json.load(io.TextIOWrapper(member, encoding="utf-8"))
    except (tarfile.TarError, KeyError, OSError, ValueError):
        raise BackupError("不是 Pioneer 备份文件", f"not a Pioneer backup archive: {archive}") from None


def restore(archive: str | Path) -> dict[str, Any]:
    """Restore ``archive`` into the current ``PIONEER_HOME`` (and database), which must be fresh. Every file is
    checked against the manifest's sha256 first; nothing is written if one differs. Returns the manifest."""
    config = settings()
    home = config.home.resolve()
    manifest = read_manifest(archive)
    sqlite = manifest["database"] == "sqlite"
    if config.database_url is None and not sqlite:
        raise BackupError("此备份含 PostgreSQL 数据库：请设置 PIONEER_DATABASE_URL",
                          "this backup holds a PostgreSQL database: set PIONEER_DATABASE_URL")  # fmt: skip
    if not sqlite and _revision(config.database) is not None:
        raise BackupError("目标 PostgreSQL 数据库不是空的（已有迁移版本）：请恢复到新建的空数据库",
                          "the target PostgreSQL database is not empty (it has a migration revision): restore "
                          "into a new, empty database")  # fmt: skip
    if (home / "pioneer.db").exists() or any((home / "lake").glob("*")):
        raise BackupError(
            f"目标目录不是新的：{home}", f"the home is not fresh (pioneer.db or lake/ present): {home}"
        )
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp)
        with tarfile.open(archive, "r") as tar:
            tar.extractall(stage, filter="data")  # no absolute paths, no links out of the folder
        for rel, digest in manifest["files"].items():
            p = stage / rel
            if not p.is_file() or _sha256(p) != digest:
                raise BackupError(
                    f"备份文件已损坏：{rel}", f"damaged backup: {rel} does not match its sha256"
                )
        home.mkdir(parents=True, exist_ok=True)
        if sqlite:
            target = (
                Path(config.database[len("sqlite:///") :])
                if config.database.startswith("sqlite:///")
                else None
            )
            if target is None:
                raise BackupError(
                    "此备份含 SQLite 数据库",
                    "this backup holds a SQLite database; unset PIONEER_DATABASE_URL",
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(stage / "pioneer.db", target)
        else:
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--dbname", _pg_url(config.database),
                  str(stage / "pioneer.pgdump")])  # fmt: skip
        for name in FOLDERS:
            if (stage / name).is_dir():
                dest = Path(config.lake) if name == "lake" else home / name
                dest.mkdir(parents=True, exist_ok=True)
                shutil.copytree(stage / name, dest, dirs_exist_ok=True)
    return manifest
