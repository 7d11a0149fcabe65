"""One reading of a cell for the lake and the air calculator (pioneer.lake.cells): the same missing markers and
time formats, so a row accepted by one is accepted by the other, with the same time and the same empty values."""

from __future__ import annotations

import datetime as dt

import ibis
import pytest

from pioneer.commands.air_input import HOURLY, InputErrors, read_table
from pioneer.lake import cells
from pioneer.lake.layouts import BUILTIN, DEFAULT_MISSING, DEFAULT_TIME_FORMATS
from pioneer.lake.readers import read_file
from pioneer.lake.validate import check

HEADER = "station,time,so2,no2,co,o3,pm10,pm2_5\n"
# (time text, the China Standard Time both must read)
TIMES = [
    ("2025/03/01 02:00", dt.datetime(2025, 3, 1, 2)),  # slashes, the case the two once judged differently
    ("2025-03-01T03:00+08:00", dt.datetime(2025, 3, 1, 3)),  # zone given
    ("2025-03-01T20:00Z", dt.datetime(2025, 3, 2, 4)),  # UTC → CST
    ("2025030105", dt.datetime(2025, 3, 1, 5)),
    ("2025-03-01 06", dt.datetime(2025, 3, 1, 6)),
    ("2025-03-01T24:00", dt.datetime(2025, 3, 2, 0)),  # the 24th hour-end label
]
MARKERS = ["null", "NULL", "NA", "/", "—", "", "NaN"]


def _file(tmp_path, lines):
    path = tmp_path / "hours.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def _lake(path):
    sheet = read_file(path.name, path.read_bytes()).sheets[0]
    return check(sheet.table, BUILTIN["wide"], bad_rows=sheet.bad_rows)


def test_one_list_of_markers_and_formats():
    assert DEFAULT_MISSING is cells.MISSING and DEFAULT_TIME_FORMATS is cells.TIME_FORMATS
    assert {"null", "NULL", "NA", "/", ""} <= set(cells.MISSING)
    assert "%Y/%m/%d %H:%M" in cells.TIME_FORMATS


def test_lake_and_calculator_read_the_same_times_and_missing_values(tmp_path):
    # no2: a missing marker in every row; pm2_5: a number in even rows, a marker in odd rows
    lines = [
        f"A,{text},{i},{MARKERS[i % len(MARKERS)]},0.5,60,100,{30 + i if i % 2 == 0 else MARKERS[i]}\n"
        for i, (text, _) in enumerate(TIMES)
    ]
    path = _file(tmp_path, lines)
    lake = _lake(path)
    assert lake.errors.num_rows == 0, lake.errors.to_pylist()
    con = ibis.duckdb.connect()
    calc = con.execute(read_table(path, HOURLY, con=con)).sort_values("time").reset_index(drop=True)
    stored = lake.rows.to_pandas().sort_values("time").reset_index(drop=True)
    want = sorted(t for _, t in TIMES)
    assert list(calc["time"].dt.to_pydatetime()) == want
    assert [t.replace(tzinfo=None) for t in stored["time"].dt.to_pydatetime()] == want
    for item in ("so2", "no2", "pm2_5"):
        assert list(calc[item].isna()) == list(stored[item].isna()), item
        assert list(calc[item].dropna()) == list(stored[item].dropna()), item
    assert calc["no2"].isna().all() and calc["pm2_5"].isna().sum() == 3


@pytest.mark.parametrize("text", ["2025-13-01T01:00", "03/01/2025 02:00", "2025-03-01T25:00", "yesterday"])
def test_a_time_both_reject(tmp_path, text):
    path = _file(tmp_path, [f"A,{text},5,20,0.5,60,100,30\n"])
    lake = _lake(path)
    assert [(e["row"], e["column"]) for e in lake.errors.to_pylist()] == [(2, "time")]
    with pytest.raises(InputErrors) as caught:
        read_table(path, HOURLY, con=ibis.duckdb.connect())
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "time")]
