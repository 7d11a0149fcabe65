"""DuckDB-native ingest of the common case: a well-formed UTF-8/ASCII CSV in a wide air layout.

The general path (:mod:`pioneer.lake.readers` + :mod:`pioneer.lake.validate`) reads every cell as text and parses
it in SQL; that is exact for any input but slow and memory-hungry on national files. This module tries a faster
route first and gives up (returns ``None``) whenever it cannot be *sure* the general path would accept every row
and produce the same stored values; the caller then runs the general path, which yields the located error report.
So every error message, row number and rule outcome stays the one of :mod:`pioneer.lake.validate`.

Route (one DuckDB connection, ``threads`` 2, a ``memory_limit`` and a spill folder inside the import's staging
area, so memory stays bounded on national files):

1. DuckDB's parallel CSV reader reads the file **typed** — item columns ``DOUBLE`` with the layout's missing
   markers as NULL strings, a time column ``TIMESTAMP`` with the one default format that fits (when the layout
   uses the default formats), everything else ``VARCHAR`` — in strict mode, and writes it unchanged to a
   light-compressed (LZ4) Parquet file in the staging area, in source order: its physical row index is then
   the record index (``file_row_number + 2`` = the spreadsheet row, header = row 1), which a parallel CSV read
   cannot give by itself. Any cell a typed column cannot hold (a non-number, another time format, an encoding
   error, a wrong number of fields, ``24:00``, a zone suffix…) makes the read fail → general path.
2. Set-based checks of every row-level rule of :mod:`pioneer.lake.validate` that can flag such a file: the
   station/city/city-name rules (empty or unknown station, city code, registered station and city) on the
   *distinct* values; time (unparsable, not on the hour) and values (non-finite, plausibility range after unit
   conversion) as min/max/count aggregates of one scan; duplicate station-hours as a bitmap (one bit per
   station-hour). Conservative: a NULL station, city or city name (which could be a missing marker the
   general path keeps as text) also counts as doubtful. Anything doubtful → general path, which names file,
   row, column, value and reason in Chinese and English.
3. Otherwise DuckDB writes the lake's zstd Parquet file(s) — one per partition year, rows in source order —
   from the staged file straight into the staging folder (``COPY … TO``); the caller moves them into their
   partitions and writes the provenance record (the commit point), as for the general path.

The stored schema, values and row numbers are those of the general path (``tests/unit/lake`` run every file
through this route first). :func:`recheck` (the general rules on just the flagged rows, re-read as text) is
shared with the one-pass route of :mod:`pioneer.lake.onepass`, which reads only the pieces holding them.
"""

from __future__ import annotations

import codecs
import datetime as dt
import math
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pioneer.errors import InputError
from pioneer.lake import onepass
from pioneer.lake.layouts import (
    AIR_ITEMS,
    AIR_RANGES,
    CONVERSIONS,
    DEFAULT_TIME_FORMATS,
    Layout,
    sniff_layout,
    with_options,
)
from pioneer.lake.readers import ENCODINGS, _header
from pioneer.lake.validate import _arrow, _Sql, check, lit, q

#: DuckDB settings of the fast route (threads: the 2-core target machine; memory: spills beyond this).
THREADS = 2
MEMORY_LIMIT = "1GB"
#: At most this many doubtful rows are re-read as text and checked by the general rules (beyond: general path).
MAX_RECHECK = 1_000_000


@dataclass
class FastResult:
    """What the fast route found and wrote: ``files`` maps partition year → staged Parquet path (local);
    with ``errors`` and without ``accept_valid`` nothing is written."""

    layout: Layout
    encoding: str
    rows: int
    files: dict[int, Path]
    errors: pa.Table | None = None  # located errors (general-path rules and messages), None when none
    accepted: int = 0


def applicable_encoding(encoding: str | None) -> bool:
    return encoding is None or ENCODINGS.get(encoding.lower().replace("_", "-")) in ("utf-8", "utf-8-sig")


