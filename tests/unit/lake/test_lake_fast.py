"""The one-pass route's entry (pioneer.lake.fast.try_fast) stores exactly what the general text path stores, and
hands every doubtful file to the general path (so the located error report is unchanged). Issue 12: the DuckDB
route that sat between them is gone, and with it the tests that ran each fixture through it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import pioneer.lake.ingest as ingest_mod
from pioneer.lake.ingest import ingest
from pioneer.lake.storage import Lake

FIXTURES = [
    "uci_aotizhongxin_300.csv",
    "uci_dongsi_200.csv",
    "cnemc_2022-01-04T16.csv",
    "cnemc_2026-03-02T09.csv",
]


@pytest.fixture
def fast_calls(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records, per import, whether the fast route committed it (True) or gave up (False)."""
    calls: list[bool] = []
    real = ingest_mod.try_fast

    def spy(*a, **k):  # type: ignore[no-untyped-def]
        r = real(*a, **k)
        calls.append(r is not None)
        return r

    monkeypatch.setattr(ingest_mod, "try_fast", spy)
    return calls


def _stored(lake: Lake) -> list[pa.Table]:
    tables = []
    for rec in lake.committed():
        for rel in rec["files"]:
            if not rel.startswith("air/"):
                continue  # the site-days written beside the hours (lake.stationdays) are not a route's output
            tables.append(pq.read_table(lake.path(rel)).drop_columns(["import_id"]))
    return tables


def _general(lake: Lake, files: list[Path], monkeypatch: pytest.MonkeyPatch, **kw: object) -> list:
    with monkeypatch.context() as m:
        m.setattr(ingest_mod, "try_fast", lambda *a, **k: None)
        return ingest(files, lake=lake, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", FIXTURES)
def test_fast_route_stores_what_the_general_path_stores(
    name: str,
    lake_data: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fast_calls: list[bool],
) -> None:
    fast_lake, slow_lake = Lake(tmp_path / "fast"), Lake(tmp_path / "slow")
    (rf,) = ingest(lake_data / name, lake=fast_lake)
    # UCI files carry the time in parts (year, month, day, hour): not a one-pass layout, the general path reads them
    assert fast_calls == [not name.startswith("uci")]
    (rs,) = _general(slow_lake, [lake_data / name], monkeypatch)
    assert (rf.status, rf.layout, rf.rows_read, rf.rows_accepted) == (
        rs.status,
        rs.layout,
        rs.rows_read,
        rs.rows_accepted,
    )
    assert rf.record["encoding"] == rs.record["encoding"]  # type: ignore[index]
    (tf,), (ts,) = _stored(fast_lake), _stored(slow_lake)
    assert tf.schema.names == ts.schema.names
    assert tf.cast(ts.schema).equals(ts)  # same values, same source-row order
    assert [f.type for f in tf.schema] == [f.type for f in ts.schema]


def test_fast_route_known_stations_and_multi_year(
    make_file: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fast_calls: list[bool],
) -> None:
    """A wide file spanning a year end: the label 2014-01-01 00:00 belongs to 2013; cities from the registry."""
    text = (
        "station,time,so2,no2,co,pm2_5\n"
        "1001A,2013-12-31 23:00,5,20,0.8,30\n"
        "1001A,2014-01-01 00:00,6,21,0.9,NA\n"
        "1002A,2014-01-01 01:00,7,,1.0,33\n"
        "1001A,2014-01-01T02:00,8,23,1.1,34\n"
    )
    f = make_file("w.csv", text)
    known = {"1001A": "110000", "1002A": "120000"}
    # the one-pass route reads each distinct time text with the general parser: the mixed spellings are fine
    one_lake, gen_lake = Lake(tmp_path / "one"), Lake(tmp_path / "gen")
    (r1,) = ingest(f, lake=one_lake, known_stations=known)
    assert fast_calls == [True] and r1.status == "committed"
    assert r1.record["files"][:2] == [  # type: ignore[index]
        f"air/year=2013/{r1.import_id}.parquet",
        f"air/year=2014/{r1.import_id}.parquet",
    ]
    _general(gen_lake, [f], monkeypatch, known_stations=known)
    got, want = pa.concat_tables(_stored(one_lake)), pa.concat_tables(_stored(gen_lake))
    assert got.equals(want)
    assert got["row"].to_pylist() == [2, 3, 4, 5]
    assert got["city"].to_pylist() == ["110000", "110000", "120000", "110000"]


HEAD = "station,city,time,so2,no2,pm2_5\n"
GOOD = "1001A,110000,2026-03-02 09:00,5,20,30\n1002A,120000,2026-03-02 09:00,6,21,31\n"
BAD_FILES = {
    "range": "1001A,110000,2026-03-02 10:00,5,9999,30\n",
    "non_finite": "1001A,110000,2026-03-02 10:00,inf,20,-inf\n",
    "off_hour": "1002A,120000,2026-03-02 10:30,5,20,30\n",
    "missing_station": ",110000,2026-03-02 10:00,5,20,30\n",
    "city_code": "1002A,12000X,2026-03-02 10:00,5,20,30\n",
    "duplicate": "1001A,110000,2026-03-02 09:00,5,20,30\n",
    "conflicting_duplicate": "1002A,120000,2026-03-02 09:00,7,20,30\n",
    "unknown_station_and_mismatch": "9999A,110000,2026-03-02 10:00,5,20,30\n1002A,110000,2026-03-02 11:00,5,20,30\n",
    "many": "1001A,110000,2026-03-02 10:00,-1,20,30\n1001A,110000,2026-03-02 09:00,5,20,30\n"
    ",,2026-03-02 12:00,5,5000,30\n",
}
KNOWN = {"1001A": "110000", "1002A": "120000"}


@pytest.mark.parametrize("accept_valid", [False, True])
@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_fast_route_reports_what_the_general_path_reports(
    case: str,
    accept_valid: bool,
    make_file: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fast_calls: list[bool],
) -> None:
    """Typed read succeeds but rows break rules: only those rows are re-read as text and checked by the general
    rules — same errors (file, row, column, value, code, reasons, order), same stored rows, same rejects."""
    f = make_file("bad.csv", HEAD + GOOD + BAD_FILES[case] + "1001A,110000,2026-03-02 13:00,1,2,3\n")
    known = KNOWN if case == "unknown_station_and_mismatch" else None
    fast_lake, slow_lake = Lake(tmp_path / "fast"), Lake(tmp_path / "slow")
    (rf,) = ingest(f, lake=fast_lake, accept_valid=accept_valid, known_stations=known)
    assert fast_calls == [True]
    (rs,) = _general(slow_lake, [f], monkeypatch, accept_valid=accept_valid, known_stations=known)
    assert rs.errors.num_rows > 0
    assert rf.errors.to_pylist() == rs.errors.to_pylist()
    assert (rf.status, rf.rows_read, rf.rows_accepted, rf.rows_rejected) == (
        rs.status,
        rs.rows_read,
        rs.rows_accepted,
        rs.rows_rejected,
    )
    got, want = _stored(fast_lake), _stored(slow_lake)
    assert len(got) == len(want) == (1 if accept_valid else 0)
    if accept_valid:
        assert got[0].cast(want[0].schema).equals(want[0])
        rej = rf.record["reject_file"]  # type: ignore[index]
        assert fast_lake.read_bytes(rej + ".csv") == slow_lake.read_bytes(rs.record["reject_file"] + ".csv")  # type: ignore[index]
    assert not fast_lake.list("_staging", recursive=True)


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("abc", "number"),  # the typed read fails
        ("2", "unknown"),  # wrong number of fields
    ],
)
def test_doubtful_files_go_to_the_general_path(
    cell: str, code: str, make_file: Callable[..., Path], lake: Lake, fast_calls: list[bool]
) -> None:
    f = make_file(
        "bad.csv", f"station,time,so2,no2\n1001A,2026-03-02 09:00,5,20\n1001A,2026-03-02 10:00,5,{cell}\n"
    )
    if code == "unknown":
        f = make_file(
            "bad.csv", "station,time,so2,no2\n1001A,2026-03-02 09:00,5,20\n1001A,2026-03-02 10:00,5\n"
        )
    (r,) = ingest(f, lake=lake)
    assert fast_calls == [False]
    assert r.status == "rejected"
    first = r.errors.to_pylist()[0]
    assert (first["file"], first["row"]) == ("bad.csv", 3)
    if code == "number":
        assert (first["column"], first["value"], first["code"]) == ("no2", cell, code)
    else:
        assert first["code"] == "row_fields"
    assert not lake.list("air", recursive=True) and not lake.list("_staging", recursive=True)


