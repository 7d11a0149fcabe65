"""Site-day values kept at ingest: the HJ 663 daily statistics of stations and cities, computed once per import.

An import of hourly air values also writes, under the same commit, the daily values of every station-day and
city-day it touches — ``pioneer.standards.air.evaluation.daily_values`` over ``sites_hourly`` (GB 3095-2012/2026
Table 4 validity: daily means with ≥ 20 hours, 8-h means with ≥ 6 hours; HJ 663-2013/2026 §6.1.2 O3 daily
maximum 8-h mean with ≥ 14 valid windows or above the limit), with their counts (``<item>_hours``,
``o3_8h_windows``). Nothing here restates a rule: the expressions are the standards module's.

Storage: ``air_days/year=<year of the date>/<import_id>.parquet``, listed in the import's record under
``site_day_files`` (the record is the commit point, ``Lake.write_record``), so a crash before the commit leaves no visible site-day file and ``Lake.recover``
removes it with the hourly files.

Consistency with the hourly reader (``lake.query.versions``, status ``best``: a validated value before a
preliminary one, then the latest import): an import recomputes *every* site-day it touches from the best hourly
values of the whole lake with its own rows included — the station-days of its stations' days, and the city-days
of the cities those rows belong to, now or in the versions they supersede. A site-day no later import touched
has the same hourly values as when it was computed, so the reader takes, per ``site_level, id, date``, the row of
the latest import (``lake.query.air_site_days``); the result equals ``daily_values(sites_hourly(air_hourly()))``
(tested with re-imports, corrections, validated-after-preliminary and moved stations).

Choice (stated once in docs/standards/air.md § "Site-days kept at ingest"): the O3 daily maximum 8-h value is
stored with ``daily_values``' default limit for its validity exception (160 µg/m³, GB 3095 class 2 8-h limit), as
every caller in Pioneer uses it; a computation with another limit reads the hours.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from pioneer.lake.layouts import AIR_ITEMS
from pioneer.lake.storage import Lake, file_year, in_years
from pioneer.standards.air.evaluation import (
    DAILY_COLUMNS,
    DAILY_MEAN_ITEMS,
    daily_values,
    natural_day,
    sites_hourly,
)

PREFIX = "air_days"
"""The lake folder of the site-day files (beside ``air/``)."""
ROW_GROUP = 1 << 17
"""Rows per Parquet row group of a site-day file (a national year, 0.75 M site-days, is six groups, so a reader
scans it on every thread)."""
RECORD_KEY = "site_day_files"
"""The import record's list of its site-day files (beside ``files``, the data files as read from the source)."""


def connect() -> Any:
    """DuckDB for the site-day pass, bounded by ``PIONEER_DUCKDB_MEMORY_LIMIT`` (as the calculators)."""
    from pioneer.config import settings

    return ibis.duckdb.connect(memory_limit=settings().duckdb_memory_limit, threads=2)