def try_fast(
    path: Path,
    *,
    layout: Layout | None,
    stage: Path,
    import_id: Callable[[], str | None],
    status: str | None = None,
    known_stations: Mapping[str, str] | None = None,
    accept_valid: bool = False,
    import_ready: Callable[[], bool] | None = None,
) -> FastResult | None:
    """Ingest ``path`` by the DuckDB-native route into ``stage`` (see module docstring); ``None`` = not sure,
    use the general path (nothing usable is left in ``stage`` then).

    ``import_id`` is called once the rows are known to be valid, just before the Parquet files are written
    (the caller hashes the file meanwhile); it returns ``None`` to stop (e.g. the file was already imported).
    """
    head = _first_line(path)
    if head is None:
        return None
    bom, line = head
    try:
        header = _header(line, str(path))
    except InputError:
        return None
    lay = layout or sniff_layout(header)
    if lay is None or lay.medium != "air" or lay.shape != "wide":
        return None
    if status:
        lay = with_options(lay, status=status)
    present = {g: g for g in lay.optional if g in header and g not in lay.columns}
    if present:  # as the checker: optional glossary columns the file carries
        lay = replace(lay, columns={**lay.columns, **present})
    if lay.closed and not set(header) <= lay.known_columns() - set(lay.extras):
        return None  # an unknown column (refused) or an extra one (checked, not stored): the general path
    items = {g: s for g, s in lay.item_columns().items() if s in header}
    needed = [s for g, s in lay.columns.items() if g not in lay.constants and g not in lay.item_columns()]
    if lay.time.parts:
        needed += list(lay.time.parts.values())
    if lay.name != "wide":  # the general path requires every item column unless the layout is ``wide``
        needed += list(lay.item_columns().values())
    if not items or any(s not in header for s in needed):
        return None  # schema problems: the general path reports them
    stage.mkdir(parents=True, exist_ok=True)
    enc = "utf-8-sig" if bom else "utf-8"
    done = onepass.one_pass(
        path,
        lay=lay,
        header=header,
        items=items,
        data_start=(3 if bom else 0) + len(line) + 1,
        stage=stage,
        import_id=import_id,
        known=known_stations,
        ready=import_ready,
        accept_valid=accept_valid,
    )
    if done is onepass.STOP:
        return None
    if isinstance(done, onepass.Done):
        if done.recheck is None:
            return FastResult(lay, enc, done.rows, done.files, None, done.rows)
        assert done.doubtful is not None
        errors = recheck(
            path, header, lay, known_stations, done.rows, done.recheck, done.doubtful, done.pieces
        )
        if errors is not None and not accept_valid:
            return FastResult(lay, enc, done.rows, {}, errors, 0)
        if errors is not None:  # the stored rows: all but the rejected ones (doubtful rows were never staged)
            bad = pc.unique(errors["row"])
            files = onepass.drop_rows(done.files, bad)
            return FastResult(lay, enc, done.rows, files, errors, done.rows - len(bad))
        for f in done.files.values():  # not sure: the DuckDB route decides (from nothing staged)
            f.unlink(missing_ok=True)
    tmp = stage / f"duckdb-{uuid.uuid4().hex}"
    con = duckdb.connect(
        config={
            "threads": THREADS,
            "memory_limit": MEMORY_LIMIT,
            "temp_directory": str(tmp),
            "preserve_insertion_order": True,
        }
    )
    try:
        con.execute("SET enable_progress_bar = false")
        return _run(con, path, lay, header, items, stage, import_id, known_stations, bom, accept_valid)
    except duckdb.Error:
        return None
    finally:
        con.close()


def _first_line(path: Path) -> tuple[bool, bytes] | None:
    """(has a UTF-8 BOM, first line as UTF-8 bytes) or None when the start is not UTF-8 or the file is empty."""
    with path.open("rb") as f:
        start = f.read(1 << 16)
    if start[:4] == b"PAR1" or start[:2] == b"PK" or path.name.lower().endswith((".xlsx", ".xlsm")):
        return None
    bom = start.startswith(codecs.BOM_UTF8)
    if bom:
        start = start[3:]
    if b"\n" not in start:
        return None
    line = start.split(b"\n", 1)[0]
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return bom, line


def _time_format(con: duckdb.DuckDBPyConnection, path: Path, column: str, header: list[str]) -> str | None:
    """The one default time format that reads the first data row's time (None if none does)."""
    cols = dict.fromkeys(header, "VARCHAR")
    row = con.execute(f"SELECT {q(column)} FROM {_reader(path, cols, [])} LIMIT 1").fetchone()
    if row is None or row[0] is None:
        return None
    for fmt in DEFAULT_TIME_FORMATS:
        (ok,) = con.execute(f"SELECT try_strptime({lit(row[0])}, {lit(fmt)}) IS NOT NULL").fetchone()  # type: ignore[misc]
        if ok:
            return fmt
    return None


