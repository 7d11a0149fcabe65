"""One hand-made bad file per validation rule, with the located error it must give."""

from __future__ import annotations

from pathlib import Path

import pytest

from pioneer.guard.codes import STATION_CODE_REASON
from pioneer.lake.ingest import ingest
from pioneer.lake.storage import Lake

W = "station,time,so2,no2,co,o3,pm10,pm2_5\n"
OK = "1001A,2024-01-01T01:00,5,20,0.5,40,50,30\n"
UCI = '"No","year","month","day","hour","PM2.5","PM10","SO2","NO2","CO","O3","TEMP","PRES","DEWP","RAIN","wd","WSPM","station"\n'
UCI_OK = '1,2013,3,1,0,4,4,4,7,300,77,-0.7,1023,-18.8,0,"NNW",4.4,"Aotizhongxin"\n'
L = "station,time,item,value,unit\n"
CODE_ZH, CODE_EN = STATION_CODE_REASON

# (id, text, ingest options, expected (row, column, value, code, reason_zh, reason_en))
CASES = [
    (
        "schema",
        "station,so2\n1001A,5\n",
        {"layout": "wide"},
        (1, "time", None, "schema", "缺少必需的列", "required column missing (for 'time')"),
    ),
    (
        "row_fields",
        W + OK + "1001A,2024-01-01T02:00,5\n",
        {},
        (
            3,
            "",
            "1001A,2024-01-01T02:00,5",
            "row_fields",
            "字段个数不对（fields 3/8）",
            "wrong number of fields (fields 3/8)",
        ),
    ),
    (
        "missing_key",
        W + ",2024-01-01T01:00,5,20,0.5,40,50,30\n",
        {},
        (2, "station", "", "missing_key", "站点/断面/点位编码为空", "station is empty"),
    ),
    (
        "time",
        W + "1001A,2024-13-01T01:00,5,20,0.5,40,50,30\n",
        {},
        (2, "time", "2024-13-01T01:00", "time", "时间无法解析", "time cannot be parsed"),
    ),
    (
        "not_on_hour",
        W + "1001A,2024-01-01T01:30,5,20,0.5,40,50,30\n",
        {},
        (
            2,
            "time",
            "2024-01-01T01:30",
            "not_on_hour",
            "小时值的时间须为整点",
            "hourly time must be on the hour",
        ),
    ),
    (
        "hour_range",
        UCI + UCI_OK.replace(",0,4,4,", ",24,4,4,"),
        {},
        (2, "hour", "2013-3-1 24", "hour_range", "小时须在 0-23 之间", "hour must be within 0-23"),
    ),
    (
        "invalid_date",
        UCI + UCI_OK.replace("2013,3,1,", "2013,2,30,"),
        {},
        (2, "year+month+day+hour", "2013-2-30 0", "time", "日期无效", "invalid date"),
    ),
    (
        "number",
        W + "1001A,2024-01-01T01:00,5,20,0.5,4O,50,30\n",
        {},
        (2, "o3", "4O", "number", "不是数值", "not a number"),
    ),
    (
        "number_inf",
        W + "1001A,2024-01-01T01:00,inf,20,0.5,40,50,30\n",
        {},
        (2, "so2", "inf", "number", "不是数值", "not a number"),
    ),
    (
        "range_negative",
        W + "1001A,2024-01-01T01:00,5,20,0.5,40,50,-3\n",
        {},
        (
            2,
            "pm2_5",
            "-3",
            "range",
            "超出合理范围 [0, 5000] ug/m3",
            "outside the plausible range [0, 5000] ug/m3",
        ),
    ),
    (
        "range_after_conversion",
        UCI + UCI_OK.replace(",300,", ",300000,"),
        {},
        (
            2,
            "CO",
            "300000",
            "range",
            "超出合理范围 [0, 150] mg/m3（由 ug/m3 换算）",
            "outside the plausible range [0, 150] mg/m3 (converted from ug/m3)",
        ),
    ),
    (
        "unit",
        L + "1001A,2024-01-01T01:00,co,300,µg/m³\n",
        {},
        (
            2,
            "unit",
            "µg/m³",
            "unit",
            "单位不是术语表单位，且映射文件未声明换算",
            "unit is not the glossary unit and the mapping declares no conversion",
        ),
    ),
    (
        "unknown_item",
        L + "1001A,2024-01-01T01:00,benzene,3,ug/m3\n",
        {},
        (
            2,
            "item",
            "benzene",
            "unknown_item",
            "监测项目不在空气术语表中（so2, no2, co, o3, pm10, pm2_5）",
            "item not in the air glossary (so2, no2, co, o3, pm10, pm2_5)",
        ),
    ),
    (
        "unknown_station_registry",
        W + OK.replace("1001A", "9999A"),
        {"known_stations": {"1001A": "110000"}},
        (
            2,
            "station",
            "9999A",
            "unknown_station",
            "站点不在已登记的站点中",
            "station not among the registered stations",
        ),
    ),
    (
        "unknown_station_layout",
        UCI + UCI_OK.replace('"Aotizhongxin"', '"Atlantis"'),
        {},
        (
            2,
            "station",
            "Atlantis",
            "unknown_station",
            "站点名称不在本格式的站点表中",
            "station name not in this layout's station list",
        ),
    ),
    (
        "city_code",
        "station,city,time,so2\n1001A,1100,2024-01-01T01:00,5\n",
        {"layout": "wide"},
        (2, "city", "1100", "city_code", "行政区划代码须为 6 位数字", "division code must be 6 digits"),
    ),
    (
        "city_mismatch",
        "station,city,time,so2\n1001A,120000,2024-01-01T01:00,5\n",
        {"layout": "wide", "known_stations": {"1001A": "110000"}},
        (
            2,
            "city",
            "120000",
            "city_mismatch",
            "行政区划与已登记站点的不一致",
            "division differs from the registered station's",
        ),
    ),
    (
        "duplicate",
        W + OK + OK,
        {},
        (
            3,
            "station",
            "1001A 2024-01-01 01:00:00",
            "duplicate",
            "重复行（与第 2 行相同，保留第一行）",
            "duplicate of row 2 (first kept)",
        ),
    ),
    (
        "zone_class",
        "point,zone_class,time,leq\nN01,5,2024-01-01 10:00,55.2\n",
        {},
        (
            2,
            "zone_class",
            "5",
            "zone_class",
            "声环境功能区类别须为 0、1、2、3、4a、4b（GB 3096-2008 第4章）",
            "zone class must be 0, 1, 2, 3, 4a or 4b (GB 3096-2008 §4)",
        ),
    ),
    (
        "noise_not_on_hour",  # the lake's `noise` layout holds hourly L_Aeq, as `noise-hourly` does
        "point,zone_class,time,leq\nN01,1,2024-01-01 02:30,55.2\n",
        {},
        (
            2,
            "time",
            "2024-01-01 02:30",
            "not_on_hour",
            "小时值的时间须为整点",
            "hourly time must be on the hour",
        ),
    ),
    (
        "key_code",  # a quoted cell with a line break is no station code (guard.codes.CODE_PATTERN)
        W + '"1001A\n",2024-01-01T01:00,5,20,0.5,40,50,30\n',
        {},
        (2, "station", "1001A\n", "key_code", CODE_ZH, CODE_EN),
    ),
    (
        "key_code_noise",
        'point,zone_class,time,leq\n"N01\r\n",1,2024-01-01 10:00,55.2\n',
        {},
        (2, "point", "N01\r\n", "key_code", CODE_ZH, CODE_EN),
    ),
    (
        "key_code_water",
        "section,time,item,value,unit\nS/1,2024-01-05,cod,15,mg/L\n",
        {},
        (2, "section", "S/1", "key_code", CODE_ZH, CODE_EN),
    ),
    (
        "noise_range",
        "point,zone_class,time,leq\nN01,4a,2024-01-01 10:00,255\n",
        {},
        (
            2,
            "leq",
            "255",
            "range",
            "超出合理范围 [20, 140] dB(A)",
            "outside the plausible range [20, 140] dB(A)",
        ),
    ),
    (
        "water_number",
        "section,time,item,value,unit\nS1,2024-01-05,cod,abc,mg/L\n",
        {},
        (
            2,
            "value",
            "abc",
            "number",
            "不是数值，也不是检出限写法（ND、未检出、<x、xL）",
            "not a number nor a detection-limit notation (ND, 未检出, <x, xL)",
        ),
    ),
    (
        "layout_unknown",
        "a,b\n1,2\n",
        {},
        (
            1,
            None,
            None,
            "read",
            "第 1 行 无法识别表格格式，请用 --layout 或 --mapping 指定",
            "row 1: layout not recognised; choose one with --layout or --mapping",
        ),
    ),
]