def test_city_marker_kept_as_text_goes_to_the_general_path(
    make_file: Callable[..., Path],
    lake: Lake,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fast_calls: list[bool],
) -> None:
    """An empty city: the one-pass route stores it as NULL, as the general path does."""
    f = make_file(
        "c.csv", "station,city,time,so2\n1001A,,2026-03-02 09:00,5\n1002A,110000,2026-03-02 09:00,5\n"
    )
    # the one-pass route reads the text as written: an empty city is stored as NULL, as the general path does
    (r2,) = ingest(f, lake=Lake(tmp_path / "one"))
    assert fast_calls == [True] and r2.status == "committed" and r2.rows_accepted == 2
    assert pq.read_table(Lake(tmp_path / "one").path(r2.record["files"][0]))["city"].to_pylist() == [
        None,
        "110000",
    ]  # type: ignore[index]


def test_reimport_after_fast_route_is_already_imported(
    lake: Lake, lake_data: Path, fast_calls: list[bool]
) -> None:
    (a,) = ingest(lake_data / "uci_dongsi_200.csv", lake=lake)
    (b,) = ingest(lake_data / "uci_dongsi_200.csv", lake=lake)
    assert (a.status, b.status, b.import_id) == ("committed", "already_imported", a.import_id)
    assert not lake.list("_staging", recursive=True)


@pytest.mark.parametrize(
    "text",
    [
        "\ufeffstation,time,so2,co\n1001A,2026-03-02 09:00,5,0.4\n",  # UTF-8 with BOM
        "station , time,so2,co\n 1001A ,2026-03-02 09:00, 5 ,NA\n1002A,2026-03-02 09:00,6,\n",  # blanks
        'station,time,so2,co\n"1001A","2026-03-02T09:00:00","5","0.4"\n',  # quoted cells, seconds
    ],
)
def test_fast_route_edge_spellings_match_the_general_path(
    text: str, make_file: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = make_file("e.csv", text)
    fast_lake, slow_lake = Lake(tmp_path / "fast"), Lake(tmp_path / "slow")
    (rf,) = ingest(f, lake=fast_lake)
    (rs,) = _general(slow_lake, [f], monkeypatch)
    assert (rf.status, rf.rows_accepted, rf.record["encoding"]) == (  # type: ignore[index]
        rs.status,
        rs.rows_accepted,
        rs.record["encoding"],  # type: ignore[index]
    )
    (tf,), (ts,) = _stored(fast_lake), _stored(slow_lake)
    assert tf.cast(ts.schema).equals(ts)
