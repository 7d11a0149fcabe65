"""Reading users' air tables for the calculator: parse, validate with located errors, return typed Ibis tables.

Validation runs as DuckDB SQL over the whole file (no Python loop over rows); every problem is reported with the
file, row (the header is row 1), column, value and reason, in Chinese and English, and nothing is computed.
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

from pioneer.errors import InputError, InputErrors
from pioneer.lake.cells import (
    DATE_FORMATS,
    MISSING,
    TIME_FORMATS,
    bounded_time_sql,
    number_sql,
    sql_list,
    time_sql,
)

# Missing markers, time and date formats are the lake's (pioneer.lake.cells), so both read a cell alike.
CITY_CODE = r"^\d{6}$"
"""A city is named by its 6-digit administrative division code (GB/T 2260)."""
CO_MAX_MG = 150
"""Largest plausible CO [mg/m³]: the top 1-h breakpoint of HJ 633. Larger values are almost surely µg/m³."""

HOURLY_ITEMS = ("so2", "no2", "co", "o3", "pm10", "pm2_5")
HOURLY_LITERAL_EXTRAS = ("so2_24h", "pm10_24h", "pm2_5_24h", "o3_8h")
DAILY_ITEMS = ("so2", "no2", "co", "pm10", "pm2_5", "o3_8h_max", "o3_1h_max")


@dataclass(frozen=True)
class Layout:
    keys: tuple[str, ...]  # identifying columns besides time
    required: tuple[str, ...]  # value columns that must be present
    optional: tuple[str, ...]
    time_is_date: bool


HOURLY = Layout(("station",), HOURLY_ITEMS, (*HOURLY_LITERAL_EXTRAS, "city"), time_is_date=False)
HOURLY_WITH_CITY = Layout(("station", "city"), HOURLY_ITEMS, (), time_is_date=False)
DAILY = Layout(("station",), DAILY_ITEMS[:-1], ("o3_1h_max", "city"), time_is_date=True)


def read_table(path: Path, layout: Layout, *, con: ibis.BaseBackend, max_errors: int = 200) -> ir.Table:
    """Read and validate a CSV; return a table with ``row`` (file row number), the key columns as strings,
    ``time`` (timestamp, or ``date``) and float item columns (NULL = missing). Raises ``InputErrors``."""
    name = path.name
    if not path.exists():
        raise InputErrors([InputError("文件不存在", "file not found", file=name)])
    try:
        raw = con.read_csv(str(path), all_varchar=True, header=True)
    except Exception as exc:  # DuckDB's message says which line could not be parsed
        raise InputErrors(
            [InputError(f"无法读取CSV文件：{exc}", f"cannot read the CSV file: {exc}", file=name)]
        ) from exc
    columns = list(raw.columns)
    allowed = {*layout.keys, "time", *layout.required, *layout.optional}
    errors = [
        InputError("未知列", "unknown column", file=name, row=1, column=c)
        for c in columns
        if c not in allowed
    ]
    errors += [
        InputError("缺少必需的列", "required column missing", file=name, row=1, column=c)
        for c in (*layout.keys, "time", *layout.required)
        if c not in columns
    ]
    if errors:
        raise InputErrors(errors)
    items = [c for c in (*layout.required, *layout.optional) if c in columns and c != "city"]
    keys = list(dict.fromkeys(c for c in (*layout.keys, "city") if c in columns))
    formats = DATE_FORMATS if layout.time_is_date else TIME_FORMATS
    tname = f"air_input_{abs(hash(str(path)))}"
    con.create_view(tname, raw.mutate(row=ibis.row_number() + 2), overwrite=True)  # file row (header = 1)
    missing = sql_list(MISSING)

    def cell(c: str) -> str:
        return f'CASE WHEN trim(coalesce("{c}", \'\')) IN (SELECT unnest({missing})) THEN NULL ELSE trim("{c}") END'

    # the source text is kept only for cells that are not numbers (for the error report), so memory stays small
    value_sql = ", ".join(
        f'CASE WHEN {number_sql(cell(c))} IS NULL THEN {cell(c)} END AS "{c}__raw", '
        f'{number_sql(cell(c))} AS "{c}"'
        for c in items
    )
    key_sql = ", ".join(f'trim("{k}") AS "{k}"' for k in keys)
    if layout.time_is_date:
        when = f'CAST(try_strptime(trim("time"), {sql_list(formats)}) AS DATE)'
    else:  # as the lake reads it: a trailing zone honoured, "…T24:00" is 00:00 of the next day
        when = bounded_time_sql(time_sql('trim("time")', formats))
    # parsed once, in one pass over the file, into a temporary table that the checks and the computation read
    typed = con.create_table(
        f"{tname}_typed",
        con.sql(
            f'SELECT row, {key_sql}, {when} AS time, {value_sql}, trim("time") AS _time_text FROM "{tname}"'
        )
        .mutate(time__raw=ibis.ifelse(ibis._.time.isnull(), ibis._._time_text, None))
        .drop("_time_text"),
        temp=True,
        overwrite=True,
    )
    con.drop_view(tname)
    checks = []
    for k in keys:
        checks.append(
            (typed[k].isnull() | (typed[k] == ""), k, typed[k], "缺少标识值", "identifier is empty")
        )
    if "city" in keys:
        checks.append((~typed.city.re_search(CITY_CODE), "city", typed.city, "城市代码应为6位行政区划代码",
                       "city must be a 6-digit division code"))  # fmt: skip
    checks.append((typed.time.isnull(), "time", typed.time__raw,
                   "无法解析的时间（应为 ISO 8601，如 2026-03-02T09:00）" if not layout.time_is_date
                   else "无法解析的日期（应为 2026-03-02）",
                   "unparseable time (ISO 8601 expected, e.g. 2026-03-02T09:00)" if not layout.time_is_date
                   else "unparseable date (expected e.g. 2026-03-02)"))  # fmt: skip
    for c in items:
        raw_c = typed[f"{c}__raw"]
        number = typed[c].cast("string")
        checks.append((raw_c.notnull() & typed[c].isnull(), c, raw_c, "不是数值", "not a number"))
        checks.append((typed[c] < 0, c, number, "浓度不能为负", "concentration is negative"))
        if c == "co":
            checks.append((typed[c] > CO_MAX_MG, c, number,
                           f"CO 超过 {CO_MAX_MG} mg/m³，疑似以 µg/m³ 填报（CO 单位应为 mg/m³）",
                           f"CO above {CO_MAX_MG} mg/m³ — probably given in µg/m³ (CO must be in mg/m³)"))  # fmt: skip
    bad = ibis.union(
        *[
            typed.filter(cond.fill_null(False)).select(
                "row",
                column=ibis.literal(col),
                value=val.cast("string"),
                zh=ibis.literal(zh),
                en=ibis.literal(en),
            )
            for cond, col, val, zh, en in checks
        ]
    )
    found = con.execute(bad.order_by(["row", "column"]).limit(max_errors))
    errors = [
        InputError(r.zh, r.en, file=name, row=int(r.row), column=r.column, value=r.value)
        for r in found.itertuples()
    ]
    # duplicate station-time rows (conflicting or not): report every row of each duplicated key
    key_cols = [*(k for k in layout.keys if k != "city"), "time"]
    timed = typed.filter(typed.time.notnull())
    repeated = (
        timed.group_by(key_cols).aggregate(n=timed.row.count(), first=timed.row.min()).filter(ibis._.n > 1)
    )
    dup = timed.inner_join(repeated, key_cols)
    dup = con.execute(
        dup.filter(dup.row != dup.first)
        .select("row", "first", time__raw=dup.time.cast("string"))
        .order_by("row")
        .limit(max_errors)
    )
    for r in dup.itertuples():
        errors.append(InputError(
            f"重复的{('站点-时间' if not layout.time_is_date else '站点-日期')}（与第 {r.first} 行相同）",
            f"duplicate station-{'date' if layout.time_is_date else 'time'} (same as row {r.first})",
            file=name, row=int(r.row), column="time", value=r.time__raw))  # fmt: skip
    if errors:
        raise InputErrors(sorted(errors, key=lambda e: (e.row or 0, e.column or "")))
    return typed.select("row", *keys, "time", *items)


FAST_TIME_FORMAT = "%Y-%m-%dT%H:%M"
"""The contract's hour-end label (``2025-01-01T01:00``): the one time format the fast read accepts."""


