"""The query layer: Ibis tables over the committed Parquet files of the lake (DuckDB by default).

Any Ibis backend with ``read_parquet`` may be passed as ``con`` (e.g. ``ibis.pyspark.connect(session)`` for a lake
on HDFS or an object store); the expressions do not depend on the engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from pioneer.errors import PioneerError
from pioneer.lake.layouts import AIR_DAILY_ITEMS, AIR_ITEMS
from pioneer.lake.storage import Lake, in_years, partition_year
from pioneer.standards.divisions import prefix


def _air_schema(items: tuple[str, ...] | list[str]) -> pa.Schema:
    """Stored air rows: station, city, time, one float column per item, then the provenance columns."""
    return pa.schema(
        [
            ("station", pa.string()),
            ("city", pa.string()),
            ("city_name", pa.string()),
            ("time", pa.timestamp("us")),
            *[(i, pa.float64()) for i in items],
            ("row", pa.int64()),
            ("status", pa.string()),
            ("import_id", pa.string()),
            ("sheet", pa.string()),
        ]
    )


AIR_SCHEMA = _air_schema(AIR_ITEMS)
AIR_DAILY_SCHEMA = _air_schema(AIR_DAILY_ITEMS)
"""Station-day values (layout ``cnemc-daily``): ``time`` is the hour-end label that closes the day (T00 of the
next day), as for hours."""
WATER_SCHEMA = pa.schema(
    [
        ("section", pa.string()),
        ("division", pa.string()),
        ("time", pa.timestamp("us")),
        ("item", pa.string()),
        ("value", pa.float64()),
        ("flag", pa.string()),
        ("raw", pa.string()),
        ("unit", pa.string()),
        ("row", pa.int64()),
        ("status", pa.string()),
        ("import_id", pa.string()),
        ("sheet", pa.string()),
    ]
)
NOISE_SCHEMA = pa.schema(
    [
        ("point", pa.string()),
        ("division", pa.string()),
        ("zone_class", pa.string()),
        ("time", pa.timestamp("us")),
        ("leq", pa.float64()),
        ("row", pa.int64()),
        ("status", pa.string()),
        ("import_id", pa.string()),
        ("sheet", pa.string()),
    ]
)
SCHEMAS = {"air": AIR_SCHEMA, "air_daily": AIR_DAILY_SCHEMA, "water": WATER_SCHEMA, "noise": NOISE_SCHEMA}
KEYS = {"air": ["station", "time"], "air_daily": ["station", "time"], "water": ["section", "time", "item"],
        "noise": ["point", "time"]}  # fmt: skip
STATUSES = ("best", "validated", "preliminary", "all")


def connect() -> Any:
    """A fresh in-process DuckDB backend."""
    return ibis.duckdb.connect()


ENGINES = ("duckdb", "spark")


def engine(name: str | None = None) -> Any:
    """The Ibis backend of lake computations: ``name`` or ``PIONEER_ENGINE`` — ``duckdb`` (a fresh in-process
    DuckDB) or ``spark`` (a Spark session at ``PIONEER_SPARK_MASTER``, ``local[*]`` by default, session time
    zone UTC so stored wall-clock times are read as written). Raises ``PioneerError`` (zh/en) for an unknown
    engine or when PySpark is not installed."""
    from pioneer.config import settings

    name = name or settings().engine
    if name == "duckdb":
        return connect()
    if name != "spark":
        raise PioneerError(
            f"未知计算引擎 {name!r}（可选 duckdb、spark）", f"unknown engine {name!r} (duckdb or spark)"
        )
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise PioneerError(
            "未安装 PySpark：请执行 pip install '.[spark]'（需要 Java 17）",
            "PySpark is not installed: run pip install '.[spark]' (needs Java 17)",
        ) from None
    session = (
        SparkSession.builder.master(settings().spark_master)
        .appName("pioneer")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    return ibis.pyspark.connect(session)


def _instant(value: dt.datetime | dt.date | str) -> dt.datetime | None:
    """A time bound as a naive datetime (as ``ibis.timestamp`` reads it), or ``None`` when it is not one of the
    ISO forms or carries a zone (then no file is pruned by it: the engine's filter alone decides)."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    return value if value.tzinfo is None else None


def partition_years(
    medium: str, start: dt.datetime | dt.date | str | None, end: dt.datetime | dt.date | str | None
) -> tuple[int | None, int | None]:
    """The partition years (``<medium>/year=<y>/``, inclusive; ``None`` = open) that can hold rows with
    ``start <= time <= end``: :func:`pioneer.lake.storage.partition_year` of each bound (the year rule is
    monotonic in the time, so no other file holds such a row)."""
    lo = _instant(start) if start is not None else None
    hi = _instant(end) if end is not None else None
    return (partition_year(medium, lo) if lo else None, partition_year(medium, hi) if hi else None)


def medium_table(
    lake: Lake | None,
    medium: str,
    *,
    con: Any = None,
    extra_files: list[str] | None = None,
    years: tuple[int | None, int | None] | None = None,
) -> ir.Table:
    """Every stored version of every row of ``medium`` (all imports, both statuses).

    ``extra_files``: lake paths of an import not yet committed, read as if it were (``lake.stationdays``
    computes an import's site-days with its own rows before its record is written). ``years``: read only the
    files of these partition years (inclusive, ``None`` = open; :func:`partition_years`) — a request for one
    period opens the files that can hold it, not the whole medium."""
    lake = lake or Lake()
    con = con or connect()
    files = lake.files(medium, years=years) + [lake.uri(f) for f in extra_files or [] if in_years(f, years)]
    schema = SCHEMAS[medium]
    if not files:
        return ibis.memtable(schema.empty_table())
    t = con.read_parquet(files)
    return t.select(
        *[
            t[f.name].cast(ibis.dtype(f.type))
            if f.name in t.columns
            else ibis.null(ibis.dtype(f.type)).name(f.name)
            for f in schema
        ]
    )


def versions(
    lake: Lake | None,
    medium: str,
    *,
    status: str = "best",
    start: dt.datetime | str | None = None,
    end: dt.datetime | str | None = None,
    con: Any = None,
    extra_files: list[str] | None = None,
) -> ir.Table:
    """Rows of ``medium`` with one version per key chosen by ``status``.

    ``best``: a validated value where one exists, else the preliminary one; ``validated`` / ``preliminary``: only
    rows of that status; ``all``: every version (previous ones included). Among several imports of the same
    status the latest import wins (import ids sort by time).
    """
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}")
    t = medium_table(
        lake, medium, con=con, extra_files=extra_files, years=partition_years(medium, start, end)
    )
    if start is not None:
        t = t.filter(t.time >= ibis.timestamp(start))
    if end is not None:
        t = t.filter(t.time <= ibis.timestamp(end))
    if status == "all":
        return t
    if status != "best":
        t = t.filter(t.status == status)
    rank = (t.status == "validated").cast("int8")
    w = ibis.window(group_by=[t[k] for k in KEYS[medium]], order_by=[ibis.desc(rank), ibis.desc(t.import_id)])
    t = t.mutate(_version=ibis.row_number().over(w))
    return t.filter(t._version == 0).drop("_version")


