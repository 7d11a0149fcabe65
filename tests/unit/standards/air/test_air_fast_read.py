"""The calculator's fast typed read (``read_hourly_fast``) accepts exactly the clean files and reads them as
``read_table`` does; anything doubtful goes to the row-located general path."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest
from typer.testing import CliRunner

from pioneer.commands import air as air_cmd
from pioneer.commands.air import app
from pioneer.commands.air_input import HOURLY_WITH_CITY, read_hourly_fast, read_table

HEADER = "station,city,time,so2,no2,co,o3,pm10,pm2_5\n"
CLEAN = [
    "A,110000,2025-01-01T01:00,5,20,0.5,60,100,30\n",
    "A,110000,2025-01-01T02:00,NA,21,/,61,—,31\n",
    'B,110000,2025-01-01T01:00,,22.5,0.7,-,"102",NaN\n',
    "C,120000,2025-01-02T00:00,7,23,1.2,63,103,33\n",
]


def _frame(t, con):
    df = con.execute(t.select("station", "city", "time", "so2", "no2", "co", "o3", "pm10", "pm2_5"))
    return df.sort_values(["station", "time"]).reset_index(drop=True)


def test_clean_file_is_read_as_the_general_path_reads_it(tmp_path):
    path = tmp_path / "clean.csv"
    path.write_text(HEADER + "".join(CLEAN))
    con = ibis.duckdb.connect()
    fast = read_hourly_fast(path, HOURLY_WITH_CITY, con=con)
    assert fast is not None
    general = read_table(path, HOURLY_WITH_CITY, con=con)
    pd.testing.assert_frame_equal(_frame(fast, con), _frame(general, con), check_dtype=False)
    assert _frame(fast, con).co.isna().sum() == 1 and _frame(fast, con).pm2_5.isna().sum() == 1


@pytest.mark.parametrize(
    "line",
    [
        " A,110000,2025-01-01T03:00,5,20,0.5,60,100,30\n",  # padded identifier
        "NA,110000,2025-01-01T03:00,5,20,0.5,60,100,30\n",  # a missing marker as station
        "A,11000,2025-01-01T03:00,5,20,0.5,60,100,30\n",  # city not a 6-digit code
        "A,110000,2025-01-01T24:00,5,20,0.5,60,100,30\n",  # 24:00 label (general path converts it)
        "A,110000,2025-01-01 03:00,5,20,0.5,60,100,30\n",  # another time format
        "A,110000,,5,20,0.5,60,100,30\n",  # no time
        "A,110000,2025-01-01T03:00,abc,20,0.5,60,100,30\n",  # not a number
        "A,110000,2025-01-01T03:00,5,-1,0.5,60,100,30\n",  # negative
        "A,110000,2025-01-01T03:00,5,20,800,60,100,30\n",  # CO in µg/m³
        "A,110000,2025-01-01T01:00,5,20,0.5,60,100,30\n",  # duplicate station-hour
        "A,110000,2025-01-01T03:00,5,20,0.5,60,100\n",  # a field short
        '"A\n",110000,2025-01-01T03:00,5,20,0.5,60,100,30\n',  # a line break in a station code (key_code)
        "A/B,110000,2025-01-01T03:00,5,20,0.5,60,100,30\n",  # a '/' in a station code
        "A,１１００００,2025-01-01T03:00,5,20,0.5,60,100,30\n",  # full-width digits are no division code
    ],
)
def test_doubtful_files_go_to_the_general_path(tmp_path, line):
    path = tmp_path / "doubt.csv"
    path.write_text(HEADER + "".join(CLEAN) + line)
    assert read_hourly_fast(path, HOURLY_WITH_CITY, con=ibis.duckdb.connect()) is None


@pytest.mark.parametrize(
    "header", [HEADER.replace("pm2_5", "pm2_5,extra"), HEADER.replace(",", ";"), HEADER.replace("so2", "SO2")]
)
def test_unusual_headers_go_to_the_general_path(tmp_path, header):
    path = tmp_path / "h.csv"
    path.write_text(header + "".join(line.replace(",", ";") if ";" in header else line for line in CLEAN))
    assert read_hourly_fast(path, HOURLY_WITH_CITY, con=ibis.duckdb.connect()) is None


def test_daily_output_is_the_same_with_or_without_the_fast_read(tmp_path, monkeypatch):
    rows = [
        f"S{s},110000,2025-01-{d:02d}T{h:02d}:00,{5 + h % 3},{20 + s},{0.5 + h / 100:.2f},{40 + 3 * h},NA,{30 + d}\n"
        for s in (1, 2)
        for d in range(1, 4)
        for h in range(1, 24)
    ]
    inp = tmp_path / "h.csv"
    inp.write_text(HEADER + "".join(rows))
    assert read_hourly_fast(inp, HOURLY_WITH_CITY, con=ibis.duckdb.connect()) is not None
    runner = CliRunner()
    fast, general = tmp_path / "fast.csv", tmp_path / "general.csv"
    assert runner.invoke(app, ["daily", str(inp), "-o", str(fast)]).exit_code == 0
    monkeypatch.setattr(air_cmd, "read_hourly_fast", lambda *a, **k: None)
    assert runner.invoke(app, ["daily", str(inp), "-o", str(general)]).exit_code == 0
    assert fast.read_text() == general.read_text()
