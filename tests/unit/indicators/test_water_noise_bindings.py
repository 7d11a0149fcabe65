"""Water (good-class share I–III, 劣V share) and noise (day/night functional-zone compliance) bindings, through the
real engines (:mod:`pioneer.standards.water`, :mod:`pioneer.standards.noise`) and through the lake with the
registry's station metadata. Every expected value is computed by hand in the comments.

GB 3838-2002 Table 1 limits used (mg/L): NH3-N I 0.15, II 0.5, III 1.0, IV 1.5, V 2.0; TP rivers I 0.02, II 0.1,
III 0.2; TP lakes/reservoirs I 0.01, II 0.025, III 0.05, IV 0.1, V 0.2. GB 3096-2008 Table 1 limits (dB(A),
day/night): class 1 55/45, class 2 60/50, class 4a 70/55.
"""

from __future__ import annotations

import datetime as dt

import ibis
import pandas as pd
import pytest

from pioneer.db import make_engine, session_scope, upgrade
from pioneer.indicators import bindings, store
from pioneer.indicators import service as ind_service
from pioneer.lake.ingest import ingest
from pioneer.lake.storage import Lake
from pioneer.registry.stations.models import Station
from pioneer.standards import noise, water

# ---- water fixture: (section, waterbody, division, [(date, item, reported text)]) ---------------------------------
# 110105 (Beijing, five river sections → share method):
#   A1 NH3-N 0.9 and "<0.2": the below-detection value enters as half the limit (0.1) → mean 0.50 → II (≤ 0.5);
#      counted at the full limit it would be 0.55 → III, so this row tests the half-limit rule
#   A2 0.8 and 1.0 → 0.90 → III;  A3 1.2 and 1.6 → 1.40 → IV;  A4 1.9 → V;  A5 2.5 → 劣V
#   good (I–III) = 2/5 = 40.0 %, 劣V = 1/5 = 20.0 %
# 120101 (Tianjin): L1 a lake with TP 0.06 → IV (lake limit III 0.05); R1 a river with TP 0.06 → II (river II 0.1)
#   good = 1/2 = 50.0 %, 劣V = 0.0 % — 100 % if L1 were wrongly taken for a river
WATER = [
    ("A1", "river", "110105", [("2024-03-05", "氨氮", "0.9"), ("2024-09-05", "氨氮", "<0.2")]),
    ("A2", "river", "110105", [("2024-03-05", "氨氮", "0.8"), ("2024-09-05", "氨氮", "1.0")]),
    ("A3", "river", "110105", [("2024-03-05", "NH3-N", "1.2"), ("2024-09-05", "NH3-N", "1.6")]),
    ("A4", "river", "110105", [("2024-03-05", "氨氮", "1.9")]),
    ("A5", "river", "110106", [("2024-03-05", "氨氮", "2.5")]),
    ("L1", "lake", "120101", [("2024-05-10", "总磷", "0.06")]),
    ("R1", "river", "120101", [("2024-05-10", "总磷", "0.06")]),
]


def water_long() -> pd.DataFrame:
    """The lake's ``water-long`` layout: section,time,item,value,unit."""
    rows = [(s, d, i, v, "mg/L") for s, _, _, samples in WATER for d, i, v in samples]
    return pd.DataFrame(rows, columns=["section", "time", "item", "value", "unit"])


def water_registry() -> pd.DataFrame:
    return pd.DataFrame(
        [(s, div, wb) for s, wb, div, _ in WATER], columns=["code", "division_code", "water_body"]
    )


# ---- noise fixture: one monitoring day 2024-03-01, hourly L_Aeq labelled by the hour's end -------------------------
# day = labels 07:00…22:00 (16 h), night = labels 23:00…06:00 next day (8 h)
# N1 class 1 (55/45): day 54.0 → L_d 54.0 ok; night 7 h at 44.0 and 1 h at 50.0 →
#    L_n = 10·lg((7·10^4.4 + 10^5.0)/8) = 10·lg(34 479.0) = 45.376 → 45.4 > 45 → not ok
# N2 class 4a in the registry (70/55) but "1" in the file: day 71.0 → not ok; night 50.0 ≤ 55 → ok
#    (with the file's class 1 the night, 50 > 45, would fail)
# N3 class 2 (60/50): day 58.0 ok; night 52.0 > 50 not ok
# → day rate 2/3 = 66.7 %, night rate 1/3 = 33.3 %
NOISE = {"N1": ("1", "1", "110105", 54.0, [44.0] * 7 + [50.0]), "N2": ("4a", "1", "110105", 71.0, [50.0] * 8),
         "N3": ("2", "2", "110108", 58.0, [52.0] * 8)}  # fmt: skip


