"""Readers: Excel (one sheet or all), Parquet, and fuzzing of mangled CSV/Excel bytes (never a traceback)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pioneer.errors import InputError
from pioneer.lake.ingest import ingest
from pioneer.lake.readers import read_file
from pioneer.lake.storage import Lake


def _xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


HEAD = ["station", "time", "so2", "co"]


def test_excel_all_sheets_and_chosen_sheet(tmp_path: Path) -> None:
    data = _xlsx(
        {
            "一月": [HEAD, ["1001A", "2024-01-01T01:00", 5, 0.4]],
            "二月": [HEAD, ["1001A", "2024-02-01T01:00", 6.5, None]],
        }
    )
    f = tmp_path / "book.xlsx"
    f.write_bytes(data)
    lake = Lake(tmp_path / "lake")
    (r,) = ingest(f, lake=lake)
    assert r.status == "committed" and r.rows_accepted == 2 and r.record["sheets"] == ["一月", "二月"]
    lake2 = Lake(tmp_path / "lake2")
    (r2,) = ingest(f, lake=lake2, sheet="二月")
    assert r2.rows_accepted == 1


def test_excel_errors_name_the_sheet(tmp_path: Path) -> None:
    f = tmp_path / "book.xlsx"
    f.write_bytes(
        _xlsx(
            {
                "ok": [HEAD, ["1001A", "2024-01-01T01:00", 5, 0.4]],
                "坏": [HEAD, ["1001A", "2024-01-01T02:00", "x", 1]],
            }
        )
    )
    (r,) = ingest(f, lake=Lake(tmp_path / "lake"))
    assert [(e["sheet"], e["row"], e["column"], e["value"]) for e in r.errors.to_pylist()] == [
        ("坏", 2, "so2", "x")
    ]


def test_excel_datetime_cells(tmp_path: Path) -> None:
    import datetime as dt

    f = tmp_path / "d.xlsx"
    f.write_bytes(_xlsx({"s": [HEAD, ["1001A", dt.datetime(2024, 1, 1, 1), 5, 0.4]]}))
    (r,) = ingest(f, lake=Lake(tmp_path / "lake"))
    assert r.status == "committed", r.errors.to_pylist()


def test_parquet_input(tmp_path: Path) -> None:
    f = tmp_path / "p.parquet"
    pq.write_table(
        pa.table({"station": ["1001A"], "time": ["2024-01-01T01:00"], "so2": [5.0], "co": [None]}), f
    )
    (r,) = ingest(f, lake=Lake(tmp_path / "lake"))
    assert r.status == "committed" and r.rows_accepted == 1


def test_forced_encoding_overrides_detection() -> None:
    data = "station,time,so2\n东四,2024-01-01T01:00,5\n".encode("gbk")
    assert read_file("x.csv", data, encoding="gbk").encoding == "gb18030"
    try:
        read_file("x.csv", data, encoding="utf-8")
    except InputError as exc:
        assert exc.row == 2 and "utf-8" in exc.message_en
    else:
        raise AssertionError("forced utf-8 must fail on GBK bytes")


GOOD_CSV = (
    "station,time,so2,no2,co,o3,pm10,pm2_5\n"
    + "".join(f"1001A,2024-01-01T{h:02d}:00,5,20,0.5,40,50,30\n" for h in range(1, 12))
).encode()
GOOD_XLSX = _xlsx(
    {"s": [["station", "time", "so2"], *[["1001A", f"2024-01-01T{h:02d}:00", h] for h in range(1, 6)]]}
)


def _mangle(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    b = bytearray(data)
    for pos, cut, ins in edits:
        p = pos % (len(b) + 1)
        b[p : p + cut] = ins
    return bytes(b)


EDITS = st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 8), st.binary(max_size=6)), max_size=6)


def _check_outcome(tmp_path: Path, name: str, data: bytes) -> None:
    f = tmp_path / name
    f.write_bytes(data)
    lake = Lake(tempfile.mkdtemp(dir=tmp_path))
    (r,) = ingest(f, lake=lake)  # must not raise
    if r.status == "committed":
        assert not r.errors.num_rows
    else:
        assert r.status == "rejected" and r.errors.num_rows > 0
        assert lake.list("air", recursive=True) == []
        for e in r.errors.to_pylist():
            assert e["file"] == name and e["reason_zh"] and e["reason_en"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
def test_fuzz_csv(tmp_path: Path, edits: list[tuple[int, int, bytes]]) -> None:
    _check_outcome(tmp_path, "f.csv", _mangle(GOOD_CSV, edits))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
def test_fuzz_xlsx(tmp_path: Path, edits: list[tuple[int, int, bytes]]) -> None:
    _check_outcome(tmp_path, "f.xlsx", _mangle(GOOD_XLSX, edits))
