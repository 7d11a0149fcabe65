"""Issue 20: the national year from CSV through the lake to annual verdicts and the city ranking, with the
site-days kept at ingest; the same from the lake alone; a national decade from the lake; growth with years and
stations — against the same-run pandas baseline of ``bench_air_national.py`` (CSV → annual verdicts + ranking).

Each variant runs in its own child process (peak RSS from ``os.wait4``). Not a timed test. Run under
``flock /tmp/pioneer-bench.lock`` (the machine's 2 cores are shared: numbers are noisy).

    .venv/bin/python benchmarks/bench_scale.py                       # year CSV, year lake, pandas
    .venv/bin/python benchmarks/bench_scale.py --variants decade --years 10
    .venv/bin/python benchmarks/bench_scale.py --size small          # generate_national --stations 434 --cities 85

The decade is the generated year repeated: years 2016 … 2024 are copies of the 2025 lake's committed hourly and
site-day files with every time and date shifted back by k calendar years (DuckDB ``- INTERVAL k YEAR``), each
written as one committed import of its own (29 February of the leap years has no source day and is absent). The
decade is therefore 10 × 15 M station-hours and 10 × 0.76 M site-days, with identical values per year.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))


def _annual_and_ranking(lake: Any, years: list[int], con: Any) -> tuple[dict[str, float], Any]:
    """Annual verdicts of every station and city for each year, then the composite-index city ranking
    (ties shared, ``assessment.national.shared_rank``)."""
    import datetime as dt

    from pioneer.assessment.national import shared_rank
    from pioneer.lake.stationdays import site_days
    from pioneer.standards.air.evaluation import DAILY_COLUMNS
    from pioneer.standards.air.period import annual_statistics_years

    steps: dict[str, float] = {}
    t = time.perf_counter()
    kept = site_days(lake, start=dt.date(min(years), 1, 1), end=dt.date(max(years), 12, 31), con=con)
    # only the columns the annual chain reads (the daily values; not the hour counts)
    days = con.create_table("days", kept.select("site_level", "id", "date", *DAILY_COLUMNS), temp=True)
    steps["read site-days"] = time.perf_counter() - t
    t = time.perf_counter()
    # every year in one query (annual_statistics_years: one per edition and limit phase), not one per year
    annual = con.execute(annual_statistics_years(days, years=years))
    steps["annual"] = time.perf_counter() - t
    t = time.perf_counter()
    cities = annual[annual.site_level == "city"].copy()
    cities["rank"] = cities.groupby("year")["composite_index"].transform(lambda v: shared_rank(v, decimals=2))
    ranking = cities[
        ["year", "id", "composite_index", "rank", "pm2_5_annual_mean", "compliant", "good_day_ratio"]
    ]
    steps["ranking"] = time.perf_counter() - t
    return steps, ranking.sort_values(["year", "rank", "id"]).reset_index(drop=True)


def _connect() -> Any:
    import ibis

    from pioneer.config import settings

    return ibis.duckdb.connect(memory_limit=settings().duckdb_memory_limit, threads=2)


def run_pioneer_csv(data: Path, lake_dir: Path, out: Path) -> dict:
    """Ingest the CSV into a fresh lake (full validation, provenance, site-days), then annual + ranking."""
    from pioneer.lake import stationdays
    from pioneer.lake.ingest import ingest
    from pioneer.lake.storage import Lake

    shutil.rmtree(lake_dir, ignore_errors=True)
    lake = Lake(lake_dir)
    attach = stationdays.attach
    spent: dict[str, float] = {}

    def timed_attach(lake: Any, record: dict, con: Any = None) -> None:
        t = time.perf_counter()
        attach(lake, record, con=con)
        spent["site-days at ingest"] = time.perf_counter() - t

    stationdays.attach = timed_attach  # type: ignore[assignment]
    t0 = time.perf_counter()
    (r,) = ingest(data / "hourly.csv", lake=lake, layout="wide")
    ingest_s = time.perf_counter() - t0
    assert r.status == "committed", r.status
    steps, ranking = _annual_and_ranking(lake, [2025], _connect())
    total = time.perf_counter() - t0
    ranking.to_parquet(out / "ranking.parquet")
    return {"seconds": total, "steps": {"ingest (incl. site-days)": ingest_s, **spent, **steps},
            "cities_ranked": int(ranking["rank"].notna().sum())}  # fmt: skip


def run_pioneer_lake(lake_dir: Path, out: Path, years: list[int]) -> dict:
    from pioneer.lake.storage import Lake

    t0 = time.perf_counter()
    steps, ranking = _annual_and_ranking(Lake(lake_dir), years, _connect())
    total = time.perf_counter() - t0
    ranking.to_parquet(out / "ranking.parquet")
    return {"seconds": total, "steps": steps, "years": len(years),
            "cities_ranked": int(ranking["rank"].notna().sum())}  # fmt: skip


def build_decade(year_lake: Path, decade: Path, n: int) -> None:
    """Copy the year lake and add n − 1 shifted copies of its hourly and site-day files as imports."""
    import duckdb

    from pioneer.lake.storage import Lake

    shutil.rmtree(decade, ignore_errors=True)
    shutil.copytree(year_lake, decade)
    lake = Lake(decade)
    (rec,) = lake.committed()
    con = duckdb.connect()
    con.execute("SET threads=2")
    for k in range(1, n):
        y = 2025 - k
        iid = rec["import_id"].replace(
            "2026", f"{2026 - k:04d}", 1
        )  # earlier import ids: the copies sort first
        files, days = [], []
        for f in rec["files"]:
            src, rel = lake.path(f), f"air/year={y}/{iid}.parquet"
            Path(lake.path(rel)).parent.mkdir(parents=True, exist_ok=True)
            con.execute(f"COPY (SELECT * REPLACE (time - INTERVAL {k} YEAR AS time, '{iid}' AS import_id) "
                        f"FROM '{src}') TO '{lake.path(rel)}' (FORMAT parquet, COMPRESSION zstd)")  # fmt: skip
            files.append(rel)
        for f in rec["site_day_files"]:
            src, rel = lake.path(f), f"air_days/year={y}/{iid}.parquet"
            Path(lake.path(rel)).parent.mkdir(parents=True, exist_ok=True)
            con.execute(f"COPY (SELECT * REPLACE (CAST(date - INTERVAL {k} YEAR AS DATE) AS date, "
                        f"'{iid}' AS import_id) FROM '{src}') TO '{lake.path(rel)}' (FORMAT parquet, "
                        "COMPRESSION zstd)")  # fmt: skip
            days.append(rel)
        lake.write_record({**rec, "import_id": iid, "sha256": f"decade-copy-{k}", "files": files,
                           "site_day_files": days, "file": f"{rec['file']} shifted −{k} y"})  # fmt: skip


def child(args: argparse.Namespace) -> None:
    variant = args.child
    out = OUT / "results" / "scale" / args.size / variant
    out.mkdir(parents=True, exist_ok=True)
    data = OUT / args.size
    if variant == "build-decade":
        build_decade(OUT / "lakes" / args.size / "year", OUT / "lakes" / args.size / "decade", 10)
        return
    if variant == "pioneer-csv":
        result = run_pioneer_csv(data, OUT / "lakes" / args.size / "year", out)
    elif variant == "pioneer-lake":
        result = run_pioneer_lake(OUT / "lakes" / args.size / "year", out, [2025])
    elif variant == "decade":
        result = run_pioneer_lake(
            OUT / "lakes" / args.size / "decade", out, list(range(2026 - args.years, 2026))
        )
    elif variant == "pandas-csv":
        from bench_air_national import run_pandas

        result = run_pandas(data, "csv", out)
    elif variant == "polars-csv":
        from bench_polars import run_polars  # Polars: the benchmark-only extra '.[bench]'

        result = run_polars(data, out)
    else:
        raise SystemExit(f"unknown variant {variant}")
    print("RESULT " + json.dumps(result, default=str))


def spawn(variant: str, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, __file__, "--child", variant, "--size", args.size, "--years", str(args.years)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    stdout = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{variant} failed")
    result = json.loads(next(ln for ln in stdout.splitlines() if ln.startswith("RESULT "))[7:])
    result.update(variant=variant, process_wall=time.perf_counter() - t0, cpu=usage.ru_utime + usage.ru_stime,
                  peak_rss_mb=usage.ru_maxrss / 1024, load=os.getloadavg()[0])  # fmt: skip
    return result


def agreement(size: str, base: str) -> dict[str, str]:
    """Cities whose ranking values are equal in Pioneer's and a baseline's result (NULL equals NULL)."""
    import pandas as pd

    res = OUT / "results" / "scale" / size
    a = pd.read_parquet(res / "pioneer-csv" / "ranking.parquet")
    b = pd.read_parquet(res / base / "ranking.parquet")
    m = a.merge(b, on="id", suffixes=("_p", "_b"))
    out = {}
    for c in ("composite_index", "rank", "pm2_5_annual_mean", "compliant", "good_day_ratio"):
        x, y = m[f"{c}_p"], m[f"{c}_b"]
        out[c] = f"{int(((x == y) | (x.isna() & y.isna())).sum())}/{len(m)}"
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="national")
    ap.add_argument("--variants", default="pioneer-csv,pioneer-lake,pandas-csv,polars-csv")
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument(
        "--years-list", default="", help="growth with years: the decade variant for each, e.g. 1,2,5,10"
    )
    ap.add_argument("--child")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    results = []
    runs = [(v, args.years) for v in args.variants.split(",")]
    if args.years_list:
        runs = [r for r in runs if r[0] != "decade"] + [
            ("decade", int(n)) for n in args.years_list.split(",")
        ]
    for v, years in runs:
        if v == "decade" and not (OUT / "lakes" / args.size / "decade" / "_imports").exists():
            # in a process of its own: Linux keeps a process's peak RSS across fork and exec, so a parent grown by
            # the build would hand its peak to every variant spawned after it (the 2.46 GB of session 5)
            t = time.perf_counter()
            subprocess.run(
                [sys.executable, __file__, "--child", "build-decade", "--size", args.size], check=True
            )
            print(f"decade lake built in {time.perf_counter() - t:.1f} s", flush=True)
        args.years = years
        r = spawn(v, args)
        r["years"] = years if v == "decade" else 1
        results.append(r)
        steps = ", ".join(f"{k} {s:.2f}" for k, s in r["steps"].items())
        name = f"{v} ×{years}" if v == "decade" else v
        print(f"{name:13s} work {r['seconds']:6.2f} s  process {r['process_wall']:6.2f} s  cpu {r['cpu']:6.1f} s  "
              f"peak {r['peak_rss_mb']:6.0f} MB  load {r['load']:.1f}  [{steps}]", flush=True)  # fmt: skip
    by = {r["variant"]: r for r in results}
    for base in ("pandas-csv", "polars-csv"):
        for mine in ("pioneer-csv", "pioneer-lake"):
            if base in by and mine in by:
                b, m = by[base], by[mine]
                print(f"{base} / {mine}: work {b['seconds'] / m['seconds']:.2f}×, cpu {b['cpu'] / m['cpu']:.2f}×, "
                      f"peak {b['peak_rss_mb'] / m['peak_rss_mb']:.2f}×")  # fmt: skip
        if base in by and "pioneer-csv" in by:
            print(f"agreement with {base}: {agreement(args.size, base)}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