def noise_points() -> pd.DataFrame:
    """The lake's ``noise`` layout: point,zone_class,time,leq (zone class as written in the file)."""
    day0 = dt.datetime(2024, 3, 1)
    rows = []
    for p, (_, file_class, _, day, night) in NOISE.items():
        rows += [(p, file_class, day0 + dt.timedelta(hours=h), day) for h in range(7, 23)]
        rows += [(p, file_class, day0 + dt.timedelta(hours=23 + k), v) for k, v in enumerate(night)]
    return pd.DataFrame(rows, columns=["point", "zone_class", "time", "leq"])


def noise_registry() -> pd.DataFrame:
    return pd.DataFrame([(p, div, c) for p, (c, _, div, _, _) in NOISE.items()],
                        columns=["code", "division_code", "noise_zone_class"])  # fmt: skip


def _by(frame: pd.DataFrame) -> pd.Series:
    return frame.set_index(["division_code", "indicator"])["value"]


# ---- the engines directly -------------------------------------------------------------------------------------
def test_water_shares_through_the_engine():
    raw = water_long().merge(water_registry().rename(columns={"code": "section"}), on="section")
    raw = raw.rename(
        columns={"item": "parameter", "water_body": "waterbody_type", "division_code": "division"}
    )
    raw["division"] = bindings.rollup(raw["division"], "city")
    samples = water.read_samples(raw)
    v = _by(bindings.water_values(ibis.memtable(samples), [2024]))
    assert v["110000", "water_good_share"] == 40.0 and v["110000", "water_worse_v_share"] == 20.0
    assert v["120000", "water_good_share"] == 50.0 and v["120000", "water_worse_v_share"] == 0.0


def test_water_lineage_counts_and_method():
    samples, excl = bindings.lake_water_samples(
        water_long().assign(division=None, flag=None, raw=lambda d: d["value"]), water_registry()
    )
    f = bindings.water_values(ibis.memtable(samples), [2024], exclusions=excl).set_index(
        ["division_code", "indicator"]
    )
    lin = f.loc[("110105", "water_good_share"), "lineage"]
    # A1–A4 are in 110105 (A5 in 110106): II, III, IV, V → good 2 of 4, status by the mean method (< 5 sections)
    assert lin["counts"] == {"sections": 4, "good": 2, "worse_v": 0} and lin["status_method"] == "mean"
    assert f.loc[("110105", "water_good_share"), "value"] == 50.0
    assert lin["standard_edition"].startswith("GB 3838-2002")


def test_noise_rates_through_the_engine():
    pts = noise_points().merge(noise_registry().rename(columns={"code": "point"}), on="point")
    pts = pts.assign(
        zone_class=pts["noise_zone_class"], division=bindings.rollup(pts["division_code"], "city")
    )
    # the hand-computed night level of N1
    lv = noise.point_period_levels(
        ibis.memtable(pts[pts.point == "N1"][["point", "zone_class", "time", "leq"]])
    )
    assert lv.to_pandas()[["ld", "ln"]].iloc[0].tolist() == [54.0, 45.4]
    v = _by(
        bindings.noise_values(ibis.memtable(pts[["point", "division", "zone_class", "time", "leq"]]), [2024])
    )
    assert v["110000", "noise_day_compliance"] == 66.7 and v["110000", "noise_night_compliance"] == 33.3


def test_noise_zone_class_comes_from_the_registry():
    pts, excl = bindings.lake_noise_points(noise_points().assign(division=None), noise_registry())
    assert excl["points_where_file_class_differs"] == ["N2"] and excl["rows_unregistered"] == 0
    assert pts.loc[pts.point == "N2", "zone_class"].unique().tolist() == ["4a"]
    # without the registry's class (file class "1" for N2): night 50 > 45 → night rate 0/3
    reg = noise_registry().assign(noise_zone_class=None)
    pts2, excl2 = bindings.lake_noise_points(noise_points().assign(division=None), reg)
    pts2["division"] = "110000"
    v = _by(bindings.noise_values(ibis.memtable(pts2), [2024]))
    assert v["110000", "noise_night_compliance"] == 0.0 and excl2["points_class_from_file"] == [
        "N1",
        "N2",
        "N3",
    ]


