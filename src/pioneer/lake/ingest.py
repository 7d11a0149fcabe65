"""Ingest: read → validate → normalise → write atomically with a provenance record.

Policy: by default an import with any error writes no data and returns the full error report (a provenance
record with status ``rejected`` is kept for the audit trail). With ``accept_valid=True`` the valid rows are
written (status ``partial``) and the refused rows go to ``_rejects/<import_id>.csv|.json`` with their reasons.
Re-importing a file whose sha256 a committed import already has writes nothing (``already_imported``).
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import hashlib
import io
import json
import shutil
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pioneer.errors import InputError
from pioneer.guard.cells import neutral
from pioneer.lake import stationdays
from pioneer.lake.fast import FastResult, applicable_encoding, try_fast
from pioneer.lake.layouts import BUILTIN, Layout, read_mapping, sniff_layout, with_name_time, with_options
from pioneer.lake.readers import read_file
from pioneer.lake.storage import HOUR_END_MEDIA, Lake
from pioneer.lake.validate import ERROR_SCHEMA, check

REPORT_COLUMNS = ["file", "sheet", "row", "column", "value", "code", "reason_zh", "reason_en"]

Progress = Callable[[str, int, int], None]


@dataclass
class ImportResult:
    """Outcome of importing one file."""

    file: str
    status: str  # committed | partial | rejected | already_imported
    import_id: str | None
    sha256: str
    layout: str | None
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    errors: pa.Table = field(default_factory=lambda: _report_table([]))
    record: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("committed", "partial", "already_imported")

    def write_report(self, base: str | Path) -> tuple[Path, Path]:
        """Write the error report as ``<base>.csv`` (UTF-8 with BOM, opens in Excel) and ``<base>.json``."""
        return write_report(self.errors, base)


def write_report(errors: pa.Table, base: str | Path) -> tuple[Path, Path]:
    base = Path(base)
    base.parent.mkdir(parents=True, exist_ok=True)
    csv_path, json_path = base.with_name(base.name + ".csv"), base.with_name(base.name + ".json")
    csv_path.write_bytes(report_csv(errors))
    json_path.write_text(json.dumps(errors.to_pylist(), ensure_ascii=False, indent=1), encoding="utf-8")
    return csv_path, json_path


def report_csv(errors: pa.Table) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(errors.column_names)
    for col_values in zip(
        *[c.to_pylist() for c in errors.columns], strict=True
    ):  # report rows, not data rows
        w.writerow(["" if v is None else neutral(v) for v in col_values])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _report_table(parts: list[pa.Table]) -> pa.Table:
    schema = pa.schema([("file", pa.string()), ("sheet", pa.string()), *ERROR_SCHEMA])
    if not parts:
        return schema.empty_table()
    return pa.concat_tables([p.select(REPORT_COLUMNS).cast(schema) for p in parts])


def resolve_layout(layout: str | Layout | None, mapping: str | Path | None) -> Layout | None:
    if mapping is not None:
        return read_mapping(mapping)
    if isinstance(layout, Layout) or layout is None:
        return layout
    if layout not in BUILTIN:
        raise InputError("未知的数据格式", f"unknown layout (known: {', '.join(BUILTIN)})", value=layout)
    return BUILTIN[layout]


def ingest(
    paths: Sequence[str | Path] | str | Path,
    *,
    lake: Lake | None = None,
    layout: str | Layout | None = None,
    mapping: str | Path | None = None,
    accept_valid: bool = False,
    known_stations: Mapping[str, str] | None = None,
    status: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    who: str | None = None,
    progress: Progress | None = None,
) -> list[ImportResult]:
    """Import files into the lake, each as one import (see module docstring for the policy).

    Parameters
    ----------
    known_stations : mapping station code → 6-digit city division code, supplied by the registry; stations
        outside it are errors, and a row without a city gets the registered one.
    status : ``preliminary`` or ``validated``; overrides the layout's default.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    lake = lake or Lake()
    chosen = resolve_layout(layout, mapping)
    with lake.writer():  # one writer at a time: recover() must not see another import's staged files
        lake.recover()
        return [
            ingest_file(
                Path(p),
                lake=lake,
                layout=chosen,
                accept_valid=accept_valid,
                known_stations=known_stations,
                status=status,
                encoding=encoding,
                sheet=sheet,
                who=who,
                progress=progress,
            )
            for p in paths
        ]


