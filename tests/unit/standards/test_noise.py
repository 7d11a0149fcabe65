"""Tests of pioneer.standards.noise (GB 3096-2008 functional zones, HJ 640-2012 grades)."""

from __future__ import annotations

import math
from pathlib import Path

import ibis
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pioneer.cli import app
from pioneer.errors import InputError
from pioneer.standards import noise

DATA = Path(__file__).parents[2] / "data" / "noise"

# GB 3096-2008 Table 1 (环境噪声限值, dB(A)), typed here independently of the package table.
GB3096_2008_TABLE1 = {
    "0": (50, 40),
    "1": (55, 45),
    "2": (60, 50),
    "3": (65, 55),
    "4a": (70, 55),
    "4b": (70, 60),
}


def _day(
    point: str, zone: str, day_level: float, night_level: float, date: str = "2025-03-01"
) -> pd.DataFrame:
    """24 hourly values labelled by the hour they end: ``date`` 07:00 … next day 06:00 (one day + its night)."""
    ends = pd.date_range(f"{date} 07:00", periods=24, freq="h")
    start_hour = (ends - pd.Timedelta(hours=1)).hour
    is_day = (start_hour >= 6) & (start_hour < 22)
    return pd.DataFrame(
        {
            "point": point,
            "zone_class": zone,
            "time": ends.strftime("%Y-%m-%d %H:%M"),
            "leq": np.where(is_day, day_level, night_level),
        }  # fmt: skip
    )


def _levels(df: pd.DataFrame) -> pd.DataFrame:
    t = ibis.memtable(noise.read_points(df).drop(columns=["_row"]))
    return noise.point_compliance(noise.point_period_levels(t)).execute()


@pytest.mark.parametrize("zone", list(GB3096_2008_TABLE1))
def test_zone_limits_table(zone: str) -> None:
    assert (noise.zone_limit(zone, "day"), noise.zone_limit(zone, "night")) == GB3096_2008_TABLE1[zone]


@pytest.mark.parametrize("zone", list(GB3096_2008_TABLE1))
@pytest.mark.parametrize(("offset", "ok"), [(0.0, True), (-0.1, True), (0.1, False)])
def test_each_zone_at_its_day_and_night_limit(zone: str, offset: float, ok: bool) -> None:
    d, n = GB3096_2008_TABLE1[zone]
    levels = _levels(_day("P", zone, d + offset, n + offset, "2025-03-01"))
    assert len(levels) == 1 and str(levels["date"].iloc[0])[:10] == "2025-03-01"
    r = levels.iloc[0]
    assert r["ld"] == pytest.approx(d + offset) and r["ln"] == pytest.approx(n + offset)
    assert bool(r["day_ok"]) is ok and bool(r["night_ok"]) is ok
    assert (r["n_day_hours"], r["n_night_hours"]) == (16, 8)


def test_energy_mean_and_hour_labels() -> None:
    # day: 8 hours at 60 and 8 at 50 → 10·lg((1e6 + 1e5)/2) = 57.40 dB
    ends = pd.date_range("2025-03-01 07:00", periods=16, freq="h")  # hours ending 07:00..22:00 = day
    df = pd.DataFrame(
        {"point": "P", "zone_class": "2", "time": ends.astype(str), "leq": [60.0] * 8 + [50.0] * 8}
    )
    # hour ending 23:00 (22–23) and ending 06:00 next day (05–06) are night of 03-01
    extra = pd.DataFrame({"point": "P", "zone_class": "2", "time": ["2025-03-01 23:00", "2025-03-02 06:00"],
                          "leq": [48.0, 52.0]})  # fmt: skip
    r = _levels(pd.concat([df, extra])).iloc[0]
    assert r["ld"] == pytest.approx(round(10 * math.log10((1e6 + 1e5) / 2), 1))
    assert r["ln"] == pytest.approx(round(10 * math.log10((10**4.8 + 10**5.2) / 2), 1))
    assert (r["n_day_hours"], r["n_night_hours"]) == (16, 2)
    assert len(_levels(pd.concat([df, extra]))) == 1
    # labelled by the start instead: 06:00 starts a day hour
    t = ibis.memtable(noise.read_points(extra.assign(time=["2025-03-01 06:00", "2025-03-01 22:00"])))
    s = noise.point_period_levels(t, hour_label="start").execute().iloc[0]
    assert (s["n_day_hours"], s["n_night_hours"]) == (1, 1)


