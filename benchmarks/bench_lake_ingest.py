"""Benchmark: Pioneer lake ingest (full validation) vs a plain pandas ``read_csv`` + ``to_parquet`` baseline.

Usage::

    .venv/bin/python benchmarks/bench_lake_ingest.py --national [--repeat N]     # the issue-4 benchmark
    .venv/bin/python benchmarks/bench_lake_ingest.py DIR_OR_FILES… [--repeat N] [--layout uci]

``--national``: a national year of hourly air data (1,734 stations × 8,760 h, ≈ 15 M station-hours, wide CSV
``station,city,time,so2,…`` ≈ 730 MB), made by ``benchmarks/generate_national.py`` (seeded; reused when
``benchmarks/out/national`` already holds it), ingested with the ``wide`` layout and full validation.

Otherwise inputs are UCI Beijing multi-site CSV files (``PRSA_Data_*.csv`` or ``.csv.gz``), given by path (a
folder is searched for them), concatenated into one CSV in a temporary folder (header once), so one import of
420,768 rows is measured for the full data set.

Each run is a fresh subprocess reading the same file (best of ``--repeat``; pandas and Pioneer alternate, so
both see the same machine load); its libraries are imported before the clock starts (import time is reported
apart: a fixed cost per process, not per row). Peak RSS is the subprocess's (``ru_maxrss``). The machine's load
average is printed too: on a shared machine it changes every number. Not a test: prints rows/s, the ratio and
the issue's targets (≥ 3 M rows/s, ≥ 2× the baseline, peak RSS ≤ 2 GB).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
mode, csv_path, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
t0 = time.perf_counter()
if mode == "pandas":
    import pandas as pd
    import pyarrow.parquet  # noqa: F401  (to_parquet's engine)
else:
    import duckdb, pandas, pyarrow  # noqa: F401,E401  (duckdb imports pandas when it first scans Arrow data)
    from pioneer.lake.ingest import ingest
    from pioneer.lake.storage import Lake
t1 = time.perf_counter()
u = resource.getrusage(resource.RUSAGE_SELF)
c1 = u.ru_utime + u.ru_stime
if mode == "pandas":
    df = pd.read_csv(csv_path)
    df.to_parquet(out / "baseline.parquet")
    rows = len(df)
else:
    (res,) = ingest([csv_path], lake=Lake(out / "lake"), layout=sys.argv[4])
    want = sys.argv[5]
    assert res.status == want, (res.status, res.errors.slice(0, 5).to_pylist())
    rows = res.rows_read
    if want == "rejected":
        print(json.dumps(res.errors.to_pylist(), ensure_ascii=False), file=sys.stderr)
t2 = time.perf_counter()
u = resource.getrusage(resource.RUSAGE_SELF)
rss, cpu = u.ru_maxrss * 1024, u.ru_utime + u.ru_stime - c1
print(json.dumps({"mode": mode, "rows": rows, "seconds": t2 - t1, "cpu": cpu, "imports": t1 - t0, "peak_rss": rss}))
"""


def _concat(paths: list[Path], dest: Path, times: int = 1) -> int:
    """Concatenate the files (header once); ``times`` > 1 repeats them with the year shifted by 4 per copy
    (keeps 29 February valid and station-hours distinct), to measure throughput on a larger file."""
    n = 0
    with dest.open("wb") as out:
        for k in range(times):
            for i, p in enumerate(paths):
                opener = gzip.open if p.suffix == ".gz" else open
                with opener(p, "rb") as f:
                    header = f.readline()
                    if i == 0 and k == 0:
                        out.write(header)
                    if k == 0:
                        for line in f:
                            out.write(line)
                            n += 1
                        continue
                    y = [c.strip(b'"') for c in header.rstrip(b"\r\n").split(b",")].index(b"year")
                    for line in f:
                        cells = line.split(b",")
                        cells[y] = str(int(cells[y]) + 4 * k).encode()
                        out.write(b",".join(cells))
                        n += 1
    return n