def ingest_file(
    path: Path,
    *,
    lake: Lake,
    layout: Layout | None,
    accept_valid: bool = False,
    known_stations: Mapping[str, str] | None = None,
    status: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    who: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    tick = progress or (lambda stage, done, total: None)
    name = path.name
    started = dt.datetime.now(dt.UTC)
    tick("read", 0, 3)
    with ThreadPoolExecutor(1) as pool:  # the file is hashed while DuckDB reads it (hashlib releases the GIL)
        sha_of = pool.submit(_sha256, path)

        def new_import_id() -> str | None:
            sha = sha_of.result()
            return None if _already(lake, sha) else f"{started:%Y%m%dT%H%M%S%f}-{sha[:8]}"

        fast = None
        if lake.is_local and applicable_encoding(encoding or (layout.encoding if layout else None)):
            stage = Path(lake.path("_staging", f"fast-{started:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"))
            try:
                fast = try_fast(
                    path,
                    layout=layout,
                    stage=stage,
                    import_id=new_import_id,
                    status=status,
                    known_stations=known_stations,
                    accept_valid=accept_valid,
                    import_ready=sha_of.done,
                    encoding=encoding or (layout.encoding if layout else None),
                )
            except OSError:
                fast = None
            if fast is not None and fast.rows == 0:  # no data rows: refused by the checker's own rule
                fast = None
            if fast is None:
                shutil.rmtree(stage, ignore_errors=True)
        try:
            sha = sha_of.result()
        except OSError as exc:
            raise InputError("文件无法读取", f"file cannot be read: {exc.strerror}", file=str(path)) from None
    rec = _already(lake, sha)
    if rec is not None:
        if fast is not None:
            shutil.rmtree(stage, ignore_errors=True)
        return ImportResult(name, "already_imported", rec["import_id"], sha, rec["layout"], record=rec)
    import_id = f"{started:%Y%m%dT%H%M%S%f}-{sha[:8]}"
    if fast is not None and fast.errors is not None and not accept_valid:
        shutil.rmtree(stage, ignore_errors=True)
        errors = _report_table([_with_place(fast.errors, name, "")])
        return _rejected(
            lake, import_id, name, path, sha, fast.layout.name, fast.rows, errors, who, started, fast.encoding
        )
    if fast is not None:
        return _commit_fast(lake, fast, stage, import_id, name, path, sha, who, started, tick)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError("文件无法读取", f"file cannot be read: {exc.strerror}", file=str(path)) from None
    try:
        read = read_file(
            name,
            data,
            encoding=encoding or (layout.encoding if layout else None),
            sheet=sheet or (layout.sheet if layout else None),
        )
    except InputError as exc:
        errors = _report_table([_one_error(exc, name)])
        return _rejected(lake, import_id, name, path, sha, None, 0, errors, who, started)
    del data
    tick("validate", 1, 3)
    per_medium: dict[str, list[tuple[pa.Table, str, str]]] = {}  # rows, value status, sheet
    error_parts: list[pa.Table] = []
    used: list[Layout] = []
    rows_read = 0
    for sh in read.sheets:
        lay = layout or sniff_layout([c for c in sh.table.column_names if c != "_row"])
        if lay is None:
            error_parts.append(
                _one_error(
                    InputError(
                        "无法识别表格格式，请用 --layout 或 --mapping 指定",
                        "layout not recognised; choose one with --layout or --mapping",
                        row=1,
                    ),
                    name,
                    sh.name,
                )
            )
            rows_read += sh.table.num_rows
            continue
        if status:
            lay = with_options(lay, status=status)
        used.append(lay)
        try:  # a layout may take the time from the file name (CNEMC T00 files); a bad name rejects the file
            table = with_name_time(sh.table, lay, name)
        except InputError as exc:
            error_parts.append(_one_error(exc, name, sh.name))
            rows_read += sh.table.num_rows
            continue
        checked = check(table, lay, known_stations=known_stations, bad_rows=sh.bad_rows)
        rows_read += checked.n_source_rows + len(sh.bad_rows)
        if checked.errors.num_rows:
            e = checked.errors
            error_parts.append(
                e.append_column("file", _repeat(name, e.num_rows)).append_column(
                    "sheet", _repeat(sh.name, e.num_rows)
                )
            )
        rows = checked.rows.drop_columns(
            [c for c in lay.extras if c in checked.rows.column_names]
        )  # not stored
        if rows.num_rows:
            rows = rows.rename_columns(["row" if c == "_row" else c for c in rows.column_names])
            per_medium.setdefault(lay.medium, []).append((rows, lay.status, sh.name))
    errors = _report_table(error_parts)
    layout_name = ",".join(sorted({lay.name for lay in used})) or None
    n_rejected = (
        len(set(zip(errors["sheet"].to_pylist(), errors["row"].to_pylist(), strict=True)))
        if errors.num_rows
        else 0
    )
    if errors.num_rows and not accept_valid:
        return _rejected(
            lake,
            import_id,
            name,
            path,
            sha,
            layout_name,
            rows_read,
            errors,
            who,
            started,
            encoding=read.encoding,
        )
    tick("write", 2, 3)
    files: list[str] = []
    n_accepted = 0
    for medium, parts in per_medium.items():
        # The per-row constants (status, import_id, sheet) are added to each year's part just before it is
        # written when all parts share them (one CSV): they are not carried through the sort and the split.
        late = len({(st, sheet_name) for _, st, sheet_name in parts}) == 1
        tables = [t if late else _with_constants(t, st, import_id, sheet_name) for t, st, sheet_name in parts]
        table = pa.concat_tables(tables, promote_options="default")
        n_accepted += table.num_rows
        for y, part in _by_year(table, medium):
            if late:
                part = _with_constants(part, parts[0][1], import_id, parts[0][2])
            rel = f"{medium}/year={y}/{import_id}.parquet"
            lake.write_parquet(f"_staging/{import_id}/{rel}", part)
            files.append(rel)
    record = _record(
        import_id,
        name,
        path,
        sha,
        layout_name,
        "partial" if errors.num_rows else "committed",
        rows_read,
        n_accepted,
        n_rejected,
        who,
        started,
        encoding=read.encoding,
        files=files,
        reject_file=None,
        layouts=used,
        sheets=[s.name for s in read.sheets],
    )

    def cleanup() -> None:
        if lake.exists(f"_staging/{import_id}"):
            lake.fs.delete_dir(lake.path(f"_staging/{import_id}"))

    _commit(lake, [(lake.path(f"_staging/{import_id}/{rel}"), rel) for rel in files], errors, record, cleanup)
    tick("done", 3, 3)
    return ImportResult(
        name, record["status"], import_id, sha, layout_name, rows_read, n_accepted, n_rejected, errors, record
    )


def _commit(
    lake: Lake,
    moves: list[tuple[str, str]],
    errors: pa.Table,
    record: dict[str, Any],
    cleanup: Callable[[], None],
) -> None:
    """The one commit of every import that keeps rows (both routes): the refused rows and their reasons to
    ``_rejects/`` (``--accept-valid``), each staged file (``moves``: staged path → lake path) moved into its
    partition, the import's site-days attached (:mod:`pioneer.lake.stationdays`), then the record written last
    — the commit point — and the staging area removed."""
    if errors.num_rows:  # --accept-valid: the refused rows and their reasons
        reject_file = f"_rejects/{record['import_id']}"
        lake.write_bytes_atomic(reject_file + ".csv", report_csv(errors))
        lake.write_bytes_atomic(
            reject_file + ".json", json.dumps(errors.to_pylist(), ensure_ascii=False).encode()
        )
        record["reject_file"] = reject_file
    for staged, rel in moves:
        lake.fs.create_dir(lake.path(rel).rsplit("/", 1)[0], recursive=True)
        lake.fs.move(staged, lake.path(rel))
    record["files"] = [rel for _, rel in moves]
    stationdays.attach(lake, record)  # the import's site-days, listed in its record (docs/lake.md)
    lake.write_record(record)  # the commit point
    cleanup()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 23):
            h.update(chunk)
    return h.hexdigest()