def test_division_compliance_rates() -> None:
    # district D: three class-1 points; P1 compliant day and night, P2 fails the day, P3 fails the night;
    # plus one class-4a point failing both → class 1 day 2/3 = 66.7 %, night 66.7 %; all: day 2/4, night 2/4
    df = pd.concat(
        [_day("P1", "1", 54.0, 44.0), _day("P2", "1", 55.2, 44.0), _day("P3", "1", 50.0, 46.0),
         _day("P4", "4a", 71.0, 56.0)]
    ).assign(division="D")  # fmt: skip
    df = df[pd.to_datetime(df["time"]) <= pd.Timestamp("2025-03-01 22:00")]  # day hours only + early night
    t = ibis.memtable(noise.read_points(df).drop(columns=["_row"]))
    pc = noise.point_compliance(noise.point_period_levels(t, keys=("division",)))
    pc = pc.filter(pc.ld.notnull())
    pc = pc.mutate(night_ok=ibis.cases((pc.point == "P3", False), (pc.point == "P4", False), else_=True))
    r = noise.compliance_rates(pc, by=("division",)).execute().set_index("zone_class")
    assert r.loc["1", "day_rate"] == pytest.approx(66.7) and r.loc["1", "night_rate"] == pytest.approx(66.7)
    assert r.loc["all", "day_rate"] == pytest.approx(50.0) and r.loc["all", "n_day"] == 4
    assert r.loc["4a", "night_rate"] == pytest.approx(0.0)


@pytest.mark.parametrize(
    ("kind", "period", "edges"),
    [("regional", "day", [50, 55, 60, 65]), ("regional", "night", [40, 45, 50, 55]),
     ("traffic", "day", [68, 70, 72, 74]), ("traffic", "night", [58, 60, 62, 64])],
)  # fmt: skip
def test_hj640_level_boundaries(kind: str, period: str, edges: list[float]) -> None:
    levels = ["一级", "二级", "三级", "四级", "五级"]
    for k, e in enumerate(edges):
        assert noise.hj640_level(float(e), kind=kind, period=period) == levels[k]
        assert noise.hj640_level(e + 0.1, kind=kind, period=period) == levels[k + 1]
        assert noise.hj640_level(e + 0.04, kind=kind, period=period) == levels[k]  # rounds to e.0
    v = pd.Series([edges[0] - 5, edges[-1] + 1.0], index=["a", "b"])
    assert noise.hj640_level(v, kind=kind, period=period).tolist() == ["一级", "五级"]
    t = ibis.memtable({"x": [float(e) for e in edges] + [edges[-1] + 0.1]})
    got = t.select(g=noise.hj640_level(t.x, kind=kind, period=period)).execute()["g"].tolist()
    assert got == levels


def test_regional_and_traffic_means() -> None:
    grid = ibis.memtable({"point": ["a", "b", "c", "a"], "period": ["day", "day", "day", "night"],
                          "leq": [52.0, 54.0, 56.3, 44.0]})  # fmt: skip
    r = noise.regional_mean(grid).execute().set_index("period")
    assert r.loc["day", "mean"] == pytest.approx(54.1) and r.loc["day", "level"] == "二级"
    assert r.loc["night", "level"] == "二级"
    road = ibis.memtable(
        {"point": ["r1", "r2"], "period": ["day", "day"], "leq": [66.0, 72.0], "length": [3.0, 1.0]}
    )
    r = noise.traffic_mean(road).execute().iloc[0]
    assert r["mean"] == pytest.approx(67.5) and r["level"] == "一级"


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        (("P", "5", "2025-03-01 01:00", "50"), "zone_class", "zone"),
        (("P", "1", "2025-02-30 01:00", "50"), "time", "time"),
        (("P", "1", "2025-03-01 02:00", "loud"), "leq", "parsed"),
        (("P", "1", "2025-03-01 02:00", "-3"), "leq", "between"),
        (("P", "1", "2025-03-01 01:00", "51"), "leq", "duplicate"),
    ],
)
def test_bad_points_are_located(row: tuple, column: str, fragment: str) -> None:
    df = pd.DataFrame(
        [("P", "1", "2025-03-01 01:00", "50"), row], columns=["point", "zone_class", "time", "leq"]
    )
    with pytest.raises(InputError) as e:
        noise.read_points(df, file="p.csv")
    assert (e.value.file, e.value.row, e.value.column) == ("p.csv", 3, column)
    assert fragment in e.value.message_en and e.value.message_zh


runner = CliRunner()