def attach(lake: Lake, record: dict[str, Any], *, con: Any = None, committed: bool = False) -> None:
    """Compute the site-days of the import described by ``record`` (its hourly files already in their
    partitions, not yet committed), write them beside the hourly Parquet and list them in
    ``record["site_day_files"]``.

    Called just before ``lake.write_record(record)``; does nothing for an import without hourly air files.
    ``committed``: the import is already committed (``backfill``): its rows are read among the lake's, not
    added to them.
    """
    new = [f for f in record.get("files", []) if f.startswith("air/")]
    if not new or not lake.is_local:
        # an object-store lake: DuckDB here reads local files only, so readers compute from the hours there
        # (``present`` is false; docs/deployment.md)
        return
    from pioneer.lake.query import versions  # query reads site-days too; it is the one home of "best"

    con = con or connect()
    import_id = record["import_id"]
    fresh = con.read_parquet([lake.uri(f) for f in new]).select("station", "city", "time")
    fresh = fresh.mutate(date=natural_day(fresh.time))
    bounds = fresh.aggregate(lo=fresh.time.min(), hi=fresh.time.max()).to_pyarrow()
    lo, hi = bounds["lo"][0].as_py(), bounds["hi"][0].as_py()
    if lo is None:
        return
    # every hour of the days touched: labels from 01:00 of the first day to 00:00 after the last
    first = dt.datetime.combine((lo - dt.timedelta(hours=1)).date(), dt.time(1))
    last = dt.datetime.combine((hi - dt.timedelta(hours=1)).date() + dt.timedelta(days=1), dt.time(0))
    station_keys: Any = fresh.select("station", "date").distinct()
    city_keys: Any
    older = versions(lake, "air", status="all", start=first, end=last, con=con)
    if not committed and (not lake.files("air") or older.count().to_pyarrow().as_py() == 0):
        # nothing committed in these days (an empty lake, a new year): this import's rows are the best ones
        # (one import holds one row per station-hour) and nothing is superseded
        hourly = con.read_parquet([lake.uri(f) for f in new]).select("station", "city", "time", *AIR_ITEMS)
        station_keys = city_keys = None  # every site-day of these hours is touched: no key filter needed
    else:
        best = versions(lake, "air", status="best", start=first, end=last, con=con,
                        extra_files=None if committed else new)  # fmt: skip
        best = best.select("station", "city", "time", *AIR_ITEMS).mutate(date=natural_day(best.time))
        # the cities of the touched stations' days, as the best rows give them and as superseded rows had them
        # (a station moved to another city changes both cities' days)
        mine = best.semi_join(station_keys, ["station", "date"]).select("city", "date")
        older = older.mutate(date=natural_day(older.time)).semi_join(station_keys, ["station", "date"])
        city_keys = ibis.union(mine, older.select("city", "date"), distinct=True)
        city_keys = con.create_table(f"_city_keys_{uuid.uuid4().hex}", city_keys, temp=True)
        # every best hour of those city-days (the touched stations' hours are among them)
        hourly = best.semi_join(city_keys, [best.city == city_keys.city, best.date == city_keys.date])
        hourly = hourly.drop("date")
    days = daily_values(sites_hourly(hourly))
    if station_keys is None or city_keys is None:
        out = days
    else:
        stations = days.filter(days.site_level == "station").semi_join(
            station_keys, [days.id == station_keys.station, days.date == station_keys.date]
        )
        cities = days.filter(days.site_level == "city").semi_join(
            city_keys, [days.id == city_keys.city, days.date == city_keys.date]
        )
        out = ibis.union(stations, cities)
    out = out.filter(out.id.notnull()).select(*COLUMNS).mutate(import_id=ibis.literal(import_id))
    # sorted by DuckDB (in parallel) once; a year's rows keep that order when filtered out below
    table = con.to_pyarrow(out.order_by(["site_level", "id", "date"]))
    years = pc.year(table["date"])
    distinct = sorted(set(pc.unique(years).to_pylist()))
    files = record.setdefault(RECORD_KEY, [])
    for y in distinct:
        part = table.filter(pc.equal(years, y)) if len(distinct) > 1 else table
        rel = f"{PREFIX}/year={y}/{import_id}.parquet"
        lake.write_parquet(rel, part, row_group_size=ROW_GROUP)  # invisible until the record lists it
        files.append(rel)  # (and removed by Lake.recover if the import never commits)


