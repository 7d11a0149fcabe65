"""``pioneer air period``: CNEMC station-day folder, hourly CSV and the lake; contract columns; bad input gives
located bilingual errors and no output file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from pioneer.cli import app

ROOT = Path(__file__).resolve().parents[4]
SLICE = ROOT / "tests" / "data" / "air" / "cnemc"
runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, ["air", *map(str, args)])


def annual_columns(tmp_path: Path) -> list[str]:
    """The columns ``air annual`` writes (from a small hourly file)."""
    hourly = _hourly(tmp_path / "h.csv", days=3)
    out = tmp_path / "annual.csv"
    res = run("annual", hourly, "--year", 2025, "-o", out)
    assert res.exit_code == 0, res.output
    return list(pd.read_csv(out, nrows=0).columns)


def _hourly(path: Path, *, days: int) -> Path:
    times = pd.date_range("2025-01-01 01:00", periods=24 * days, freq="h")
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({"station": "1001A", "city": "110000", "time": times.strftime("%Y-%m-%dT%H:%M"),
                          "so2": 5.0, "no2": 30.0, "co": 0.8, "o3": rng.integers(20, 90, len(times)),
                          "pm10": 60.0, "pm2_5": rng.integers(10, 80, len(times))})  # fmt: skip
    frame.to_csv(path, index=False)
    return path


def test_cnemc_daily_folder(tmp_path: Path) -> None:
    out = tmp_path / "jan.csv"
    res = run("period", SLICE / "daily", "--layout", "cnemc-daily", "--from", "2025-01-01", "--to", "2025-01-31",
              "-o", out)  # fmt: skip
    assert res.exit_code == 0, res.output
    got = pd.read_csv(out, dtype={"id": str})
    assert set(annual_columns(tmp_path)) <= set(got.columns)
    assert list(got.columns[:8]) == ["level", "id", "name", "from", "to", "year", "edition", "limits"]
    cities = got[got.level == "city"].set_index("id")
    assert list(cities.index) == ["110000", "152900", "513200", "652900", "659001"]
    assert cities.loc["152900", "name"] == "阿拉善盟" and (cities["from"] == "2025-01-01").all()
    assert (cities.pm2_5_valid_days == 31).all() and cities.composite_index.notna().all()
    src = pd.concat([pd.read_csv(f, dtype={"stationcode": str}) for f in (SLICE / "daily").glob("*.csv")])
    published = src[src.filter(like="_24h").notna().any(axis=1) | src.o3_8h.notna()].stationcode.unique()
    # every station with a published daily value (雄安新区's too; 1002A 定陵 publishes none in these files)
    assert sorted(got[got.level == "station"].id) == sorted(published) and "1002A" not in set(published)
    assert (cities.edition.astype(str) == "2012").all()


def test_cnemc_daily_half_month_is_a_period_of_its_own(tmp_path: Path) -> None:
    out = tmp_path / "half.csv"
    res = run("period", SLICE / "daily", "--layout", "cnemc-daily", "--from", "2025-01-01", "--to", "2025-01-15",
              "-o", out)  # fmt: skip
    assert res.exit_code == 0, res.output
    bj = pd.read_csv(out, dtype={"id": str}).set_index("id").loc["110000"]
    assert bj.pm2_5_valid_days == 15 and bj.aqi_valid_days == 15 and bj["to"] == "2025-01-15"


def test_hourly_input(tmp_path: Path) -> None:
    hourly = _hourly(tmp_path / "h.csv", days=31)
    out = tmp_path / "p.csv"
    res = run("period", hourly, "--from", "2025-01-01", "--to", "2025-01-31", "-o", out)
    assert res.exit_code == 0, res.output
    got = pd.read_csv(out, dtype={"id": str})
    assert set(got.level) == {"station", "city"} and (got.name == "北京市").all()
    assert (got.pm2_5_valid_days == 31).all() and got.pm10_annual_mean.tolist() == [60, 60]


def test_bad_input_no_output(tmp_path: Path) -> None:
    (tmp_path / "daily").mkdir()
    lines = (SLICE / "daily" / "2025-01-05T00.csv").read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[8] = "x"  # pm2_5_24h of the first station
    lines[1] = ",".join(cells)
    (tmp_path / "daily" / "2025-01-05T00.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "daily" / "2025-01-06T00.csv").write_text((SLICE / "daily" / "2025-01-06T00.csv").read_text())
    (tmp_path / "stations.csv").write_text(
        (SLICE / "stations.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    out = tmp_path / "o.csv"
    res = run("period", tmp_path / "daily", "--layout", "cnemc-daily", "--from", "2025-01-01", "--to",
              "2025-01-31", "-o", out)  # fmt: skip
    assert res.exit_code == 1 and not out.exists()
    assert "2025-01-05T00.csv" in res.output and "pm2_5_24h" in res.output and "not a number" in res.output
    assert "第 2 行" in res.output and "row 2" in res.output
    res = run("period", SLICE / "daily", "--layout", "cnemc-daily", "--from", "2025-02-01", "--to", "2025-01-01",
              "-o", out)  # fmt: skip
    assert res.exit_code == 2 and not out.exists()


def test_lake_input(tmp_path: Path, monkeypatch) -> None:
    from pioneer.lake.ingest import ingest
    from pioneer.lake.storage import Lake
    from pioneer.registry.stations.cnemc import read_station_list

    monkeypatch.setenv("PIONEER_HOME", str(tmp_path / "home"))
    f = read_station_list(SLICE / "stations.csv")
    ingest(sorted((SLICE / "daily").glob("*.csv")), lake=Lake(), layout="cnemc-daily", accept_valid=True,
           known_stations={k: v for k, v in zip(f.stationcode, f.city, strict=True) if v})  # fmt: skip
    out = tmp_path / "lake.csv"
    res = run("period", "--from", "2025-01-01", "--to", "2025-01-31", "-o", out)
    assert res.exit_code == 0, res.output
    lake = pd.read_csv(out, dtype={"id": str})
    files = tmp_path / "files.csv"
    assert run("period", SLICE / "daily", "--layout", "cnemc-daily", "--from", "2025-01-01", "--to", "2025-01-31",
               "-o", files).exit_code == 0  # fmt: skip
    direct = pd.read_csv(files, dtype={"id": str})
    a = lake[lake.level == "city"].set_index("id").sort_index()
    b = direct[direct.level == "city"].set_index("id").sort_index()
    pd.testing.assert_frame_equal(a, b)  # the lake and the files give the same city statistics
    assert dt.date.fromisoformat(a["to"].iloc[0]) == dt.date(2025, 1, 31)
