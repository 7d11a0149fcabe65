"""``pioneer air`` calculator: contract columns, bad input with located bilingual errors and no output."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pioneer.cli import app

DATA = Path(__file__).parents[3] / "data" / "air"
runner = CliRunner()
HEADER = "station,city,time,so2,no2,co,o3,pm10,pm2_5\n"


def run(*args: str):
    return runner.invoke(app, ["air", *map(str, args)])


def test_aqi_hourly_reproduces_cnemc_2026(tmp_path):
    src = pd.read_csv(DATA / "sample_2026-03-02T09.csv", dtype=str, keep_default_na=False)
    inp = tmp_path / "in.csv"
    src.rename(columns={"stationcode": "station", "timepoint": "time"})[
        ["station", "time", "so2", "no2", "co", "o3", "pm10", "pm2_5"]
    ].to_csv(inp, index=False)
    out = tmp_path / "out.csv"
    res = run("aqi", inp, "--report", "hourly", "-o", out)
    assert res.exit_code == 0, res.output
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(got.columns[:8]) == ["station", "time", "so2", "no2", "co", "o3", "pm10", "pm2_5"]
    assert {"iaqi_pm2_5", "aqi", "primary_pollutant", "level", "category", "edition"} <= set(got.columns)
    published = src.aqi != "NA"
    assert (got.aqi[published] == src.aqi[published]).all()
    assert (got.primary_pollutant[published] == src.primarypollutant[published].replace("NA", "")).all()
    assert set(got.edition) == {"2026"}


def test_aqi_daily_2012_uses_seven_items(tmp_path):
    inp = tmp_path / "d.csv"
    inp.write_text("station,time,so2,no2,co,pm10,pm2_5,o3_8h_max,o3_1h_max\n"
                   "A,2025-07-01,5,20,0.5,40,20,150,250\nA,2026-07-01,5,20,0.5,40,20,150,250\n")  # fmt: skip
    out = tmp_path / "o.csv"
    assert run("aqi", inp, "--report", "daily", "-o", out).exit_code == 0
    got = pd.read_csv(out)
    r12, r26 = got.iloc[0], got.iloc[1]
    assert r12.edition == 2012 and r12.aqi == 125 and r12.primary_pollutant == "臭氧1小时"  # O3 1-h 250
    assert (
        r26.edition == 2026 and r26.aqi == 92 and r26.primary_pollutant == "臭氧8小时"
    )  # ⌈50 + 50·50/60⌉; 1-h not in 2026
    assert r26.category == "良"


def test_daily_and_annual_commands(tmp_path):
    rows = [f"S{s},110000,2025-01-{d:02d}T{h:02d}:00,5,20,0.5,60,100,30\n" for s in (1, 2) for d in range(1, 4)
            for h in range(1, 24)]  # fmt: skip
    inp = tmp_path / "h.csv"
    inp.write_text(HEADER + "".join(rows))
    out = tmp_path / "daily.csv"
    res = run("daily", inp, "-o", out)
    assert res.exit_code == 0, res.output
    got = pd.read_csv(out)
    assert set(got.level) == {"station", "city"} and len(got) == 9
    assert {"id", "date", "o3_8h_max", "o3_1h_max", "aqi", "primary_pollutant", "category"} <= set(
        got.columns
    )
    ann = tmp_path / "annual.csv"
    res = run("annual", inp, "--year", "2025", "-o", ann)
    assert res.exit_code == 0, res.output
    a = pd.read_csv(ann)
    assert {"level", "id", "year", "edition", "pm2_5_annual_mean", "pm2_5_valid_days", "pm2_5_p95", "co_p95",
            "o3_8h_p90", "compliant", "composite_index", "good_day_ratio", "days_优"} <= set(a.columns)  # fmt: skip
    assert a.pm2_5_valid_days.tolist() == [3, 3, 3] and a.pm2_5_annual_mean.isna().all()  # too few days


@pytest.mark.parametrize(
    ("body", "row", "column", "zh"),
    [
        (
            HEADER.replace("pm2_5", "pm2_5,extra") + "A,110000,2025-01-01T01:00,1,1,1,1,1,1,1\n",
            1,
            "extra",
            "未知列",
        ),
        (HEADER + "A,110000,2025-01-01T01:00,abc,1,1,1,1,1\n", 2, "so2", "不是数值"),
        (HEADER + "A,110000,2025-01-01T01:00,1,-3,1,1,1,1\n", 2, "no2", "超出合理范围 [0, 3000]"),
        (
            HEADER + "A,110000,2025-01-01T01:00,1,1,1,1,1,1\nA,110000,2025-01-01T01:00,2,1,1,1,1,1\n",
            3,
            "station",
            "重复",
        ),
        (HEADER + "A,110000,01/02/2025 1h,1,1,1,1,1,1\n", 2, "time", "时间无法解析"),
        (HEADER + "A,110000,2025-01-01T01:00,1,1,800,1,1,1\n", 2, "co", "[0, 150] mg/m3"),
    ],
)
def test_bad_input_is_located_bilingual_and_writes_nothing(tmp_path, body, row, column, zh):
    # the reasons are the lake checker's (issue 12: one checker for the calculator, the lake and the upload)
    inp = tmp_path / "bad.csv"
    inp.write_text(body)
    for command in (["daily", inp], ["annual", inp, "--year", "2025"]):
        out = tmp_path / "out.csv"
        res = run(*command, "-o", out)
        assert res.exit_code != 0
        assert not out.exists() and not list(tmp_path.glob(".out.csv*"))
        text = res.output
        assert "bad.csv" in text and f"第 {row} 行" in text and f"row {row}" in text
        assert column in text and zh in text and "error" in text


def test_hour_24_label_closes_the_day(tmp_path):
    rows = [f"A,110000,2025-01-01T{h:02d}:00,5,5,0.5,50,50,20\n" for h in range(1, 24)]
    inp = tmp_path / "h24.csv"
    inp.write_text(HEADER + "".join(rows) + "A,110000,2025-01-01T24:00,5,5,0.5,50,50,44\n")
    out = tmp_path / "o.csv"
    assert run("daily", inp, "-o", out).exit_code == 0
    got = pd.read_csv(out)
    assert got.date.tolist() == ["2025-01-01", "2025-01-01"] and (got.pm2_5 == 21).all()  # (23·20 + 44)/24


def test_aqi_output_keeps_the_input_text_and_order(tmp_path):
    body = (
        "station,time,so2,no2,co,o3,pm10,pm2_5\n"
        '"X-1",2026-02-28T24:00,1000,2000,20,900,700,600\n'  # 2012 edition (the day is 02-28)
        "Y,2026-03-01T02:00,10.5,40.5,1.05,160.5,50.5,75.5\n"
        "Y,2026-03-01T01:00, NA ,/,—,,-,35.5\n"
    )
    inp = tmp_path / "in.csv"
    inp.write_text(body)
    out = tmp_path / "out.csv"
    assert run("aqi", inp, "--report", "hourly", "-o", out).exit_code == 0
    given = pd.read_csv(inp, dtype=str, keep_default_na=False)
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(got[given.columns], given)  # the cells as written, in input order
    assert got.edition.tolist() == ["2012", "2026", "2026"]
    assert got.aqi.tolist() == ["500", "115", "52"] and got.aqi_withheld.tolist() == [
        "False",
        "False",
        "True",
    ]
    assert (
        got.primary_pollutant[0] == "颗粒物(PM10),细颗粒物(PM2.5)" and got.beyond_table[0] == "so2,pm10,pm2_5"
    )
    assert got.primary_pollutant[1] == "细颗粒物(PM2.5)" and got.exceeding_pollutants[1] == ""
    # the computed columns in the order of the 2012 report (the auto edition's first part); no temporary file left
    assert [c for c in got.columns if c.startswith("iaqi_")][:3] == ["iaqi_so2", "iaqi_no2", "iaqi_pm10"]
    assert {p.name for p in tmp_path.iterdir()} == {"in.csv", "out.csv"}
