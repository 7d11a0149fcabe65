"""The lake on disk: Parquet partitioned by medium and year, per-import commit records, atomic visibility.

Layout under the lake root (a local folder, or a URL such as ``s3://bucket/lake`` or ``hdfs://nn/lake`` that
:func:`pyarrow.fs.FileSystem.from_uri` understands)::

    air/year=2013/<import_id>.parquet      data written by one import (one file per medium and year)
    water/year=…/…   noise/year=…/…
    _imports/<import_id>.json              provenance record = commit marker (written last, atomically)
    _rejects/<import_id>.csv|.json         rows refused by an ``accept_valid`` import, with reasons
    _staging/<import_id>/…                 work area of an import in progress

An import stages its files, moves them into their partitions, then writes its record. Readers see only the files
listed in committed records, so a crash at any point leaves the lake without that import (leftovers are removed
by :meth:`Lake.recover`); on object stores, where a move is a copy, the same rule holds because the record is a
single object written last.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from pioneer.config import settings

MEDIA = ("air", "water", "noise")
COMMITTED = ("committed", "partial")
HOUR_END_MEDIA = ("air", "air_daily")
"""Media whose times are hour-end labels (hours and station-days): a row belongs to its data day's year."""


def partition_year(medium: str, time: dt.datetime) -> int:
    """The partition year (``<medium>/year=<y>/``) of a row of ``medium`` at ``time``: for
    ``HOUR_END_MEDIA`` the data day's year, ``year(time − 1 h)`` (the label 2014-01-01 00:00 belongs to 2013);
    water and noise the year of the time (docs/lake.md, "Storage")."""
    return (time - dt.timedelta(hours=1)).year if medium in HOUR_END_MEDIA else time.year


def file_year(rel: str) -> int | None:
    """The partition year of a lake data path ``<medium>/year=<y>/<import_id>.parquet`` (``None``: no year)."""
    parts = rel.split("/")
    if len(parts) < 3 or not parts[1].startswith("year=") or not parts[1][5:].isdigit():
        return None
    return int(parts[1][5:])


def in_years(rel: str, years: tuple[int | None, int | None] | None) -> bool:
    """Whether the data file ``rel`` can hold rows of the partition years ``years`` (inclusive bounds,
    ``None`` = open): a file without a year partition always can."""
    if years is None:
        return True
    y = file_year(rel)
    lo, hi = years
    return y is None or ((lo is None or y >= lo) and (hi is None or y <= hi))


