"""A straightforward Polars baseline of the national year (issue 20): CSV → station and city daily values →
daily AQI (HJ 633-2012) → annual verdicts (HJ 663-2013, GB 3095-2012 Table 4 validity) → composite-index city
ranking — the same work as the pandas baseline of ``bench_air_national.py``, written as a Polars user would
write it (lazy frames, group-bys, no Pioneer code; the published tables are read from Pioneer's package CSVs).

Like the pandas baseline it is not exact decimal arithmetic (floats, Polars' own half-to-even rounding after a
10⁻⁶ quantisation) and validates nothing; it is a speed and memory reference, run by ``bench_scale.py``
(variant ``polars-csv``). Polars is a benchmark-only extra (``pip install '.[bench]'``).
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

from bench_air_national import ITEMS, YEAR, _tables

DAILY_MEAN = ("so2", "no2", "co", "pm10", "pm2_5")
REPORT_ITEMS = [("so2", "so2", "24h"), ("no2", "no2", "24h"), ("pm10", "pm10", "24h"), ("co", "co", "24h"),
                ("o3_1h_max", "o3", "1h"), ("o3_8h_max", "o3", "8h"), ("pm2_5", "pm2_5", "24h")]  # fmt: skip
PCT = {"so2": 98, "no2": 98, "pm10": 95, "pm2_5": 95, "co": 95, "o3_8h_max": 90}


def _iaqi(col: str, table: list[tuple[int, float]], beyond_null: bool) -> Any:
    """HJ 633-2012 eq. (1) as a Polars expression (linear between breakpoints, ceiling to an integer)."""
    import polars as pl

    c = pl.col(col)
    expr = pl.when(c.is_null()).then(None)
    for (i_lo, b_lo), (i_hi, b_hi) in itertools.pairwise(table):
        expr = expr.when(c <= b_hi).then(((i_hi - i_lo) / (b_hi - b_lo) * (c - b_lo) + i_lo - 1e-9).ceil())
    return expr.otherwise(None if beyond_null else 500).alias(f"iaqi_{col}")


def run_polars(data: Path, out: Path) -> dict:
    import polars as pl

    steps: dict[str, float] = {}
    t0 = time.perf_counter()
    df = pl.scan_csv(data / "hourly.csv", schema_overrides={"station": pl.Utf8, "city": pl.Utf8,
                                                             **dict.fromkeys(ITEMS, pl.Float64)})  # fmt: skip
    df = df.with_columns(pl.col("time").str.strptime(pl.Datetime("us"), "%Y-%m-%dT%H:%M")).collect()
    steps["read"] = time.perf_counter() - t0

    t = time.perf_counter()
    city = df.lazy().group_by(["city", "time"]).agg([pl.col(i).mean() for i in ITEMS])  # HJ 663 city mean
    sites = pl.concat([
        df.lazy().select(pl.lit("station").alias("site_level"), pl.col("station").alias("id"), "time", *ITEMS),
        city.select(pl.lit("city").alias("site_level"), pl.col("city").alias("id"), "time", *ITEMS),
    ])  # fmt: skip
    shifted = pl.col("time") - pl.duration(hours=1)  # hour-end label → natural day
    sites = sites.with_columns(date=shifted.dt.date(), hour=shifted.dt.hour() + 1)
    aggs: list[Any] = []
    for i in (*DAILY_MEAN, "o3"):
        aggs += [pl.col(i).count().alias(f"{i}_hours"), pl.col(i).sum().alias(f"_{i}_sum")]
    aggs.append(pl.col("o3").max().alias("_o3_max"))
    aggs += [pl.col("o3").filter(pl.col("hour") == h).max().alias(f"_h{h}") for h in range(1, 25)]
    daily = sites.group_by(["site_level", "id", "date"]).agg(aggs)
    values = []
    for i in DAILY_MEAN:
        n = pl.col(f"{i}_hours")
        mean = (pl.col(f"_{i}_sum").round(6) / n).round(1 if i == "co" else 0)
        values.append(pl.when(n >= 20).then(mean).alias(i))
    values.append(pl.when(pl.col("o3_hours") >= 20).then(pl.col("_o3_max").round(0)).alias("o3_1h_max"))
    means = []
    for e in range(8, 25):  # 8-h windows ending 08…24, ≥ 6 hours each
        hours = [pl.col(f"_h{k}") for k in range(e - 7, e + 1)]
        n = pl.sum_horizontal([h.is_not_null().cast(pl.Int32) for h in hours])
        s = pl.sum_horizontal([h.fill_null(0) for h in hours])
        means.append(pl.when(n >= 6).then((s.round(6) / n).round(0)))
    windows = pl.sum_horizontal([m.is_not_null().cast(pl.Int32) for m in means])
    top = pl.max_horizontal(means)
    values.append(pl.when((windows >= 14) | (top > 160)).then(top).alias("o3_8h_max"))
    daily = daily.select("site_level", "id", "date", *values).collect()
    steps["daily_values"] = time.perf_counter() - t

    t = time.perf_counter()
    bps, lim = _tables()
    iaqi = [_iaqi(col, bps[(item, period)], (item, period) in (("o3", "8h"), ("so2", "1h")))
            for col, item, period in REPORT_ITEMS]  # fmt: skip
    daily = daily.with_columns(iaqi).with_columns(
        aqi=pl.max_horizontal([f"iaqi_{c}" for c, _, _ in REPORT_ITEMS])
    )
    missing = pl.any_horizontal([pl.col(c).is_null() for c, _, _ in REPORT_ITEMS])
    level = (pl.when(pl.col("aqi") <= 50).then(1).when(pl.col("aqi") <= 100).then(2).when(pl.col("aqi") <= 150)
             .then(3).when(pl.col("aqi") <= 200).then(4).when(pl.col("aqi") <= 300).then(5).otherwise(6))  # fmt: skip
    daily = daily.with_columns(
        aqi_level=level, aqi_valid=pl.col("aqi").is_not_null() & (~missing | (pl.col("aqi") > 100))
    )
    steps["daily_aqi"] = time.perf_counter() - t

    t = time.perf_counter()
    d = daily.lazy().filter(pl.col("date").dt.year() == YEAR).with_columns(month=pl.col("date").dt.month())
    need = pl.when(pl.col("month") == 2).then(25).otherwise(27)
    monthly = d.group_by(["site_level", "id", "month"]).agg(
        [(pl.col(i).count() >= need.first()).alias(f"_ok_{i}") for i in PCT]
    )
    months_ok = monthly.group_by(["site_level", "id"]).agg(
        [pl.col(f"_ok_{i}").sum().alias(f"_m_{i}") for i in PCT]
    )
    stats: list[Any] = []
    for i, p in PCT.items():
        key = "o3_8h" if i == "o3_8h_max" else i
        dec = 1 if i == "co" else 0
        stats.append(pl.col(i).count().alias(f"{key}_valid_days"))
        if i != "o3_8h_max":
            stats.append((pl.col(i).sum().round(6) / pl.col(i).count()).round(dec).alias(f"_{i}_mean"))
        stats.append(
            pl.col(i).quantile(p / 100, interpolation="linear").round(6).round(dec).alias(f"_{key}_p{p}")
        )
    day_stats = [pl.col("aqi_valid").sum().alias("aqi_valid_days"),
                 (pl.col("aqi_valid") & (pl.col("aqi") <= 100)).sum().alias("_good"),
                 *[(pl.col("aqi_valid") & (pl.col("aqi_level") == lv)).sum().alias(f"days_{lv}") for lv in range(1, 7)]]  # fmt: skip
    a = (
        d.group_by(["site_level", "id"])
        .agg(stats + day_stats)
        .join(months_ok, on=["site_level", "id"], how="left")
    )
    cols = []
    for i, p in PCT.items():
        key = "o3_8h" if i == "o3_8h_max" else i
        valid = (pl.col(f"{key}_valid_days") >= 324) & (pl.col(f"_m_{i}") == 12)
        if i != "o3_8h_max":
            cols.append(pl.when(valid).then(pl.col(f"_{i}_mean")).alias(f"{i}_annual_mean"))
        cols.append(pl.when(valid).then(pl.col(f"_{key}_p{p}")).alias(f"{key}_p{p}"))
    a = a.with_columns(cols)
    comp = {
        "so2": (pl.col("so2_annual_mean") <= lim["so2", "annual"]) & (pl.col("so2_p98") <= lim["so2", "24h"]),
        "no2": (pl.col("no2_annual_mean") <= lim["no2", "annual"]) & (pl.col("no2_p98") <= lim["no2", "24h"]),
        "pm10": (pl.col("pm10_annual_mean") <= lim["pm10", "annual"])
        & (pl.col("pm10_p95") <= lim["pm10", "24h"]),
        "pm2_5": (pl.col("pm2_5_annual_mean") <= lim["pm2_5", "annual"])
        & (pl.col("pm2_5_p95") <= lim["pm2_5", "24h"]),
        "co": pl.col("co_p95") <= lim["co", "24h"],
        "o3": pl.col("o3_8h_p90") <= lim["o3", "8h"],
    }
    composite = (pl.col("so2_annual_mean") / lim["so2", "annual"] + pl.col("no2_annual_mean") / lim["no2", "annual"]
                 + pl.col("pm10_annual_mean") / lim["pm10", "annual"]
                 + pl.col("pm2_5_annual_mean") / lim["pm2_5", "annual"]
                 + pl.col("co_p95") / lim["co", "24h"] + pl.col("o3_8h_p90") / lim["o3", "8h"])  # fmt: skip
    a = a.with_columns(
        **{f"{k}_compliant": v for k, v in comp.items()},
        compliant=pl.all_horizontal(list(comp.values())),
        composite_index=composite.round(6).round(2),
        good_day_ratio=(pl.col("_good") / pl.col("aqi_valid_days") * 100).round(1),
    ).collect()
    steps["annual"] = time.perf_counter() - t

    t = time.perf_counter()
    ranking = (
        a.filter(pl.col("site_level") == "city")
        .with_columns(rank=pl.col("composite_index").rank(method="min"))
        .select("id", "composite_index", "rank", "pm2_5_annual_mean", "compliant", "good_day_ratio")
        .sort(["rank", "id"], nulls_last=True)
    )
    steps["ranking"] = time.perf_counter() - t
    total = time.perf_counter() - t0
    ranking.write_parquet(out / "ranking.parquet")
    return {"seconds": total, "steps": steps, "daily_rows": daily.height,
            "cities_ranked": int(ranking["rank"].is_not_null().sum())}  # fmt: skip