def read_hourly_fast(path: Path, layout: Layout, *, con: ibis.BaseBackend) -> ir.Table | None:
    """The common case of a large clean hourly file: one parallel typed read, then set-based checks.

    Returns the table of ``read_table`` without ``row`` when the file passes every rule of ``read_table``, or
    ``None`` as soon as any cell *could* break one — then ``read_table`` runs and names file, row, column and
    reason. So nothing is accepted here that ``read_table`` would reject or read differently: both use DuckDB's
    reader and casts, the same missing markers and rules; whatever the typed read cannot hold as-is (padded
    cells, another time format, ``24:00`` labels, an encoding or field-count error) makes it give up.
    """
    if layout.time_is_date:
        return None
    try:
        with path.open(encoding="utf-8", newline="") as f:
            header = next(csv.reader(f))
    except (OSError, UnicodeDecodeError, StopIteration, csv.Error):
        return None
    allowed = {*layout.keys, "time", *layout.required, *layout.optional}
    needed = {*layout.keys, "time", *layout.required}
    plain = all(re.fullmatch(r"[a-z0-9_]+", c) for c in header)
    if not plain or len(set(header)) != len(header) or not needed <= set(header) <= allowed:
        return None
    keys = [c for c in header if c in (*layout.keys, "city")]
    items = [c for c in (*layout.required, *layout.optional) if c in header and c != "city"]
    types = {c: "VARCHAR" if c in keys else "TIMESTAMP" if c == "time" else "DOUBLE" for c in header}
    name = f"air_fast_{uuid.uuid4().hex}"
    try:
        src = con.read_csv(str(path), columns=types, header=True, auto_detect=False, delim=",", quote='"',
                           escape='"', timestampformat=FAST_TIME_FORMAT, nullstr=list(MISSING))  # fmt: skip
        t = con.create_table(name, src.select(*keys, "time", *items), temp=True)  # (overwrite= would copy it)
    except Exception:  # any cell the typed read cannot hold: the general path reports it
        return None
    # values and times in one aggregate; the identifier rules on the distinct identifiers only
    stats = {"_no_time": t.time.isnull().cast("int64").sum()}
    for c in items:
        stats[f"_min_{c}"] = t[c].min()
        if c == "co":
            stats["_max_co"] = t[c].max()
    found = con.execute(t.aggregate(**stats)).iloc[0]
    ids = t.select(*keys).distinct()
    bad_id = [ids[k].isnull() | (ids[k] == "") | (ids[k] != ids[k].strip()) for k in keys]
    if "city" in keys:
        bad_id.append(~ids.city.re_search(CITY_CODE))
    flagged = (
        found["_no_time"] > 0
        or any(pd.notna(found[f"_min_{c}"]) and found[f"_min_{c}"] < 0 for c in items)
        or ("_max_co" in found and pd.notna(found["_max_co"]) and found["_max_co"] > CO_MAX_MG)
        or con.execute(ibis.or_(*bad_id).fill_null(True).cast("int64").sum()) > 0
    )
    key_cols = [*(k for k in layout.keys if k != "city"), "time"]
    repeated = t.group_by(key_cols).aggregate(n=t.count()).filter(ibis._.n > 1)
    if flagged or con.execute(repeated.count()):
        con.drop_table(name, force=True)
        return None
    return t
