"""The ``cnemc-daily`` layout on the real files: station-day values through the ordinary ingest (time from the
file name, located errors, atomic commit, provenance, idempotent re-import), what each column means checked on
the data, and the published real-time AQI recomputed from the 1-h columns (HJ 633-2012 as CNEMC publishes it)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import ibis
import pandas as pd
import pyarrow.parquet as pq

from pioneer.lake.ingest import ingest
from pioneer.lake.layouts import BUILTIN, sniff_layout
from pioneer.lake.query import air_station_days
from pioneer.registry.stations.cnemc import read_station_list
from pioneer.standards.air.aqi import report

ROOT = Path(__file__).resolve().parents[3]
SLICE = ROOT / "tests" / "data" / "air" / "cnemc"
FULL = ROOT / "data" / "sample" / "cnemc-2025-01"
COLUMNS = "stationcode,aqi,pm2_5,pm10,so2,no2,co,o3,pm2_5_24h,pm10_24h,so2_24h,no2_24h,co_24h,o3_8h,o3_8h_24h"


def known() -> dict[str, str]:
    f = read_station_list(SLICE / "stations.csv")
    return dict(zip(f["stationcode"], f["city"], strict=True))


def test_header_sniffed() -> None:
    assert sniff_layout(COLUMNS.split(",")) is BUILTIN["cnemc-daily"]


def test_ingest_slice(lake) -> None:
    files = sorted((SLICE / "daily").glob("*.csv"))
    stations = {k: v for k, v in known().items() if v}  # 雄安新区's stations are no city's: not registered
    results = ingest(files, lake=lake, layout="cnemc-daily", known_stations=stations, accept_valid=True)
    assert [r.status for r in results] == ["partial"] * 31  # 6 雄安 rows a day refused, kept in _rejects
    assert sum(r.rows_rejected for r in results) == 6 * 31
    assert set(results[0].errors.column("code").to_pylist()) == {"unknown_station"}
    assert lake.files("air_daily") and not lake.files("air")
    days = air_station_days(lake).to_pandas()
    src = pd.concat([pd.read_csv(f, dtype={"stationcode": str}).assign(file=f.name) for f in files])
    src = src[src.stationcode.isin(stations)]
    assert len(days) == len(src)
    # T00 of 2025-01-02 closes 2025-01-01: the first file holds January 1, the last (2025-02-01T00) January 31
    assert pd.to_datetime(days.date).min().date() == dt.date(2025, 1, 1)
    assert pd.to_datetime(days.date).max().date() == dt.date(2025, 1, 31)
    first = src[src.file == "2025-01-02T00.csv"].set_index("stationcode")
    got = days[pd.to_datetime(days.date).dt.date == dt.date(2025, 1, 1)].set_index("station")
    for ours, theirs in (
        ("pm2_5", "pm2_5_24h"),
        ("so2", "so2_24h"),
        ("co", "co_24h"),
        ("o3_8h_max", "o3_8h"),
    ):
        pd.testing.assert_series_equal(got[ours].sort_index(), first[theirs].astype(float).sort_index(),
                                       check_names=False)  # fmt: skip
    assert got.loc["2566A", "city"] == "513200" and got.loc["1001A", "city"] == "110000"
    # idempotent: the same bytes again write nothing
    again = ingest(files[:3], lake=lake, layout="cnemc-daily", known_stations=stations)
    assert [r.status for r in again] == ["already_imported"] * 3
    rec = results[0].record
    assert rec["layout"] == "cnemc-daily" and rec["files"][0].startswith("air_daily/year=2025/")


def test_bad_file_name_and_bad_cell_rejected(lake, tmp_path: Path) -> None:
    named = tmp_path / "january.csv"
    shutil.copy(SLICE / "daily" / "2025-01-02T00.csv", named)
    r = ingest(named, lake=lake, layout="cnemc-daily")[0]
    assert r.status == "rejected" and r.errors.column("column").to_pylist() == ["timepoint"]
    assert "file name" in r.errors.column("reason_en")[0].as_py()
    text = (SLICE / "daily" / "2025-01-03T00.csv").read_text(encoding="utf-8").splitlines()
    cells = text[2].split(",")
    cells[8] = "abc"  # pm2_5_24h of the second station
    text[2] = ",".join(cells)
    bad = tmp_path / "2025-01-03T00.csv"
    bad.write_text("\n".join(text) + "\n", encoding="utf-8")
    r = ingest(bad, lake=lake, layout="cnemc-daily")[0]
    e = r.errors.to_pylist()
    assert r.status == "rejected" and [(x["row"], x["column"], x["value"], x["code"]) for x in e] == [
        (3, "pm2_5_24h", "abc", "number")
    ]
    assert e[0]["reason_zh"] and e[0]["reason_en"]
    assert not lake.files("air_daily")  # nothing written


def _all_rows(folder: Path) -> pd.DataFrame:
    return pd.concat([pd.read_csv(f, dtype={"stationcode": str}).assign(file=f.name)
                      for f in sorted((folder / "daily").glob("*.csv"))])  # fmt: skip


def test_column_meanings_on_the_data() -> None:
    rows = _all_rows(FULL)
    assert len(rows) == 53723 and list(rows.columns[:-1]) == COLUMNS.split(",")
    both = rows.o3_8h.notna() & rows.o3_8h_24h.notna()
    # o3_8h is the highest 8-h moving mean of the 24 h ending at T00 (the day's MDA8), o3_8h_24h the current one
    assert both.sum() == 51817 and (rows.o3_8h[both] >= rows.o3_8h_24h[both]).all()
    # a 24-h mean is published with its 1-h value of the last hour nearly always; it is not that hour's value
    pm = rows.pm2_5.notna() & rows.pm2_5_24h.notna()
    assert (rows.pm2_5[pm] != rows.pm2_5_24h[pm]).mean() > 0.9
    # one row per station and file
    assert not rows.duplicated(["file", "stationcode"]).any()


def test_published_realtime_aqi_recomputed() -> None:
    """HJ 633-2012 real-time AQI as CNEMC publishes it (PM against the 24-h breakpoints, the other items 1-h)
    from each row's 1-h columns: every published AQI of the 31 files is reproduced."""
    rows = _all_rows(FULL)
    items = ["so2", "no2", "co", "o3", "pm10", "pm2_5"]
    t = ibis.memtable(rows[items].astype("float64").assign(published=rows.aqi.astype("float64")))
    out = report(t, kind="hourly", edition="2012", method="published").to_pandas()
    has = out.published.notna()
    agree = int((out.aqi[has] == out.published[has]).sum())
    print(f"published real-time AQI reproduced: {agree} of {int(has.sum())} rows ({len(out)} rows in all)")
    assert int(has.sum()) == 51319 and agree == 51319


def test_parquet_schema(lake) -> None:
    f = read_station_list(SLICE / "stations.csv")
    ingest(SLICE / "daily" / "2025-01-10T00.csv", lake=lake, layout="cnemc-daily",
           known_stations={k: v for k, v in zip(f.stationcode, f.city, strict=True) if v}, accept_valid=True)  # fmt: skip
    t = pq.read_table(lake.files("air_daily")[0])
    assert {"station", "city", "time", "so2", "no2", "co", "pm10", "pm2_5", "o3_8h_max", "status"} <= set(
        t.column_names
    )
    assert set(t.column("status").to_pylist()) == {"preliminary"}