def _reader(path: Path, columns: dict[str, str], nulls: list[str], timestampformat: str | None = None) -> str:
    opts = [
        f"columns = {{{', '.join(f'{lit(k)}: {lit(v)}' for k, v in columns.items())}}}",
        "header = true",
        "delim = ','",
        "quote = '\"'",
        "escape = '\"'",
        "strict_mode = true",
        "ignore_errors = false",
        "null_padding = false",
        "encoding = 'utf-8'",
        f"nullstr = [{', '.join(lit(n) for n in nulls) or lit('')}]",
    ]
    if timestampformat:
        opts.append(f"timestampformat = {lit(timestampformat)}")
    return f"read_csv({lit(str(path))}, {', '.join(opts)})"


def _run(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    lay: Layout,
    header: list[str],
    items: dict[str, str],
    stage: Path,
    import_id: Callable[[], str | None],
    known: Mapping[str, str] | None,
    bom: bool,
    accept_valid: bool,
) -> FastResult | None:
    t = lay.time
    types = dict.fromkeys(header, "VARCHAR")
    for s in items.values():
        types[s] = "DOUBLE"
    tfmt = None
    if not t.parts and t.formats == DEFAULT_TIME_FORMATS:
        tfmt = _time_format(con, path, lay.columns["time"], header)
        if tfmt is None:
            return None
        types[lay.columns["time"]] = "TIMESTAMP"
    shift = 60 if t.label == "start" else 0
    cols: dict[str, str] = {}  # column of table ``t`` → expression over the typed read
    if t.parts or not tfmt:  # the general path's time expression (``source`` empty: trim everywhere)
        ts, _, hour_bad = _Sql(con, lay, header).time_sql()
        cols["tm"] = f"CASE WHEN {hour_bad} THEN NULL ELSE {ts} END"  # an hour out of range flags the row
        time_expr = "tm"
    else:
        cols["tm"] = q(lay.columns["time"])
        minutes = 480 - round(t.utc_offset * 60) + shift
        time_expr = f"(tm + to_minutes({minutes}))" if minutes else "tm"
    cols["st"] = q(lay.columns["station"])
    has_city_col = "city" in lay.columns and "city" not in lay.constants
    has_name_col = "city_name" in lay.columns
    if has_city_col:
        cols["ci"] = q(lay.columns["city"])
    if has_name_col:
        cols["cn"] = q(lay.columns["city_name"])
    for g, src in items.items():
        cols[f"v_{g}"] = q(src)
    # The typed read is staged as it is (no per-row expressions: they are applied while writing), as a
    # light-compressed Parquet file written in source order, so its physical row index is the record index
    # (``file_row_number`` + 2 = the spreadsheet row): a parallel CSV read has no row numbers of its own.
    typed = stage / "typed.parquet"
    con.execute(
        f"COPY (SELECT {', '.join(f'{e} AS {c}' for c, e in cols.items())} "
        f"FROM {_reader(path, types, list(lay.missing), tfmt)}) TO {lit(str(typed))} "
        "(FORMAT parquet, COMPRESSION lz4_raw)"
    )
    con.execute(
        f"CREATE TEMP VIEW t AS SELECT * FROM read_parquet({lit(str(typed))}, file_row_number = true)"
    )
    # --- station, city, city name: the rules run on the distinct values (few), not on every row -------------------
    if lay.station_names:
        whens = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in lay.station_names.items())
        station = f"(CASE trim(st) {whens} END)"
    else:
        station = "NULLIF(trim(st), '')"
    if "city" in lay.constants:
        city_src = lit(lay.constants["city"])
    elif has_city_col:
        city_src = "NULLIF(trim(ci), '')"
    else:
        city_src = "CAST(NULL AS VARCHAR)"
    city_name = "NULLIF(trim(cn), '')" if has_name_col else "CAST(NULL AS VARCHAR)"
    key_cols = ", ".join(["st", *(["ci"] if has_city_col else []), *(["cn"] if has_name_col else [])])
    con.execute(
        f"CREATE TEMP TABLE keys AS SELECT *, {station} AS station, {city_src} AS city_src, "
        f"{city_name} AS city_name FROM (SELECT DISTINCT {key_cols} FROM t)"
    )
    flags = ["station IS NULL", "NOT regexp_full_match(city_src, '\\d{6}')"]
    if has_city_col:
        flags.append("ci IS NULL")  # empty, or a missing marker the general path would keep as text
    if has_name_col:
        flags.append("cn IS NULL")
    if known is not None:
        con.execute("CREATE TEMP TABLE known(station VARCHAR PRIMARY KEY, city VARCHAR)")
        con.executemany("INSERT INTO known VALUES (?, ?)", [(k, str(v)) for k, v in known.items()])
        flags.append("station NOT IN (SELECT station FROM known)")
        flags.append("city_src <> (SELECT city FROM known k WHERE k.station = keys.station)")
    (n_bad_keys, same_station, same_city, same_name) = con.execute(  # type: ignore[misc]
        f"SELECT count_if({' OR '.join(f'coalesce({f}, FALSE)' for f in flags)}), "
        "coalesce(bool_and(station IS NOT DISTINCT FROM st), TRUE), "
        + ("coalesce(bool_and(city_src IS NOT DISTINCT FROM ci), TRUE), " if has_city_col else "FALSE, ")
        + ("coalesce(bool_and(city_name IS NOT DISTINCT FROM cn), TRUE) " if has_name_col else "FALSE ")
        + "FROM keys"
    ).fetchone()
    doubtful = bool(n_bad_keys)
    # per-row expressions only where a value changes (trim, station names); otherwise the typed column as read
    station_row = "st" if same_station else station
    city_row = "ci" if same_city else city_src
    if known is not None and not has_city_col and "city" not in lay.constants:
        city_row = f"(SELECT city FROM known k WHERE k.station = {station_row})"
    name_row = "cn" if same_name else city_name
    # --- time and values: aggregates over every row (one scan) -----------------------------------------------
    factors = {}
    for g in items:
        target = AIR_ITEMS[g]
        source = lay.units.get(g, target)
        factors[g] = 1.0 if source == target else CONVERSIONS[(source, target)]
    aggs = [f"min(v_{g}), max(v_{g})" for g in items]
    n, n_time, off_hour, t0, t1, *minmax = con.execute(  # type: ignore[misc]
        "SELECT count(*), count(tm), "
        + (f"bool_or(epoch_us({time_expr}) % 3600000000 <> 0), " if t.hourly else "FALSE, ")
        + f"min({time_expr}), max({time_expr}), {', '.join(aggs)} FROM t"
    ).fetchone()
    if n == 0:
        return None
    doubtful = doubtful or n_time != n or bool(off_hour)
    value_flags = []
    for k, g in enumerate(items):
        lo, hi = lay.ranges.get(g, AIR_RANGES[g])
        mn, mx = minmax[2 * k], minmax[2 * k + 1]
        if mn is None:
            continue
        # the general path's test is on value × factor; factors are positive, so min/max carry over
        value_flags.append(
            f"NOT isfinite(v_{g}) OR v_{g} * {factors[g]!r} < {lo!r} OR v_{g} * {factors[g]!r} > {hi!r}"
        )
        if not (math.isfinite(mn) and math.isfinite(mx)) or mn * factors[g] < lo or mx * factors[g] > hi:
            doubtful = True
    on_hour = t.hourly and n_time == n and not off_hour and not doubtful
    dups = _has_duplicates(con, station, station_row, time_expr, t0, t1, hourly=on_hour)
    errors = None
    if doubtful or dups:
        # Some rows break (or may break) a rule: only those rows are read again as text and checked by the
        # general path's rules (exact messages); every other row is known to be valid.
        row_flags = [
            "tm IS NULL",
            *([f"epoch_us({time_expr}) % 3600000000 <> 0"] if t.hourly else []),
            *value_flags,
        ]
        rule = " OR ".join(f"coalesce({f}, FALSE)" for f in flags)
        con.execute(f"CREATE TEMP TABLE badkeys AS SELECT {key_cols} FROM keys WHERE {rule}")
        same_key = " AND ".join(f"b.{c} IS NOT DISTINCT FROM t.{c}" for c in key_cols.split(", "))
        con.execute(
            "CREATE TEMP TABLE flagged AS SELECT file_row_number + 2 AS row, TRUE AS doubtful FROM t "
            f"WHERE EXISTS (SELECT 1 FROM badkeys b WHERE {same_key}) OR "
            + " OR ".join(f"coalesce({f}, FALSE)" for f in row_flags)
        )
        if dups:  # every row of a repeated station-hour too (the general rules name duplicates in the group)
            h = f"hash({station_row}, {time_expr})"  # 8-byte keys; a collision only adds rows to re-check
            con.execute(
                f"INSERT INTO flagged SELECT file_row_number + 2, FALSE FROM t WHERE {h} IN "
                f"(SELECT {h} FROM t GROUP BY ALL HAVING count(*) > 1)"
            )
        wanted = _arrow(con.execute("SELECT DISTINCT row FROM flagged ORDER BY row").arrow())["row"]
        sure = _arrow(con.execute("SELECT DISTINCT row FROM flagged WHERE doubtful").arrow())["row"]
        errors = recheck(path, header, lay, known, n, wanted.combine_chunks(), sure.combine_chunks())
        if errors is None:
            return None
        bad = pc.unique(errors["row"]).sort()
        con.register("bad", pa.table({"row": bad}))
        if not accept_valid:
            typed.unlink()
            return FastResult(lay, "utf-8-sig" if bom else "utf-8", int(n), {}, errors, 0)
    # --- write: one zstd Parquet file per partition year, rows in source order --------------------------------
    ident = import_id()
    if ident is None:
        return None
    select = ", ".join(
        [
            "file_row_number + 2 AS row",
            f"{station_row} AS station",
            f"{city_row} AS city",
            f"{name_row} AS city_name",
            f"{time_expr} AS time",
            # the general path's column order: present items, then the absent ones as NULL
            *(f"v_{g} AS {g}" if factors[g] == 1.0 else f"v_{g} * {factors[g]!r} AS {g}" for g in items),
            *(f"CAST(NULL AS DOUBLE) AS {g}" for g in AIR_ITEMS if g not in items),
            f"{lit(lay.status)} AS status",
            f"{lit(ident)} AS import_id",
            "'' AS sheet",
        ]
    )
    order = " ORDER BY file_row_number" if city_row.startswith("(SELECT") else ""
    keep = "file_row_number + 2 NOT IN (SELECT row FROM bad)" if errors is not None else ""
    year = f"year({time_expr} - INTERVAL 1 HOUR)"  # air: the year of the data day (label 00:00 → day before)
    if errors is None:
        y0, y1 = (t0 - dt.timedelta(hours=1)).year, (t1 - dt.timedelta(hours=1)).year
        years = list(range(y0, y1 + 1))
    else:
        years = sorted(y for (y,) in con.execute(f"SELECT DISTINCT {year} FROM t WHERE {keep}").fetchall())
    files: dict[int, Path] = {}
    for y in years:
        out = stage / f"air-{y}.parquet"
        conds = [c for c in (f"{year} = {y}" if len(years) > 1 else "", keep) if c]
        where = f" WHERE {' AND '.join(conds)}" if conds else ""
        # a scan of one Parquet file keeps its order (= source order); only the registry lookup (a join) sorts
        (written,) = con.execute(  # type: ignore[misc]
            f"COPY (SELECT {select} FROM t{where}{order}) TO {lit(str(out))} "
            "(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)"
        ).fetchone()
        if written:
            files[y] = out
        else:
            out.unlink(missing_ok=True)
    typed.unlink()
    n_bad = 0 if errors is None else len(bad)
    return FastResult(lay, "utf-8-sig" if bom else "utf-8", int(n), files, errors, int(n) - n_bad)


