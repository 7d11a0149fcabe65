"""Zone-level assessment on a real (SQLite) app database, registry zones and a lake: single-division zones take
their division's values; a multi-division (region) zone pools the stations of its divisions for computed
indicators and takes reported statistics only when reported for the zone itself; zones of a tier are ranked
among themselves. Expected numbers are computed by hand in the comments."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pioneer.assessment import zones as zone_assessment
from pioneer.db import make_engine, session_scope, upgrade
from pioneer.indicators import store
from pioneer.lake.ingest import ingest
from pioneer.lake.storage import Lake
from pioneer.registry.permissions import Actor, Role
from pioneer.registry.stations.models import Station
from pioneer.registry.zones import service as zones
from pioneer.registry.zones.schemas import ZoneCreate

OFFICE = Actor("office", Role.PROGRAMME_OFFICE)
T0 = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
# water sections (GB 3838-2002 Table 1): NH3-N II ≤ 0.5, V ≤ 2.0, > 2.0 劣V; TP 0.06 → II in a river (≤ 0.1),
# IV in a lake (≤ 0.1 but > 0.05)
SECTIONS = [
    ("B1", "river", "110105", "氨氮", "0.4"),  # II
    ("B2", "river", "110105", "氨氮", "1.9"),  # V
    ("B3", "lake", "120101", "总磷", "0.06"),  # IV
    ("B4", "river", "120101", "总磷", "0.06"),  # II
    ("B5", "river", "120101", "氨氮", "2.5"),  # 劣V
    ("B6", "river", "130102", "氨氮", "0.4"),  # II, outside the zone
]


@pytest.fixture
def world(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    upgrade(url)
    eng = make_engine(url)
    lake = Lake(tmp_path / "lake")
    w = tmp_path / "water.csv"
    pd.DataFrame([(s, "2024-06-05", i, v, "mg/L") for s, _, _, i, v in SECTIONS],
                 columns=["section", "time", "item", "value", "unit"]).to_csv(w, index=False)  # fmt: skip
    assert ingest([w], lake=lake, layout="water-long")[0].rows_rejected == 0
    rows = []
    # city PM2.5 (µg/m³, edition 2012): zones' cities 130100 34 / 130200 50 / 130300 50 (a tie), baseline 2020 42
    for code, v in {"130100": 34.0, "130200": 50.0, "130300": 50.0, "130400": 45.0, "130500": 27.0}.items():
        rows.append((code, "air_pm2_5", 2024, v, "2012", "µg/m³"))
    rows.append(("130100", "air_pm2_5", 2020, 42.0, "2012", "µg/m³"))
    # province water good shares (the distribution for region-zone bounds): 20, 60, 70, 80, 90 →
    # floor = 2.5th percentile (linear) = 20 + 0.1·(60 − 20) = 24; target = national 2027 target 90
    for code, v in {"110000": 20.0, "120000": 60.0, "130000": 70.0, "140000": 80.0, "150000": 90.0}.items():
        rows.append((code, "water_good_share", 2024, v, "", "%"))
    # reported forest cover of the two member provinces — must never be averaged into the zone's value
    rows += [("110000", "forest_cover", 2024, 44.0, "", "%"), ("120000", "forest_cover", 2024, 12.0, "", "%")]
    f = pd.DataFrame(rows, columns=["division_code", "indicator", "year", "value", "edition", "unit"])
    common = {"longitude": 116.4, "latitude": 39.9, "datum": "WGS84", "source": "test"}
    with session_scope(eng) as s:
        store.save_values(s, f[f.indicator != "forest_cover"], source_kind="computed")
        store.save_values(s, f[f.indicator == "forest_cover"], source_kind="reported")
        for code, wb, div, _, _ in SECTIONS:
            s.add(Station(code=code, name=code, medium="water", division_code=div, water_body=wb, **common))
        for code, tier, divs in (("PZ-JJ", "region", ["110000", "120000"]), ("PZ-SJZ", "city", ["130100"]),
                                 ("PZ-TS", "city", ["130200"]), ("PZ-HD", "city", ["130300"])):  # fmt: skip
            zones.create_zone(s, ZoneCreate(code=code, name_zh=code, tier=tier, division_codes=divs,
                                            as_of=dt.date(2024, 6, 1)), actor=OFFICE, at=T0)  # fmt: skip
    yield eng, lake
    eng.dispose()


def test_single_division_zone_scorecard_and_zone_ranks(world):
    eng, lake = world
    with session_scope(eng) as s:
        card = zone_assessment.zone_scorecard(
            s, "PZ-SJZ", 2024, baseline_year=2020, hide_ranks=False, lake=lake
        )
    rows = {r["indicator"]: r for r in card["indicators"]}
    pm = rows["air_pm2_5"]
    assert card["tier"] == "city" and card["divisions"] == ["130100"] and card["level"] == "city"
    assert pm["value"] == 34.0 and pm["combination"] == "division"
    assert pm["score"] == pytest.approx(82.0)  # 100·(34 − 75)/(25 − 75), catalogue bounds
    # among the three city zones (34, 50, 50): rank 1 of 3, percentile 100
    assert pm["rank"] == 1 and pm["n_zones"] == 3 and pm["percentile"] == 100.0
    assert pm["change"] == -8.0 and pm["trajectory"] == "on_track"  # (42 − 34)/4 = 2 ≥ (42 − 28)/7 = 2
    assert rows["forest_cover"]["data_status"] == "missing"
    assert any("同级先行区" in n["zh"] for n in card["notes"])


def test_zone_ranking_shares_ranks_on_ties(world):
    eng, lake = world
    with session_scope(eng) as s:
        r = zone_assessment.zone_ranking(s, "air_pm2_5", "city", 2024, hide_ranks=False, lake=lake)
        hidden = zone_assessment.zone_ranking(s, "air_pm2_5", "city", 2024, hide_ranks=True, lake=lake)
    assert list(r["zone_code"]) == ["PZ-SJZ", "PZ-HD", "PZ-TS"]
    assert list(r["rank"]) == [1, 2, 2] and list(r["percentile"]) == [
        100.0,
        50.0,
        50.0,
    ]  # 100·(3 − 2)/(3 − 1)
    assert hidden["rank"].isna().all() and list(hidden["percentile"]) == [100.0, 50.0, 50.0]


def test_region_zone_pools_stations_and_never_averages_reported(world):
    eng, lake = world
    with session_scope(eng) as s:
        card = zone_assessment.zone_scorecard(s, "PZ-JJ", 2024, hide_ranks=False, lake=lake)
    rows = {r["indicator"]: r for r in card["indicators"]}
    good, worse = rows["water_good_share"], rows["water_worse_v_share"]
    # B1–B5 pooled: II, V, IV, II, 劣V → good 2/5 = 40.0 %, 劣V 1/5 = 20.0 % (B6 lies outside the zone).
    # The mean of the divisions' own shares would be (50.0 + 33.3)/2 = 41.7, and the stored 110000/120000 shares
    # (20, 60) are not used either.
    assert good["value"] == 40.0 and worse["value"] == 20.0 and good["combination"] == "pooled-stations"
    assert card["level"] == "province" and card["divisions"] == ["110000", "120000"]
    assert good["score"] == pytest.approx(100 * (40 - 24) / (90 - 24))  # province floor 24, target 90
    assert worse["score"] == pytest.approx(0.0)  # catalogue floor 20, target 0: 100·(20 − 20)/(0 − 20)
    assert good["rank"] == 1 and good["n_zones"] == 1
    forest = rows["forest_cover"]
    assert forest["value"] is None and forest["data_status"] == "not-reported-for-zone"
    assert (
        forest["members_with_value"] == 2
    )  # 44 and 12 exist for the members, and stay out of the zone value
    assert any("不对各行政区取平均" in n["zh"] for n in card["notes"])


def test_region_zone_takes_a_statistic_reported_for_the_zone(world):
    eng, lake = world
    reported = pd.DataFrame({"division_code": ["PZ-JJ", "PZ-XX"], "indicator": ["forest_cover"] * 2,
                             "year": [2024, 2024], "value": [30.5, 99.0], "unit": ["%", "%"]})  # fmt: skip
    with session_scope(eng) as s:
        card = zone_assessment.zone_scorecard(s, "PZ-JJ", 2024, lake=lake, zone_reported=reported,
                                              indicators=["forest_cover", "water_good_share"])  # fmt: skip
    rows = {r["indicator"]: r for r in card["indicators"]}
    assert (
        rows["forest_cover"]["value"] == 30.5 and rows["forest_cover"]["combination"] == "reported-for-zone"
    )
    assert rows["forest_cover"]["data_status"] == "ok"


def test_unknown_tier_is_refused(world):
    eng, _ = world
    with session_scope(eng) as s, pytest.raises(ValueError, match="tier"):
        zone_assessment.zones_frame(s, 2024, tier="galaxy")


def test_zone_reported_file_is_validated_with_located_errors(tmp_path):
    from pioneer.indicators.template import TemplateErrors

    p = tmp_path / "zone.csv"
    p.write_text(
        "zone_code,indicator,year,value,unit,source_document\n"
        "PZ-JJ,forest_cover,2024,30.5,%,京津冀林草统计\n"  # row 2: valid
        "PZ-JJ,forest_cover,2024,31.0,%,重复\n"  # row 3: duplicate zone/indicator/year
        "PZ-JJ,water_good_share,2024,80,%,x\n"  # row 4: computed from stations, not reportable
        "PZ-JJ,wetland_protection_rate,2024,101,%,x\n"  # row 5: a share above 100 %
        "PZ-JJ,protected_area_share,2024,12,km2,x\n"  # row 6: wrong unit
        "PZ-JJ,no_such,20x4,abc,%,\n",  # row 7: unknown indicator, bad year, not a number, no source
        encoding="utf-8",
    )
    with pytest.raises(TemplateErrors) as exc:
        zone_assessment.read_zone_reported(p)
    got = {(e.row, e.column) for e in exc.value.errors}
    assert got == {(3, "indicator"), (4, "indicator"), (5, "value"), (6, "unit"), (7, "indicator"), (7, "year"),
                   (7, "value"), (7, "source_document")}  # fmt: skip
    assert all(e.file == "zone.csv" and e.message_zh and e.message_en for e in exc.value.errors)
    ok = tmp_path / "ok.csv"
    ok.write_text("zone_code,indicator,year,value,unit,source_document\nPZ-JJ,forest_cover,2024,30.5,%,公报\n",
                  encoding="utf-8")  # fmt: skip
    f = zone_assessment.read_zone_reported(ok)
    assert f[["division_code", "indicator", "year", "value"]].values.tolist() == [
        ["PZ-JJ", "forest_cover", 2024, 30.5]
    ]
