"""Benchmark: Pioneer lake ingest (full validation) vs a plain pandas ``read_csv`` + ``to_parquet`` baseline.

Usage::

    .venv/bin/python benchmarks/bench_lake_ingest.py DIR_OR_FILES… [--repeat N] [--layout uci]

Inputs are UCI Beijing multi-site CSV files (``PRSA_Data_*.csv`` or ``.csv.gz``), given by path (a folder is
searched for them). They are concatenated into one CSV in a temporary folder (header once), so one import of
420,768 rows is measured for the full data set. Both runs read the same file in the same process run; peak RSS
of each is measured in a fresh subprocess. Not a test: prints rows/s and the ratio.
"""

from __future__ import annotations

import argparse
import gzip
import json
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
    df = pd.read_csv(csv_path)
    df.to_parquet(out / "baseline.parquet")
    rows = len(df)
else:
    from pioneer.lake.ingest import ingest
    from pioneer.lake.storage import Lake
    (res,) = ingest([csv_path], lake=Lake(out / "lake"), layout=sys.argv[4])
    assert res.status == "committed", (res.status, res.errors.slice(0, 5).to_pylist())
    rows = res.rows_accepted
dt = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"mode": mode, "rows": rows, "seconds": dt, "peak_rss": rss}))
"""


def _concat(paths: list[Path], dest: Path) -> int:
    n = 0
    with dest.open("wb") as out:
        for i, p in enumerate(paths):
            opener = gzip.open if p.suffix == ".gz" else open
            with opener(p, "rb") as f:
                header = f.readline()
                if i == 0:
                    out.write(header)
                for line in f:
                    out.write(line)
                    n += 1
    return n


def _run(mode: str, csv_path: Path, tmp: Path, layout: str) -> dict:
    out = Path(tempfile.mkdtemp(dir=tmp))
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(csv_path), str(out), layout],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+", type=Path)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each; the best is reported")
    ap.add_argument("--layout", default="uci")
    args = ap.parse_args()
    files: list[Path] = []
    for p in args.paths:
        files += sorted(p.glob("*.csv*")) if p.is_dir() else [p]
    if not files:
        sys.exit("no CSV files found")
    with tempfile.TemporaryDirectory() as tmpd:
        tmp = Path(tmpd)
        csv_path = tmp / "uci_all.csv"
        n = _concat(files, csv_path)
        size = csv_path.stat().st_size
        print(f"{len(files)} file(s), {n:,} rows, {size / 1e6:.1f} MB CSV")
        best: dict[str, dict] = {}
        for _ in range(args.repeat):
            for mode in ("pandas", "pioneer"):
                r = _run(mode, csv_path, tmp, args.layout)
                if mode not in best or r["seconds"] < best[mode]["seconds"]:
                    best[mode] = r
        for mode in ("pandas", "pioneer"):
            r = best[mode]
            label = (
                "pandas read_csv+to_parquet (no validation)" if mode == "pandas" else "pioneer ingest (full)"
            )
            print(
                f"{label:45s} {r['seconds']:6.2f} s  {n / r['seconds']:>12,.0f} rows/s  "
                f"peak RSS {r['peak_rss'] / 2**20:,.0f} MiB"
            )
        ratio = best["pandas"]["seconds"] / best["pioneer"]["seconds"]
        print(f"speed-up over the pandas baseline: {ratio:.2f}x")


if __name__ == "__main__":
    main()
