"""One checker (issue 12 item 1): the lake, the air calculator and the noise calculator refuse the same inputs
with the lake's located reasons."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pioneer.cli import app
from pioneer.lake.ingest import ingest
from pioneer.lake.layouts import AIR_RANGES, NOISE_RANGE
from pioneer.lake.storage import Lake

runner = CliRunner()
AIR = "station,time,so2,no2,co,o3,pm10,pm2_5\n"


def test_screens_are_package_data() -> None:
    assert AIR_RANGES["pm2_5"] == (0.0, 5000.0) and AIR_RANGES["co"] == (0.0, 150.0)
    assert NOISE_RANGE == (20.0, 140.0)


@pytest.mark.parametrize(
    ("body", "column", "en"),
    [
        (AIR + "1001A,2025-01-01T01:00+25:00,5,30,0.6,40,60,35\n", "time", "time cannot be parsed"),
        (
            AIR.replace("pm2_5", "pm2.5") + "1001A,2025-01-01T01:00,5,30,0.6,40,60,35\n",
            "pm2.5",
            "unknown column",
        ),
        (AIR + "1001A,2025-01-01T01:30,5,30,0.6,40,60,35\n", "time", "on the hour"),
        (AIR + "1001A,2025-01-01T01:00,5,30,0.6,40,60,1e20\n", "pm2_5", "plausible range"),
        (AIR, "", "no data rows"),
    ],
)
def test_lake_and_air_calculator_refuse_alike(tmp_path: Path, body: str, column: str, en: str) -> None:
    f = tmp_path / "in.csv"
    f.write_text(body, encoding="utf-8")
    (r,) = ingest(f, lake=Lake(tmp_path / "lake"))
    assert r.status == "rejected"
    assert any(e["column"] == column and en in e["reason_en"] for e in r.errors.to_pylist()), (
        r.errors.to_pylist()
    )
    out = tmp_path / "out.csv"
    res = runner.invoke(app, ["air", "aqi", str(f), "--report", "hourly", "-o", str(out)])
    assert res.exit_code == 1 and en in res.output and not out.exists(), res.output


def test_noise_leq_200_refused_by_lake_and_commands(tmp_path: Path) -> None:
    f = tmp_path / "points.csv"
    f.write_text("point,zone_class,time,leq\nN1,1,2025-03-01 01:00,50\nN1,1,2025-03-01 02:00,200\n")
    (r,) = ingest(f, lake=Lake(tmp_path / "lake"))
    assert r.status == "rejected" and r.errors["row"].to_pylist() == [3]
    out = tmp_path / "out.csv"
    res = runner.invoke(app, ["noise", "assess", str(f), "--year", "2025", "-o", str(out)])
    assert res.exit_code != 0 and "row 3" in res.output and "plausible range [20, 140]" in res.output
    assert not out.exists()
    grid = tmp_path / "grid.csv"
    grid.write_text("point,period,leq\na,昼间,52\nb,昼间,200\n", encoding="utf-8")
    res = runner.invoke(app, ["noise", "grade", str(grid), "--kind", "regional", "-o", str(out)])
    assert res.exit_code != 0 and "row 3" in res.output and "plausible range" in res.output