def _already(lake: Lake, sha: str) -> dict[str, Any] | None:
    """The committed (or partial) import of a file with this sha256, if any."""
    return next((rec for rec in lake.committed() if rec["sha256"] == sha), None)


def _commit_fast(
    lake: Lake,
    fast: FastResult,
    stage: Path,
    import_id: str,
    name: str,
    path: Path,
    sha: str,
    who: str | None,
    started: dt.datetime,
    tick: Progress,
) -> ImportResult:
    """Commit the Parquet files the one-pass route staged (:func:`_commit`, as the general path)."""
    tick("write", 2, 3)
    errors = _report_table([] if fast.errors is None else [_with_place(fast.errors, name, "")])
    n_rejected = fast.rows - fast.accepted
    record = _record(
        import_id,
        name,
        path,
        sha,
        fast.layout.name,
        "partial" if errors.num_rows else "committed",
        fast.rows,
        fast.accepted,
        n_rejected,
        who,
        started,
        encoding=fast.encoding,
        files=[],
        reject_file=None,
        layouts=[fast.layout],
        sheets=[""],
    )
    moves = [(str(staged), f"air/year={y}/{import_id}.parquet") for y, staged in sorted(fast.files.items())]
    _commit(lake, moves, errors, record, lambda: shutil.rmtree(stage, ignore_errors=True))
    tick("done", 3, 3)
    return ImportResult(
        name,
        record["status"],
        import_id,
        sha,
        fast.layout.name,
        fast.rows,
        fast.accepted,
        n_rejected,
        errors,
        record,
    )


def _with_place(errors: pa.Table, name: str, sheet: str) -> pa.Table:
    return errors.append_column("file", _repeat(name, errors.num_rows)).append_column(
        "sheet", _repeat(sheet, errors.num_rows)
    )


