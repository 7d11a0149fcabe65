"""Ingest end to end on real fixtures: round trip, idempotence, revisions, policy, provenance."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pioneer.lake.export import export
from pioneer.lake.ingest import ingest, provenance
from pioneer.lake.query import air_hourly, versions
from pioneer.lake.storage import Lake

ITEMS = ["so2", "no2", "co", "o3", "pm10", "pm2_5"]
UCI = {"so2": "SO2", "no2": "NO2", "co": "CO", "o3": "O3", "pm10": "PM10", "pm2_5": "PM2.5"}


def _uci_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_uci_round_trip_exact(lake: Lake, lake_data: Path, tmp_path: Path) -> None:
    """Beijing (UCI) rows as shipped → lake → CSV export reproduces every value; CO ÷ 1000 as the layout
    declares; NA → empty; hour h → label h+1 (CST); station name → CNEMC code; city 110000."""
    src = lake_data / "uci_aotizhongxin_300.csv"
    (r,) = ingest(src, lake=lake)
    assert (r.status, r.layout, r.rows_read, r.rows_accepted) == ("committed", "uci", 300, 300)
    out = export(tmp_path / "x.csv", medium="air", lake=lake, division="110000")
    with out[0].open(encoding="utf-8") as f:
        got = list(csv.DictReader(f))
    want = _uci_rows(src)
    assert len(got) == len(want) == 300
    for g, w in zip(got, want, strict=True):
        assert g["station"] == "1011A" and g["city"] == "110000"
        hour = int(w["hour"]) + 1
        day = int(w["day"]) + (hour == 24)
        assert g["time"] == f"{w['year']}-{int(w['month']):02d}-{day:02d} {hour % 24:02d}:00:00"
        for item, col in UCI.items():
            if w[col] == "NA":
                assert g[item] == ""
            elif item == "co":
                assert float(g[item]) == float(w[col]) * 0.001
            else:
                assert float(g[item]) == float(w[col])
    assert sum(1 for w in want for c in UCI.values() if w[c] == "NA") > 0  # the fixture has real gaps
    assert {p.name for p in out} == {"x.csv", "x.dictionary.csv", "x.LICENSE.txt"}
    assert "CC BY 4.0" in out[2].read_text(encoding="utf-8")


def test_air_hourly_contract(lake: Lake, lake_data: Path) -> None:
    ingest([lake_data / "uci_aotizhongxin_300.csv", lake_data / "uci_dongsi_200.csv"], lake=lake)
    t = air_hourly(lake, stations=["1003A"], start="2013-03-01 01:00", end="2013-03-01 05:00")
    assert t.columns == ("station", "city", "time", *ITEMS)
    schema = t.schema()
    assert str(schema["time"]).startswith("timestamp") and all(schema[i].is_float64() for i in ITEMS)
    df = t.order_by("time").execute()
    assert list(df.station) == ["1003A"] * 5
    assert str(df.time.iloc[0]) == "2013-03-01 01:00:00"  # UCI 2013-03-01 hour 0 → label 01:00
    assert df.co.iloc[0] == 0.3  # 300 µg/m³ in the source


def test_cnemc_layouts(lake: Lake, lake_data: Path) -> None:
    known = {"1001A": "110000", "1002A": "110000", "1009A": "110000", "1003A": "110000"}
    (r26,) = ingest(lake_data / "cnemc_2026-03-02T09.csv", lake=lake, accept_valid=True, known_stations=known)
    assert r26.status == "partial" and r26.rows_accepted == 2  # the other stations are not registered
    assert set(r26.errors["code"].to_pylist()) == {"unknown_station"}
    (r22,) = ingest(lake_data / "cnemc_2022-01-04T16.csv", lake=lake, layout="cnemc-2022")
    assert r22.status == "committed" and r22.rows_accepted == 10
    df = versions(lake, "air", status="all").to_pandas().set_index(["station", "time"])
    row = df.loc[("1001A", "2026-03-02 09:00:00")]
    assert (row.city, row.city_name, row.pm2_5, row.o3, row.co, row.status) == (
        "110000",
        "北京市",
        103.0,
        8.0,
        1.4,
        "preliminary",
    )
    row22 = df.loc[("1001A", "2022-01-04 16:00:00")]
    assert row22.o3 == 19.0  # 2022 archive: the 1-h O3 is in o3_24h
    assert row22.city is None or row22.city != row22.city  # no registry given for this import: city unknown
    tianjin = df.loc[("1015A", "2022-01-04 16:00:00")]
    assert tianjin.pm10 == 48.0 and tianjin.no2 != tianjin.no2  # empty → missing (NaN in pandas)


def test_idempotent_reimport(lake: Lake, lake_data: Path, tmp_path: Path) -> None:
    src = lake_data / "uci_dongsi_200.csv"
    (first,) = ingest(src, lake=lake)
    copy = tmp_path / "renamed.csv"
    copy.write_bytes(src.read_bytes())
    second, third = ingest([src, copy], lake=lake)
    assert (second.status, third.status) == ("already_imported", "already_imported")
    assert second.import_id == first.import_id
    assert versions(lake, "air", status="all").count().execute() == 200
    assert len(lake.committed()) == 1


def test_revision_keeps_previous_version(lake: Lake, make_file) -> None:  # type: ignore[no-untyped-def]
    head = "station,time,so2,no2,co,o3,pm10,pm2_5\n"
    prelim = make_file(
        "rt.csv", head + "1001A,2024-01-01T01:00,10,20,0.5,30,40,50\n1001A,2024-01-01T02:00,11,,,,,\n"
    )
    valid = make_file("audit.csv", head + "1001A,2024-01-01T01:00,9,20,0.5,30,40,48\n")
    revised = make_file("rt2.csv", head + "1001A,2024-01-01T02:00,12,,,,,\n")
    ingest(prelim, lake=lake, status="preliminary")
    ingest(valid, lake=lake, status="validated")
    ingest(revised, lake=lake, status="preliminary")
    best = air_hourly(lake).order_by("time").execute()
    assert list(best.so2) == [9.0, 12.0] and next(iter(best.pm2_5)) == 48.0
    prelim_only = air_hourly(lake, status="preliminary").order_by("time").execute()
    assert list(prelim_only.so2) == [10.0, 12.0]
    everything = versions(lake, "air", status="all").to_pandas()
    assert sorted(everything.so2) == [9.0, 10.0, 11.0, 12.0]  # old versions kept and queryable
    assert everything.import_id.nunique() == 3


def test_default_policy_writes_nothing(lake: Lake, make_file) -> None:  # type: ignore[no-untyped-def]
    f = make_file("bad.csv", "station,time,so2\n1001A,2024-01-01T01:00,5\n1001A,2024-01-01T02:00,abc\n")
    (r,) = ingest(f, lake=lake)
    assert r.status == "rejected" and r.rows_accepted == 0
    assert lake.list("air", recursive=True) == []
    assert versions(lake, "air", status="all").count().execute() == 0
    assert [rec["status"] for rec in lake.records()] == ["rejected"]
    (again,) = ingest(f, lake=lake)  # a rejected file is not "already imported"
    assert again.status == "rejected"


def test_accept_valid_writes_rows_and_reject_file(lake: Lake, make_file, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = make_file("bad.csv", "station,time,so2\n1001A,2024-01-01T01:00,5\n1001A,2024-01-01T02:00,abc\n")
    (r,) = ingest(f, lake=lake, accept_valid=True)
    assert (r.status, r.rows_accepted, r.rows_rejected) == ("partial", 1, 1)
    rejects = json.loads(lake.read_bytes(r.record["reject_file"] + ".json"))
    assert rejects == [
        {
            "file": "bad.csv",
            "sheet": "",
            "row": 3,
            "column": "so2",
            "value": "abc",
            "code": "number",
            "reason_zh": "不是数值",
            "reason_en": "not a number",
        }
    ]
    csv_path, json_path = r.write_report(tmp_path / "report")
    text = csv_path.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "file,sheet,row,column,value,code,reason_zh,reason_en"
    assert "bad.csv,,3,so2,abc,number,不是数值,not a number" in text
    assert json.loads(json_path.read_text(encoding="utf-8")) == rejects


def test_provenance_per_import_and_per_row(lake: Lake, lake_data: Path) -> None:
    (r,) = ingest(lake_data / "uci_dongsi_200.csv", lake=lake, who="tester")
    prov = provenance(lake).to_pylist()
    assert len(prov) == 1
    p = prov[0]
    assert (p["import_id"], p["file"], p["layout"], p["who"], p["status"]) == (
        r.import_id,
        "uci_dongsi_200.csv",
        "uci",
        "tester",
        "committed",
    )
    assert p["sha256"] == r.sha256 and p["rows_accepted"] == 200 and p["rows_rejected"] == 0
    files = json.loads(p["files"])
    assert files == [f"air/year=2013/{r.import_id}.parquet"]
    stored = pq.read_table(lake.path(files[0]))
    assert set(stored["import_id"].to_pylist()) == {r.import_id}
    assert stored["row"].to_pylist()[:3] == [2, 3, 4]


def test_mapping_file(lake: Lake, make_file, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A bureau export in GBK with Chinese headers, hour-start labels in UTC and CO in µg/m³."""
    mapping = tmp_path / "bureau.yaml"
    mapping.write_text(
        """
name: bureau-x
medium: air
shape: wide
columns: {station: 站点编码, so2: 二氧化硫, co: 一氧化碳, pm2_5: 细颗粒物}
time: {column: 监测时间, format: "%Y/%m/%d %H:%M", label: start, timezone: UTC}
units: {co: µg/m³}
missing: ["", "—"]
constants: {city: "320500"}
status: validated
licence: CC BY 4.0
""",
        encoding="utf-8",
    )
    f = make_file(
        "x.csv", "站点编码,监测时间,二氧化硫,一氧化碳,细颗粒物\n1166A,2024/01/01 15:00,8,800,—\n", "gbk"
    )
    (r,) = ingest(f, lake=lake, mapping=mapping)
    assert r.status == "committed", r.errors.to_pylist()
    df = air_hourly(lake).execute()
    assert str(df.time[0]) == "2024-01-02 00:00:00"  # 15:00 UTC start → 16:00 UTC end → 00:00 CST next day
    assert (df.city[0], df.so2[0], df.co[0]) == ("320500", 8.0, 0.8) and df.pm2_5.isna()[0]


