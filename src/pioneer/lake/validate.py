"""Validation and normalisation of one read table, as DuckDB SQL over Arrow (vectorised; no loop over rows).

Input: a table of text columns with ``_row`` (see :mod:`pioneer.lake.readers`) and a :class:`Layout`.
Output: the rows normalised to the lake schema of the medium (glossary names, stored units, China Standard Time
with the hour-end label) and a table of located errors (row, column, value, code, reason in Chinese and English).

Rules (code → meaning): ``schema`` a declared column is absent; ``row_fields`` a row has the wrong number of
fields; ``missing_key`` station/section/point or time empty; ``key_code`` a station/section/point code outside
the registry's station-code shape (:data:`pioneer.guard.codes.STATION_CODE_PATTERN`: a line break, ``/``, a
blank …); ``time`` unparsable time; ``hour_range`` hour part outside 0–23 (or 1–24); ``not_on_hour`` an hourly
time with minutes or seconds; ``number`` a value that is not a finite number nor a missing marker; ``range`` a
value outside the plausibility screen of its item; ``unit`` a unit that is neither the glossary unit nor a
declared convertible source unit; ``unknown_item`` an item not in the air glossary; ``unknown_station`` a
station outside the known set; ``city_code`` a city that is not a 6-digit division code; ``city_mismatch`` a
city that differs from the known station's city; ``zone_class`` a noise zone class outside GB 3096-2008 §4
(read by :data:`pioneer.standards.noise.ZONE_CLASS_PATTERN`: ``1``, ``1类``, ``4A`` are classes); ``period``
a noise period that is neither day nor night; ``duplicate`` the same key twice with the same values (the first
is kept); ``conflicting_duplicate`` the same key with different values (all rejected); ``schema`` also: a
column a closed layout does not have (``Layout.closed``), a file without data rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from pioneer.guard.codes import DIVISION_CODE_PATTERN, STATION_CODE_PATTERN, STATION_CODE_REASON
from pioneer.lake.cells import DATE_FORMATS, bounded_time_sql, number_sql, time_sql
from pioneer.lake.layouts import (
    AIR_DAILY_ITEMS,
    AIR_DAILY_RANGES,
    AIR_ITEMS,
    AIR_RANGES,
    CONVERSIONS,
    ITEM_ALIASES,
    NOISE_PERIODS,
    NOISE_RANGE,
    UNIT_SPELLINGS,
    WATER_RANGE,
    Layout,
)
from pioneer.standards.noise import ZONE_CLASS_PATTERN

ERROR_SCHEMA = pa.schema(
    [
        ("row", pa.int64()),
        ("column", pa.string()),
        ("value", pa.string()),
        ("code", pa.string()),
        ("reason_zh", pa.string()),
        ("reason_en", pa.string()),
    ]
)

AIR_MEDIA = ("air", "air_daily")
"""Media keyed by station and time with one column per item: hourly values and station-day values."""


@dataclass
class Checked:
    """Normalised rows (lake schema without ``status``/``import_id``) and located errors."""

    rows: pa.Table
    errors: pa.Table
    n_source_rows: int


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(s: object) -> str:
    return "'" + str(s).replace("'", "''") + "'"


def _list(values: object) -> str:
    return "[" + ", ".join(lit(v) for v in values) + "]"  # type: ignore[attr-defined]


class _Sql:
    """Builds the SQL of one check on a DuckDB connection where the source table is registered as ``src``."""

    def __init__(self, con: duckdb.DuckDBPyConnection, layout: Layout, columns: list[str]) -> None:
        self.con, self.layout, self.columns = con, layout, columns
        self.errors: list[str] = []
        self.missing = "(" + ", ".join(lit(m) for m in layout.missing) + ")"
        # lean: ``p`` holds only what the rules test (no source texts); rules on ``p`` are then run as one scan
        # per rule that yields (row, rule) pairs, and the offending texts are fetched from the view ``pfull``
        # for the flagged rows only (see :meth:`run`).
        self.lean = False
        self.needs_trim: dict[str, bool] = {}  # source column → may a value have surrounding blanks?
        self.source = pa.table({})
        self.any_bad = True
        self.deferred: list[tuple[str, str, str, str, str, str]] = []

    def error(
        self, where: str, column: str, value_sql: str, code: str, zh: str, en: str, rel: str = "p"
    ) -> None:
        if self.lean and rel == "p":
            self.deferred.append((where, column, value_sql, code, zh, en))
            return
        self.errors.append(
            f"SELECT _row AS row, {lit(column)} AS column, CAST({value_sql} AS VARCHAR) AS value, {lit(code)} AS code, "
            f"{lit(zh)} AS reason_zh, {lit(en)} AS reason_en FROM {rel} WHERE {where}"
        )

    def run(self) -> pa.Table | None:
        """All located errors of the rules registered so far (None when no rule was registered)."""
        parts: list[pa.Table] = []
        if self.deferred:
            # one scan of p: a row matching any rule yields one (row, rule) pair per rule it breaks
            conds = [f"coalesce({d[0]}, FALSE)" for d in self.deferred]
            ids = ", ".join(f"CASE WHEN {c} THEN {i} END" for i, c in enumerate(conds))
            self.con.execute(
                f"CREATE TEMP TABLE _marks AS SELECT _row, unnest(list_filter([{ids}], x -> x IS NOT NULL)) AS _e "
                f"FROM p WHERE {' OR '.join(conds)}"
            )
            (n,) = self.con.execute("SELECT count(*) FROM _marks").fetchone()  # type: ignore[misc]
            if n:

                def case(k: int, text: bool) -> str:
                    whens = " ".join(
                        f"WHEN {i} THEN " + (f"CAST({d[k]} AS VARCHAR)" if not text else lit(d[k]))
                        for i, d in enumerate(self.deferred)
                    )
                    return f"CASE m._e {whens} END"

                parts.append(
                    _arrow(
                        self.con.execute(
                            f"SELECT m._row AS row, {case(1, True)} AS column, {case(2, False)} AS value, "
                            f"{case(3, True)} AS code, {case(4, True)} AS reason_zh, {case(5, True)} AS reason_en "
                            "FROM _marks m JOIN pfull p ON p._row = m._row ORDER BY m._e, m._row"
                        ).arrow()
                    )
                )
            else:
                parts.append(ERROR_SCHEMA.empty_table())
        if self.errors:
            parts.append(_arrow(self.con.execute(" UNION ALL ".join(self.errors)).arrow()))
        return pa.concat_tables([t.cast(ERROR_SCHEMA) for t in parts]) if parts else None

    def text(self, glossary: str) -> str:
        return self.trimmed(self.layout.columns[glossary])

    def trimmed(self, column: str) -> str:
        """SQL of the source column without surrounding blanks (``trim`` only where a value could have any)."""
        if column not in self.needs_trim:
            self.needs_trim[column] = column not in self.source.column_names or _may_need_trim(
                self.source[column]
            )
        return f"trim({q(column)})" if self.needs_trim[column] else q(column)

    def number(self, raw: str) -> str:
        return (
            f"CASE WHEN {raw} IN {self.missing} THEN NULL ELSE {number_sql(raw)} END"  # lake.cells: one rule
        )

    def time_sql(self) -> tuple[str, str, str]:
        """(time expression, raw text for messages, hour-range violation expression or FALSE)."""
        t = self.layout.time
        start_shift = "INTERVAL 1 HOUR" if t.label == "start" else "INTERVAL 0 HOUR"
        if t.parts:
            y, m, d, h = (self.trimmed(t.parts[k]) for k in ("year", "month", "day", "hour"))
            hour = f"TRY_CAST({h} AS INTEGER)"
            lo, hi = (0, 23) if t.hours == "0-23" else (1, 24)
            date = f"try_strptime({y} || '-' || {m} || '-' || {d}, '%Y-%m-%d')"
            ts = f"({date} + to_hours({hour}) + {start_shift})"
            raw = f"({y} || '-' || {m} || '-' || {d} || ' ' || {h})"
            return ts, raw, f"({hour} IS NULL OR {hour} < {lo} OR {hour} > {hi})"
        if "time" not in self.layout.columns:  # values per period, not per time (``noise-periods``)
            return "CAST(NULL AS TIMESTAMP)", "CAST(NULL AS VARCHAR)", "FALSE"
        r = self.text("time")
        fmts = t.formats if t.hourly else (*t.formats, *DATE_FORMATS)
        ts = f"({bounded_time_sql(time_sql(r, fmts, utc_offset=t.utc_offset))} + {start_shift})"  # lake.cells
        return ts, r, "FALSE"


def check(
    table: pa.Table,
    layout: Layout,
    *,
    known_stations: Mapping[str, str] | None = None,
    bad_rows: list[tuple[int, str, str]] | None = None,
) -> Checked:
    """Validate and normalise ``table`` under ``layout`` (see module docstring for the rules)."""
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        con.register("src", table)
        return _check(con, table, layout, known_stations, bad_rows or [])
    finally:
        con.close()


def _check(
    con: duckdb.DuckDBPyConnection,
    table: pa.Table,
    layout: Layout,
    known: Mapping[str, str] | None,
    bad_rows: list[tuple[int, str, str]],
) -> Checked:
    columns = [c for c in table.column_names if c != "_row"]
    present = {g: g for g in layout.optional if g in columns and g not in layout.columns}
    if present:  # optional glossary columns the file carries (the city of a wide air file)
        layout = replace(layout, columns={**layout.columns, **present})
    sql = _Sql(con, layout, columns)
    sql.source = table
    schema_errors: list[tuple[object, ...]] = []
    wide_optional = layout.name in ("wide", "water-wide")
    required = {k: v for k, v in layout.columns.items() if k not in layout.constants}
    if layout.time.parts:
        required.update({f"time.{k}": v for k, v in layout.time.parts.items()})
    item_cols = layout.item_columns()
    if layout.medium == "water" and layout.shape == "wide":
        item_cols = {c: c for c in columns if c not in set(layout.columns.values())}
    for g, src in required.items():
        if src not in columns and not (wide_optional and g in item_cols):
            schema_errors.append(
                (1, src, None, "schema", "缺少必需的列", f"required column missing (for '{g}')")
            )
    if layout.closed:
        known_cols = layout.known_columns()
        for c in columns:
            if c not in known_cols:
                schema_errors.append(
                    (
                        1,
                        c,
                        None,
                        "schema",
                        "未知列（本格式没有这一列）",
                        f"unknown column (layout '{layout.name}' has none such)",
                    )
                )
    if layout.shape == "wide" and layout.medium in AIR_MEDIA:
        item_cols.update({g: g for g in layout.extras if g in columns})
    if layout.shape == "wide" and layout.medium != "noise":
        item_cols = {g: s for g, s in item_cols.items() if s in columns}
        if not item_cols and not schema_errors:
            schema_errors.append((1, "", None, "schema", "没有任何监测项目列", "no item column found"))
    for n, text, c in bad_rows:
        schema_errors.append(
            (n, "", text[:200], "row_fields", f"字段个数不对（{c}）", f"wrong number of fields ({c})")
        )
    if not schema_errors and table.num_rows == 0:  # a header and nothing else is not an import
        schema_errors.append((2, "", None, "schema", "文件没有数据行", "the file has no data rows"))
    if schema_errors and any(e[3] == "schema" for e in schema_errors):
        return Checked(_empty_rows(layout), _errors_table(schema_errors), table.num_rows)
    if known is not None:
        con.register(
            "known", pa.table({"station": list(known.keys()), "city": [str(v) for v in known.values()]})
        )
    if layout.station_names:
        con.register(
            "names",
            pa.table(
                {"name": list(layout.station_names.keys()), "code": list(layout.station_names.values())}
            ),
        )
    ts, time_raw, hour_bad = sql.time_sql()
    key = layout.key_column
    key_raw = sql.text(key)
    key_expr = "names.code" if layout.station_names else f"NULLIF({key_raw}, '')"
    extra = []
    if layout.medium in AIR_MEDIA:
        city = (
            lit(layout.constants["city"])
            if "city" in layout.constants
            else (f"NULLIF({sql.text('city')}, '')" if "city" in layout.columns else "CAST(NULL AS VARCHAR)")
        )
        extra.append(f"{city} AS city_src")
        extra.append(
            f"NULLIF({sql.text('city_name')}, '')" + " AS city_name"
            if "city_name" in layout.columns
            else "CAST(NULL AS VARCHAR) AS city_name"
        )
    else:
        division = (
            lit(layout.constants["division"])
            if "division" in layout.constants
            else (
                f"NULLIF({sql.text('division')}, '')"
                if "division" in layout.columns
                else "CAST(NULL AS VARCHAR)"
            )
        )
        extra.append(f"{division} AS city_src")
    if layout.medium == "noise":
        if "zone_class" in layout.columns:
            zc = sql.text("zone_class")  # GB 3096-2008 §4 as standards.noise.zone_class reads it
            extra.append(f"{zc} AS zone_class_raw")
            extra.append(
                f"NULLIF(lower(regexp_extract({zc}, {lit(ZONE_CLASS_PATTERN)}, 1)), '') AS zone_class"
            )
        if "period" in layout.columns:
            extra.append(f"lower({sql.text('period')}) AS period_raw")
        extra.append(f"{sql.text('leq')} AS leq__raw")
    if layout.shape == "long":
        extra.append(f"{sql.text('item')} AS item_raw")
        extra.append(f"{sql.text('value')} AS value__raw")
        extra.append(
            f"{sql.text('unit')} AS unit_raw"
            if "unit" in layout.columns and "unit" in columns
            else "'' AS unit_raw"
        )
    elif layout.medium in (*AIR_MEDIA, "water"):
        for g, s in item_cols.items():
            extra.append(f"{sql.trimmed(s)} AS {q(g + '__raw')}")
    # Numbers are parsed once here (``<name>__num``, NULL for a missing marker or an unparsable text); every rule
    # and the normalised output then compare these DOUBLE columns instead of casting the text again.
    if layout.medium == "noise":
        num_of = ["leq"]
    elif layout.shape == "long":
        num_of = ["value"] if layout.medium == "air" else []
    else:
        num_of = list(item_cols) if layout.medium in AIR_MEDIA else []
    nums = "".join(f", {sql.number(q(g + '__raw'))} AS {q(g + '__num')}" for g in num_of)
    full = (
        f"SELECT _row, {key_raw} AS key_raw, {key_expr} AS key, {time_raw} AS time_raw, {ts} AS time, "
        f"{hour_bad} AS hour_bad, {', '.join(extra)} FROM src"
        + (f" LEFT JOIN names ON names.name = {key_raw}" if layout.station_names else "")
    )
    if layout.medium in AIR_MEDIA and layout.shape == "wide":
        # Lean working table: no source texts are stored (each item becomes its parsed number and a
        # missing-marker flag); the texts quoted in error messages come from the view ``pfull``.
        sql.lean = True
        con.execute(f"CREATE TEMP VIEW pfull AS {full}")
        keep = ["_row", "key_raw", "key", "time", "hour_bad", "city_src", "city_name"]
        if not layout.time.parts:
            keep.append("time_raw")
        flags = "".join(
            f", {q(g + '__raw')} IN {sql.missing} AS {q(g + '__miss')}, {sql.number(q(g + '__raw'))} AS {q(g + '__num')}"
            for g in item_cols
        )
        con.execute(f"CREATE TEMP TABLE p AS SELECT {', '.join(keep)}{flags} FROM ({full})")
    else:
        con.execute(f"CREATE TEMP TABLE p AS SELECT *{nums} FROM ({full})")
    # --- key and time -------------------------------------------------------------------------------------
    key_src = layout.columns[key]
    sql.error(
        "key_raw IS NULL OR key_raw = ''",
        key_src,
        "key_raw",
        "missing_key",
        "站点/断面/点位编码为空",
        f"{key} is empty",
    )
    sql.error(  # the registry's station-code shape (guard.codes): no line break, '/', blank or quote in a code
        f"key IS NOT NULL AND NOT regexp_full_match(key, {lit(STATION_CODE_PATTERN)})",
        key_src,
        "key_raw",
        "key_code",
        *STATION_CODE_REASON,
    )
    if layout.station_names:
        sql.error(
            "key_raw <> '' AND key IS NULL",
            key_src,
            "key_raw",
            "unknown_station",
            "站点名称不在本格式的站点表中",
            "station name not in this layout's station list",
        )
    tcol = layout.columns.get("time", "+".join((layout.time.parts or {}).values()))
    if layout.time.parts:
        hour_col = layout.time.parts["hour"]
        sql.error(
            "hour_bad",
            hour_col,
            "time_raw",
            "hour_range",
            f"小时须在 {layout.time.hours} 之间",
            f"hour must be within {layout.time.hours}",
        )
        sql.error("NOT hour_bad AND time IS NULL", tcol, "time_raw", "time", "日期无效", "invalid date")
    elif "time" in layout.columns:
        sql.error(
            "time_raw IS NULL OR time_raw = ''", tcol, "time_raw", "missing_key", "时间为空", "time is empty"
        )
        sql.error(
            "time_raw <> '' AND time IS NULL",
            tcol,
            "time_raw",
            "time",
            "时间无法解析",
            "time cannot be parsed",
        )
        if layout.time.hourly:
            sql.error(
                "time IS NOT NULL AND (minute(time) <> 0 OR second(time) <> 0 OR microsecond(time) <> 0)",
                tcol,
                "time_raw",
                "not_on_hour",
                "小时值的时间须为整点",
                "hourly time must be on the hour",
            )
    # --- place ---------------------------------------------------------------------------------------------
    city_col = layout.columns.get("city", layout.columns.get("division", "city"))
    sql.error(
        f"city_src IS NOT NULL AND NOT regexp_full_match(city_src, {lit(DIVISION_CODE_PATTERN)})",
        city_col,
        "city_src",
        "city_code",
        "行政区划代码须为 6 位数字",
        "division code must be 6 digits",
    )
    if known is not None:
        sql.error(
            "key IS NOT NULL AND key NOT IN (SELECT station FROM known)",
            key_src,
            "key",
            "unknown_station",
            "站点不在已登记的站点中",
            "station not among the registered stations",
        )
        sql.error(
            "city_src IS NOT NULL AND (SELECT city FROM known k WHERE k.station = p.key) <> city_src",
            city_col,
            "city_src",
            "city_mismatch",
            "行政区划与已登记站点的不一致",
            "division differs from the registered station's",
        )
        city_final = "coalesce(city_src, (SELECT city FROM known k WHERE k.station = p.key))"
    else:
        city_final = "city_src"
    # --- values --------------------------------------------------------------------------------------------
    if layout.medium in AIR_MEDIA and layout.shape == "wide":
        select = _air_wide(sql, item_cols)
    elif layout.medium == "air":
        select = _air_long(sql)
    elif layout.medium == "water":
        select = _water(sql, item_cols)
    else:
        select = _noise(sql)
    errs = sql.run()
    errors = _errors_table(schema_errors)
    if errs is not None:
        errors = pa.concat_tables([errors, errs])
    con.register("bad", errors.select(["row"]))
    sql.any_bad = errors.num_rows > 0
    rows, dup_errors = select(con, city_final)
    errors = pa.concat_tables([errors, dup_errors.cast(ERROR_SCHEMA)])
    return Checked(rows, errors, table.num_rows)


def _air_wide(sql: _Sql, item_cols: dict[str, str]):  # type: ignore[no-untyped-def]
    layout = sql.layout
    daily = layout.medium == "air_daily"  # station-day values: their own items and screens
    glossary, screens = (AIR_DAILY_ITEMS, AIR_DAILY_RANGES) if daily else (AIR_ITEMS, AIR_RANGES)
    exprs = []
    for g, s in item_cols.items():
        raw = q(g + "__raw")
        item = layout.extras.get(g, g)  # an extra column is screened as the item it averages
        target = glossary[item] if item in glossary else AIR_ITEMS[item]
        source = layout.units.get(g, target)
        factor = 1.0 if source == target else CONVERSIONS[(source, target)]
        num = q(g + "__num")
        sql.error(
            f"NOT {q(g + '__miss')} AND ({num} IS NULL OR NOT isfinite({num}))",
            s,
            raw,
            "number",
            "不是数值",
            "not a number",
        )
        lo, hi = layout.ranges.get(g, screens[item] if item in screens else AIR_RANGES[item])
        val = f"({num} * {factor!r})"
        unit_note = f" {target}" + (f"（由 {source} 换算）" if factor != 1 else "")
        sql.error(
            f"isfinite({num}) AND ({val} < {lo!r} OR {val} > {hi!r})",
            s,
            raw,
            "range",
            f"超出合理范围 [{lo:g}, {hi:g}]{unit_note}",
            f"outside the plausible range [{lo:g}, {hi:g}] {target}"
            + (f" (converted from {source})" if factor != 1 else ""),
        )
        exprs.append(f"CASE WHEN isfinite({num}) THEN {val} END AS {g}")
    for g in glossary:
        if g not in item_cols:
            exprs.append(f"CAST(NULL AS DOUBLE) AS {g}")

    def select(con: duckdb.DuckDBPyConnection, city: str) -> tuple[pa.Table, pa.Table]:
        # a view: the values are computed from the parsed numbers of ``p`` while they are read, not stored again
        con.execute(
            f"CREATE TEMP VIEW v AS SELECT _row, key AS station, {city} AS city, city_name, time, "
            f"{', '.join(exprs)} FROM p" + (" WHERE _row NOT IN (SELECT row FROM bad)" if sql.any_bad else "")
        )
        return _dedupe(con, sql, ["station", "time"], list(glossary), layout.columns["station"])

    return select


def _air_long(sql: _Sql):  # type: ignore[no-untyped-def]
    layout = sql.layout
    con = sql.con
    con.register("aliases", pa.table({"alias": list(ITEM_ALIASES), "item": list(ITEM_ALIASES.values())}))
    conv = [(s, t, f) for (s, t), f in CONVERSIONS.items()]
    spell = {**UNIT_SPELLINGS, **{v: v for v in UNIT_SPELLINGS.values()}}
    con.register("spellings", pa.table({"spelling": list(spell), "unit": list(spell.values())}))
    declared = [(item, u) for item, u in layout.units.items()]
    rows_sql = ", ".join(
        f"({lit(i)}, {lit(t)}, {lit(u)}, {CONVERSIONS.get((u, t), 1.0)!r})"
        for i, t in AIR_ITEMS.items()
        for u in {t, *[d for it, d in declared if it == i]}
    )
    del conv
    con.execute(
        f"CREATE TEMP TABLE units_ok(item VARCHAR, target VARCHAR, unit VARCHAR, factor DOUBLE); "
        f"INSERT INTO units_ok VALUES {rows_sql}"
    )
    con.execute(
        "CREATE TEMP TABLE pl AS SELECT p.*, a.item, "
        "coalesce((SELECT unit FROM spellings WHERE spelling = lower(replace(p.unit_raw, ' ', ''))), p.unit_raw) AS unit "
        "FROM p LEFT JOIN aliases a ON a.alias = lower(p.item_raw)"
    )
    item_src, value_src, unit_src = (
        layout.columns["item"],
        layout.columns["value"],
        layout.columns.get("unit", "unit"),
    )
    sql.error(
        "item IS NULL",
        item_src,
        "item_raw",
        "unknown_item",
        "监测项目不在空气术语表中（so2, no2, co, o3, pm10, pm2_5）",
        "item not in the air glossary (so2, no2, co, o3, pm10, pm2_5)",
        rel="pl",
    )
    sql.error(
        "item IS NOT NULL AND NOT EXISTS (SELECT 1 FROM units_ok u WHERE u.item = pl.item AND u.unit = pl.unit)",
        unit_src,
        "unit_raw",
        "unit",
        "单位不是术语表单位，且映射文件未声明换算",
        "unit is not the glossary unit and the mapping declares no conversion",
        rel="pl",
    )
    num = "value__num"
    sql.error(
        f"value__raw NOT IN {sql.missing} AND ({num} IS NULL OR NOT isfinite({num}))",
        value_src,
        "value__raw",
        "number",
        "不是数值",
        "not a number",
        rel="pl",
    )
    val = f"({num} * (SELECT factor FROM units_ok u WHERE u.item = pl.item AND u.unit = pl.unit))"
    for g, (lo, hi) in {**AIR_RANGES, **layout.ranges}.items():
        sql.error(
            f"item = {lit(g)} AND isfinite({num}) AND ({val} < {lo!r} OR {val} > {hi!r})",
            value_src,
            "value__raw",
            "range",
            f"{g} 超出合理范围 [{lo:g}, {hi:g}] {AIR_ITEMS[g]}",
            f"{g} outside the plausible range [{lo:g}, {hi:g}] {AIR_ITEMS[g]}",
            rel="pl",
        )

    def select(con: duckdb.DuckDBPyConnection, city: str) -> tuple[pa.Table, pa.Table]:
        con.execute(
            f"CREATE TEMP TABLE v AS SELECT _row, key AS station, {city.replace('p.key', 'pl.key')} AS city, "
            f"city_name, time, item, CASE WHEN isfinite({num}) THEN {val} END AS value FROM pl "
            "WHERE _row NOT IN (SELECT row FROM bad)"
        )
        rows, dups = _dedupe(con, sql, ["station", "time", "item"], ["value"], layout.columns["station"])
        con.register("vl", rows)
        pivot = ", ".join(f"max(value) FILTER (WHERE item = {lit(g)}) AS {g}" for g in AIR_ITEMS)
        out = con.execute(
            f"SELECT min(_row) AS _row, station, any_value(city) AS city, any_value(city_name) AS city_name, time, "
            f"{pivot} FROM vl GROUP BY station, time ORDER BY min(_row)"
        ).arrow()
        return _arrow(out), dups

    return select


def _water(sql: _Sql, item_cols: dict[str, str]):  # type: ignore[no-untyped-def]
    """Water values keep detection-limit notation: ``ND``/``未检出`` → value NULL, flag ``ND``; ``<0.01`` →
    0.01, flag ``<``; ``0.01L`` → 0.01, flag ``L`` (the Chinese "below detection limit" notation)."""
    layout = sql.layout
    con = sql.con
    if layout.shape == "long":
        con.execute(
            "CREATE TEMP TABLE pw AS SELECT *, item_raw AS item, value__raw AS raw, "
            "coalesce("
            + _unit_case("unit_raw")
            + ") AS unit, "
            + lit(layout.columns["value"])
            + " AS src_col FROM p"
        )
    else:
        parts = [
            f"SELECT *, {lit(g)} AS item, {q(g + '__raw')} AS raw, {lit(layout.units.get(g, ''))} AS unit, "
            f"{lit(s)} AS src_col FROM p"
            for g, s in item_cols.items()
        ]
        con.execute("CREATE TEMP TABLE pw AS " + " UNION ALL ".join(parts))
    nd = "upper(raw) IN ('ND', 'N.D.', 'N.D') OR raw IN ('未检出', '未检测到')"
    lt = "(left(raw, 1) IN ('<', '＜') AND TRY_CAST(trim(substr(raw, 2)) AS DOUBLE) IS NOT NULL)"
    lsuf = "regexp_full_match(raw, '[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?[Ll]')"
    num = number_sql("raw")  # lake.cells: inf, 1e309, 1_000 are not numbers
    con.execute(
        "CREATE TEMP TABLE pv AS SELECT *, "
        f"CASE WHEN {nd} THEN 'ND' WHEN {lt} THEN '<' WHEN {lsuf} THEN 'L' END AS flag, "
        f"CASE WHEN {nd} OR raw IN {sql.missing} THEN NULL WHEN {lt} THEN TRY_CAST(trim(substr(raw, 2)) AS DOUBLE) "
        f"WHEN {lsuf} THEN TRY_CAST(left(raw, length(raw) - 1) AS DOUBLE) ELSE {num} END AS value FROM pw"
    )
    con.execute("UPDATE pv SET value = NULL WHERE NOT isfinite(value)")
    sql.errors.append(
        "SELECT _row AS row, src_col AS column, raw AS value, 'number' AS code, "
        "'不是数值，也不是检出限写法（ND、未检出、<x、xL）' AS reason_zh, "
        "'not a number nor a detection-limit notation (ND, 未检出, <x, xL)' AS reason_en FROM pv "
        f"WHERE raw NOT IN {sql.missing} AND flag IS NULL AND value IS NULL"
    )
    sql.errors.append(
        "SELECT _row, src_col, raw, 'range', '水质浓度不能为负', 'water concentration cannot be negative' "
        "FROM pv WHERE value < 0"
    )
    hi = WATER_RANGE[1]
    sql.errors.append(
        f"SELECT _row, src_col, raw, 'range', '超出合理范围（不大于 {hi:g}）', 'outside the plausible range (at most "
        f"{hi:g})' FROM pv WHERE value > {hi!r}"
    )

    def select(con: duckdb.DuckDBPyConnection, city: str) -> tuple[pa.Table, pa.Table]:
        con.execute(
            f"CREATE TEMP TABLE v AS SELECT _row, key AS section, {city.replace('p.key', 'pv.key')} AS division, "
            "time, item, value, flag, raw, NULLIF(unit, '') AS unit FROM pv WHERE _row NOT IN (SELECT row FROM bad)"
        )
        return _dedupe(con, sql, ["section", "time", "item"], ["value", "flag"], layout.columns["section"])

    return select


def _unit_case(raw: str) -> str:
    spell = {**UNIT_SPELLINGS, **{v: v for v in UNIT_SPELLINGS.values()}}
    whens = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in spell.items())
    return f"CASE lower(replace({raw}, ' ', '')) {whens} ELSE {raw} END"


def _noise(sql: _Sql):  # type: ignore[no-untyped-def]
    """Noise points: Leq in dB(A) within the plausibility screen; zone class per GB 3096-2008 §4."""
    layout = sql.layout
    num = "leq__num"
    s = layout.columns["leq"]
    sql.error(
        f"leq__raw NOT IN {sql.missing} AND ({num} IS NULL OR NOT isfinite({num}))",
        s,
        "leq__raw",
        "number",
        "不是数值",
        "not a number",
    )
    lo, hi = layout.ranges.get("leq", NOISE_RANGE)
    sql.error(
        f"isfinite({num}) AND ({num} < {lo!r} OR {num} > {hi!r})",
        s,
        "leq__raw",
        "range",
        f"超出合理范围 [{lo:g}, {hi:g}] dB(A)",
        f"outside the plausible range [{lo:g}, {hi:g}] dB(A)",
    )
    if "zone_class" in layout.columns:
        sql.error(
            "zone_class IS NULL",
            layout.columns["zone_class"],
            "zone_class_raw",
            "zone_class",
            "声环境功能区类别须为 0、1、2、3、4a、4b（GB 3096-2008 第4章）",
            "zone class must be 0, 1, 2, 3, 4a or 4b (GB 3096-2008 §4)",
        )
    period = (
        "CASE period_raw "
        + " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in NOISE_PERIODS.items())
        + " END"
    )
    if "period" in layout.columns:  # day or night, GB 3096-2008 §3.5/3.6 (the grade's grid and road points)
        sql.error(
            f"({period}) IS NULL",
            layout.columns["period"],
            "period_raw",
            "period",
            "时段须为 day/night（昼间/夜间）",
            "period must be day or night (昼间/夜间)",
        )
    keys = ["point", "period" if "period" in layout.columns else "time"]
    values = ["leq", *(["zone_class"] if "zone_class" in layout.columns else [])]
    extra = "".join(
        [
            ", zone_class" if "zone_class" in layout.columns else "",
            f", {period} AS period" if "period" in layout.columns else "",
        ]
    )

    def select(con: duckdb.DuckDBPyConnection, city: str) -> tuple[pa.Table, pa.Table]:
        con.execute(
            f"CREATE TEMP TABLE v AS SELECT _row, key AS point, {city} AS division{extra}, time, "
            f"CASE WHEN isfinite({num}) THEN {num} END AS leq FROM p WHERE _row NOT IN (SELECT row FROM bad)"
        )
        return _dedupe(con, sql, keys, values, layout.columns["point"])

    return select


def _dedupe(
    con: duckdb.DuckDBPyConnection, sql: _Sql, key: list[str], values: list[str], key_src: str
) -> tuple[pa.Table, pa.Table]:
    """Rows of ``v`` without duplicates, and the duplicate errors (exact: first kept; conflicting: none kept)."""
    k = ", ".join(key)
    vals = ", ".join(values)
    (n_dup_keys,) = con.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM v GROUP BY {k} HAVING count(*) > 1)"
    ).fetchone()  # type: ignore[misc]
    if n_dup_keys == 0:
        empty = ERROR_SCHEMA.empty_table()
        return _arrow(con.execute("SELECT * FROM v ORDER BY _row").arrow()), empty
    con.execute(
        f"CREATE TEMP TABLE g AS SELECT {k}, count(*) AS n, count(DISTINCT hash({vals})) AS nv, min(_row) AS first_row "
        f"FROM v GROUP BY {k} HAVING count(*) > 1"
    )
    key_text = " || ' ' || ".join(f"CAST(v.{c} AS VARCHAR)" for c in key)
    on = " AND ".join(f"g.{c} IS NOT DISTINCT FROM v.{c}" for c in key)
    dups = con.execute(
        f"SELECT v._row AS row, {lit(key_src)} AS column, {key_text} AS value, "
        "CASE WHEN g.nv > 1 THEN 'conflicting_duplicate' ELSE 'duplicate' END AS code, "
        "CASE WHEN g.nv > 1 THEN '同一站点时间有不同的值（冲突重复，与第 ' || g.first_row || ' 行）' "
        "ELSE '重复行（与第 ' || g.first_row || ' 行相同，保留第一行）' END AS reason_zh, "
        "CASE WHEN g.nv > 1 THEN 'same key with different values (conflicting duplicate of row ' || g.first_row || ')' "
        "ELSE 'duplicate of row ' || g.first_row || ' (first kept)' END AS reason_en "
        f"FROM v JOIN g ON {on} WHERE g.nv > 1 OR v._row <> g.first_row ORDER BY v._row"
    ).arrow()
    dups = _arrow(dups)
    con.register("dup_rows", dups.select(["row"]))
    rows = con.execute("SELECT * FROM v WHERE _row NOT IN (SELECT row FROM dup_rows) ORDER BY _row").arrow()
    return _arrow(rows), dups


def _may_need_trim(column: pa.ChunkedArray) -> bool:
    """Whether DuckDB's ``trim`` could change any value of a text column.

    ``trim`` removes spaces and Unicode blanks (e.g. U+3000, U+00A0) at either end, never other ASCII characters.
    So a column of ASCII values none of which begins or ends with a space is unchanged by it; any non-ASCII
    value makes the column count as needing ``trim`` (a cheap, conservative test in three vectorised kernels).
    """
    if len(column) == 0 or column.null_count == len(column):
        return False
    return not (
        pc.all(pc.string_is_ascii(column)).as_py() is not False
        and not pc.any(pc.starts_with(column, " ")).as_py()
        and not pc.any(pc.ends_with(column, " ")).as_py()
    )


def _arrow(x: object) -> pa.Table:
    return x.read_all() if hasattr(x, "read_all") else x  # type: ignore[return-value,attr-defined]


def _errors_table(errors: list[tuple]) -> pa.Table:  # type: ignore[type-arg]
    cols = list(zip(*errors, strict=True)) if errors else [[] for _ in ERROR_SCHEMA]
    return pa.Table.from_arrays(
        [pa.array(list(c), f.type) for c, f in zip(cols, ERROR_SCHEMA, strict=True)], schema=ERROR_SCHEMA
    )


def _empty_rows(layout: Layout) -> pa.Table:
    return pa.table({"_row": pa.array([], pa.int64())})
