"""Indicators computed from the ecology registers, each checked against a hand count (shown in the comments)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from ecology_actors import OFFICE

from pioneer.ecology import indicators as ind
from pioneer.ecology import service
from pioneer.errors import InputError
from pioneer.standards import water


def save(session, name, rows):
    service.save_rows(session, name, rows, actor=OFFICE)


def test_drinking_source_compliance_worked_example():
    # Huzhou (330500): S1 meets class III on every item (NH3-N annual mean (0.8 + 1.0)/2 = 0.9 ≤ 1.0), S2's NH3-N
    # mean (1.0 + 1.4)/2 = 1.2 > 1.0 fails; S3 is groundwater: NH3-N 0.4 ≤ 0.50 (GB/T 14848-2017 class III) passes;
    # S6, groundwater, NH3-N 0.9 > 0.50 fails
    # (it would pass GB 3838's 1.0); S4 has no section → rate = 2 / 4 × 100 = 50.0. Beijing: S5, mean 0.5 → 100.0.
    sources = pd.DataFrame({
        "code": ["S1", "S2", "S3", "S4", "S5", "S6"], "name": list("abcdef"),
        "source_type": ["river", "reservoir", "groundwater", "lake", "river", "groundwater"], "tier": "city",
        "division_code": ["330502", "330503", "330502", "330502", "110105", "330502"],
        "section_code": ["X1", "X2", "X3", None, "X5", "X6"]})  # fmt: skip
    raw = pd.DataFrame({
        "section": ["X1", "X1", "X2", "X2", "X3", "X5", "X5", "X6"],
        "waterbody_type": ["river", "river", "reservoir", "reservoir", "river", "river", "river", "river"],
        "time": ["2025-01-05", "2025-07-05", "2025-01-05", "2025-07-05", "2025-01-05", "2025-03-05", "2024-03-05",
                 "2025-04-05"],
        "parameter": "nh3_n", "value": ["0.8", "1.0", "1.0", "1.4", "0.4", "0.5", "3.0", "0.9"]})  # fmt: skip
    samples = water.read_samples(raw)
    values, details = ind.drinking_source_compliance(sources, samples, 2025, level="city")
    got = dict(zip(values["division_code"], values["value"], strict=True))
    assert got == {"330500": 50.0, "110000": 100.0}
    d = details.set_index("code")
    assert (
        not d.loc["S4", "evaluated"]
        and d.loc["S4", "excluded_reason"] == "no monitoring section in the register"
    )
    assert bool(d.loc["S1", "compliant"]) and not bool(d.loc["S2", "compliant"])
    assert bool(d.loc["S3", "compliant"]) and not bool(d.loc["S6", "compliant"])
    assert (d.loc["S3", "standard"], d.loc["S1", "standard"]) == ("GB/T 14848-2017", "GB 3838-2002")
    lin = values.set_index("division_code").at["330500", "lineage"]
    assert lin["n_sources"] == 4 and {e["code"] for e in lin["excluded"]} == {"S4"}


def _hw(session):
    save(session, "hw_units", [
        {"code": "P1", "name": "甲厂", "role": "producer", "division_code": "330502", "in_system": "是"},
        {"code": "P2", "name": "乙厂", "role": "producer", "division_code": "330502", "in_system": "是"},
        {"code": "P3", "name": "丙厂", "role": "producer", "division_code": "330502", "in_system": "否"},
        {"code": "P4", "name": "丁厂", "role": "producer", "division_code": "330502", "in_system": "是"},
        {"code": "D1", "name": "处置中心", "role": "disposer", "division_code": "330503", "in_system": "是",
         "permit_number": "ZJ-1"},
    ])  # fmt: skip
    save(session, "hw_filings", [
        {"unit_code": "P1", "year": 2025, "generated_prev_year_t": 50, "plan_filed": "是", "declared": "是",
         "annual_report": "否"},
        {"unit_code": "P2", "year": 2025, "generated_prev_year_t": 12, "plan_filed": "是", "declared": "否",
         "annual_report": "否"},
        {"unit_code": "P3", "year": 2025, "generated_prev_year_t": 30, "plan_filed": "是", "declared": "是",
         "annual_report": "否"},
        {"unit_code": "P4", "year": 2025, "generated_prev_year_t": 3, "plan_filed": "否", "declared": "否",
         "annual_report": "否"},
        {"unit_code": "D1", "year": 2025, "plan_filed": "否", "declared": "否", "annual_report": "是"},
    ])  # fmt: skip
    save(session, "hw_manifests", [
        {"code": "M1", "producer_code": "P1", "receiver_code": "D1", "waste_code": "900-041-49", "quantity_t": 5,
         "transfer_date": "2025-03-01", "electronic": "是"},
        {"code": "M2", "producer_code": "P1", "receiver_code": "D1", "waste_code": "900-041-49", "quantity_t": 5,
         "transfer_date": "2025-09-01", "electronic": "否"},
        {"code": "M3", "producer_code": "P1", "receiver_code": "D1", "waste_code": "900-041-49", "quantity_t": 5,
         "transfer_date": "2024-09-01", "electronic": "否"},
    ])  # fmt: skip


def test_hazardous_waste_coverage_lists_what_is_missing(session):
    # Obliged: P1 (50 t), P2 (12 t), P3 (30 t), D1 (licensed); P4 generated 3 t < 10 t → not obliged nationally.
    # P1: a paper manifest in 2025 (M2; M3 is of 2024) → not covered; P2: declaration missing; P3: not in the
    # system; D1: everything filed → covered. Huzhou: 1 covered of 4 → 25.0 %.
    _hw(session)
    values, details = ind.hazardous_waste_coverage(session, 2025, level="city")
    assert values.set_index("division_code").at["330500", "value"] == 25.0
    d = details.set_index("code")
    assert set(d.index) == {"P1", "P2", "P3", "D1"}
    assert d.at["P1", "paper_manifests"] == "M2" and any("electronic" in m for m in d.at["P1", "missing"])
    assert any("declaration" in m for m in d.at["P2", "missing"])
    assert any("information system" in m for m in d.at["P3", "missing"])
    assert d.at["D1", "missing"] == [] and bool(d.at["D1", "covered"])
    # county level: D1 lies in 330503 (100 %), the producers in 330502 (0 of 3)
    county = ind.hazardous_waste_coverage(session, 2025, level="county")[0].set_index("division_code")[
        "value"
    ]
    assert county.to_dict() == {"330502": 0.0, "330503": 100.0}


def test_tailings_inspections_and_rectification(session):
    save(session, "tailings_ponds", [
        {"code": "T1", "name": "一号库", "division_code": "330502", "supervision_class": "1",
         "class_document": "清单", "status": "operating"},
        {"code": "T2", "name": "二号库", "division_code": "330502", "supervision_class": "2",
         "class_document": "清单", "status": "operating"},
    ])  # fmt: skip
    save(session, "tailings_inspections", [
        {"pond_code": "T1", "inspected_on": "2025-07-01"}, {"pond_code": "T1", "inspected_on": "2025-10-01"},
        {"pond_code": "T2", "inspected_on": "2025-08-01"}])  # fmt: skip
    save(session, "tailings_hazards", [
        {"code": "H1", "pond_code": "T1", "found_on": "2025-07-01", "description": "a", "deadline": "2025-08-01",
         "rectified_on": "2025-07-20"},
        {"code": "H2", "pond_code": "T1", "found_on": "2025-10-01", "description": "b", "deadline": "2025-11-01"},
        {"code": "H3", "pond_code": "T2", "found_on": "2025-08-01", "description": "c", "deadline": "2026-02-01"},
        {"code": "H4", "pond_code": "T2", "found_on": "2026-01-10", "description": "d", "deadline": "2026-02-01"},
    ])  # fmt: skip
    # As of 2025-12-31: H1 done, H2 overdue, H3 open, H4 not yet found → 1 / 3 × 100 = 33.3 %.
    # T1 (class 1) had 2 inspections but none before 1 June → short; T2 (class 2) needs 1 and had 1.
    values, details = ind.tailings_status(session, 2025)
    assert values.set_index("division_code").at["330500", "value"] == 33.3
    lin = values.set_index("division_code").at["330500", "lineage"]
    assert (
        lin["hazards_found"],
        lin["rectified"],
        lin["overdue"],
        lin["ponds_below_inspection_minimum"],
    ) == (3, 1, 1, 1)
    d = details.set_index("code")
    assert not d.at["T1", "inspections_ok"] and d.at["T2", "inspections_ok"]
    later = ind.tailings_status(session, 2025, as_of=dt.date(2026, 1, 31))[1].set_index("code")
    assert later.at["T2", "hazards"] == 2  # H4 counted once found


def test_heavy_metal_change_against_base_year(session):
    save(session, "hm_enterprises", [
        {"code": "E1", "name": "冶炼厂", "division_code": "330502"},
        {"code": "E2", "name": "电镀厂", "division_code": "330503"}])  # fmt: skip
    save(session, "hm_emissions", [
        {"enterprise_code": "E1", "year": 2020, "metal": "pb", "amount_kg": 100},
        {"enterprise_code": "E1", "year": 2020, "metal": "cd", "amount_kg": 20},
        {"enterprise_code": "E2", "year": 2020, "metal": "pb", "amount_kg": 80},
        {"enterprise_code": "E1", "year": 2025, "metal": "pb", "amount_kg": 90},
        {"enterprise_code": "E1", "year": 2025, "metal": "cd", "amount_kg": 15},
    ])  # fmt: skip
    # Huzhou: base 100 + 20 + 80 = 200 kg, 2025 = 90 + 15 = 105 kg → (105 − 200) / 200 × 100 = −47.5 %;
    # E2 reported for 2020 but not 2025 → listed.
    values, by_metal = ind.heavy_metal_change(session, 2025, 2020)
    row = values.set_index("division_code").loc["330500"]
    assert row["value"] == -47.5 and row["lineage"]["enterprises_without_report"] == ["E2"]
    pb = by_metal.set_index(["division", "metal"]).loc[("330500", "pb")]
    assert (pb["base_kg"], pb["year_kg"]) == (180.0, 90.0)
    with pytest.raises(InputError):
        ind.heavy_metal_change(session, 2020, 2025)


def test_ei_table_with_change_and_missing_a_veg():
    # county X of tests/unit/standards/test_ecology.py (EI 74.2137… → 74.2, 良) in 2024 and, with 1.5 % more
    # forest NDVI, in 2025.
    base = {"division_code": "330502", "area": 1000, "forest": 200, "grassland": 100, "water_wetland": 30,
            "cropland": 400, "built_up": 200, "unused": 70, "river_length": 800, "lake_area": 20,
            "water_resources": 500, "severe_erosion": 10, "moderate_erosion": 30, "other_stress": 20,
            "cod": 5000, "nh3_n": 500, "so2": 3000, "dust": 2000, "nox": 4000, "solid_waste": 100,
            "precipitation": 1000}  # fmt: skip
    frame = pd.DataFrame(
        [{**base, "year": 2024, "ndvi_mean": 0.6}, {**base, "year": 2025, "ndvi_mean": 0.64}]
    )
    t = ind.ei_table(frame, abundance_rule="habitat_only", a_veg=125.0)
    # 2025: VC = 125 × 0.64 = 80 → EI = 74.2137… + 0.25 × 5 = 75.4637… → 75.5 (优); ΔEI = 75.5 − 74.2 = 1.3
    assert t["ei"].tolist() == [74.2, 75.5] and t["ei_class"].tolist() == ["良", "优"]
    assert pd.isna(t.at[0, "ei_change"]) and t.at[1, "ei_change"] == 1.3
    assert t.at[1, "ei_change_class"] == "略微变化" and t.at[1, "ei_change_direction"] == "变好"
    with pytest.raises(InputError, match="A_veg"):
        ind.ei_table(frame, abundance_rule="habitat_only")
    with pytest.raises(InputError):
        ind.ei_table(frame.drop(columns=["cod"]), abundance_rule="habitat_only", a_veg=125.0)
    v = ind.ei_values(t, abundance_rule="habitat_only", a_veg=125.0)
    assert (
        v["indicator"].unique().tolist() == ["ecological_status_index"] and v["lineage"][0]["a_veg"] == 125.0
    )


def test_drinking_source_compliance_from_the_lake(session, tmp_path):
    # Through the measurement lake (water-long layout): W1 NH3-N 0.6 and "<0.2" → half the limit, 0.1 → mean 0.35
    # (class II) → complies; W2 TP 0.06 in a reservoir → the lake limit III 0.05 is exceeded → fails (as a river,
    # 0.06 would be class II and pass); W3, groundwater, NH3-N 0.9 > 0.50 (GB/T 14848-2017 class III) fails,
    # though it meets GB 3838's 1.0. Huzhou: 1 / 3 → 33.3 %.
    from pioneer.lake.ingest import ingest
    from pioneer.lake.storage import Lake

    save(session, "water_sources", [
        {"code": "W1", "name": "甲水厂取水口", "source_type": "river", "tier": "city", "division_code": "330502",
         "section_code": "SEC-1"},
        {"code": "W2", "name": "老虎潭水库", "source_type": "reservoir", "tier": "city", "division_code": "330502",
         "section_code": "SEC-2"},
        {"code": "W3", "name": "某水源井", "source_type": "groundwater", "tier": "county", "division_code": "330502",
         "section_code": "GW-1"},
    ])  # fmt: skip
    lake = Lake(tmp_path / "lake")
    csv = tmp_path / "w.csv"
    csv.write_text("section,time,item,value,unit\nSEC-1,2025-03-05,氨氮,0.6,mg/L\nSEC-1,2025-09-05,氨氮,<0.2,mg/L\n"
                   "SEC-2,2025-05-10,总磷,0.06,mg/L\nGW-1,2025-05-10,氨氮,0.9,mg/L\n", encoding="utf-8")  # fmt: skip
    assert ingest([csv], lake=lake, layout="water-long")[0].rows_rejected == 0
    values, details = ind.drinking_source_compliance_from_lake(session, 2025, lake=lake)
    row = values.set_index("division_code").loc["330500"]
    assert row["value"] == 33.3 and len(row["lineage"]["lake_imports"]) == 1
    d = details.set_index("code")
    assert (
        bool(d.at["W1", "compliant"])
        and not bool(d.at["W2", "compliant"])
        and not bool(d.at["W3", "compliant"])
    )
    assert d.at["W3", "standard"] == "GB/T 14848-2017"


def test_every_value_frame_can_be_stored(session):
    """Lineages are JSON (no numpy scalars): each indicator's values go into the indicator store as they are."""
    import json

    from pioneer.indicators import store

    _hw(session)
    sources = pd.DataFrame({"code": ["S1"], "name": ["a"], "source_type": ["river"], "tier": ["city"],
                            "division_code": ["330502"], "section_code": ["X1"]})  # fmt: skip
    samples = water.read_samples(pd.DataFrame({"section": ["X1"], "waterbody_type": ["river"], "time": ["2025-01-05"],
                                               "parameter": ["nh3_n"], "value": ["0.8"]}))  # fmt: skip
    frames = [
        ind.drinking_source_compliance(sources, samples, 2025)[0],
        ind.hazardous_waste_coverage(session, 2025)[0],
    ]
    for values in frames:
        json.dumps(list(values["lineage"]), ensure_ascii=False)  # plain JSON
        assert store.save_values(session, values, source_kind="computed") == len(values) > 0
    got = store.read_values(session, indicators=["drinking_water_source_compliance"], lineage=True)
    assert got["value"].tolist() == [100.0] and got["lineage"][0]["sources"] == [
        {"code": "S1", "compliant": True}
    ]
