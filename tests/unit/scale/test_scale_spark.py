"""``pioneer air annual --engine spark`` (issue 20): the lake's site-days and the annual chain on a Spark session
give the file DuckDB gives; without PySpark a bilingual message and exit status 2."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pioneer.commands.air import app
from pioneer.lake.ingest import ingest
from pioneer.lake.storage import Lake

STATIONS = {"1001A": "110000", "1002A": "110000", "1003A": "120000"}


def _lake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from test_scale_stationdays import _hours, _write

    monkeypatch.setenv("PIONEER_LAKE_URL", str(tmp_path / "lake"))
    a = _hours(STATIONS, "2025-01-01T01:00", 24 * 60, seed=11, gaps=0.03)
    ingest(_write(a, tmp_path / "a.csv"), lake=Lake(tmp_path / "lake"))


@pytest.mark.spark
def test_annual_on_spark_equals_duckdb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spark) -> None:  # type: ignore[no-untyped-def]
    _lake(tmp_path, monkeypatch)
    monkeypatch.setenv("PIONEER_SPARK_MASTER", "local[2]")
    run = CliRunner().invoke
    r1 = run(app, ["annual", "--year", "2025", "-o", str(tmp_path / "duck.csv")])
    r2 = run(app, ["annual", "--year", "2025", "--engine", "spark", "-o", str(tmp_path / "spark.csv")])
    assert r1.exit_code == 0 and r2.exit_code == 0, (r1.output, r2.output)
    monkeypatch.setenv("PIONEER_ENGINE", "spark")
    r3 = run(app, ["annual", "--year", "2025", "-o", str(tmp_path / "env.csv")])
    assert r3.exit_code == 0, r3.output
    duck, sp, env = (
        pd.read_csv(tmp_path / n, dtype={"id": str}) for n in ("duck.csv", "spark.csv", "env.csv")
    )
    assert len(duck) == 3 + 2
    pd.testing.assert_frame_equal(duck, sp)
    pd.testing.assert_frame_equal(duck, env)
    period = ["period", "--from", "2025-01-01", "--to", "2025-02-28"]
    r4 = run(app, [*period, "--engine", "duckdb", "-o", str(tmp_path / "p_duck.csv")])
    r5 = run(app, [*period, "--engine", "spark", "-o", str(tmp_path / "p_spark.csv")])
    assert r4.exit_code == 0 and r5.exit_code == 0, (r4.output, r5.output)
    a, b = (pd.read_csv(tmp_path / n, dtype={"id": str}) for n in ("p_duck.csv", "p_spark.csv"))
    assert len(a) == 5
    pd.testing.assert_frame_equal(a, b)


def test_spark_not_installed_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _lake(tmp_path, monkeypatch)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # import fails as if PySpark were absent
    r = CliRunner().invoke(
        app, ["annual", "--year", "2025", "--engine", "spark", "-o", str(tmp_path / "x.csv")]
    )
    assert r.exit_code == 2
    assert "未安装 PySpark" in r.output and "PySpark is not installed" in r.output
    assert not (tmp_path / "x.csv").exists()
