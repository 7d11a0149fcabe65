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
   uses the default formats), everything else ``VARCHAR`` — in strict mode, straight into a table whose
   insertion order is the file's record order (``rowid + 2`` is then the spreadsheet row, header = row 1). Any
   cell the typed column cannot hold (a non-number, another time format, an encoding error, a wrong number of
   fields, ``24:00``, a zone suffix…) makes the read fail → general path.
2. One set-based scan checks every row-level rule of :mod:`pioneer.lake.validate` that can flag a row of such a
   table (empty/unknown station, unparsable or off-hour time, hour range, non-finite number, plausibility
   range after unit conversion, city code, registered station and city) — conservatively: a NULL station, city
   or city name (which could be a missing marker the general path keeps as text) also counts as flagged — and
   one aggregate finds duplicate station-hours. Anything flagged → general path (which names file, row, column,
   value and reason in Chinese and English).
3. Otherwise DuckDB writes the lake's Parquet file(s) for each partition year directly (``COPY … TO``, zstd,
   source-row order) into the staging folder; the caller moves them and writes the provenance record.

The stored schema, values and row numbers are those of the general path (``tests/unit/lake`` run every file
through this route first).
"""

from __future__ import annotations

import codecs
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from pioneer.errors import InputError
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
from pioneer.lake.validate import _Sql, lit, q

#: DuckDB settings of the fast route (threads: the 2-core target machine; memory: spills beyond this).
THREADS = 2
MEMORY_LIMIT = "1GB"


@dataclass
class FastResult:
    """What the fast route wrote: ``files`` maps partition year → staged Parquet path (local)."""

    layout: Layout
    encoding: str
    rows: int
    files: dict[int, Path]


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
    if lay.name in ("wide", "long") and "city" in header and "city" not in lay.columns:
        lay = replace(lay, columns={**lay.columns, "city": "city"})
    items = {g: s for g, s in lay.item_columns().items() if s in header}
    needed = [s for g, s in lay.columns.items() if g not in lay.constants and g not in lay.item_columns()]
    if lay.time.parts:
        needed += list(lay.time.parts.values())
    if not items or any(s not in header for s in needed):
        return None  # schema problems: the general path reports them
    stage.mkdir(parents=True, exist_ok=True)
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
        return _run(con, path, lay, header, items, stage, import_id, known_stations, bom)
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
        (ok,) = con.execute(f"SELECT try_strptime(?, {lit(fmt)}) IS NOT NULL", [row[0]]).fetchone()  # type: ignore[misc]
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
    sql = _Sql(con, lay, header)  # its time expression is the general path's (``source`` empty: trim all)
    shift = " + INTERVAL 1 HOUR" if t.label == "start" else ""
    if t.parts:
        ts, _, hour_bad = sql.time_sql()
        time_expr = f"CASE WHEN {hour_bad} THEN NULL ELSE {ts} END"  # an hour out of range flags the row
    elif tfmt:
        minutes = 480 - round(t.utc_offset * 60)
        time_expr = f"({q(lay.columns['time'])} + to_minutes({minutes}){shift})"
    else:
        time_expr = sql.time_sql()[0]
    key_raw = f"trim({q(lay.columns['station'])})"
    if lay.station_names:
        con.execute("CREATE TEMP TABLE names(name VARCHAR, code VARCHAR)")
        con.executemany("INSERT INTO names VALUES (?, ?)", list(lay.station_names.items()))
        key_expr = f"(SELECT code FROM names WHERE name = {key_raw})"
    else:
        key_expr = f"NULLIF({key_raw}, '')"
    has_city_col = "city" in lay.columns and "city" not in lay.constants
    if "city" in lay.constants:
        city_src = lit(lay.constants["city"])
    elif has_city_col:
        city_src = f"NULLIF(trim({q(lay.columns['city'])}), '')"
    else:
        city_src = "CAST(NULL AS VARCHAR)"
    has_name_col = "city_name" in lay.columns
    city_name = (
        f"NULLIF(trim({q(lay.columns['city_name'])}), '')" if has_name_col else "CAST(NULL AS VARCHAR)"
    )
    values = []
    for g, s in items.items():
        target = AIR_ITEMS[g]
        source = lay.units.get(g, target)
        factor = 1.0 if source == target else CONVERSIONS[(source, target)]
        values.append(f"({q(s)} * {factor!r}) AS {g}")
    con.execute(
        f"CREATE TEMP TABLE t AS SELECT {key_expr} AS station, {city_src} AS city_src, "
        f"{city_name} AS city_name, {time_expr} AS time, {', '.join(values)} "
        f"FROM {_reader(path, types, list(lay.missing), tfmt)}"
    )
    # --- row-level rules, one scan (a flagged row sends the file to the general path) -----------------------
    flags = ["station IS NULL", "time IS NULL"]
    if t.hourly:
        flags.append("(minute(time) <> 0 OR second(time) <> 0 OR microsecond(time) <> 0)")
    if has_city_col:
        flags.append("city_src IS NULL")  # empty, or a missing marker the general path would keep as text
    flags.append("NOT regexp_full_match(city_src, '\\d{6}')")
    if has_name_col:
        flags.append("city_name IS NULL")
    if known is not None:
        con.execute("CREATE TEMP TABLE known(station VARCHAR PRIMARY KEY, city VARCHAR)")
        con.executemany("INSERT INTO known VALUES (?, ?)", [(k, str(v)) for k, v in known.items()])
        flags.append("station NOT IN (SELECT station FROM known)")
        flags.append("city_src <> (SELECT city FROM known k WHERE k.station = t.station)")
        city_final = "coalesce(city_src, (SELECT city FROM known k WHERE k.station = t.station))"
    else:
        city_final = "city_src"
    for g in items:
        lo, hi = lay.ranges.get(g, AIR_RANGES[g])
        flags.append(f"(NOT isfinite({g}) OR {g} < {lo!r} OR {g} > {hi!r})")
    year = "year(time - INTERVAL 1 HOUR)"  # air: the year of the data day (hour-end label 00:00 → day before)
    n, n_bad, years = con.execute(  # type: ignore[misc]
        f"SELECT count(*), count_if({' OR '.join(f'coalesce({f}, FALSE)' for f in flags)}), "
        f"list(DISTINCT {year}) FROM t"
    ).fetchone()
    if n == 0 or n_bad:
        return None
    (n_dup,) = con.execute(  # type: ignore[misc]
        "SELECT count(*) FROM (SELECT 1 FROM t GROUP BY station, time HAVING count(*) > 1)"
    ).fetchone()
    if n_dup:
        return None
    # --- write: one zstd Parquet file per partition year, rows in source order --------------------------------
    cols = ", ".join(
        [
            "rowid + 2 AS row",
            "station",
            f"{city_final} AS city",
            "city_name",
            "time",
            *items,  # the general path's column order: present items, then the absent ones as NULL
            *(f"CAST(NULL AS DOUBLE) AS {g}" for g in AIR_ITEMS if g not in items),
            f"{lit(lay.status)} AS status",
            "@IMPORT_ID@ AS import_id",
            "'' AS sheet",
        ]
    )
    ident = import_id()
    if ident is None:
        return None
    cols = cols.replace("@IMPORT_ID@", lit(ident))
    files: dict[int, Path] = {}
    for y in sorted(int(v) for v in years):
        out = stage / f"air-{y}.parquet"
        where = f" WHERE {year} = {y}" if len(years) > 1 else ""
        # a table scan keeps insertion (= source) order: no sort is needed for rows in source order
        con.execute(
            f"COPY (SELECT {cols} FROM t{where}) TO {lit(str(out))} (FORMAT parquet, COMPRESSION zstd)"
        )
        files[y] = out
    return FastResult(lay, "utf-8-sig" if bom else "utf-8", int(n), files)