def air_hourly(
    lake: Lake | None = None,
    *,
    stations: list[str] | None = None,
    start: dt.datetime | str | None = None,
    end: dt.datetime | str | None = None,
    status: str = "best",
    con: Any = None,
) -> ir.Table:
    """Hourly air values for the standards engine.

    Columns: ``station`` (str), ``city`` (6-digit division code, str), ``time`` (timestamp, China Standard Time,
    labelled by the hour it ends), ``so2, no2, co, o3, pm10, pm2_5`` (float64; µg/m³, CO mg/m³; null = missing).
    ``start``/``end`` bound the labels inclusively; ``status`` as in :func:`versions`.
    """
    t = versions(lake, "air", status=status, start=start, end=end, con=con)
    if stations is not None:
        t = t.filter(t.station.isin(list(stations)))
    return t.select("station", "city", "time", *AIR_ITEMS)


def air_station_days(
    lake: Lake | None = None,
    *,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    status: str = "best",
    con: Any = None,
) -> ir.Table:
    """Station-day values for the period evaluation (``pioneer.standards.air.period``).

    Columns: ``station``, ``city`` (6-digit code, str; as registered at import), ``date`` (the natural day: the
    hour-end label closing it minus one hour), ``so2, no2, co, pm10, pm2_5, o3_8h_max`` (float64; µg/m³, CO
    mg/m³; null = not published). ``start``/``end`` bound the dates inclusively; ``status`` as in :func:`versions`.
    """
    # date = (time − 1 h).date(), so S <= date <= E holds exactly for S 01:00 <= time < (E + 1) 01:00: those bounds
    # prune the files (and rows) before the one-version-per-key choice, which is per station and time
    first = _day(start)
    last = _day(end)
    t = versions(lake, "air_daily", status=status, con=con,
                 start=dt.datetime.combine(first, dt.time(1)) if first else None,
                 end=dt.datetime.combine(last + dt.timedelta(days=1), dt.time(1)) - dt.timedelta(microseconds=1)
                 if last else None)  # fmt: skip
    t = t.mutate(date=(t.time - ibis.interval(hours=1)).date())
    if start is not None:
        t = t.filter(t.date >= ibis.date(str(start)))
    if end is not None:
        t = t.filter(t.date <= ibis.date(str(end)))
    return t.select("station", "city", "date", *AIR_DAILY_ITEMS)


def _day(value: dt.date | str | None) -> dt.date | None:
    """A date bound of :func:`air_station_days` as a date (``None``: none, or not an ISO date — then the date
    filter alone decides)."""
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def water_samples(lake: Lake | None = None, *, status: str = "best", **kw: Any) -> ir.Table:
    """Water values (long): section, division, time, item, value, flag (ND, <, L), raw text, unit."""
    t = versions(lake, "water", status=status, **kw)
    return t.select("section", "division", "time", "item", "value", "flag", "raw", "unit")


def noise_points(lake: Lake | None = None, *, status: str = "best", **kw: Any) -> ir.Table:
    """Noise values: point, division, zone_class, time, leq [dB(A)]."""
    t = versions(lake, "noise", status=status, **kw)
    return t.select("point", "division", "zone_class", "time", "leq")


division_prefix = prefix
"""GB/T 2260 subtree prefix (:func:`pioneer.standards.divisions.prefix`), re-exported for the lake's callers."""


def in_divisions(column: ir.StringColumn, codes: Iterable[str]) -> ir.BooleanColumn:
    """Whether ``column``'s division code lies in any of the subtrees of ``codes`` (GB/T 2260 containment by
    :func:`division_prefix`): the lake's filter for a set of divisions, such as a region zone's provinces and
    cities. At least one code."""
    prefixes = [division_prefix(c) for c in codes]
    if not prefixes:
        raise ValueError("at least one division code")
    return ibis.or_(*[column.startswith(p) for p in prefixes])