@pytest.mark.parametrize(("text", "opts", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule(lake: Lake, make_file, text: str, opts: dict, expected: tuple) -> None:  # type: ignore[no-untyped-def,type-arg]
    f = make_file("bad.csv", text)
    (r,) = ingest(f, lake=lake, **opts)
    assert r.status == "rejected"
    errors = [
        (e["row"], e["column"], e["value"], e["code"], e["reason_zh"], e["reason_en"])
        for e in r.errors.to_pylist()
    ]
    assert expected in errors, errors
    assert all(e["file"] == "bad.csv" for e in r.errors.to_pylist())
    assert lake.list("air", recursive=True) == lake.list("water", recursive=True) == []


def test_conflicting_duplicates_all_rejected(lake: Lake, make_file) -> None:  # type: ignore[no-untyped-def]
    f = make_file("c.csv", W + OK + OK.replace(",5,", ",6,") + OK.replace("01:00", "02:00"))
    (r,) = ingest(f, lake=lake, accept_valid=True)
    codes = {(e["row"], e["code"]) for e in r.errors.to_pylist()}
    assert codes == {(2, "conflicting_duplicate"), (3, "conflicting_duplicate")}
    assert r.rows_accepted == 1


def test_encoding_error_located(lake: Lake, tmp_path: Path) -> None:
    f = tmp_path / "enc.csv"
    f.write_bytes(
        "station,time,so2\n万寿西宫,2024-01-01T01:00,5\n".encode("gbk") + b"\x81\xff,2024-01-01T02:00,5\n"
    )
    (r,) = ingest(f, lake=lake)
    (e,) = r.errors.to_pylist()
    assert (e["row"], e["code"], e["value"]) == (3, "read", "81")
    assert "字符编码错误" in e["reason_zh"] and "bytes not valid gb18030" in e["reason_en"]


def test_long_layout_declared_conversion(lake: Lake, make_file, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    m = tmp_path / "m.yaml"
    m.write_text("base: long\nunits: {co: ug/m3}\n", encoding="utf-8")
    f = make_file(
        "l.csv",
        L + "1001A,2024-01-01T01:00,co,300,µg/m³\n1001A,2024-01-01T01:00,PM2.5,33,μg/m3\n"
        "1001A,2024-01-01 24:00,co,0.7,mg/m3\n",
    )
    (r,) = ingest(f, lake=lake, mapping=m)
    assert r.status == "committed", r.errors.to_pylist()
    from pioneer.lake.query import air_hourly

    df = air_hourly(lake).order_by("time").execute()
    assert list(df.co) == [0.3, 0.7] and df.pm2_5[0] == 33.0
    assert str(df.time[1]) == "2024-01-02 00:00:00"  # "24:00" = 00:00 of the next day


def test_water_detection_limits_kept(lake: Lake, make_file) -> None:  # type: ignore[no-untyped-def]
    f = make_file(
        "w.csv",
        "section,time,item,value,unit\nS1,2024-01-05,cod,15,mg/L\nS1,2024-01-05,hg,ND,mg/L\n"
        "S1,2024-01-05,cd,<0.001,mg/l\nS1,2024-01-05,pb,0.01L,mg/L\nS1,2024-01-05,as,未检出,mg/L\n",
    )
    (r,) = ingest(f, lake=lake)
    assert r.status == "committed", r.errors.to_pylist()
    from pioneer.lake.query import water_samples

    df = water_samples(lake).order_by("item").execute()
    got = {
        i: (None if v != v else v, None if fl != fl else fl, raw, u)
        for i, v, fl, raw, u in zip(df["item"], df.value, df.flag, df.raw, df.unit, strict=True)
    }
    assert got == {
        "as": (None, "ND", "未检出", "mg/L"),
        "cd": (0.001, "<", "<0.001", "mg/L"),
        "cod": (15.0, None, "15", "mg/L"),
        "hg": (None, "ND", "ND", "mg/L"),
        "pb": (0.01, "L", "0.01L", "mg/L"),
    }


def test_water_wide_and_noise(lake: Lake, make_file) -> None:  # type: ignore[no-untyped-def]
    (w,) = ingest(
        make_file("ww.csv", "section,time,ph,do,nh3_n\nS2,2024-02-01 09:30,7.6,8.1,0.05L\n"), lake=lake
    )
    (n,) = ingest(make_file("n.csv", "point,zone_class,time,leq\nN01,4A,2024-01-01 10:00,55.2\n"), lake=lake)
    assert (w.status, n.status) == ("committed", "committed")
    from pioneer.lake.query import noise_points, water_samples

    assert water_samples(lake).count().execute() == 3
    nz = noise_points(lake).execute()
    assert (nz.zone_class[0], nz.leq[0]) == ("4a", 55.2)
    assert lake.list("noise", recursive=True) and lake.list("water", recursive=True)