def _repeat(value: str, n: int) -> pa.Array:
    """A string column holding ``value`` ``n`` times (built in Arrow, not as a Python list)."""
    return pa.repeat(pa.scalar(value, pa.string()), n)


def _with_constants(rows: pa.Table, status: str, import_id: str, sheet: str) -> pa.Table:
    n = rows.num_rows
    rows = rows.append_column("status", _repeat(status, n))
    rows = rows.append_column("import_id", _repeat(import_id, n))
    return rows.append_column("sheet", _repeat(sheet, n))


def _by_year(table: pa.Table, medium: str) -> list[tuple[int, pa.Table]]:
    """Split normalised rows by partition year, each part in source-row order.

    Air (hours and station-days, both labelled by the hour they end): the year of the data day,
    ``year(time − 1 h)`` (the hour-end label 2014-01-01 00:00 belongs to 2013);
    water and noise: the year of the time. Rows are put in source-row order (validation already delivers them
    so; the sort is skipped then) and each year is one boolean filter, in Arrow.
    """
    time = table["time"]
    if medium in HOUR_END_MEDIA:  # storage.partition_year's rule, on the column
        time = pc.subtract(time, pa.scalar(dt.timedelta(hours=1), pa.duration(time.type.unit)))
    years = pc.year(time).combine_chunks()
    if years.null_count:  # no partition for a row without a time (validation refuses those anyway)
        valid = pc.is_valid(years)
        table, years = table.filter(valid), years.filter(valid)
    row = table["row"].combine_chunks()
    if len(row) > 1 and not pc.all(pc.less_equal(row[:-1], row[1:])).as_py():
        order = pc.sort_indices(row)
        table, years = table.take(order), years.take(order)
    values = sorted(pc.unique(years).to_pylist())
    if len(values) == 1:
        return [(int(values[0]), table)]
    return [(int(y), table.filter(pc.equal(years, y))) for y in values]


def _one_error(exc: InputError, name: str, sheet: str = "") -> pa.Table:
    zh, en = exc.message_zh, exc.message_en
    return pa.table(
        {
            "file": [name],
            "sheet": [sheet],
            "row": pa.array([exc.row], pa.int64()),
            "column": [exc.column],
            "value": [None if exc.value is None else str(exc.value)],
            "code": ["read"],
            "reason_zh": [zh],
            "reason_en": [en],
        }
    )


def _record(
    import_id: str,
    name: str,
    path: Path,
    sha: str,
    layout: str | None,
    status: str,
    rows_read: int,
    accepted: int,
    rejected: int,
    who: str | None,
    started: dt.datetime,
    **extra: Any,
) -> dict[str, Any]:
    layouts: list[Layout] = extra.pop("layouts", [])
    return {
        "import_id": import_id,
        "file": name,
        "path": str(path.resolve()),
        "sha256": sha,
        "layout": layout,
        "media": sorted({lay.medium for lay in layouts}),
        "value_status": sorted({lay.status for lay in layouts}),
        "who": who or _user(),
        "started_at": started.isoformat(),
        "finished_at": dt.datetime.now(dt.UTC).isoformat(),
        "rows_read": rows_read,
        "rows_accepted": accepted,
        "rows_rejected": rejected,
        "status": status,
        "source": "; ".join(sorted({lay.source for lay in layouts if lay.source})),
        "licence": "; ".join(sorted({lay.licence for lay in layouts if lay.licence})),
        **extra,
    }


def _rejected(
    lake: Lake,
    import_id: str,
    name: str,
    path: Path,
    sha: str,
    layout: str | None,
    rows_read: int,
    errors: pa.Table,
    who: str | None,
    started: dt.datetime,
    encoding: str | None = None,
) -> ImportResult:
    n_rej = len(set(zip(errors["sheet"].to_pylist(), errors["row"].to_pylist(), strict=True)))
    record = _record(
        import_id,
        name,
        path,
        sha,
        layout,
        "rejected",
        rows_read,
        0,
        n_rej,
        who,
        started,
        encoding=encoding,
        files=[],
        errors=errors.num_rows,
    )
    lake.write_record(record)
    return ImportResult(name, "rejected", import_id, sha, layout, rows_read, 0, n_rej, errors, record)


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def provenance(lake: Lake | None = None) -> pa.Table:
    """The provenance records of every import as one table (lists are JSON text)."""
    recs = (lake or Lake()).records()
    cols = [
        "import_id",
        "file",
        "sha256",
        "layout",
        "who",
        "started_at",
        "finished_at",
        "rows_read",
        "rows_accepted",
        "rows_rejected",
        "status",
        "source",
        "licence",
    ]
    return (
        pa.table(
            {c: [r.get(c) for r in recs] for c in cols}
            | {"files": [json.dumps(r.get("files", [])) for r in recs]}
        )
        if recs
        else pa.table({c: pa.array([], pa.string()) for c in [*cols, "files"]})
    )