def recheck(
    path: Path,
    header: list[str],
    lay: Layout,
    known: Mapping[str, str] | None,
    n: int,
    rows: pa.Array,
    doubtful: pa.Array,
    pieces: list[tuple[int, int, int, int]] | None = None,
) -> pa.Table | None:
    """The general path's located errors of the whole file, from the source rows ``rows`` only (both fast routes).

    ``rows`` (ascending) must hold every row that may break a rule: the rows of ``doubtful`` (a row-level rule
    flagged them) and every row of a station-hour that occurs more than once. Every other row is known to pass
    every rule, and the general rules are row-local except ``duplicate``, whose groups are then wholly inside
    ``rows`` — so the general rules on these rows, read again as text as the general reader reads them, give
    exactly the general path's report (messages, rows, order). ``None`` (not sure: let the next route decide)
    when there are too many rows, the text read disagrees, no error is found, or a ``doubtful`` row passes.
    ``pieces`` (one-pass route): the (byte offset, byte length, first row index, rows) of each piece of whole
    records; only the pieces holding a wanted row are read. Otherwise the whole file is read.
    """
    if not len(rows) or len(rows) > MAX_RECHECK:
        return None
    subset = _text_rows(path, header, rows, n, pieces)
    if subset is None:
        return None
    errors = check(subset, lay, known_stations=known).errors
    if (
        not errors.num_rows
        or not pc.all(pc.is_in(doubtful, value_set=pc.unique(errors["row"])), min_count=0).as_py()
    ):
        return None  # a doubtful row the general rules accept: let the next route handle the whole file
    return errors