def test_cli_noise_assess_and_grade(tmp_path: Path) -> None:
    out = tmp_path / "noise.csv"
    r = runner.invoke(app, ["noise", "assess", str(DATA / "points_hourly.csv"), "--year", "2025", "--by", "division",
                            "-o", str(out)])  # fmt: skip
    assert r.exit_code == 0, r.output
    df = pd.read_csv(out, dtype={"zone_class": str})
    rates = df[df["record"] == "rate"].set_index("zone_class")
    assert rates.loc["all", "n_day"] == 2 and rates.loc["all", "day_rate"] == pytest.approx(50.0)
    pts = df[df["record"] == "point"].set_index("point")
    assert pts.loc["N1", "ld"] == pytest.approx(54.0) and bool(pts.loc["N1", "day_ok"])
    grid = tmp_path / "grid.csv"
    grid.write_text("point,period,leq\na,昼间,52\nb,昼间,54\nc,夜间,41\n", encoding="utf-8")
    out2 = tmp_path / "grade.csv"
    r = runner.invoke(app, ["noise", "grade", str(grid), "--kind", "regional", "-o", str(out2)])
    assert r.exit_code == 0, r.output
    g = pd.read_csv(out2).set_index("period")
    assert g.loc["day", "level"] == "二级" and g.loc["night", "level"] == "二级"


def test_cli_noise_bad_input_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "point,zone_class,time,leq\nN1,1,2025-03-01 01:00,50\nN1,9,2025-03-01 02:00,50\n", encoding="utf-8"
    )
    out = tmp_path / "out.csv"
    r = runner.invoke(app, ["noise", "assess", str(bad), "--year", "2025", "-o", str(out)])
    assert r.exit_code != 0 and "第 3 行" in r.output and "row 3" in r.output
    assert not out.exists()


@pytest.mark.spark
def test_noise_chain_runs_on_pyspark_like_duckdb(spark) -> None:
    """Levels, compliance and rates on PySpark equal the DuckDB results."""
    df = noise.read_points(pd.read_csv(DATA / "points_hourly.csv", dtype=str)).drop(columns=["_row"])

    def run(con: ibis.BaseBackend) -> list[pd.DataFrame]:
        t = con.create_table("points", df, overwrite=True)
        pc = noise.point_compliance(noise.point_period_levels(t, keys=("division",)))
        rates = noise.compliance_rates(pc, by=("division",))
        return [
            con.to_pyarrow(pc).to_pandas().sort_values("point").reset_index(drop=True).astype({"date": str}),
            con.to_pyarrow(rates).to_pandas().sort_values("zone_class").reset_index(drop=True),
        ]

    for a, b in zip(run(ibis.pyspark.connect(spark)), run(ibis.duckdb.connect()), strict=True):
        pd.testing.assert_frame_equal(a, b, check_dtype=False)


# GB 3096-2008 §4: classes 0, 1, 2, 3, 4a, 4b, named "1 类", "4a 类" — how a file may write them
ZONE_CLASS_WRITTEN = {"0": "0", "1": "1", "1类": "1", "1 类": "1", " 2 ": "2", "3类": "3", "4a": "4a", "4A": "4a",
                      "4a类": "4a", "4B 类": "4b", "4": None, "4类": None, "一类": None, "Ⅰ类": None, "１": None,
                      "1.0": None, "类": None, "1类类": None, "4c": None, "": None, "1  类": None}  # fmt: skip


def test_zone_class_reading_scalar_vector_and_ibis() -> None:
    written = list(ZONE_CLASS_WRITTEN)
    expected = list(ZONE_CLASS_WRITTEN.values())
    assert [noise.zone_class(w) for w in written] == expected
    series = noise.zone_class(pd.Series(written, index=range(10, 10 + len(written))))
    assert list(series.index) == list(range(10, 10 + len(written)))
    assert [None if pd.isna(v) else v for v in series] == expected  # vector = loop over scalars
    assert [None if pd.isna(v) else v for v in noise.zone_class(np.array(written, dtype=object))] == expected
    t = ibis.memtable({"z": written})
    got = t.mutate(c=noise.zone_class(t.z)).execute()["c"]
    assert [None if pd.isna(v) else v for v in got] == expected
    assert noise.zone_class(None) is None and noise.zone_class(float("nan")) is None
    assert set(filter(None, expected)) <= set(noise.ZONE_CLASSES)


def test_read_points_reads_zone_classes_as_written_in_gb3096() -> None:
    df = pd.DataFrame({"point": ["P", "Q"], "zone_class": ["1类", "4A 类"], "time": ["2025-03-01 01:00"] * 2,
                       "leq": ["50", "60"]})  # fmt: skip
    assert noise.read_points(df)["zone_class"].tolist() == ["1", "4a"]
