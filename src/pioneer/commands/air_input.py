"""Reading users' air tables for the calculator: checked by the lake's checker, returned as typed Ibis tables.

The one checker: a file is read by the lake's reader (:func:`pioneer.lake.readers.read_file`) and checked and
normalised by the lake's rules (:func:`pioneer.lake.validate.check`) under the calculator's layouts
(:data:`pioneer.lake.layouts.CALCULATOR`), so a file the lake or the web upload refuses is refused here with the
same located reason (file, row — the header is row 1 —, column, value, zh and en), and nothing is computed.
The calculator adds one need of its own: ``pioneer air daily`` groups by city, so a row without a city is refused.
"""

from __future__ import annotations

import csv
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pioneer.errors import InputError, InputErrors
from pioneer.guard.codes import DIVISION_CODE_PATTERN, STATION_CODE_PATTERN
from pioneer.lake.cells import MISSING, YEARS
from pioneer.lake.layouts import AIR_RANGES, CALCULATOR, Layout
from pioneer.lake.layouts import with_name_time as _with_name_time
from pioneer.lake.readers import read_file
from pioneer.lake.validate import check

CITY_CODE = DIVISION_CODE_PATTERN
"""A city is named by its 6-digit administrative division code (GB/T 2260; the one pattern, guard.codes)."""

HOURLY: Layout = CALCULATOR["air-hourly"]
HOURLY_WITH_CITY: Layout = CALCULATOR["air-hourly-city"]
DAILY: Layout = CALCULATOR["air-daily"]


@dataclass(frozen=True)
class _Shape:
    keys: tuple[str, ...]
    time_is_date: bool


def _shape(layout: Layout) -> _Shape:
    keys = ("station", "city") if "city" in layout.columns else ("station",)
    return _Shape(keys, time_is_date=not layout.time.hourly)


def read_table(path: Path, layout: Layout, *, con: ibis.BaseBackend, max_errors: int = 200) -> ir.Table:
    """Read and check a CSV with the lake's checker; return a table with ``row`` (file row number), the key
    columns as strings (``city`` when the file has one), ``time`` (timestamp, or ``date``) and float item columns
    (NULL = missing). Raises ``InputErrors``."""
    name = path.name
    if not path.is_file():
        raise InputErrors([InputError("文件不存在", "file not found", file=name)])
    try:  # the calculator copies the input's text into its output, as UTF-8: the lake's reader, UTF-8 forced
        read = read_file(name, path.read_bytes(), encoding="utf-8")
    except InputError as exc:
        raise InputErrors([exc]) from None
    except OSError as exc:
        raise InputErrors(
            [InputError("文件无法读取", f"file cannot be read: {exc.strerror}", file=name)]
        ) from None
    sheet = read.sheets[0]
    columns = [c for c in sheet.table.column_names if c != "_row"]
    try:
        table = _with_name_time(sheet.table, layout, name)
    except InputError as exc:
        raise InputErrors([exc]) from None
    checked = check(table, layout, bad_rows=sheet.bad_rows)
    rows = checked.rows
    errors = [
        InputError(
            e["reason_zh"], e["reason_en"], file=name, row=e["row"], column=e["column"], value=e["value"]
        )
        for e in checked.errors.slice(0, max_errors).to_pylist()
    ]
    shape = _shape(layout)
    if "city" in shape.keys and rows.num_rows:  # the daily command groups stations by city
        no_city = rows.filter(pc.is_null(rows["city"])).slice(0, max_errors)
        errors += [InputError("缺少城市代码", "city is empty", file=name, row=r, column="city")
                   for r in no_city["_row"].to_pylist()]  # fmt: skip
    if errors:
        raise InputErrors(sorted(errors, key=lambda e: (e.row or 0, e.column or "")))
    keys = [k for k in ("station", "city") if k in shape.keys or k in columns]
    items = [c for c in (*layout.item_columns(), *layout.extras) if c in columns]
    out = rows.select(["_row", *keys, "time", *items]).rename_columns(["row", *keys, "time", *items])
    if shape.time_is_date:
        out = out.set_column(out.schema.get_field_index("time"), "time", pc.cast(out["time"], pa.date32()))
    return con.create_table(f"air_input_{uuid.uuid4().hex}", out, temp=True)


FAST_TIME_FORMAT = "%Y-%m-%dT%H:%M"
"""The contract's hour-end label (``2025-01-01T01:00``): the one time format the fast read accepts."""


