"""Stations on SQLite and PostgreSQL: the Beijing seed, bulk import all-or-nothing with located errors."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select

from pioneer.registry.errors import ImportFailedError, PermissionDeniedError
from pioneer.registry.permissions import Actor, Role
from pioneer.registry.stations import service as stations
from pioneer.registry.stations.models import Station

OFFICE = Actor("office", Role.PROGRAMME_OFFICE)
HEADER = "station_code,name,medium,division_code,longitude,latitude,datum,active_from,active_to,air_class,water_body,basin,cross_boundary,upstream_division_code,downstream_division_code,noise_zone_class\n"
GOOD = [
    "T001,测试空气站,air,330523,119.68,30.63,WGS84,2020-01-01,,provincial,,,,,,",
    "T002,省界断面,water,320581,120.75,31.65,CGCS2000,2019-01-01,,,river,太湖流域,是,320500,310000,",
    "T003,功能区点,noise,440106,113.36,23.12,WGS84,,,,,,,,,4a",
]


def write(tmp_path, rows, name="stations.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def count(session):
    return session.scalar(select(func.count()).select_from(Station))


def test_beijing_seed(session):
    beijing = stations.list_stations(session, medium="air", within="110000")
    assert [s.code for s in beijing] == [f"{i}A" for i in range(1001, 1013)]
    dongsi = stations.station(session, "1003A")
    assert (dongsi.name, dongsi.division_code, dongsi.datum) == ("东四", "110101", "WGS84")
    assert stations.station(session, "1002A").air_class == "control"  # 定陵 is the control point (对照点)


def test_import_good_file(session, tmp_path):
    before = count(session)
    report = stations.import_stations(session, write(tmp_path, GOOD), actor=OFFICE)
    assert report.rows == 3 and count(session) == before + 3
    water = stations.station(session, "T002")
    assert (water.cross_boundary, water.upstream_division_code, water.downstream_division_code) == (
        True,
        "320500",
        "310000",
    )
    assert stations.station(session, "T003").noise_zone_class == "4a"
    assert stations.station(session, "T001").water_body is None


def test_import_excel_with_chinese_headers(session, tmp_path):
    frame = pd.DataFrame(
        {
            "站点编码": ["X1"],
            "站点名称": ["甲"],
            "介质": ["air"],
            "行政区划代码": ["110105"],
            "经度": ["116.4"],
            "纬度": ["39.9"],
            "坐标系": ["WGS84"],
            "空气站类型": ["national"],
        }
    )
    path = tmp_path / "stations.xlsx"
    frame.to_excel(path, index=False)
    assert stations.import_stations(session, path, actor=OFFICE).codes == ["X1"]


@pytest.mark.parametrize(
    ("row", "column", "zh"),
    [
        ("1001A,重复,air,110101,116.4,39.9,WGS84,,,national,,,,,,", "station_code", "已存在"),
        ("T009,未知区划,air,999999,116.4,39.9,WGS84,,,national,,,,,,", "division_code", "未知的行政区划代码"),
        ("T009,崇文,air,110103,116.4,39.9,WGS84,2015-01-01,,national,,,,,,", "division_code", "不在用"),
        ("T009,境外,air,110101,2.35,48.85,WGS84,,,national,,,,,,", "longitude", "超出中国范围"),
        ("T009,纬度,air,110101,116.4,60.1,WGS84,,,national,,,,,,", "latitude", "超出中国范围"),
        ("T009,非数,air,110101,abc,39.9,WGS84,,,national,,,,,,", "longitude", "不是数字"),
        ("T009,坐标系,air,110101,116.4,39.9,Beijing54,,,national,,,,,,", "datum", "坐标系"),
        ("T009,类型,air,110101,116.4,39.9,WGS84,,,county,,,,,,", "air_class", "空气站类型"),
        ("T009,跨界,water,320581,120.7,31.6,WGS84,,,,river,,是,,310000,", "upstream_division_code", "上下游"),
        ("T009,噪声,noise,110101,116.4,39.9,WGS84,,,,,,,,,5", "noise_zone_class", "GB 3096"),
        ("T009,日期,air,110101,116.4,39.9,WGS84,2020-13-01,,national,,,,,,", "active_from", "日期格式"),
        ("T0/9,斜杠,air,110101,116.4,39.9,WGS84,,,national,,,,,,", "station_code", "只能包含字母"),
        ("T009,四类,noise,110101,116.4,39.9,WGS84,,,,,,,,,4类", "noise_zone_class", "GB 3096"),
        ("T009,,air,110101,116.4,39.9,WGS84,,,national,,,,,,", "name", "必填"),
    ],
)
def test_bad_row_rejects_whole_file(session, tmp_path, row, column, zh):
    before = count(session)
    with pytest.raises(ImportFailedError) as err:
        stations.import_stations(session, write(tmp_path, [*GOOD, row]), actor=OFFICE)
    located = [e for e in err.value.errors if e.column == column]
    assert located and located[0].row == 5 and located[0].file == "stations.csv"
    assert zh in located[0].message_zh and "nothing written" in err.value.message_en
    assert count(session) == before


def test_duplicate_in_file_located_on_both_rows(session, tmp_path):
    with pytest.raises(ImportFailedError) as err:
        stations.import_stations(session, write(tmp_path, [GOOD[0], GOOD[0]]), actor=OFFICE)
    assert [(e.row, e.column) for e in err.value.errors] == [(2, "station_code"), (3, "station_code")]


def test_missing_column(session, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("station_code,name\nA,B\n", encoding="utf-8")
    with pytest.raises(ImportFailedError) as err:
        stations.import_stations(session, path, actor=OFFICE)
    assert {e.column for e in err.value.errors} == {
        "medium",
        "division_code",
        "longitude",
        "latitude",
        "datum",
    }


def test_scope_is_checked_per_row(session, tmp_path):
    zhejiang = Actor("zj", Role.PROVINCE, ("330000",))
    with pytest.raises(ImportFailedError) as err:
        stations.import_stations(session, write(tmp_path, GOOD), actor=zhejiang)
    assert [e.row for e in err.value.errors] == [3, 4]
    with pytest.raises(PermissionDeniedError):
        stations.import_stations(session, write(tmp_path, GOOD), actor=Actor("z", Role.ZONE, ("330523",)))


def test_zone_class_as_gb3096_writes_it_stored_canonical(session, tmp_path):
    """GB 3096-2008 §4 names the classes "1类" … "4b类": the register reads them as the lake does
    (``standards.noise.zone_class``) and stores the class."""
    rows = [
        GOOD[2].replace("T003", "T031").replace(",4a", ",4A类"),
        GOOD[2].replace("T003", "T032").replace(",4a", ",1 类"),
    ]
    stations.import_stations(session, write(tmp_path, rows), actor=OFFICE)
    assert [stations.station(session, c).noise_zone_class for c in ("T031", "T032")] == ["4a", "1"]


def test_station_code_shape_checked_on_the_model():
    """The ORM model holds every route to the station-code shape (guard.codes): names of water sections pass,
    a line break or a '/' does not."""
    from pioneer.errors import InputError

    assert Station(code="刘庄").code == "刘庄"
    for bad in ("1001A\n", "a/b", "..", ""):
        with pytest.raises(InputError):
            Station(code=bad)
