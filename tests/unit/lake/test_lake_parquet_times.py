"""Parquet timestamps are read as times (issue 16: the shipped data/sample/beijing_air_hourly.parquet was
rejected row by row because Arrow wrote its timestamps as ``2013-03-01 01:00:00.000000``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from pioneer.cli import app
from pioneer.lake import query
from pioneer.lake.ingest import ingest
from pioneer.lake.readers import read_file
from pioneer.lake.storage import Lake

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "sample" / "beijing_air_hourly.parquet"


def _write(path: Path, times: pa.Array) -> Path:
    n = len(times)
    pq.write_table(
        pa.table({"station": ["1001A"] * n, "time": times, "so2": [5.0] * n, "pm2_5": [30.0] * n}), path
    )
    return path


def _stored_times(lake: Lake) -> list[dt.datetime]:
    t = query.versions(lake, "air", start=dt.datetime(2013, 1, 1), end=dt.datetime(2014, 1, 1))
    return sorted(t.time.to_pandas().dt.to_pydatetime().tolist())


def test_zone_less_microsecond_timestamps_are_read_as_written(tmp_path: Path) -> None:
    times = pa.array([dt.datetime(2013, 3, 1, h) for h in (1, 2, 3)], pa.timestamp("us"))
    text = read_file("p.parquet", _write(tmp_path / "p.parquet", times).read_bytes()).sheets[0].table["time"]
    assert text.to_pylist() == ["2013-03-01 01:00:00", "2013-03-01 02:00:00", "2013-03-01 03:00:00"]
    lake = Lake(tmp_path / "lake")
    (r,) = ingest(tmp_path / "p.parquet", lake=lake)
    assert r.status == "committed" and r.rows_accepted == 3, r.errors.to_pylist()[:3]
    assert [x.hour for x in _stored_times(lake)] == [1, 2, 3]


def test_zoned_timestamps_keep_their_instant(tmp_path: Path) -> None:
    # 2013-03-01 01:00 UTC = 09:00 北京时间; the lake keeps China Standard Time
    times = pa.array([dt.datetime(2013, 3, 1, 1, tzinfo=dt.UTC)], pa.timestamp("ms", tz="UTC"))
    f = _write(tmp_path / "z.parquet", times)
    assert read_file("z.parquet", f.read_bytes()).sheets[0].table["time"].to_pylist() == [
        "2013-03-01T01:00:00Z"
    ]
    lake = Lake(tmp_path / "lake")
    (r,) = ingest(f, lake=lake)
    assert r.status == "committed", r.errors.to_pylist()
    assert _stored_times(lake)[0].hour == 9


def test_fractional_seconds_are_rejected_located_not_truncated(tmp_path: Path) -> None:
    times = pa.array([dt.datetime(2013, 3, 1, 1), dt.datetime(2013, 3, 1, 2, 0, 0, 500)], pa.timestamp("us"))
    (r,) = ingest(_write(tmp_path / "f.parquet", times), lake=Lake(tmp_path / "lake"))
    assert r.status == "rejected"
    errs = r.errors.to_pylist()
    assert {(e["row"], e["column"]) for e in errs} >= {(3, "time")}


@pytest.mark.skipif(not SAMPLE.exists(), reason="shipped sample missing")
def test_shipped_beijing_sample_loads_through_pioneer_ingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the first 2 000 rows of the shipped file, written back with its own schema (timestamp[us])
    part = pq.read_table(SAMPLE).slice(0, 2000)
    assert pa.types.is_timestamp(part.schema.field("time").type)
    f = tmp_path / "beijing_part.parquet"
    pq.write_table(part, f)
    monkeypatch.setenv("PIONEER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PIONEER_LAKE_URL", raising=False)
    r = CliRunner().invoke(app, ["ingest", str(f), "--report-dir", str(tmp_path)])
    assert r.exit_code == 0, r.output
    flat = " ".join(r.output.split())
    assert "committed" in flat and "accepted 2000, rejected 0" in flat, flat