def read_hourly_fast(path: Path, layout: Layout, *, con: ibis.BaseBackend) -> ir.Table | None:
    """The common case of a large clean hourly file: one parallel typed read, then set-based checks.

    Returns the table of ``read_table`` without ``row`` when the file surely passes the lake's checker, or
    ``None`` as soon as any cell *could* break one of its rules — then ``read_table`` (the checker) runs and
    names file, row, column and reason. The screens are the lake's (:data:`AIR_RANGES`, the finite test, the
    whole hour, :data:`~pioneer.lake.cells.YEARS`); whatever the typed read cannot hold as-is (padded cells,
    another time format, ``24:00`` labels, a DuckDB-only number spelling, an encoding or field-count error)
    makes it give up.
    """
    if not layout.time.hourly:
        return None
    try:
        with path.open(encoding="utf-8", newline="") as f:
            header = next(csv.reader(f))
    except (OSError, UnicodeDecodeError, StopIteration, csv.Error):
        return None
    allowed = layout.known_columns()
    needed = set(layout.columns.values())
    plain = all(re.fullmatch(r"[a-z0-9_]+", c) for c in header)
    if not plain or len(set(header)) != len(header) or not needed <= set(header) <= allowed:
        return None
    keys = [c for c in header if c in ("station", "city")]
    items = [c for c in (*layout.item_columns(), *layout.extras) if c in header]
    types = {c: "VARCHAR" if c in keys else "TIMESTAMP" if c == "time" else "VARCHAR" for c in header}
    name = f"air_fast_{uuid.uuid4().hex}"
    try:
        src = con.read_csv(str(path), columns=types, header=True, auto_detect=False, delim=",", quote='"',
                           escape='"', timestampformat=FAST_TIME_FORMAT, nullstr=list(MISSING))  # fmt: skip
        # numbers as the lake reads them (pioneer.lake.cells.number_sql: no 1_000, 0x10, inf): a text that is
        # not one becomes NULL here and is caught below by comparing the non-null counts
        typed = src.select(*keys, "time", **{c: src[c].cast("float64") for c in items},
                           **{f"_t_{c}": src[c].notnull() for c in items})  # fmt: skip
        t = con.create_table(name, typed, temp=True)  # (overwrite= would copy it)
    except Exception:  # any cell the typed read cannot hold: the general path reports it
        return None
    # values and times in one aggregate; the identifier rules on the distinct identifiers only
    stats = {
        "_no_time": t.time.isnull().cast("int64").sum(),
        "_off_hour": ((t.time.minute() != 0) | (t.time.second() != 0)).cast("int64").sum(),
        "_min_t": t.time.min(),
        "_max_t": t.time.max(),
    }
    for c in items:
        stats[f"_min_{c}"] = t[c].min()
        stats[f"_max_{c}"] = t[c].max()
        stats[f"_lost_{c}"] = (t[f"_t_{c}"] & t[c].isnull()).cast("int64").sum()
    found = con.execute(t.aggregate(**stats)).iloc[0]
    ids = t.select(*keys).distinct()
    bad_id = [ids[k].isnull() | (ids[k] == "") | (ids[k] != ids[k].strip()) for k in keys]
    bad_id.append(~ids.station.re_search(STATION_CODE_PATTERN))  # the checker's ``key_code``
    if "city" in keys:
        bad_id.append(~ids.city.re_search(CITY_CODE))

    def outside(c: str) -> bool:
        lo, hi = AIR_RANGES[layout.extras.get(c, c)]  # the lake's screens (package data)
        mn, mx = found[f"_min_{c}"], found[f"_max_{c}"]
        return bool(found[f"_lost_{c}"] > 0 or (pd.notna(mn) and not (lo <= mn and mx <= hi)))

    flagged = (
        found["_no_time"] > 0
        or found["_off_hour"] > 0
        or not (YEARS[0] <= found["_min_t"].year and found["_max_t"].year <= YEARS[1])
        or any(outside(c) for c in items)
        or con.execute(ibis.or_(*bad_id).fill_null(True).cast("int64").sum()) > 0
    )
    repeated = t.group_by(["station", "time"]).aggregate(n=t.count()).filter(ibis._.n > 1)
    if flagged or con.execute(repeated.count()):
        con.drop_table(name, force=True)
        return None
    return t.select(*keys, "time", *items)