def _text_rows(
    path: Path,
    header: list[str],
    rows: pa.Array,
    n: int,
    pieces: list[tuple[int, int, int, int]] | None = None,
) -> pa.Table | None:
    """The source rows numbered ``rows`` as text columns plus ``_row``, read as the general path reads them
    (:func:`pioneer.lake.readers.read_csv`), streaming: only the wanted rows are kept in memory. With
    ``pieces`` (whole records without quotes, see :func:`recheck`) only the pieces holding a wanted row are
    read, each as its own CSV text with the same options (a record cannot cross a piece border there)."""
    read = pacsv.ReadOptions(use_threads=True, block_size=1 << 22, column_names=header, skip_rows=1)
    read_piece = pacsv.ReadOptions(use_threads=True, block_size=1 << 22, column_names=header)
    parse = pacsv.ParseOptions(newlines_in_values=True)
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(header, pa.string()),
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    parts = []

    def keep(batch: pa.RecordBatch, start: int) -> None:
        nums = pa.array(np.arange(start, start + batch.num_rows, dtype=np.int64))
        want = pc.is_in(nums, value_set=rows)
        if pc.any(want).as_py():
            parts.append(pa.Table.from_batches([batch]).append_column("_row", nums).filter(want))

    try:
        if pieces is None:
            start = 2
            for batch in pacsv.open_csv(path, read, parse, convert):  # record batches (blocks), not data rows
                keep(batch, start)
                start += batch.num_rows
            if start - 2 != n:
                return None
        else:
            nums = rows.to_numpy(zero_copy_only=False) - 2
            firsts = np.array([p[2] for p in pieces], dtype=np.int64)
            hit = np.unique(np.searchsorted(firsts, nums, side="right") - 1)
            if sum(p[3] for p in pieces) != n:
                return None
            with path.open("rb") as f:
                for k in hit.tolist():  # pieces (≈ 16 MB each) holding a wanted row, not data rows
                    pos, size, first, count = pieces[k]
                    f.seek(pos)
                    data = f.read(size)
                    got = pacsv.read_csv(pa.py_buffer(data), read_piece, parse, convert)
                    if got.num_rows != count:
                        return None
                    for batch in got.to_batches():
                        keep(batch, first + 2)
                        first += batch.num_rows
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowKeyError, OSError):
        return None
    if not parts:
        return None
    return pa.concat_tables(parts)