def backfill(lake: Lake | None = None, *, con: Any = None) -> list[str]:
    """Site-days for the committed imports of hourly air values that have none (imported before site-days were
    kept at ingest, or by a Pioneer that did not keep them); returns their import ids, oldest first.

    Each such import gets the site-days of every station-day and city-day it touches, computed from the best
    hourly values of the whole lake as it is now (``attach`` with ``committed=True``), written beside its hourly
    files and listed in its record, which is rewritten last — the same commit point as an import's (a crash
    before it leaves files no record lists; ``Lake.recover`` removes them). Runs under the lake's writer lock.
    A site-day later imports also wrote is still read from the latest of them (``site_days``), and both rows
    come from the same best hours. Afterwards ``present(lake)`` holds and readers use the site-days. Nothing is
    done on an object-store lake (the site-day pass reads local files).
    """
    lake = lake or Lake()
    if not lake.is_local:
        return []
    done = []
    with lake.writer():
        for record in lake.committed():
            if record.get(RECORD_KEY) or not any(f.startswith("air/") for f in record.get("files", [])):
                continue
            updated = {**record, RECORD_KEY: []}
            attach(lake, updated, con=con or connect(), committed=True)
            updated["site_days_backfilled_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            lake.write_record(updated)  # the commit point
            done.append(record["import_id"])
    return done


def present(lake: Lake) -> bool:
    """Every committed import with hourly air files also has site-day files (imports before site-days were kept
    at ingest do not: then readers compute from the hours)."""
    with_air = [r for r in lake.committed() if any(f.startswith("air/") for f in r.get("files", []))]
    return bool(with_air) and all(r.get(RECORD_KEY) for r in with_air)


def _files(lake: Lake, start: dt.date | None, end: dt.date | None) -> dict[int, list[str]]:
    """Committed site-day files whose year partition meets ``start … end``, per year."""
    out: dict[int, list[str]] = {}
    years = (start.year if start else None, end.year if end else None)  # air_days/year= is the date's year
    for r in lake.committed():
        for f in r.get(RECORD_KEY, []):
            year = file_year(f)
            if year is not None and in_years(f, years):
                out.setdefault(year, []).append(lake.uri(f))
    return out


def site_days(
    lake: Lake | None = None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    con: Any = None,
    stored: bool | None = None,
) -> ir.Table:
    """Daily values of every station and city of the lake (status ``best``) for ``start … end`` (dates,
    inclusive): the columns of ``evaluation.daily_values`` (``site_level, id, date``, the daily values, counts).

    ``stored=None``: the site-days kept at ingest when every air import has them (``present``), else computed
    from the hours (``daily_values(sites_hourly(air_hourly()))`` over whole natural days); ``True``/``False``
    forces one. Both give the same rows; a city row needs a city code (hours without one give station rows only).
    """
    from pioneer.lake.query import connect as query_connect
    from pioneer.lake.query import versions

    lake = lake or Lake()
    con = con or query_connect()
    use = present(lake) if stored is None else stored
    if use:
        by_year = _files(lake, start, end)
        if not by_year:
            return _empty(con)
        # a year partition written by one import holds each of its site-days once: read as stored; where several
        # imports wrote the same year, the latest import's row of a site-day (it was computed from the best hours
        # of the lake at its import, and no later import touched that day, else it would have written it again)
        once = [f for fs in by_year.values() if len(fs) == 1 for f in fs]
        many = [f for fs in by_year.values() if len(fs) > 1 for f in fs]
        parts = []
        if once:
            parts.append(_bounded(_read(con, once), start, end).select(*COLUMNS))
        if many:
            t = _bounded(_read(con, many), start, end)
            w = ibis.window(group_by=[t.site_level, t.id, t.date], order_by=[ibis.desc(t.import_id)])
            t = t.mutate(_version=ibis.row_number().over(w))
            parts.append(t.filter(t._version == 0).select(*COLUMNS))
        return parts[0] if len(parts) == 1 else ibis.union(*parts)
    lo = None if start is None else dt.datetime.combine(start, dt.time(1))
    hi = None if end is None else dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0))
    hours = versions(lake, "air", status="best", start=lo, end=hi, con=con)
    days = daily_values(sites_hourly(hours.select("station", "city", "time", *AIR_ITEMS)))
    return days.filter(days.id.notnull()).select(*COLUMNS)


def _read(con: Any, files: list[str]) -> ir.Table:
    """Site-day files as one table: DuckDB reads the list in one scan; Spark's reader through Ibis takes one
    path, so its files are stacked."""
    if con.name == "pyspark":
        return ibis.union(*[con.read_parquet(f) for f in files])
    return con.read_parquet(files)


def _bounded(t: ir.Table, start: dt.date | None, end: dt.date | None) -> ir.Table:
    if start is not None:
        t = t.filter(t.date >= ibis.literal(start))
    if end is not None:
        t = t.filter(t.date <= ibis.literal(end))
    return t


def _empty(con: Any) -> ir.Table:
    schema = daily_values(sites_hourly(ibis.memtable(_EMPTY_HOURS))).schema()
    return ibis.memtable(schema.to_pyarrow().empty_table())


_EMPTY_HOURS = pa.table(
    {"station": pa.array([], pa.string()), "city": pa.array([], pa.string()),
     "time": pa.array([], pa.timestamp("us")), **{i: pa.array([], pa.float64()) for i in AIR_ITEMS}}
)  # fmt: skip
COLUMNS = (
    "site_level",
    "id",
    "date",
    *DAILY_COLUMNS,
    *[f"{i}_hours" for i in (*DAILY_MEAN_ITEMS, "o3")],
    "o3_8h_windows",
)
"""The columns of a site-day (``evaluation.daily_values``)."""


__all__ = ["COLUMNS", "PREFIX", "RECORD_KEY", "attach", "backfill", "connect", "present", "site_days"]