class Lake:
    """A measurement lake at ``url`` (default: ``pioneer.config.settings().lake``)."""

    def __init__(self, url: str | os.PathLike[str] | None = None) -> None:
        url = str(url) if url is not None else settings().lake
        if "://" in url and not url.startswith("file://"):
            self.fs, self.root = pafs.FileSystem.from_uri(url)
            self.scheme = url.split("://", 1)[0]
        else:
            local = url[len("file://") :] if url.startswith("file://") else url
            self.fs, self.root, self.scheme = pafs.LocalFileSystem(), str(Path(local).resolve()), ""
        self.url = url

    # ---- paths ----------------------------------------------------------------------------------------------
    def path(self, *parts: str) -> str:
        """Filesystem path (for ``self.fs``) of a location in the lake."""
        return "/".join([self.root.rstrip("/"), *parts])

    def uri(self, *parts: str) -> str:
        """Address of a location that engines (DuckDB, Spark) can open: a local path or a URL."""
        p = self.path(*parts)
        return p if not self.scheme else f"{self.scheme}://{p}"

    @property
    def is_local(self) -> bool:
        return not self.scheme

    @contextlib.contextmanager
    def writer(self) -> Iterator[None]:
        """Hold the lake's single-writer lock: imports (and ``recover``, which deletes what no committed record
        lists — including a running import's staged files) must not overlap. A local lake uses an exclusive
        ``flock`` on ``_writer.lock``: other writers wait, and the kernel releases it when a process dies, so a
        crash never leaves the lake locked. Object stores have no such lock: one writer at a time is the
        operator's rule there (docs/lake.md)."""
        if not self.is_local:
            yield
            return
        Path(self.root).mkdir(parents=True, exist_ok=True)
        with open(Path(self.root) / "_writer.lock", "a+b") as f:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)

    # ---- low-level I/O ----------------------------------------------------------------------------------------
    def mkdirs(self, *parts: str) -> None:
        self.fs.create_dir(self.path(*parts), recursive=True)

    def write_bytes_atomic(self, rel: str, data: bytes) -> None:
        """Write ``data`` at ``rel`` so that readers see the old state or the whole new file, never a part."""
        final = self.path(rel)
        self.fs.create_dir(final.rsplit("/", 1)[0], recursive=True)
        tmp = f"{final}.tmp-{uuid.uuid4().hex}"
        with self.fs.open_output_stream(tmp) as out:
            out.write(data)
        if self.is_local:
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        self.fs.move(tmp, final)

    def read_bytes(self, rel: str) -> bytes:
        with self.fs.open_input_stream(self.path(rel)) as f:
            return f.read()

    def exists(self, rel: str) -> bool:
        return self.fs.get_file_info(self.path(rel)).type != pafs.FileType.NotFound

    def list(self, rel: str, *, recursive: bool = False) -> list[str]:
        """Relative paths of the files under ``rel`` (empty if it does not exist)."""
        sel = pafs.FileSelector(self.path(rel), allow_not_found=True, recursive=recursive)
        base = self.root.rstrip("/") + "/"
        return sorted(i.path[len(base) :] for i in self.fs.get_file_info(sel) if i.type == pafs.FileType.File)

    def write_parquet(self, rel: str, table: pa.Table, *, row_group_size: int | None = None) -> None:
        p = self.path(rel)
        self.fs.create_dir(p.rsplit("/", 1)[0], recursive=True)
        pq.write_table(table, p, filesystem=self.fs, compression="zstd", row_group_size=row_group_size)

    # ---- provenance records -----------------------------------------------------------------------------------
    def records(self) -> list[dict[str, Any]]:
        """Every provenance record (committed, partial and rejected imports), oldest first."""
        out = []
        for rel in self.list("_imports"):
            if rel.endswith(".json"):
                out.append(json.loads(self.read_bytes(rel)))
        return sorted(out, key=lambda r: r["import_id"])

    def committed(self) -> list[dict[str, Any]]:
        return [r for r in self.records() if r["status"] in COMMITTED]

    def files(self, medium: str, *, years: tuple[int | None, int | None] | None = None) -> list[str]:
        """Engine addresses of the data files of ``medium`` written by committed imports; with ``years`` (partition
        years, inclusive, ``None`` = open) only the files of those years (:func:`in_years`)."""
        return [self.uri(f) for r in self.committed() for f in r.get("files", [])
                if f.startswith(medium + "/") and in_years(f, years)]  # fmt: skip

    def write_record(self, record: dict[str, Any]) -> None:
        self.write_bytes_atomic(
            f"_imports/{record['import_id']}.json", json.dumps(record, ensure_ascii=False, indent=1).encode()
        )

    def recover(self) -> list[str]:
        """Remove what crashed imports left behind (staging areas, data files no record lists); returns them."""
        keep = {f for r in self.committed() for f in [*r.get("files", []), *r.get("site_day_files", [])]}
        removed = []
        for rel in self.list("_staging", recursive=True):
            removed.append(rel)
        if self.exists("_staging"):
            self.fs.delete_dir_contents(self.path("_staging"), missing_dir_ok=True)
        for medium in (*MEDIA, "air_daily", "air_days"):  # and the station-day and site-day files
            for rel in self.list(medium, recursive=True):
                if rel not in keep:
                    self.fs.delete_file(self.path(rel))
                    removed.append(rel)
        for rel in self.list("_imports"):
            if ".tmp-" in rel:
                self.fs.delete_file(self.path(rel))
                removed.append(rel)
        return removed
