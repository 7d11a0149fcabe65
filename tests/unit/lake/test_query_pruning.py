"""Period pruning of lake queries (``lake.query.partition_years``): a query bounded in time opens only the
partition files (``<medium>/year=<y>/``) that can hold its rows — the air year being the data day's,
``year(time − 1 h)`` — and returns exactly what reading every file returns, on a lake of several years with a
revised import, across year boundaries, for hours and station-days."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from pioneer.lake import query
from pioneer.lake.ingest import ingest
from pioneer.lake.layouts import AIR_DAILY_ITEMS
from pioneer.lake.storage import Lake, file_year, partition_year
from pioneer.registry.stations.cnemc import read_station_list

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "data" / "sample" / "beijing_air_hourly.parquet"
DAILY = ROOT / "tests" / "data" / "air" / "cnemc"


class Spy:
    """A DuckDB backend recording the files each ``read_parquet`` opens."""

    def __init__(self) -> None:
        self.con = query.connect()
        self.opened: list[list[str]] = []
        real = self.con.read_parquet

        def read_parquet(files, *a, **k):
            self.opened.append(sorted(files))
            return real(files, *a, **k)

        self.con.read_parquet = read_parquet

    def years(self) -> set[int | None]:
        """Partition years of the files the last ``read_parquet`` opened."""
        return {file_year(f.split("lake/", 1)[1]) for f in self.opened[-1]}


def _every_file(monkeypatch, fn, *args, **kwargs) -> pa.Table:
    """``fn`` with pruning off: every file of the medium read (the reference)."""
    with monkeypatch.context() as m:
        m.setattr(query, "partition_years", lambda medium, start, end: (None, None))
        return fn(*args, **kwargs).to_pyarrow()


def _sorted(t: pa.Table, keys: list[str]) -> pa.Table:
    return t.sort_by([(k, "ascending") for k in keys])


def test_partition_year_rule() -> None:
    # the label 2014-01-01 00:00 closes 2013-12-31: the air year is the data day's; water and noise the time's
    assert partition_year("air", dt.datetime(2014, 1, 1, 0)) == 2013
    assert partition_year("air", dt.datetime(2014, 1, 1, 1)) == 2014
    assert partition_year("air_daily", dt.datetime(2025, 1, 1, 0)) == 2024
    assert partition_year("water", dt.datetime(2014, 1, 1, 0)) == 2014
    assert query.partition_years("air", "2014-01-01T00:00:00", dt.date(2015, 1, 1)) == (2013, 2014)
    assert query.partition_years("air", "2014-01-01T00:00:00+08:00", "not a time") == (
        None,
        None,
    )  # no pruning


@pytest.fixture(scope="module")
def hours_lake(tmp_path_factory: pytest.TempPathFactory) -> Lake:
    """Two stations around two year ends and in mid-2016 (four partition years), and a later import revising
    part of the first (latest import wins)."""
    tmp_path = tmp_path_factory.mktemp("hours")
    table = pq.read_table(SAMPLE).select(
        ["station", "city", "time", "so2", "no2", "co", "o3", "pm10", "pm2_5"]
    )
    windows = [(dt.datetime(2013, 12, 31), dt.datetime(2014, 1, 2)), (dt.datetime(2014, 12, 31), dt.datetime(2015, 1, 2)),
               (dt.datetime(2016, 6, 1), dt.datetime(2016, 6, 2))]  # fmt: skip
    keep = pc.is_in(table["station"], pa.array(["1001A", "1002A"]))
    inside = pc.or_(
        *[
            pc.and_(pc.greater_equal(table["time"], a), pc.less_equal(table["time"], b))
            for a, b in windows[:2]
        ]
    )
    inside = pc.or_(
        inside,
        pc.and_(pc.greater_equal(table["time"], windows[2][0]), pc.less_equal(table["time"], windows[2][1])),
    )
    part = table.filter(pc.and_(keep, inside))
    first = tmp_path / "air-years.parquet"
    pq.write_table(part, first)
    revised = part.filter(pc.and_(pc.equal(part["station"], "1001A"),
                                  pc.less_equal(part["time"], dt.datetime(2014, 1, 1, 3))))  # fmt: skip
    revised = revised.set_column(revised.schema.get_field_index("pm2_5"), "pm2_5",
                                 pc.add(pc.fill_null(revised["pm2_5"], 0.0), 1.0))  # fmt: skip
    second = tmp_path / "air-revised.parquet"
    pq.write_table(revised, second)
    lake = Lake(tmp_path / "lake")
    stations = {"1001A": "110000", "1002A": "110000"}
    for f in (first, second):
        assert ingest([f], lake=lake, known_stations=stations, who="test")[0].ok
    assert {file_year(f.split("lake/", 1)[1]) for f in lake.files("air")} == {2013, 2014, 2015, 2016}
    return lake


WINDOWS = [
    ("2014-01-01T00:00:00", "2014-01-01T00:00:00", {2013}),  # the label closing 2013
    ("2014-01-01T01:00:00", "2014-01-01T05:00:00", {2014}),
    (dt.datetime(2013, 12, 31, 12), dt.datetime(2015, 1, 1, 0), {2013, 2014}),
    (None, "2014-01-01T00:00:00", {2013}),
    ("2016-01-01", None, {2015, 2016}),  # 2016-01-01 00:00 closes a day of 2015
    ("2014-01-01T00:00:00+08:00", None, {2013, 2014, 2015, 2016}),  # a zoned bound prunes nothing
]


@pytest.mark.parametrize(("start", "end", "years"), WINDOWS)
@pytest.mark.parametrize("status", ["best", "all"])
def test_hours_read_only_their_years_and_the_same_rows(
    hours_lake, monkeypatch, start, end, years, status
) -> None:
    spy = Spy()
    got = query.versions(hours_lake, "air", status=status, start=start, end=end, con=spy.con).to_pyarrow()
    assert spy.years() == years
    every = _every_file(monkeypatch, query.versions, hours_lake, "air", status=status, start=start, end=end,
                        con=query.connect())  # fmt: skip
    assert got.num_rows > 0
    keys = ["station", "time", "import_id"]
    assert _sorted(got, keys).equals(_sorted(every, keys))


@pytest.fixture(scope="module")
def days_lake(tmp_path_factory: pytest.TempPathFactory) -> Lake:
    """The same CNEMC T00 file under five names (a trailing line break makes each a new file): station-days of
    2024-12-30, 2024-12-31, 2025-01-01, 2025-12-31 and 2026-01-01 — partition years 2024, 2025 and 2026."""
    tmp_path = tmp_path_factory.mktemp("days")
    source = (DAILY / "daily" / "2025-01-02T00.csv").read_bytes()
    names = ["2024-12-31T00", "2025-01-01T00", "2025-01-02T00", "2026-01-01T00", "2026-01-02T00"]
    folder = tmp_path / "daily"
    folder.mkdir()
    files = []
    for i, name in enumerate(names):
        p = folder / f"{name}.csv"
        p.write_bytes(source + b"\n" * i)
        files.append(p)
    stations = read_station_list(DAILY / "stations.csv")
    known = {k: v for k, v in zip(stations["stationcode"], stations["city"], strict=True) if v}
    lake = Lake(tmp_path / "lake")
    results = ingest(files, lake=lake, layout="cnemc-daily", known_stations=known, accept_valid=True)
    assert all(r.rows_accepted for r in results)
    shutil.rmtree(folder)
    return lake


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [
        (dt.date(2024, 12, 31), dt.date(2024, 12, 31), {2024}),
        ("2025-01-01", "2025-12-31", {2025}),
        ("2025-12-31", None, {2025, 2026}),
        (None, dt.date(2024, 12, 31), {2024}),
        (dt.date(2024, 12, 30), dt.date(2026, 1, 1), {2024, 2025, 2026}),
    ],
)
def test_station_days_read_only_their_years_and_the_same_rows(
    days_lake, monkeypatch, start, end, years
) -> None:
    spy = Spy()
    got = query.air_station_days(days_lake, start=start, end=end, con=spy.con).to_pyarrow()
    assert spy.years() == years
    # the reference: every file, one version per key, then the date filter alone (the query before pruning)
    t = query.versions(days_lake, "air_daily", con=query.connect())
    t = t.mutate(date=(t.time - ibis.interval(hours=1)).date())
    if start is not None:
        t = t.filter(t.date >= ibis.date(str(start)))
    if end is not None:
        t = t.filter(t.date <= ibis.date(str(end)))
    every = t.select("station", "city", "date", *AIR_DAILY_ITEMS).to_pyarrow()
    assert got.num_rows > 0 and {d.year for d in got["date"].to_pylist()} == years
    assert _sorted(got, ["station", "date"]).equals(_sorted(every, ["station", "date"]))