def _has_duplicates(
    con: duckdb.DuckDBPyConnection,
    station: str,
    station_row: str,
    time_expr: str,
    t0: dt.datetime,
    t1: dt.datetime,
    *,
    hourly: bool,
) -> bool:
    """Whether two rows share a station-hour (then the general path names them).

    Hourly data (``hourly``: every time on the hour, every station known good): each station gets a dense number and each hour its index,
    and one bit per station-hour is set (``bitstring_agg``: a few MB for a national year, no hash table of
    15 M keys); a duplicate exists iff fewer bits are set than there are rows. Otherwise (or for a very wide
    span) rows are grouped by a hash of (station, time) — a collision only sends the file to the exact path.
    """
    span = 0
    if hourly:
        (n_st,) = con.execute("SELECT count(DISTINCT station) FROM keys").fetchone()  # type: ignore[misc]
        h0 = int((t0 - dt.datetime(1970, 1, 1)).total_seconds() // 3600)
        span = (int((t1 - dt.datetime(1970, 1, 1)).total_seconds() // 3600) - h0 + 1) * n_st
    if 0 < span <= 1 << 30:
        con.execute(
            "CREATE TEMP TABLE sid AS SELECT st, dense_rank() OVER (ORDER BY station) - 1 AS sid "
            f"FROM (SELECT DISTINCT st, {station} AS station FROM keys)"
        )
        bits, n = con.execute(  # type: ignore[misc]
            f"SELECT bit_count(bitstring_agg((epoch_us({time_expr}) // 3600000000 - {h0}) * {n_st} + sid, "
            f"0::BIGINT, {span - 1}::BIGINT)), count(*) FROM t JOIN sid USING (st)"
        ).fetchone()
        return bool(bits != n)
    (n_dup,) = con.execute(  # type: ignore[misc]
        f"SELECT count(*) FROM (SELECT 1 FROM t GROUP BY hash({station_row}, {time_expr}) HAVING count(*) > 1)"
    ).fetchone()
    return bool(n_dup)
