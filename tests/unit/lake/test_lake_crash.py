"""Crash safety: an import killed with SIGKILL at random points leaves the lake without it or with all of it."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from pioneer.lake.ingest import ingest
from pioneer.lake.query import versions
from pioneer.lake.storage import Lake

# In its own process (Makefile): in a long-lived xdist worker, DuckDB once crashed (SIGSEGV) in this test's final
# import after hundreds of other test files; alone it passes every time.
pytestmark = pytest.mark.isolated

N_STATIONS, N_HOURS = 20, 3000  # 60,000 rows over two years → several partition files


def _big_csv(path: Path) -> int:
    hours = np.arange(N_HOURS)
    base = np.datetime64("2023-10-01T01:00")
    times = np.datetime_as_string(base + hours.astype("timedelta64[h]"), unit="m")
    rng = np.random.default_rng(7)
    with path.open("w", encoding="utf-8") as f:
        f.write("station,time,so2,no2,co,o3,pm10,pm2_5\n")
        for s in range(N_STATIONS):
            v = rng.integers(1, 300, size=(N_HOURS, 6))
            lines = [
                f"{s + 1001:04d}A,{t},{a},{b},{c / 100},{d},{e},{g}"
                for t, (a, b, c, d, e, g) in zip(times, v, strict=False)
            ]
            f.write("\n".join(lines) + "\n")
    return N_STATIONS * N_HOURS


CHILD = (
    "import sys; from pioneer.lake.ingest import ingest; from pioneer.lake.storage import Lake; "
    "ingest([sys.argv[1]], lake=Lake(sys.argv[2]))"
)


def _state(lake: Lake, n: int) -> int:
    """0 or n rows visible, every listed file present; anything else fails the test."""
    committed = lake.committed()
    for rec in committed:
        for f in rec["files"]:
            assert lake.exists(f), f"committed record lists missing file {f}"
    rows = versions(lake, "air", status="all").count().execute()
    assert rows in (0, n), rows
    assert (rows == n) == bool(committed)
    return rows


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_20_times(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    n = _big_csv(big)
    lake_dir = tmp_path / "lake"
    # time one complete run to spread the kills over the whole import (start-up included)
    t0 = time.monotonic()
    subprocess.run([sys.executable, "-c", CHILD, str(big), str(tmp_path / "timing-lake")], check=True)
    full = time.monotonic() - t0
    rng = random.Random(4)
    outcomes = []
    for _ in range(20):
        lake = Lake(lake_dir)
        if lake.committed():  # a run completed before the kill: start again from an empty lake
            import shutil

            shutil.rmtree(lake_dir)
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(big), str(lake_dir)])
        time.sleep(rng.uniform(0.3 * full, 1.05 * full))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        outcomes.append(_state(Lake(lake_dir), n))
    assert 0 in outcomes  # at least some kills landed during the import
    (r,) = ingest(big, lake=Lake(lake_dir))  # a following import succeeds (or finds it already there)
    assert r.status in ("committed", "already_imported")
    assert _state(Lake(lake_dir), n) == n
    leftovers = [p for p in Lake(lake_dir).list("_staging", recursive=True)]
    assert leftovers == []