def _run(mode: str, csv_path: Path, tmp: Path, layout: str, want: str = "committed") -> dict:
    out = Path(tempfile.mkdtemp(dir=tmp))
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(csv_path), str(out), layout, want],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", type=Path)
    ap.add_argument("--national", action="store_true", help="the generated national year (issue 4)")
    ap.add_argument(
        "--bad-rows",
        action="store_true",
        help="--national only: also ingest a copy with 2 bad rows appended (so2 9999, a duplicate): rejected",
    )
    ap.add_argument("--repeat", type=int, default=3, help="runs of each; the best is reported")
    ap.add_argument("--layout", default="uci")
    ap.add_argument("--times", type=int, default=1, help="repeat the data N times (years shifted by 4·k)")
    args = ap.parse_args()
    files: list[Path] = []
    for p in args.paths:
        files += sorted(p.glob("*.csv*")) if p.is_dir() else [p]
    if not files and not args.national:
        sys.exit("no CSV files found (give UCI files, or --national)")
    out_dir = Path(__file__).parent / "out"
    out_dir.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir) as tmpd:  # under the git-ignored benchmarks/out
        tmp = Path(tmpd)
        if args.national:
            sys.path.insert(0, str(Path(__file__).parent))
            from generate_national import ensure  # another module's seeded generator (read-only here)

            csv_path = ensure(out_dir / "national", n_stations=1734, n_cities=339, year=2025, seed=20260301)[
                "csv"
            ]
            layout = "wide"
            with csv_path.open("rb") as f:
                n = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 24), b"")) - 1
        else:
            csv_path = tmp / "uci_all.csv"
            n = _concat(files, csv_path, args.times)
            layout = args.layout
        size = csv_path.stat().st_size
        print(f"{csv_path.name}: {n:,} rows, {size / 1e6:.1f} MB CSV, layout {layout}")
        best: dict[str, dict] = {}
        loads = []
        for _ in range(args.repeat):
            for mode in ("pandas", "pioneer"):
                loads.append(os.getloadavg()[0])
                r = _run(mode, csv_path, tmp, layout)
                if mode not in best or r["seconds"] < best[mode]["seconds"]:
                    best[mode] = r
        print(f"load average before the runs: {', '.join(f'{x:.1f}' for x in loads)} (2 cores)")
        for mode in ("pandas", "pioneer"):
            r = best[mode]
            label = (
                "pandas read_csv+to_parquet (no validation)" if mode == "pandas" else "pioneer ingest (full)"
            )
            print(
                f"{label:44s} {r['seconds']:6.2f} s  {n / r['seconds']:>10,.0f} rows/s  "
                f"(+{r['imports']:.2f} s imports: {n / (r['seconds'] + r['imports']):>9,.0f} rows/s cold)  "
                f"peak RSS {r['peak_rss'] / 2**20:,.0f} MiB, CPU {r['cpu']:.1f} s"
            )
        if args.bad_rows and args.national:
            bad = tmp / ("bad_" + csv_path.name)
            shutil.copyfile(csv_path, bad)
            with bad.open("rb") as f:
                f.seek(-1, 2)
                last = f.read(1)
            first = csv_path.open("rb").readlines(1 << 16)[1]  # the first data row, repeated = a duplicate
            cells = first.rstrip(b"\r\n").split(b",")
            k = len(cells) - 6  # first item column
            high = [*cells[:k], b"9999", *cells[k + 1 :]]
            with bad.open("ab") as f:
                f.write((b"" if last == b"\n" else b"\n") + b",".join(high) + b"\n" + first)
            loads.append(os.getloadavg()[0])
            r = _run("pioneer", bad, tmp, layout, "rejected")
            print(
                f"pioneer ingest of the copy with bad rows (rejected, located errors): {r['seconds']:.2f} s, "
                f"peak RSS {r['peak_rss'] / 2**20:,.0f} MiB, CPU {r['cpu']:.1f} s"
            )
        print(f"load average after the runs: {', '.join(f'{x:.1f}' for x in os.getloadavg())} (1, 5, 15 min)")
        p, q = best["pandas"], best["pioneer"]
        ratio = p["seconds"] / q["seconds"]
        print(
            f"speed-up over the pandas baseline: {ratio:.2f}x "
            f"({(p['seconds'] + p['imports']) / (q['seconds'] + q['imports']):.2f}x counting imports)"
        )
        rate, rss = n / q["seconds"], q["peak_rss"] / 2**30
        print(
            f"targets: >= 3 M rows/s {'met' if rate >= 3e6 else 'MISSED'} ({rate / 1e6:.2f} M); "
            f">= 2x pandas {'met' if ratio >= 2 else 'MISSED'} ({ratio:.2f}x); "
            f"peak RSS <= 2 GB {'met' if rss <= 2 else 'MISSED'} ({rss:.2f} GiB)"
        )


if __name__ == "__main__":
    main()
