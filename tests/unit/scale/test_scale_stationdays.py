"""Site-days kept at ingest (issue 20): equal to the values computed from the hours after first imports,
re-imports, corrections, validated-after-preliminary imports and a station moved to another city; a crash
before the commit leaves none visible; the evaluations read them with identical results."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pioneer.lake import stationdays
from pioneer.lake.ingest import ingest
from pioneer.lake.storage import Lake

ITEMS = ["so2", "no2", "co", "o3", "pm10", "pm2_5"]


def _hours(stations: dict[str, str], start: str, hours: int, seed: int, gaps: float = 0.08) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    times = pd.date_range(start, periods=hours, freq="h")
    rows = []
    for code, city in stations.items():
        v = rng.integers(1, 260, size=(hours, 6)).astype("float64")
        v[:, 2] = np.round(v[:, 2] / 100, 1)
        v[rng.random((hours, 6)) < gaps] = np.nan
        f = pd.DataFrame(v, columns=ITEMS)
        f.insert(0, "time", times.strftime("%Y-%m-%dT%H:%M"))
        f.insert(0, "city", city)
        f.insert(0, "station", code)
        rows.append(f)
    return pd.concat(rows, ignore_index=True)


def _write(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False, na_rep="")
    return path


def _sorted(t) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    f = t.to_pandas().sort_values(["site_level", "id", "date"]).reset_index(drop=True)
    f["date"] = pd.to_datetime(f["date"]).dt.date
    return f[list(stationdays.COLUMNS)]


def _same(lake: Lake) -> pd.DataFrame:
    kept = _sorted(stationdays.site_days(lake, stored=True))
    hours = _sorted(stationdays.site_days(lake, stored=False))
    pd.testing.assert_frame_equal(kept, hours, check_dtype=False)
    return kept


STATIONS = {"1001A": "110000", "1002A": "110000", "1003A": "120000", "1004A": "130100"}


def test_first_import_and_reimports(tmp_path: Path) -> None:
    lake = Lake(tmp_path / "lake")
    a = _hours(STATIONS, "2024-12-30T01:00", 24 * 5, seed=1)  # over a year end: two partitions
    (r,) = ingest(_write(a, tmp_path / "a.csv"), lake=lake)
    assert r.status == "committed"
    assert {f.split("/")[0] for f in r.record["files"]} == {"air"}
    assert {f.split("/")[0] for f in r.record["site_day_files"]} == {"air_days"}
    assert len(r.record["site_day_files"]) == 2  # one per year
    assert stationdays.present(lake)
    days = _same(lake)
    assert set(days["site_level"]) == {"station", "city"}
    assert len(days[days.site_level == "city"]["id"].unique()) == 3
    # a correction of some hours of one station (preliminary, later import wins)
    fix = a[(a.station == "1002A") & (a.time.str.startswith("2024-12-31"))].copy()
    fix["pm2_5"] = 500.0
    fix["o3"] = np.nan
    ingest(_write(fix, tmp_path / "fix.csv"), lake=lake)
    after = _same(lake)
    city = after[(after.id == "110000") & (after.date == dt.date(2024, 12, 31))]
    assert float(city["pm2_5"].iloc[0]) != float(
        days[(days.id == "110000") & (days.date == dt.date(2024, 12, 31))]["pm2_5"].iloc[0]
    )
    # an audited (validated) version of another day, then a later preliminary one of the same hours: validated wins
    val = a[(a.station == "1001A") & (a.time.str.startswith("2025-01-02"))].copy()
    val["so2"] = 7.0
    ingest(_write(val, tmp_path / "val.csv"), lake=lake, status="validated")
    pre = val.copy()
    pre["so2"] = 99.0
    ingest(_write(pre, tmp_path / "pre.csv"), lake=lake, status="preliminary")
    last = _same(lake)
    st = last[(last.id == "1001A") & (last.date == dt.date(2025, 1, 2))]
    assert (
        float(st["so2"].iloc[0]) < 20
    )  # 23 of its 24 hours validated at 7 (the preliminary 99 would give ≥ 95)
    # a later year appended: nothing else superseded
    b = _hours(STATIONS, "2025-06-01T01:00", 48, seed=2)
    ingest(_write(b, tmp_path / "b.csv"), lake=lake)
    _same(lake)


def test_station_moved_to_another_city(tmp_path: Path) -> None:
    lake = Lake(tmp_path / "lake")
    a = _hours(STATIONS, "2025-03-01T01:00", 72, seed=3, gaps=0.0)
    ingest(_write(a, tmp_path / "a.csv"), lake=lake)
    moved = a[(a.station == "1002A") & a.time.str.startswith("2025-03-02")].copy()
    moved["city"] = "120000"
    ingest(_write(moved, tmp_path / "moved.csv"), lake=lake)
    days = _same(lake)
    # 110000 on 2025-03-02 lost most of 1002A's hours: its value is now (nearly) 1001A's alone
    assert {"110000", "120000"} <= set(days[days.site_level == "city"]["id"])


def test_accept_valid_and_general_path(tmp_path: Path, make_xlsx=None) -> None:  # type: ignore[no-untyped-def]
    lake = Lake(tmp_path / "lake")
    a = _hours(STATIONS, "2025-03-01T01:00", 48, seed=4)
    text = a.to_csv(index=False, na_rep="")
    bad = text.replace("\n1001A,110000,2025-03-01T05:00,", "\n1001A,110000,2025-03-01T05:30,", 1)
    p = tmp_path / "bad.csv"
    p.write_text(bad, encoding="gb18030")  # ASCII anyway; --encoding forces the general text path
    (r,) = ingest(p, lake=lake, accept_valid=True, encoding="gb18030")
    assert r.status == "partial"
    assert r.record["site_day_files"]
    _same(lake)


def test_rejected_import_and_crash_leave_no_site_days(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lake = Lake(tmp_path / "lake")
    a = _hours(STATIONS, "2025-03-01T01:00", 48, seed=5)
    ingest(_write(a, tmp_path / "a.csv"), lake=lake)
    before = _sorted(stationdays.site_days(lake))
    b = a.copy()
    b["pm2_5"] = 1.0

    def crash(record):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt  # the process dies just before the commit point

    monkeypatch.setattr(lake, "write_record", crash)
    with pytest.raises(KeyboardInterrupt):
        ingest(_write(b, tmp_path / "b.csv"), lake=lake)
    monkeypatch.undo()
    assert list(lake.list("air_days", recursive=True)) != []  # written, but listed in no record
    pd.testing.assert_frame_equal(_sorted(stationdays.site_days(lake)), before)
    lake.recover()
    assert len(lake.list("air_days", recursive=True)) == 1
    pd.testing.assert_frame_equal(_sorted(stationdays.site_days(lake)), before)


def test_older_imports_without_site_days_fall_back_to_hours(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lake = Lake(tmp_path / "lake")
    monkeypatch.setattr(stationdays, "attach", lambda lake, record, con=None: None)
    ingest(_write(_hours(STATIONS, "2025-03-01T01:00", 48, seed=6), tmp_path / "a.csv"), lake=lake)
    monkeypatch.undo()
    assert not stationdays.present(lake)
    assert len(_sorted(stationdays.site_days(lake))) > 0


def test_indicator_bindings_identical_with_and_without_site_days(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pioneer.indicators import service

    lake = Lake(tmp_path / "lake")
    a = _hours(STATIONS, "2024-12-25T01:00", 24 * 30, seed=8, gaps=0.02)
    ingest(_write(a, tmp_path / "a.csv"), lake=lake)
    fix = a[a.station == "1003A"].head(60).copy()
    fix["o3"] = 150.0
    ingest(_write(fix, tmp_path / "fix.csv"), lake=lake, status="validated")
    assert stationdays.present(lake)
    kw = {"division": None, "years": [2024, 2025], "lake": lake, "store_values": False}
    kept = service.compute_air_from_lake(None, **kw)  # type: ignore[arg-type]
    monkeypatch.setattr(stationdays, "present", lambda lake: False)
    hours = service.compute_air_from_lake(None, **kw)  # type: ignore[arg-type]
    key = ["division_code", "indicator", "year"]
    kept, hours = (f.sort_values(key).reset_index(drop=True) for f in (kept, hours))
    assert len(kept) == 3 * 2 * 5
    pd.testing.assert_frame_equal(kept, hours)
    one = service.compute_air_from_lake(None, **{**kw, "division": "110000"})  # type: ignore[arg-type]
    assert set(one["division_code"]) == {"110000"}


def test_annual_and_period_from_the_lake_equal_the_calculator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from pioneer.commands.air import app

    a = _hours(STATIONS, "2025-01-01T01:00", 24 * 40, seed=9, gaps=0.02)
    src = _write(a, tmp_path / "a.csv")
    monkeypatch.setenv("PIONEER_LAKE_URL", str(tmp_path / "lake"))
    ingest(src, lake=Lake(tmp_path / "lake"))
    run = CliRunner().invoke
    for args in (["annual", "--year", "2025"], ["period", "--from", "2025-01-01", "--to", "2025-01-31"]):
        r1 = run(app, [*args[:1], str(src), *args[1:], "-o", str(tmp_path / "file.csv")])
        r2 = run(app, [*args, "-o", str(tmp_path / "lake.csv")])
        assert r1.exit_code == 0 and r2.exit_code == 0, (r1.output, r2.output)
        f1, f2 = (pd.read_csv(tmp_path / n, dtype={"id": str}) for n in ("file.csv", "lake.csv"))
        if (
            "name" in f1.columns
        ):  # the calculator names a station's city; the lake's hours-only table does not
            f1, f2 = f1.drop(columns="name"), f2.drop(columns="name")
        pd.testing.assert_frame_equal(f1, f2)
