"""The daily and annual air chain through Ibis's PySpark backend (local mode) equals DuckDB's, value for value."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest

from pioneer.standards.air import annual_statistics, daily_report, daily_values, sites_hourly

pyspark = pytest.importorskip("pyspark")
pytestmark = pytest.mark.spark

ITEMS = ["so2", "no2", "co", "o3", "pm10", "pm2_5"]


def small_year(seed: int = 7) -> pd.DataFrame:
    """Two stations of one city over a year with gaps and a diurnal O3 cycle (seeded)."""
    rng = np.random.default_rng(seed)
    time = pd.date_range("2025-01-01T01:00", "2026-01-01T00:00", freq="h")
    frames = []
    for station in ("A", "B"):
        df = pd.DataFrame({"station": station, "city": "110000", "time": time})
        hour = df.time.dt.hour.to_numpy()
        for i in ITEMS:
            base = {"so2": 8, "no2": 35, "co": 0.8, "o3": 60, "pm10": 70, "pm2_5": 40}[i]
            v = rng.gamma(4, base / 4, len(df))
            if i == "o3":
                v = v * (1 + 0.8 * np.sin((hour - 9) / 24 * 2 * np.pi))
            v = np.round(v, 1 if i == "co" else 0)
            v[rng.random(len(df)) < 0.05] = np.nan
            df[i] = v
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def chain(con, hourly):
    d = daily_values(sites_hourly(hourly))
    return d, daily_report(d), annual_statistics(d, year=2025)


def test_daily_and_annual_identical_on_pyspark_and_duckdb(spark):
    data = small_year()
    duck = ibis.duckdb.connect()
    sp = ibis.pyspark.connect(spark)
    results = {}
    for name, con in (("duckdb", duck), ("pyspark", sp)):
        t = con.create_table(f"hourly_{name}", data, overwrite=True)
        daily = con.create_table(f"daily_{name}", daily_values(sites_hourly(t)), overwrite=True)
        rep = con.execute(daily_report(daily).drop("colour"))
        ann = con.execute(annual_statistics(daily, year=2025))
        # the same days under HJ 633-2026 (GB/T 8170 rounding, then the exact IAQI tables) and its annual rules
        rep26 = con.execute(daily_report(daily, edition_key="2026").drop("colour"))
        ann26 = con.execute(annual_statistics(daily, year=2025, edition_key="2026"))
        results[name] = (rep, ann, rep26, ann26)
    for a, b in zip(results["duckdb"], results["pyspark"], strict=True):
        keys = [k for k in ("site_level", "id", "date") if k in a.columns]
        a = a.sort_values(keys).reset_index(drop=True)
        b = b.sort_values(keys).reset_index(drop=True)[a.columns]
        if "date" in a:
            a["date"], b["date"] = pd.to_datetime(a["date"]), pd.to_datetime(b["date"])
        assert len(a) > 0
        empty = [
            c for c in a.columns if a[c].isna().all()
        ]  # None (DuckDB) vs NaN (Spark) in all-NULL columns
        assert b[empty].isna().all().all()
        a, b = a.drop(columns=empty), b.drop(columns=empty)
        pd.testing.assert_frame_equal(a, b, check_dtype=False, check_exact=False, rtol=0, atol=1e-9)
