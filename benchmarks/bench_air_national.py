"""National-year air benchmark: Pioneer's HJ 633 / HJ 663 chain on DuckDB against a same-run pandas baseline.

Work measured (each variant in its own child process, so peak RSS is per variant, via ``os.wait4``):

1. read the national year (1,734 stations, 339 cities, 8,760 hour-end labels) from CSV or Parquet;
2. daily values (GB 3095 Table 4: ≥20 h; HJ 663: O3 daily max 8-h from 8-h means ≥6 h ending 08–24, ≥14 windows)
   for every station and city, and the daily AQI report (HJ 633, edition in force);
3. annual verdicts per station and city (≥324 days, ≥27 per month, February ≥25; HJ 663 percentiles; GB 3095
   compliance; composite index; good-day ratio; days per category);
4. ranking of the 339 cities by composite index (ascending).

``pandas`` is an independent, vectorised implementation of the same work (groupby / rolling / NumPy integer
arithmetic, no per-row Python) whose city annual PM2.5 means and ranking are compared with Pioneer's. A separate
child measures IAQI throughput with exact rounding (``pioneer.standards.air.aqi.iaqi`` on an Ibis column on
DuckDB) next to a per-value ``decimal.Decimal`` loop.

Run ``make bench`` (full national year) or ``.venv/bin/python benchmarks/bench_air_national.py --small``.
Data are generated (seeded) into ``benchmarks/out/`` on first use; see ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
ITEMS = ("so2", "no2", "co", "o3", "pm10", "pm2_5")
SIZES = {"national": (1734, 339), "small": (124, 24)}
YEAR = 2025
THREADS = 2


# ---------------------------------------------------------------------------------------------------------------
# Pioneer (Ibis on DuckDB)
# ---------------------------------------------------------------------------------------------------------------
def run_pioneer(
    data: Path,
    fmt: str,
    out: Path,
    *,
    profile: bool = False,
    memory_limit: str | None = None,
) -> dict:
    import ibis

    from pioneer.standards.air import annual_statistics, daily_report, daily_values, sites_hourly
    from pioneer.standards.air.evaluation import annual_limits_phase

    steps: dict[str, float] = {}
    t0 = time.perf_counter()
    from pioneer.config import settings

    # as the product runs: DuckDB's working memory capped by PIONEER_DUCKDB_MEMORY_LIMIT unless told otherwise
    limit = memory_limit or settings().duckdb_memory_limit
    con = ibis.duckdb.connect(threads=THREADS, preserve_insertion_order=False, memory_limit=limit,
                              temp_directory=str(OUT / "duckdb-spill"))  # fmt: skip
    if fmt == "csv":
        types = {
            "station": "VARCHAR",
            "city": "VARCHAR",
            "time": "TIMESTAMP",
            **dict.fromkeys(ITEMS, "DOUBLE"),
        }
        src = con.read_csv(str(data / "hourly.csv"), types=types)
    else:
        src = con.read_parquet(str(data / "hourly.parquet"))
    # read where it is used: the station and the city branch each scan the file (for CSV two parses cost about
    # what one parse into a temporary table does, without holding 15 M rows in memory)
    hourly = src
    steps["read"] = time.perf_counter() - t0

    def timed(name: str, fn: Any) -> Any:
        t = time.perf_counter()
        r = fn()
        steps[name] = time.perf_counter() - t
        return r

    daily = timed(
        "daily_values", lambda: con.create_table("daily", daily_values(sites_hourly(hourly)), temp=True)
    )
    # the daily AQI under the edition that judges the year (HJ 633-2012 for 2025), reused by the annual step
    edition_key = annual_limits_phase(YEAR, "auto")[0]
    report = timed(
        "daily_aqi",
        lambda: con.create_table("daily_aqi", daily_report(daily, edition_key=edition_key), temp=True),
    )
    annual = timed(
        "annual",
        lambda: con.create_table("annual", annual_statistics(daily, year=YEAR, reported=report), temp=True),
    )

    def rank() -> Any:
        c = annual.filter(annual.site_level == "city")
        c = c.mutate(rank=ibis.rank().over(order_by=c.composite_index) + 1)
        return c.select("id", "composite_index", "rank", "pm2_5_annual_mean", "compliant", "good_day_ratio")

    ranking = timed("ranking", lambda: con.execute(rank().order_by(["rank", "id"])))
    total = time.perf_counter() - t0
    counts = con.execute(
        annual.group_by("site_level").aggregate(
            sites=annual.count(), pm2_5_valid=annual.pm2_5_annual_mean.count(),
            o3_valid=annual.o3_8h_p90.count(), compliant=annual.compliant.fill_null(False).cast("int64").sum())
    )  # fmt: skip
    ranking.to_parquet(out / "ranking.parquet")
    city_daily = daily.filter(daily.site_level == "city").select("id", "date", "pm2_5", "o3_8h_max")
    con.execute(city_daily).to_parquet(out / "city_daily.parquet")
    extra = {"daily_rows": int(con.execute(daily.count())), "daily_aqi_rows": int(con.execute(report.count())),
             "valid": counts.to_dict(orient="records")}  # fmt: skip
    if profile:
        extra["profile"] = _profile(con, {"daily_values": daily_values(sites_hourly(hourly)),
                                          "daily_aqi": daily_report(daily),
                                          "annual": annual_statistics(daily, year=YEAR, reported=report)})  # fmt: skip
    return {"seconds": total, "steps": steps, **extra}


def _profile(con: Any, exprs: dict[str, Any]) -> dict:
    """EXPLAIN ANALYZE (DuckDB JSON profile) of the compiled SQL of each step: the slowest operators."""
    import ibis

    result = {}
    for name, expr in exprs.items():
        sql = str(ibis.to_sql(expr, dialect="duckdb"))
        con._run_pre_execute_hooks(expr)  # registers in-memory tables the SQL refers to
        path = OUT / f"profile_{name}.json"
        con.con.execute("PRAGMA enable_profiling='json'")
        con.con.execute(f"PRAGMA profiling_output='{path}'")
        t = time.perf_counter()
        con.con.execute(sql).fetchall()
        seconds = time.perf_counter() - t
        con.con.execute("PRAGMA disable_profiling")
        ops: list[tuple[float, str, Any, str]] = []

        def walk(node: dict, ops: list = ops) -> None:
            if "operator_name" in node or "operator_type" in node:
                info = json.dumps(node.get("extra_info", {}), ensure_ascii=False)[:160]
                name_ = node.get("operator_name") or node.get("operator_type")
                ops.append((node.get("operator_timing", 0.0), name_, node.get("operator_cardinality"), info))
            for child in node.get("children", []):
                walk(child)

        walk(json.loads(path.read_text()))
        (OUT / f"profile_{name}.sql").write_text(sql)
        result[name] = {"seconds": seconds, "sql_chars": len(sql),
                        "top": [list(o) for o in sorted(ops, key=lambda o: -o[0])[:8]]}  # fmt: skip
    return result


# ---------------------------------------------------------------------------------------------------------------
# pandas baseline (independent implementation of the same rules)
# ---------------------------------------------------------------------------------------------------------------
def _tables() -> tuple[dict, dict]:
    """HJ 633-2012 Table 1 breakpoints and GB 3095-2012 class-2 limits, read from Pioneer's package CSVs (the
    same published tables; no Pioneer code is used)."""
    import csv

    base = Path(__file__).resolve().parents[1] / "src" / "pioneer" / "standards" / "data"
    bps: dict[tuple[str, str], list[tuple[int, float]]] = {}
    with open(base / "air_iaqi_breakpoints.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["edition"] == "2012":
                bps.setdefault((r["item"], r["period"]), []).append((int(r["iaqi"]), float(r["bp"])))
    lim = {}
    with open(base / "air_gb3095_limits.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["limits"] == "GB3095-2012":
                lim[(r["item"], r["period"])] = float(r["class2"])
    return {k: sorted(v) for k, v in bps.items()}, lim


def run_pandas(data: Path, fmt: str, out: Path) -> dict:
    import numpy as np
    import pandas as pd

    steps: dict[str, float] = {}
    t0 = time.perf_counter()
    if fmt == "csv":
        dtypes = {"station": "string", "city": "string", **dict.fromkeys(ITEMS, "float64")}
        df = pd.read_csv(data / "hourly.csv", engine="pyarrow", dtype=dtypes)
        df["time"] = pd.to_datetime(df["time"], format="%Y-%m-%dT%H:%M")
    else:
        df = pd.read_parquet(data / "hourly.parquet")
    df["station"] = df["station"].astype("category")
    df["city"] = df["city"].astype("category")
    for i in ITEMS:
        df[i] = df[i].astype("float64")
    steps["read"] = time.perf_counter() - t0

    t = time.perf_counter()
    # sites: stations, then cities (mean over stations of each city-hour, HJ 663)
    city = df.groupby(["city", "time"], observed=True, sort=False)[list(ITEMS)].mean().reset_index()
    n_st = len(df["station"].cat.categories)
    site_names = np.concatenate(
        [df["station"].cat.categories.to_numpy(), df["city"].cat.categories.to_numpy()]
    )
    site_level = np.array(["station"] * n_st + ["city"] * len(df["city"].cat.categories))
    sites = pd.concat(
        [df[["time", *ITEMS]].assign(site=df["station"].cat.codes.astype("int32")),
         city[["time", *ITEMS]].assign(site=city["city"].cat.codes.astype("int32") + n_st)],
        ignore_index=True,
    )  # fmt: skip
    del df, city
    shifted = sites["time"] - pd.Timedelta(hours=1)  # hour-end label → natural day
    start = pd.Timestamp(f"{YEAR}-01-01")
    sites["day"] = ((shifted - start) // pd.Timedelta(days=1)).astype("int32")
    sites["hour"] = (shifted.dt.hour + 1).astype("int8")  # 1..24
    g = sites.groupby(["site", "day"], sort=True)
    agg = g[list(ITEMS)].agg(["count", "sum"])
    daily = pd.DataFrame(index=agg.index)
    for i in ("so2", "no2", "co", "pm10", "pm2_5"):
        n, s = agg[(i, "count")], agg[(i, "sum")]
        daily[f"{i}_hours"] = n
        daily[i] = (s.round(6) / n).round(1 if i == "co" else 0).where(n >= 20)
    o3max = g["o3"].max()
    daily["o3_hours"] = agg[("o3", "count")]
    daily["o3_1h_max"] = o3max.round(0).where(daily["o3_hours"] >= 20)
    # O3 8-h: a dense (site-day × 24 h) grid, rolling sum/count over 8 h, windows ending 08..24 (≥6 h each)
    n_sites, n_days = len(site_names), int(sites["day"].max()) + 1
    grid = np.full(n_sites * n_days * 24, np.nan)
    grid[
        (sites["site"].to_numpy(np.int64) * n_days + sites["day"].to_numpy()) * 24
        + sites["hour"].to_numpy()
        - 1
    ] = sites["o3"].to_numpy()
    o3 = pd.Series(grid)
    roll_n = o3.rolling(8, min_periods=1).count().to_numpy().reshape(-1, 24)[:, 7:]
    roll_s = o3.rolling(8, min_periods=1).sum().to_numpy().reshape(-1, 24)[:, 7:].round(6)
    del grid, o3
    means = np.where(roll_n >= 6, np.round(roll_s / np.where(roll_n > 0, roll_n, 1), 0), np.nan)
    windows = (~np.isnan(means)).sum(axis=1)
    with np.errstate(all="ignore"):
        top = np.where(windows > 0, np.nanmax(np.where(np.isnan(means), -np.inf, means), axis=1), np.nan)
    keys = daily.index.get_level_values("site").to_numpy(np.int64) * n_days + daily.index.get_level_values(
        "day"
    )
    daily["o3_8h_windows"] = windows[keys]
    daily["o3_8h_max"] = np.where((windows[keys] >= 14) | (top[keys] > 160), top[keys], np.nan)
    del sites, g, agg, means, roll_n, roll_s
    steps["daily_values"] = time.perf_counter() - t

    # daily AQI, HJ 633-2012 (7 items), integer arithmetic on tenths (daily values are at 1 or 0.1 precision)
    t = time.perf_counter()
    bps, lim = _tables()
    report_items = [("so2", "so2", "24h"), ("no2", "no2", "24h"), ("pm10", "pm10", "24h"), ("co", "co", "24h"),
                    ("o3_1h_max", "o3", "1h"), ("o3_8h_max", "o3", "8h"), ("pm2_5", "pm2_5", "24h")]  # fmt: skip
    iaqis = {}
    for col, item, period in report_items:
        table = bps[(item, period)]
        bp = np.array([round(b * 10) for _, b in table], dtype=np.int64)
        ia = np.array([i for i, _ in table], dtype=np.int64)
        c = daily[col].to_numpy()
        ok = ~np.isnan(c)
        ci = np.where(ok, np.rint(np.nan_to_num(c) * 10), 0).astype(np.int64)
        seg = np.clip(np.searchsorted(bp[1:], ci, side="left"), 0, len(bp) - 2)
        lo, hi, ilo, ihi = bp[seg], bp[seg + 1], ia[seg], ia[seg + 1]
        val = (ilo + -((-(ihi - ilo) * (ci - lo)) // (hi - lo))).astype(float)
        beyond = ci > bp[-1]
        val[beyond] = np.nan if (item, period) in (("o3", "8h"), ("so2", "1h")) else 500
        val[~ok] = np.nan
        iaqis[col] = val
    iaqi_m = np.column_stack(list(iaqis.values()))
    aqi = np.nanmax(np.where(np.isnan(iaqi_m), -1, iaqi_m), axis=1)
    aqi = np.where(aqi < 0, np.nan, aqi)
    daily["aqi"] = aqi
    daily["aqi_level"] = np.digitize(aqi, [51, 101, 151, 201, 301]) + 1
    missing = np.isnan(daily[[c for c, _, _ in report_items]].to_numpy()).any(axis=1)
    daily["aqi_valid"] = ~np.isnan(aqi) & (~missing | (aqi > 100))
    steps["daily_aqi"] = time.perf_counter() - t

    # annual statistics (HJ 663-2013; GB 3095-2012 Table 4 validity)
    t = time.perf_counter()
    d = daily.reset_index()
    d["month"] = (start + pd.to_timedelta(d["day"], unit="D")).dt.month.astype("int8")
    d = d[d["day"] < (pd.Timestamp(f"{YEAR + 1}-01-01") - start).days]
    need = np.where(np.arange(1, 13) == 2, 25, 27)
    pct = {"so2": 98, "no2": 98, "pm10": 95, "pm2_5": 95, "co": 95, "o3_8h_max": 90}
    annual = pd.DataFrame(index=pd.RangeIndex(n_sites, name="site"))
    for i, p in pct.items():
        monthly = d.groupby(["site", "month"])[i].count().unstack(fill_value=0).reindex(
            index=annual.index, columns=range(1, 13), fill_value=0)  # fmt: skip
        days = monthly.sum(axis=1)
        valid = (days >= 324) & (monthly.to_numpy() >= need).all(axis=1)
        dec = 1 if i == "co" else 0
        gi = d.groupby("site")[i]
        mean = (gi.sum().round(6) / gi.count()).reindex(annual.index).round(dec)
        q = gi.quantile(p / 100, interpolation="linear").reindex(annual.index).round(6).round(dec)
        key = "o3_8h" if i == "o3_8h_max" else i
        annual[f"{key}_valid_days"] = days
        if i != "o3_8h_max":
            annual[f"{i}_annual_mean"] = mean.where(valid)
        annual[f"{key}_p{p}"] = q.where(valid)
    a = annual
    comp = {
        "so2": (a.so2_annual_mean <= lim["so2", "annual"]) & (a.so2_p98 <= lim["so2", "24h"]),
        "no2": (a.no2_annual_mean <= lim["no2", "annual"]) & (a.no2_p98 <= lim["no2", "24h"]),
        "pm10": (a.pm10_annual_mean <= lim["pm10", "annual"]) & (a.pm10_p95 <= lim["pm10", "24h"]),
        "pm2_5": (a.pm2_5_annual_mean <= lim["pm2_5", "annual"]) & (a.pm2_5_p95 <= lim["pm2_5", "24h"]),
        "co": a.co_p95 <= lim["co", "24h"],
        "o3": a.o3_8h_p90 <= lim["o3", "8h"],
    }
    for k, v in comp.items():
        a[f"{k}_compliant"] = v
    a["compliant"] = np.logical_and.reduce([v.to_numpy() for v in comp.values()])
    a["composite_index"] = (
        a.so2_annual_mean / lim["so2", "annual"] + a.no2_annual_mean / lim["no2", "annual"]
        + a.pm10_annual_mean / lim["pm10", "annual"] + a.pm2_5_annual_mean / lim["pm2_5", "annual"]
        + a.co_p95 / lim["co", "24h"] + a.o3_8h_p90 / lim["o3", "8h"]
    ).round(6).round(2)  # fmt: skip
    gd = d.groupby("site")
    valid_days = gd["aqi_valid"].sum()
    a["aqi_valid_days"] = valid_days.reindex(a.index)
    good = (d["aqi_valid"] & (d["aqi"] <= 100)).groupby(d["site"]).sum()
    a["good_day_ratio"] = (good / valid_days * 100).round(1).reindex(a.index)
    days_cat = (d[d["aqi_valid"]].groupby(["site", "aqi_level"]).size().unstack(fill_value=0)
                .reindex(index=a.index, columns=range(1, 7), fill_value=0))  # fmt: skip
    for lvl in range(1, 7):
        a[f"days_{lvl}"] = days_cat[lvl]
    a["site_level"] = site_level
    a["id"] = site_names
    steps["annual"] = time.perf_counter() - t

    t = time.perf_counter()
    cities = a[a.site_level == "city"].copy()
    cities["rank"] = cities["composite_index"].rank(method="min").astype("Int64")
    ranking = cities[["id", "composite_index", "rank", "pm2_5_annual_mean", "compliant", "good_day_ratio"]]
    ranking = ranking.sort_values(["rank", "id"]).reset_index(drop=True)
    steps["ranking"] = time.perf_counter() - t
    total = time.perf_counter() - t0
    ranking.to_parquet(out / "ranking.parquet")
    cd = daily.reset_index()
    cd = cd[cd["site"] >= n_st]
    pd.DataFrame({"id": site_names[cd["site"].to_numpy()],
                  "date": (start + pd.to_timedelta(cd["day"], unit="D")).dt.date,
                  "pm2_5": cd["pm2_5"].to_numpy(), "o3_8h_max": cd["o3_8h_max"].to_numpy()}).to_parquet(
        out / "city_daily.parquet")  # fmt: skip
    valid = [
        {"site_level": lv, "sites": int((a.site_level == lv).sum()),
         "pm2_5_valid": int(a.loc[a.site_level == lv, "pm2_5_annual_mean"].notna().sum()),
         "o3_valid": int(a.loc[a.site_level == lv, "o3_8h_p90"].notna().sum()),
         "compliant": int(a.loc[a.site_level == lv, "compliant"].sum())}
        for lv in ("station", "city")
    ]  # fmt: skip
    return {"seconds": total, "steps": steps, "daily_rows": len(daily), "valid": valid}


# ---------------------------------------------------------------------------------------------------------------
# IAQI throughput
# ---------------------------------------------------------------------------------------------------------------
def _iaqi_decimal(values: list[float], bps: list[tuple[int, Any]]) -> list[int]:
    """Per-value pure-Python IAQI, HJ 633-2026 §4.2.2 (GB/T 8170 rounding to 1 µg/m³) and eq. (1), rounded up."""
    from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal

    one = Decimal(1)
    out = []
    for v in values:
        c = Decimal(repr(v)).quantize(one, rounding=ROUND_HALF_EVEN)
        result = 500
        for (ilo, blo), (ihi, bhi) in itertools.pairwise(bps):
            if c <= bhi:
                rise = (Decimal(ihi - ilo) * (c - blo) / (bhi - blo)).to_integral_value(
                    rounding=ROUND_CEILING
                )
                result = ilo + int(rise)
                break
        out.append(result)
    return out


def _iaqi_lut(bps: Any) -> tuple[str, int]:
    """IAQI of every whole concentration 0…top by eq. (1) in exact fractions, as a DuckDB list literal."""
    import itertools
    import math
    from fractions import Fraction

    top = int(bps[-1].concentration)
    lut = []
    for c in range(top + 1):
        for lo, hi in itertools.pairwise(bps):
            if c <= hi.concentration:
                rise = Fraction(
                    int(hi.iaqi - lo.iaqi) * (c - int(lo.concentration)),
                    int(hi.concentration - lo.concentration),
                )
                lut.append(lo.iaqi + math.ceil(rise))
                break
    return "[" + ",".join(map(str, lut)) + "]", top


def run_iaqi(n: int, n_loop: int) -> dict:
    import ibis

    from pioneer.standards.air.aqi import iaqi
    from pioneer.standards.air.tables import breakpoints

    con = ibis.duckdb.connect(threads=THREADS)
    con.raw_sql("SELECT setseed(0.2026)")
    con.raw_sql(f"CREATE TABLE conc AS SELECT round(random() * 600, 1) AS c FROM range({n})")
    t = con.table("conc")
    expr = iaqi(t.c, "pm2_5", period="24h", edition="2026")
    t0 = time.perf_counter()
    checksum = int(con.execute(expr.sum()))
    agg = time.perf_counter() - t0
    t0 = time.perf_counter()
    con.create_table("iaqi_out", t.select(iaqi=expr), temp=True)
    mat = time.perf_counter() - t0
    # the floor of this method on DuckDB: the same table lookup in hand-written SQL with DuckDB's own round_even
    # (not portable to Spark, so not Pioneer's form): how far the Ibis expression is from it
    lut_sql, top = _iaqi_lut(breakpoints("2026", "pm2_5", "24h"))
    r = "CAST(round_even(round(c * 1000000) / 1000000, 0) AS BIGINT)"
    t0 = time.perf_counter()
    checksum_lut = con.con.execute(
        f"SELECT sum(CASE WHEN c IS NULL OR c < 0 THEN NULL WHEN r > {top} THEN 500 ELSE {lut_sql}[r + 1] END) "
        f"FROM (SELECT c, {r} AS r FROM conc)"
    ).fetchone()[0]
    lut_s = time.perf_counter() - t0
    sample = con.execute(t.select("c", iaqi=expr).limit(n_loop))
    bps = [(b.iaqi, b.concentration) for b in breakpoints("2026", "pm2_5", "24h")]
    values = sample["c"].tolist()
    t0 = time.perf_counter()
    loop = _iaqi_decimal(values, bps)
    loop_s = time.perf_counter() - t0
    agree = sum(int(a == b) for a, b in zip(loop, sample["iaqi"].tolist(), strict=True))
    return {"n": n, "seconds_sum": agg, "seconds_materialise": mat, "checksum": checksum,
            "seconds_lut": lut_s,
            "checksum_lut": int(checksum_lut), "n_loop": n_loop,
            "seconds_loop": loop_s, "loop_agree": agree}  # fmt: skip


# ---------------------------------------------------------------------------------------------------------------
# driver
# ---------------------------------------------------------------------------------------------------------------
def child(args: argparse.Namespace) -> None:
    variant = args.child
    out = OUT / "results" / args.size / variant
    out.mkdir(parents=True, exist_ok=True)
    data = OUT / args.size
    if variant == "iaqi":
        result = run_iaqi(args.iaqi_n, args.iaqi_loop)
    else:
        engine, fmt = variant.split("-")[:2]
        if engine == "pioneer":
            result = run_pioneer(
                data,
                fmt,
                out,
                profile=args.profile,
                memory_limit=args.memory_limit,
            )
        else:
            result = run_pandas(data, fmt, out)
    print("RESULT " + json.dumps(result, default=str))


def spawn(variant: str, args: argparse.Namespace) -> dict:
    """Run one variant in a child process; its own peak RSS comes from ``os.wait4``."""
    cmd = [sys.executable, __file__, "--child", variant, "--size", args.size, "--iaqi-n", str(args.iaqi_n),
           "--iaqi-loop", str(args.iaqi_loop)] + (["--profile"] if args.profile else []) + (
        ["--memory-limit", args.memory_limit] if args.memory_limit else [])  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    stdout = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{variant} failed (exit {proc.returncode})")
    line = next(ln for ln in stdout.splitlines() if ln.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    result.update(process_wall=wall, cpu=usage.ru_utime + usage.ru_stime, peak_rss_mb=usage.ru_maxrss / 1024)
    return result


def compare(size: str, a: str, b: str) -> dict:
    import numpy as np
    import pandas as pd

    ra = pd.read_parquet(OUT / "results" / size / a / "ranking.parquet").set_index("id")
    rb = pd.read_parquet(OUT / "results" / size / b / "ranking.parquet").set_index("id").reindex(ra.index)
    pm_a, pm_b = ra["pm2_5_annual_mean"].astype(float), rb["pm2_5_annual_mean"].astype(float)
    ci_a, ci_b = ra["composite_index"].astype(float), rb["composite_index"].astype(float)
    both = ci_a.notna() & ci_b.notna()
    return {
        "cities": len(ra),
        "pm2_5_equal": int(((pm_a == pm_b) | (pm_a.isna() & pm_b.isna())).sum()),
        "pm2_5_max_abs_diff": float(np.nanmax(np.abs(pm_a - pm_b))) if len(ra) else 0.0,
        "composite_equal": int(((ci_a == ci_b) | (ci_a.isna() & ci_b.isna())).sum()),
        "composite_max_abs_diff": float(np.nanmax(np.abs(ci_a - ci_b))) if both.any() else 0.0,
        "rank_equal": int((ra["rank"].astype("Int64") == rb["rank"].astype("Int64")).fillna(False).sum()),
        "ranked": int(both.sum()),
        "compliant_judged": int(ra["compliant"].notna().sum()),
        "compliant_equal": int(
            (ra["compliant"].astype("boolean") == rb["compliant"].astype("boolean")).fillna(False).sum()
        ),  # fmt: skip
        "good_day_ratio_equal": int(
            (ra["good_day_ratio"].astype(float) == rb["good_day_ratio"].astype(float)).sum()
        ),
        **_compare_daily(size, a, b),
    }


def _compare_daily(size: str, a: str, b: str) -> dict:
    """City daily PM2.5 and O3 MDA8 of two variants: how many city-days differ (rounding ties)."""
    import pandas as pd

    da = pd.read_parquet(OUT / "results" / size / a / "city_daily.parquet")
    db = pd.read_parquet(OUT / "results" / size / b / "city_daily.parquet")
    for d in (da, db):
        d["date"] = pd.to_datetime(d["date"])
    m = da.merge(db, on=["id", "date"], how="inner", suffixes=("_a", "_b"))
    out = {"city_days": len(m)}
    for c in ("pm2_5", "o3_8h_max"):
        x, y = m[f"{c}_a"].astype(float), m[f"{c}_b"].astype(float)
        out[f"city_days_{c}_differ"] = int((~((x == y) | (x.isna() & y.isna()))).sum())
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description="Pioneer national-year air benchmark (see benchmarks/README.md)")
    ap.add_argument("--small", action="store_true", help="124 stations in 24 cities (a quick run)")
    ap.add_argument("--variants", default="pioneer-csv,pioneer-parquet,pandas-csv,iaqi",
                    help="comma list of pioneer-csv, pioneer-parquet, pandas-csv, pandas-parquet, iaqi")  # fmt: skip
    ap.add_argument("--iaqi-n", type=int, default=50_000_000, help="values in the IAQI throughput column")
    ap.add_argument("--iaqi-loop", type=int, default=200_000, help="values in the Decimal-loop sample")
    ap.add_argument(
        "--profile", action="store_true", help="EXPLAIN ANALYZE each Pioneer step into benchmarks/out"
    )
    ap.add_argument(
        "--memory-limit",
        help="DuckDB memory_limit for the Pioneer variants (default: PIONEER_DUCKDB_MEMORY_LIMIT)",
    )
    ap.add_argument("--json", type=Path, help="also write all results to this JSON file")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--size", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    args.size = "small" if args.small else "national"
    if args.small and args.iaqi_n == 50_000_000:
        args.iaqi_n, args.iaqi_loop = 5_000_000, 50_000
    sys.path.insert(0, str(HERE))
    from generate_national import ensure

    n_st, n_ci = SIZES[args.size]
    ensure(OUT / args.size, n_stations=n_st, n_cities=n_ci, year=YEAR, seed=20260301)
    results: dict[str, Any] = {}
    for variant in [v.strip() for v in args.variants.split(",") if v.strip()]:
        print(f"running {variant} …", flush=True)
        results[variant] = r = spawn(variant, args)
        if variant == "iaqi":
            rate = r["n"] / r["seconds_sum"]
            loop_rate = r["n_loop"] / r["seconds_loop"]
            print(f"  IAQI (Ibis→DuckDB, exact): {r['n']:,} values in {r['seconds_sum']:.2f} s = {rate / 1e6:.1f} M/s "
                  f"(materialised: {r['n'] / r['seconds_materialise'] / 1e6:.1f} M/s); Decimal loop: "
                  f"{loop_rate / 1e6:.3f} M/s on {r['n_loop']:,} → ratio {rate / loop_rate:.0f}×; loop agrees on "
                  f"{r['loop_agree']:,}/{r['n_loop']:,}")  # fmt: skip
            print(f"  hand-written DuckDB SQL of the same lookup: {r['n'] / r['seconds_lut'] / 1e6:.1f} M/s, checksum "
                  f"{'equal' if r['checksum_lut'] == r['checksum'] else 'DIFFERENT'}")  # fmt: skip
            continue
        steps = ", ".join(f"{k} {v:.2f}" for k, v in r["steps"].items())
        print(f"  {r['seconds']:.2f} s work ({steps}); process {r['process_wall']:.2f} s wall, "
              f"{r['cpu']:.2f} s CPU; peak RSS {r['peak_rss_mb']:.0f} MB")  # fmt: skip
        print(f"  validity: {r['valid']}")
    for a, b in (("pioneer-csv", "pandas-csv"), ("pioneer-parquet", "pandas-parquet")):
        if a in results and b in results:
            c = results[f"compare {a} / {b}"] = compare(args.size, a, b)
            print(f"{a} vs {b}: time ratio {results[b]['seconds'] / results[a]['seconds']:.2f}× "
                  f"({b} / {a}), RSS ratio {results[b]['peak_rss_mb'] / results[a]['peak_rss_mb']:.2f}×; "
                  f"agreement {c}")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
