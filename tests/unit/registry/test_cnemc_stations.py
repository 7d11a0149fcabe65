"""CNEMC station cities as GB/T 2260 codes (registry.stations.cnemc) and the national city sets
(registry.ranking_sets) — on the real station list (data/sample/cnemc-2025-01) and its test slice."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from pioneer.errors import InputError
from pioneer.registry.errors import ImportFailedError
from pioneer.registry.permissions import Actor, Role
from pioneer.registry.ranking_sets import city_sets, set_for, sets_for
from pioneer.registry.stations.cnemc import city_codes, read_station_list, register_stations
from pioneer.registry.stations.models import Station
from pioneer.standards.divisions import rollup

ROOT = Path(__file__).resolve().parents[3]
FULL = ROOT / "data" / "sample" / "cnemc-2025-01" / "stations.csv"
SLICE = ROOT / "tests" / "data" / "air" / "cnemc" / "stations.csv"


def test_names_that_must_map() -> None:
    f = read_station_list(SLICE).groupby("area")["city"].first()
    assert f["阿坝藏族羌族自治州"] == "513200" and f["阿克苏地区"] == "652900" and f["阿拉善盟"] == "152900"
    assert f["北京市"] == "110000"  # a municipality: its province-level code
    assert f["石河子市"] == "659001"  # decided in cnemc_areas.csv (county-level, 自治区直辖)
    assert f["雄安新区"] == ""  # a 国家级新区 is no GB/T 2260 division


def test_every_station_of_the_national_list() -> None:
    f = read_station_list(FULL)
    assert len(f) == 1797
    assert int(f["city"].eq("").sum()) == 12  # 雄安 6, 西咸 3, 兰州 2, 赣江 1
    assert f.loc[f["city"] != "", "city"].nunique() == 338
    assert f["city"].str.fullmatch(r"\d{6}|").all()


def test_unknown_and_ambiguous_names_are_located_errors() -> None:
    areas = pd.Series(["北京市", "火星市", "阿拉善盟", "双名市"])
    cand = pd.DataFrame({"name": ["北京市", "阿拉善盟", "双名市", "双名市"],
                         "code": ["110000", "152900", "990100", "990200"]})  # fmt: skip
    with pytest.raises(ImportFailedError) as err:
        city_codes(areas, file="s.csv", candidates=cand)
    found = {(e.row, e.column, e.value) for e in err.value.errors}
    assert found == {(3, "area", "火星市"), (5, "area", "双名市")}  # header = row 1
    assert any("990100" in e.message_en for e in err.value.errors)


def test_station_list_without_area_column(tmp_path: Path) -> None:
    p = tmp_path / "stations.csv"
    p.write_text("stationcode,longitude,latitude,positionname\n1001A,116.3,39.8,x\n", encoding="utf-8")
    with pytest.raises(ImportFailedError) as err:
        read_station_list(p)
    assert err.value.errors[0].column == "area" and err.value.errors[0].row == 1


def test_register_stations(session) -> None:
    actor = Actor("test", Role.PROGRAMME_OFFICE)
    counts = register_stations(session, SLICE, actor=actor)
    assert counts["stations"] == 42 and counts["no_city"] == 6
    # the 12 Beijing stations of the seed are held already; the others are new
    assert counts["present"] == 12 and counts["registered"] == 42 - 6 - 12
    aba = session.scalar(select(Station).where(Station.code == "2566A"))
    assert aba.division_code == "513200" and aba.medium == "air" and aba.air_class == "national"
    again = register_stations(session, SLICE, actor=actor)
    assert again["registered"] == 0
    assert session.scalar(select(func.count()).select_from(Station).where(Station.code == "2566A")) == 1


def test_register_needs_the_programme_office_or_province(session) -> None:
    from pioneer.registry.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        register_stations(session, SLICE, actor=Actor("x", Role.ZONE, ("513200",)))


def test_rollup_keeps_province_administered_county_level_cities() -> None:
    assert rollup("659001", "city") == "659001" and rollup("419001", "city") == "419001"
    assert rollup("110105", "city") == "110000" and rollup("513201", "city") == "513200"


def test_city_sets_of_2025() -> None:
    s = city_sets()
    assert {k: len(v.codes) for k, v in s.items() if v.used_in(2025)} == {
        "cities_339": 339, "key_168": 168, "jjj_2_36": 38, "yrd_31": 31, "fwp_13": 13, "chengyu_16": 16,
        "mid_yangtze_21": 21, "prd_9": 9, "key_others_40": 40}  # fmt: skip
    assert set_for("region_yrd", 2025).key == "yrd_31" and set_for("region_yrd", 2022).key == "yrd_41"
    assert set_for("region_fwp", 2023).key == "fwp_11" and set_for("region_jjj", 2020).key == "jjj_2_26"
    assert len(s["yrd_41"].codes) == 41 and "340800" in s["yrd_41"].codes  # 安庆: 安徽 is whole in the 41
    assert "130100" in s["jjj_2_36"].codes and "140100" not in s["jjj_2_36"].codes  # 太原 moved to 汾渭平原
    assert "140100" in s["fwp_13"].codes and "659001" in s["cities_339"].codes
    groups = [x for x in sets_for(2025) if x.kind in ("region_jjj", "region_yrd", "region_fwp", "group_key")]
    assert sum(len(g.codes) for g in groups) == 168 and set().union(*[g.codes for g in groups]) == set(
        s["key_168"].codes
    )
    assert all(
        x.source and x.confidence in ("official", "faithful", "secondary", "assumed") for x in s.values()
    )


def test_unknown_member_name_is_an_error(monkeypatch) -> None:
    from pioneer.registry import ranking_sets

    with pytest.raises(InputError, match="火星市"):
        ranking_sets._resolve("x", ["北京市", "火星市"], {"北京市": ["110000"]})
