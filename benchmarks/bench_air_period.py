"""Period evaluation of every national station and city from station-day values: Pioneer against a same-run pandas
baseline, for one month (the real January 2025 CNEMC files) and one year (those 31 days repeated over 2025).

Work measured, each variant in its own child process (peak RSS from ``os.wait4``):

1. station-day values: Pioneer reads the 31 T00 files through the lake's checks (``cnemc-daily`` layout, located
   errors) and places each station in its city (``registry.stations.cnemc``); the year variants start from the
   same values already in memory (the month's 53,723 rows repeated to 365 days, 632,000 rows);
2. city daily values (mean of the stations', rounded half to even), daily AQI (HJ 633-2012, six items),
   period statistics (GB 3095 Table 4 validity per month, HJ 663 Appendix A percentiles, composite index,
   good-day ratio, days per category) for every station and city;
3. the 168-city composite ranking (only Pioneer: the baseline stops at the statistics).

``pandas`` is an independent vectorised implementation (groupby, ``np.percentile`` with linear interpolation —
HJ 663 Appendix A's rule —, ``np.interp`` + ceil for the IAQI); the city composite indices and PM2.5 means of the two
are compared (counts of equal values are printed).

    .venv/bin/python benchmarks/bench_air_period.py               # month and year
    .venv/bin/python benchmarks/bench_air_period.py --only month
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "cnemc-2025-01"
OUT = Path(__file__).resolve().parent / "out" / "period"
ITEMS = ("so2", "no2", "co", "pm10", "pm2_5", "o3_8h_max")
# HJ 633-2012 Table 1 (24-h columns; O3 8-h) — the baseline's own copy, on purpose: it is an independent check
IAQI = [0, 50, 100, 150, 200, 300, 400, 500]
BP = {
    "so2": [0, 50, 150, 475, 800, 1600, 2100, 2620],
    "no2": [0, 40, 80, 180, 280, 565, 750, 940],
    "pm10": [0, 50, 150, 250, 350, 420, 500, 600],
    "co": [0, 2, 4, 14, 24, 36, 48, 60],
    "pm2_5": [0, 35, 75, 115, 150, 250, 350, 500],
    "o3_8h_max": [0, 100, 160, 215, 265, 800],
}
LIMITS = {"so2": 60, "no2": 40, "pm10": 70, "pm2_5": 35, "co": 4, "o3_8h_max": 160}


def month_days():
    from pioneer.assessment.national import station_days_of_files

    return station_days_of_files(SAMPLE / "daily")


def year_days(month):
    """The month's values repeated over 2025: day d of the year takes January's day ((d − 1) mod 31) + 1."""
    import pandas as pd

    day0 = pd.to_datetime(month["date"])
    parts = []
    for start in pd.date_range("2025-01-01", "2025-12-31", freq="31D"):
        shifted = month.assign(date=(start + (day0 - day0.min())).dt.date)
        parts.append(shifted[pd.to_datetime(shifted["date"]) <= pd.Timestamp("2025-12-31")])
    return pd.concat(parts, ignore_index=True)


def run_pioneer(period: str) -> dict:
    from pioneer.assessment.national import period_table, rankings

    t0 = time.perf_counter()
    days = month_days()
    read = time.perf_counter() - t0
    if period == "year":
        days = year_days(days)
    start, end = (dt.date(2025, 1, 1), dt.date(2025, 1, 31) if period == "month" else dt.date(2025, 12, 31))
    t1 = time.perf_counter()
    table = period_table(days, start=start, end=end)
    stats = time.perf_counter() - t1
    t2 = time.perf_counter()
    r = rankings(table, year=2025)
    rank = time.perf_counter() - t2
    cities = table[table.level == "city"]
    cities[["id", "composite_index", "pm2_5_annual_mean", "good_day_ratio"]].to_csv(OUT / f"pioneer-{period}.csv",
                                                                                 index=False)  # fmt: skip
    return {"rows": len(days), "read_s": read, "statistics_s": stats, "ranking_s": rank, "cities": len(cities),
            "best": r["key"]["best"]["name"].head(3).tolist()}  # fmt: skip


def run_pandas(period: str) -> dict:
    import numpy as np
    import pandas as pd

    t0 = time.perf_counter()
    listed = pd.read_csv(SAMPLE / "stations.csv", dtype=str)
    from pioneer.registry.stations.cnemc import city_codes  # the same station → city mapping

    listed["city"] = city_codes(listed["area"])
    frames = []
    for f in sorted((SAMPLE / "daily").glob("*.csv")):
        d = pd.read_csv(f, dtype={"stationcode": str})
        day = dt.datetime.strptime(f.stem, "%Y-%m-%dT%H") - dt.timedelta(hours=1)
        frames.append(pd.DataFrame({"station": d.stationcode, "date": day.date(), "so2": d.so2_24h, "no2": d.no2_24h,
                                    "co": d.co_24h, "pm10": d.pm10_24h, "pm2_5": d.pm2_5_24h, "o3_8h_max": d.o3_8h}))  # fmt: skip
    days = pd.concat(frames, ignore_index=True)
    days["city"] = days.station.map(listed.set_index("stationcode")["city"])
    read = time.perf_counter() - t0
    if period == "year":
        days = year_days(days)
    t1 = time.perf_counter()
    placed = days[days.city.notna() & (days.city != "")]
    city = placed.groupby(["city", "date"])[list(ITEMS)].mean()
    for c in ITEMS:  # half to even at the reporting precision (numpy rounds half to even)
        dec = 1 if c == "co" else 0
        city[c] = np.round(np.round(city[c] * 10**6) / 10**6, dec)
    sub = {}
    for c in ITEMS:
        bp, top = BP[c], IAQI[: len(BP[c])]
        v = city[c].to_numpy()
        sub[c] = np.ceil(np.round(np.interp(v, bp, top), 9))
        sub[c][np.isnan(v)] = np.nan
    aqi = pd.DataFrame(sub, index=city.index).max(axis=1)
    g = city.groupby(level="city")
    n = g.count()
    month = pd.Series(pd.to_datetime(city.index.get_level_values("date")).month, index=city.index)
    per_month = city.notna().groupby([city.index.get_level_values("city"), month.to_numpy()]).sum()
    need = np.where(per_month.index.get_level_values(1) == 2, 25, 27)
    months_ok = per_month.ge(need, axis=0).groupby(level=0).sum()
    n_months = 1 if period == "month" else 12
    valid = (months_ok == n_months) & (n >= (324 if period == "year" else 0))
    mean = g.mean().where(valid)
    co95 = g["co"].apply(lambda s: np.percentile(s.dropna(), 95)).where(valid["co"])
    o390 = g["o3_8h_max"].apply(lambda s: np.percentile(s.dropna(), 90)).where(valid["o3_8h_max"])
    m = np.round(mean[["so2", "no2", "pm10", "pm2_5"]])
    comp = m.so2 / 60 + m.no2 / 40 + m.pm10 / 70 + m.pm2_5 / 35 + np.round(co95, 1) / 4 + np.round(o390) / 160
    good = (aqi <= 100).groupby(level="city").mean() * 100
    stats = time.perf_counter() - t1
    out = pd.DataFrame({"id": comp.index, "composite_index": np.round(comp.to_numpy(), 2),
                        "pm2_5_annual_mean": m.pm2_5.to_numpy(), "good_day_ratio": np.round(good.reindex(comp.index)
                                                                                             .to_numpy(), 1)})  # fmt: skip
    out.to_csv(OUT / f"pandas-{period}.csv", index=False)
    return {"rows": len(days), "read_s": read, "statistics_s": stats, "cities": len(out)}


def child(variant: str, period: str) -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    report = OUT / f"{variant}-{period}.json"
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", variant, "--period", period, "--report", str(report)]
    )
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"{variant} {period} failed ({status})")
    got = json.loads(report.read_text())
    return {**got, "wall_s": time.perf_counter() - t0, "peak_rss_mb": usage.ru_maxrss / 1024}


def compare(period: str) -> dict:
    import pandas as pd

    a = pd.read_csv(OUT / f"pioneer-{period}.csv", dtype={"id": str}).set_index("id")
    b = pd.read_csv(OUT / f"pandas-{period}.csv", dtype={"id": str}).set_index("id").reindex(a.index)
    return {c: f"{int(((a[c] - b[c]).abs() < 1e-9).sum())} equal of {int(a[c].notna().sum())}"
            for c in ("composite_index", "pm2_5_annual_mean", "good_day_ratio")}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child")
    ap.add_argument("--period", default="month")
    ap.add_argument("--report")
    ap.add_argument("--only", choices=("month", "year"))
    args = ap.parse_args()
    if args.child:
        result = (run_pioneer if args.child == "pioneer" else run_pandas)(args.period)
        Path(args.report).write_text(json.dumps(result, ensure_ascii=False))
        return
    for period in [args.only] if args.only else ["month", "year"]:
        for variant in ("pioneer", "pandas"):
            r = child(variant, period)
            print(f"{period:5s} {variant:8s} rows {r['rows']:>7,}  read {r['read_s']:.2f} s  statistics "
                  f"{r['statistics_s']:.2f} s  wall {r['wall_s']:.1f} s  peak RSS {r['peak_rss_mb']:.0f} MB"
                  + (f"  ranking {r['ranking_s']:.2f} s  best {r['best']}" if "ranking_s" in r else ""))  # fmt: skip
        print(f"{period:5s} cities equal (Pioneer vs pandas): {compare(period)}")


if __name__ == "__main__":
    main()
