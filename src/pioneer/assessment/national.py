"""National evaluation of a period from station-day values, and the rankings as the national office publishes them.

- ``station_days_of_files``: CNEMC station-day files (layout ``cnemc-daily``) checked as the lake checks them,
  each station placed in its city (``registry.stations.cnemc``); ``station_days_of_lake``: the same from the lake.
- ``period_table``: station and city statistics of a period (``standards.air.period``) with each city's name.
- ``rankings``: the 168-city composite-index ranking (best and worst 20, ties shared), the PM2.5 ranking, the means
  of the regional sets and of the 339 cities, and the change against the same period of the previous year.

Ranking rules (城市环境空气质量排名技术规定; 城市环境空气质量变化程度排名方案 2017 — texts read only in part, see
docs/standards/air.md): cities are ordered by the composite index at its published precision (0.01), ascending;
equal values share a rank (1, 2, 2, 4 …). The PM2.5 ranking orders the period mean at 0.1 µg/m³. A set's mean is
the arithmetic mean of its cities' values (cities without a valid value left out, their number given). The change
is (I − I₀) / I₀ × 100 [%] against the same period of the previous year, for cities valid in both.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from pioneer.assessment.verdicts import change_rate
from pioneer.errors import InputError, InputErrors
from pioneer.lake.checked import checked_rows, folder_files
from pioneer.lake.layouts import AIR_DAILY_ITEMS, BUILTIN
from pioneer.registry.divisions.loader import division_rows
from pioneer.registry.ranking_sets import CitySet, set_for, sets_for
from pioneer.registry.stations.cnemc import CODE_YEAR, read_station_list
from pioneer.standards.air.period import (
    daily_report_station_days,
    period_limits_phase,
    period_statistics,
    sites_daily,
)
from pioneer.standards.common import round_half_even

TOP = 20
"""Best and worst cities listed (CNEMC monthly releases: 前20 / 后20)."""
COMPOSITE_DECIMALS = 2
PM25_DECIMALS = 1
GROUP_KINDS = ("national", "region_jjj", "region_yrd", "region_fwp", "group_key")
MEAN_COLUMNS = {
    "pm2_5": ("pm2_5_mean_1dp", 1),
    "pm10": ("pm10_annual_mean", 0),
    "so2": ("so2_annual_mean", 0),
    "no2": ("no2_annual_mean", 0),
    "co": ("co_p95", 1),
    "o3": ("o3_8h_p90", 0),
    "composite_index": ("composite_index", 2),
    "good_day_ratio": ("good_day_ratio", 1),
    "heavy_day_ratio": ("heavy_day_ratio", 1),
}
"""Set means: result name → (column of the period table, decimals). CO and O3 are the period's CO 24-h p95 and
O3 MDA8 p90, as the releases give them ("CO平均浓度", "O3平均浓度")."""


def station_days_of_files(input: Path, *, stations: Path | None = None) -> pd.DataFrame:
    """Station-day values of CNEMC T00 files (a file, or a folder of them), each station with its city.

    ``stations``: the station list (``stationcode,longitude,latitude,area,positionname``); by default
    ``stations.csv`` in the folder or in its parent. Every problem — a file, row or cell the lake would refuse, a
    station missing from the list, a city name that maps to no GB/T 2260 code — is raised together as
    ``InputErrors`` (nothing is computed). Returns ``station, city, date`` and the items (float; NaN = not
    published); ``city`` is ``""`` for the stations of areas that are no city (``cnemc_areas.csv``).
    """
    layout = BUILTIN["cnemc-daily"]
    if not input.exists():
        raise InputErrors([InputError("文件或文件夹不存在", "file or folder not found", file=str(input))])
    files = folder_files(input)
    if not files:
        raise InputErrors([InputError("文件夹中没有 CSV 文件", "no CSV file in the folder", file=str(input))])
    if stations is None:
        folder = input if input.is_dir() else input.parent
        found = [p / "stations.csv" for p in (folder, folder.parent) if (p / "stations.csv").exists()]
        if not found:
            raise InputErrors([InputError("找不到站点表 stations.csv（用 --stations 指定）",
                                          "station list stations.csv not found (give it with --stations)",
                                          file=str(folder))])  # fmt: skip
        stations = found[0]
    try:
        listed = read_station_list(stations)
    except InputErrors:
        raise
    except Exception as exc:  # ImportFailedError (located) or an unreadable file
        errors = getattr(exc, "errors", None) or [exc]
        raise InputErrors([e for e in errors if isinstance(e, InputError)]) from None
    rows, errors = checked_rows(files, layout)
    found_errors = [InputError(r["reason_zh"], r["reason_en"], file=r["file"], row=r["row"], column=r["column"],
                               value=r["value"]) for r in errors.to_pylist()]  # fmt: skip
    frame = rows.to_pandas() if rows.num_rows else pd.DataFrame(columns=["station", "time", "file", "row"])
    unknown = frame[~frame["station"].isin(listed["stationcode"])]
    found_errors += [InputError("站点不在站点表中", "station not in the station list", file=str(f), row=int(n),
                                column=layout.columns["station"], value=code)
                     for f, n, code in zip(unknown["file"], unknown["row"], unknown["station"], strict=True)][:200]  # fmt: skip
    if found_errors:
        raise InputErrors(found_errors)
    city = listed.set_index("stationcode")["city"]
    out = pd.DataFrame({"station": frame["station"], "city": frame["station"].map(city).astype(str),
                        "date": (pd.to_datetime(frame["time"]) - pd.Timedelta(hours=1)).dt.date})  # fmt: skip
    for item in AIR_DAILY_ITEMS:
        out[item] = frame[item].astype("float64")
    return out


def station_days_of_lake(lake: Any = None, *, start: dt.date, end: dt.date, con: Any = None) -> ir.Table:
    """Station-day values of the lake (``lake.query.air_station_days``) in ``start … end``."""
    from pioneer.lake.query import air_station_days

    return air_station_days(lake, start=start, end=end, con=con)


@functools.cache
def division_names(year: int = CODE_YEAR) -> dict[str, str]:
    """GB/T 2260 code → name of the divisions in force in ``year`` (the registry's shipped table)."""
    d = division_rows()
    live = (d["start_year"] <= year) & (d["end_year"].isna() | (d["end_year"] > year))
    return dict(zip(d.loc[live, "code"], d.loc[live, "name"], strict=True))


def period_table(
    station_days: pd.DataFrame | ir.Table,
    *,
    start: dt.date,
    end: dt.date,
    edition_key: str = "auto",
    limit_class: int = 2,
    con: Any = None,
) -> pd.DataFrame:
    """Station and city statistics of ``start … end`` from station-day values (``period.period_statistics``).

    Returns one row per station and city: ``level`` (station|city), ``id``, ``name`` (the city's Chinese name;
    for a station, its city's), ``city``, the period statistics, sorted by level and id.
    """
    con = con or ibis.duckdb.connect()
    if not isinstance(station_days, pd.DataFrame):  # evaluated once (a lake query would run for every use)
        station_days = con.execute(station_days)
    t = ibis.memtable(station_days)
    cities = con.execute(t.select("station", "city").distinct())
    sites = con.create_table(f"sites_{id(t)}", sites_daily(t), temp=True, overwrite=True)
    ed, _ = period_limits_phase(end, edition_key)
    reported = con.create_table(f"reported_{id(t)}", daily_report_station_days(sites, edition_key=ed),
                                temp=True, overwrite=True)  # fmt: skip
    stats = period_statistics(sites, start=start, end=end, edition_key=ed, limit_class=limit_class,
                              reported=reported)  # fmt: skip
    out = con.execute(stats).rename(columns={"site_level": "level"})
    station_city = dict(zip(cities["station"], cities["city"].fillna(""), strict=True))
    city = out["id"].where(out["level"] == "city", out["id"].map(station_city)).fillna("")
    names = division_names()
    out.insert(2, "name", city.map(names).fillna(""))
    out.insert(3, "city", city)
    heavy = [c for c in out.columns if c in ("days_重度污染", "days_严重污染")]
    out["heavy_day_ratio"] = np.where(out["aqi_valid_days"].fillna(0) > 0,
                                      round_half_even(100 * out[heavy].sum(axis=1) / out["aqi_valid_days"], 1), np.nan)  # fmt: skip
    return out.sort_values(["level", "id"]).reset_index(drop=True)


def shared_rank(values: pd.Series, *, decimals: int, ascending: bool = True) -> pd.Series:
    """Rank with ties shared (1, 2, 2, 4 …) of values compared at their published precision; no value → no rank."""
    v = pd.Series(round_half_even(values.to_numpy(dtype="float64"), decimals), index=values.index)
    return v.rank(method="min", ascending=ascending).astype("Int64")


def ranked(cities: pd.DataFrame, codes: tuple[str, ...], column: str, *, decimals: int) -> pd.DataFrame:
    """Cities of ``codes`` ordered by ``column`` ascending: ``rank`` (from the best) and ``rank_from_worst``,
    ties shared; cities without a value come last, unranked."""
    c = cities[cities["id"].isin(codes)].copy()
    c["rank"] = shared_rank(c[column], decimals=decimals)
    c["rank_from_worst"] = shared_rank(c[column], decimals=decimals, ascending=False)
    return c.sort_values(["rank", "id"], na_position="last").reset_index(drop=True)


def set_means(cities: pd.DataFrame, city_set: CitySet) -> dict[str, Any]:
    """Means over a set's cities (arithmetic, cities with a value; their count in ``n_cities``)."""
    c = cities[cities["id"].isin(city_set.codes)]
    out: dict[str, Any] = {"key": city_set.key, "name_zh": city_set.name_zh, "name_en": city_set.name_en,
                           "members": len(city_set.codes), "n_cities": int(c["composite_index"].notna().sum()),
                           "confidence": city_set.confidence, "source": city_set.source}  # fmt: skip
    for name, (column, dec) in MEAN_COLUMNS.items():
        v = c[column].dropna()
        mean = float(round_half_even(np.array([v.mean()]), dec)[0]) if len(v) else None
        out[name] = (
            int(mean) if mean is not None and dec == 0 else mean
        )  # integers as the releases print them
    return out


def change(current: pd.DataFrame, previous: pd.DataFrame, codes: tuple[str, ...]) -> pd.DataFrame:
    """Composite-index change against the same period of the previous year (变化程度, 2017 方案 as reported):
    rate = (I − I₀) / I₀ × 100 [%], rounded to 0.1, for cities of ``codes`` with an index in both periods;
    ranked ascending (most improved first), equal rates tied."""
    a = current[current["id"].isin(codes)][["id", "name", "composite_index"]]
    b = previous[previous["id"].isin(codes)][["id", "composite_index"]].rename(
        columns={"composite_index": "previous"}
    )
    m = a.merge(b, on="id").dropna(subset=["composite_index", "previous"])
    m = m[m["previous"] > 0]
    m["change_pct"] = change_rate(m["composite_index"], m["previous"])  # the one change-rate rule
    m["rank"] = shared_rank(m["change_pct"], decimals=1)
    return m.sort_values(["rank", "id"]).reset_index(drop=True)


def rankings(table: pd.DataFrame, *, year: int, previous: pd.DataFrame | None = None) -> dict[str, Any]:
    """The national release of a period: 168-city ranking (best/worst ``TOP``), PM2.5 ranking, set means, 339-city
    means and, when ``previous`` (the same period a year before) is given, the change ranking.

    ``table`` is ``period_table``'s result. Sets are those used in ``year`` (``registry.ranking_sets``).
    """
    cities = table[table["level"] == "city"]
    key = set_for("key", year)
    out: dict[str, Any] = {"year": year, "sets": [], "key": None}
    for s in sets_for(year):
        if s.kind in GROUP_KINDS:
            out["sets"].append(set_means(cities, s))
    if key is not None:
        comp = ranked(cities, key.codes, "composite_index", decimals=COMPOSITE_DECIMALS)
        pm = ranked(cities, key.codes, "pm2_5_mean_1dp", decimals=PM25_DECIMALS)
        groups = {code: s.name_zh for s in sets_for(year) if s.kind.startswith("region") for code in s.codes}
        comp["group"] = comp["id"].map(groups).fillna("")
        out["key"] = {"set": key.key, "name_zh": key.name_zh, "name_en": key.name_en, "confidence": key.confidence,
                      "composite": comp, "best": comp[comp["rank"] <= TOP], "worst": comp[comp["rank_from_worst"] <= TOP]
                      .sort_values("rank_from_worst"), "pm2_5": pm}  # fmt: skip
        if previous is not None:
            out["key"]["change"] = change(cities, previous[previous["level"] == "city"], key.codes)
    return out