def test_unregistered_and_bare_nd_are_excluded_and_counted():
    rows = pd.concat([water_long(), pd.DataFrame([("X9", "2024-03-05", "氨氮", "0.3", "mg/L"),
                                                  ("A4", "2024-09-05", "氨氮", "ND", "mg/L")],
                                                 columns=["section", "time", "item", "value", "unit"])])  # fmt: skip
    rows = rows.assign(division=None, raw=rows["value"], flag=rows["value"].where(rows["value"] == "ND"))
    samples, excl = bindings.lake_water_samples(rows, water_registry())
    assert excl["unregistered_sections"] == ["X9"] and excl["rows_unregistered"] == 1
    assert excl["rows_nd_without_detection_limit"] == 1
    assert set(samples["section"]) == {s for s, *_ in WATER}


# ---- through the lake and the registry -------------------------------------------------------------------------
@pytest.fixture
def world(tmp_path):
    """A lake holding the two fixtures (ingested with the lake's own layouts) and an app database whose registry
    knows the sections and points."""
    url = f"sqlite:///{tmp_path / 'p.db'}"
    upgrade(url)
    eng = make_engine(url)
    lake = Lake(tmp_path / "lake")
    w, n = tmp_path / "water.csv", tmp_path / "noise.csv"
    water_long().to_csv(w, index=False)
    noise_points().assign(time=lambda d: d["time"].dt.strftime("%Y-%m-%d %H:%M")).to_csv(n, index=False)
    assert ingest([w], lake=lake, layout="water-long")[0].rows_rejected == 0
    assert ingest([n], lake=lake, layout="noise")[0].rows_rejected == 0
    common = {"longitude": 116.4, "latitude": 39.9, "datum": "WGS84", "source": "test"}
    with session_scope(eng) as s:
        for code, div, wb in water_registry().itertuples(index=False):
            s.add(Station(code=code, name=code, medium="water", division_code=div, water_body=wb, **common))
        for code, div, zc in noise_registry().itertuples(index=False):
            s.add(
                Station(
                    code=code, name=code, medium="noise", division_code=div, noise_zone_class=zc, **common
                )
            )
    yield eng, lake
    eng.dispose()


def test_compute_water_and_noise_from_the_lake(world):
    eng, lake = world
    with session_scope(eng) as s:
        f = ind_service.compute_from_lake(s, division=None, years=[2024], media=["water", "noise"], lake=lake)
    v = _by(f)
    assert v["110000", "water_good_share"] == 40.0 and v["110000", "water_worse_v_share"] == 20.0
    assert v["120000", "water_good_share"] == 50.0
    assert v["110000", "noise_day_compliance"] == 66.7 and v["110000", "noise_night_compliance"] == 33.3
    with session_scope(eng) as s:
        stored = store.read_values(s, lineage=True).set_index(["division_code", "indicator"])
    lin = stored.loc[("110000", "noise_night_compliance"), "lineage"]
    assert lin["counts"] == {"monitored": 3, "compliant": 1} and len(lin["inputs"]["lake_imports"]) == 1
    assert lin["exclusions"]["points_where_file_class_differs"] == ["N2"]
    assert stored.loc[("120000", "water_good_share"), "value"] == 50.0


def test_compute_from_the_lake_by_division_and_level(world):
    eng, lake = world
    with session_scope(eng) as s:
        f = ind_service.compute_from_lake(s, division="110000", years=[2024], media=["water"], level="county",
                                          lake=lake, store_values=False)  # fmt: skip
        assert store.read_values(s).empty
    v = _by(f)
    # county level: 110105 holds A1–A4 (II, III, IV, V), 110106 holds A5 (劣V); Tianjin is outside the selection
    assert v["110105", "water_good_share"] == 50.0 and v["110106", "water_worse_v_share"] == 100.0
    assert "120101" not in set(f["division_code"])


def test_zone_pools_the_stations_of_its_divisions(world):
    eng, lake = world
    with session_scope(eng) as s:
        f = ind_service.compute_from_lake(s, division=None, years=[2024], media=["water", "noise"], lake=lake,
                                          store_values=False, zone=("PZ-JJ", ["110000", "120000"]))  # fmt: skip
    v = _by(f)
    # 7 sections pooled: II (A1), III (A2), IV, V, 劣V, IV (L1), II (R1) → good 3/7 = 42.9 %, 劣V 1/7 = 14.3 %
    # (the mean of the two divisions' shares, (40 + 50)/2 = 45, would be wrong)
    assert v["PZ-JJ", "water_good_share"] == 42.9 and v["PZ-JJ", "water_worse_v_share"] == 14.3
    assert v["PZ-JJ", "noise_day_compliance"] == 66.7
    assert f["lineage"].iloc[0]["inputs"]["zone"]["divisions"] == ["110000", "120000"]