def test_export_division_filter_and_formats(lake: Lake, lake_data: Path, tmp_path: Path) -> None:
    ingest(lake_data / "uci_dongsi_200.csv", lake=lake)
    assert (
        export(tmp_path / "none.csv", medium="air", lake=lake, division="320000")[0].read_text().count("\n")
        == 1
    )
    out = export(
        tmp_path / "d.xlsx",
        medium="air",
        fmt="xlsx",
        lake=lake,
        division="110000",
        start="2013-03-01 01:00",
        end="2013-03-01 10:00",
    )
    import openpyxl

    wb = openpyxl.load_workbook(out[0], read_only=True)
    assert wb.sheetnames == ["data", "dictionary", "licence"]
    assert len(list(wb["data"].iter_rows())) == 11
    pq_out = export(tmp_path / "d.parquet", medium="air", fmt="parquet", lake=lake)
    t = pq.read_table(pq_out[0])
    assert t.num_rows == 200 and b"pioneer.licence" in t.schema.metadata


@pytest.mark.parametrize("kind", ["bom", "gbk"])
def test_encodings_give_same_lake(lake: Lake, lake_data: Path, tmp_path: Path, kind: str) -> None:
    text = (lake_data / "cnemc_2026-03-02T09.csv").read_text(encoding="utf-8")
    f = tmp_path / f"{kind}.csv"
    f.write_bytes(("\ufeff" + text).encode() if kind == "bom" else text.encode("gbk"))
    (r,) = ingest(f, lake=lake)
    assert r.status == "committed" and r.record["encoding"] == {"bom": "utf-8-sig", "gbk": "gb18030"}[kind]
    names = versions(lake, "air", status="all").to_pandas().city_name
    assert "阿坝藏族羌族自治州" in set(names)
