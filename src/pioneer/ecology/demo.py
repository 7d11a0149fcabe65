"""Demo rows of the ecology registers and demo EI results for ``pioneer demo`` (idempotent).

Everything here is invented for the demo and marked “示例” in its names (codes start with ``DEMO-``): the sources,
units, ponds and enterprises are not real, and the EI inputs (``ecology/data/demo_ei_inputs.csv``) are made up
so that the pages show a county/city table with a trend. The rows go through the same checks, scope test and
audit as user input (:func:`pioneer.ecology.service.save_batch`); the EI values through
:func:`pioneer.ecology.indicators.ei_table` with the vegetation cover index given directly (A_veg not found) and
the ``habitat_only`` abundance rule (the rule of the standard was not found)."""

from __future__ import annotations

from importlib import resources

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from pioneer.ecology import indicators as ind
from pioneer.ecology import service
from pioneer.ecology.models import WaterSource
from pioneer.registry.permissions import Actor, Role

DEMO_ABUNDANCE_RULE = "habitat_only"
ROWS: dict[str, list[dict]] = {
    "water_sources": [
        {"code": "DEMO-WS-01", "name": "老虎潭水库水源地（示例）", "source_type": "reservoir", "tier": "city",
         "division_code": "330502", "served_divisions": "330502,330503", "population_served": 820000,
         "section_code": "DEMO-SEC-01", "longitude": 119.95, "latitude": 30.78, "note": "示例数据 / demo data"},
        {"code": "DEMO-WS-02", "name": "赋石水库水源地（示例）", "source_type": "reservoir", "tier": "county",
         "division_code": "330523", "served_divisions": "330523", "population_served": 310000,
         "longitude": 119.52, "latitude": 30.55, "note": "示例数据 / demo data"},
        {"code": "DEMO-WS-03", "name": "对河口水库水源地（示例）", "source_type": "reservoir", "tier": "county",
         "division_code": "330521", "served_divisions": "330521", "population_served": 280000,
         "longitude": 119.83, "latitude": 30.56, "note": "示例数据 / demo data"},
    ],
    "water_source_zones": [
        {"source_code": "DEMO-WS-01", "zone": "first", "water_area_km2": 1.9, "land_area_km2": 3.2,
         "document": "示例批复文号"},
        {"source_code": "DEMO-WS-01", "zone": "second", "water_area_km2": 0.6, "land_area_km2": 28.5,
         "document": "示例批复文号"},
        {"source_code": "DEMO-WS-02", "zone": "first", "water_area_km2": 3.1, "land_area_km2": 4.0,
         "document": "示例批复文号"},
    ],
    "hw_units": [
        {"code": "DEMO-HW-01", "name": "湖州示例电镀有限公司（示例）", "role": "producer", "division_code": "330502",
         "in_system": True, "longitude": 120.10, "latitude": 30.87},
        {"code": "DEMO-HW-02", "name": "长兴示例蓄电池有限公司（示例）", "role": "producer", "division_code": "330522",
         "in_system": True, "longitude": 119.93, "latitude": 31.01},
        {"code": "DEMO-HW-03", "name": "湖州示例危废处置中心（示例）", "role": "disposer", "division_code": "330503",
         "in_system": True, "permit_number": "示例许可证号", "longitude": 120.30, "latitude": 30.85},
        {"code": "DEMO-HW-04", "name": "德清示例化工有限公司（示例）", "role": "producer", "division_code": "330521",
         "in_system": False, "longitude": 120.05, "latitude": 30.55},
    ],
    "hw_filings": [
        {"unit_code": "DEMO-HW-01", "year": 2024, "generated_prev_year_t": 86.0, "plan_filed": True,
         "declared": True, "annual_report": False},
        {"unit_code": "DEMO-HW-02", "year": 2024, "generated_prev_year_t": 420.0, "plan_filed": True,
         "declared": False, "annual_report": False},
        {"unit_code": "DEMO-HW-03", "year": 2024, "plan_filed": True, "declared": True, "annual_report": True},
        {"unit_code": "DEMO-HW-04", "year": 2024, "generated_prev_year_t": 35.0, "plan_filed": False,
         "declared": False, "annual_report": False},
    ],
    "hw_manifests": [
        {"code": "DEMO-MF-0001", "producer_code": "DEMO-HW-01", "receiver_code": "DEMO-HW-03",
         "waste_code": "336-054-17", "quantity_t": 12.5, "transfer_date": "2024-03-18", "electronic": True},
        {"code": "DEMO-MF-0002", "producer_code": "DEMO-HW-02", "receiver_code": "DEMO-HW-03",
         "waste_code": "384-004-31", "quantity_t": 40.0, "transfer_date": "2024-05-09", "electronic": True},
        {"code": "DEMO-MF-0003", "producer_code": "DEMO-HW-02", "receiver_code": "DEMO-HW-03",
         "waste_code": "384-004-31", "quantity_t": 38.2, "transfer_date": "2024-09-21", "electronic": False},
    ],
    "tailings_ponds": [
        {"code": "DEMO-TP-01", "name": "长兴示例矿业尾矿库（示例）", "enterprise": "长兴示例矿业有限公司（示例）",
         "division_code": "330522", "supervision_class": "2", "class_document": "示例：省级清单文号",
         "status": "operating", "capacity_10k_m3": 85.0, "dam_height_m": 24.0, "pollutants": "pH、悬浮物（示例）",
         "longitude": 119.78, "latitude": 31.08},
        {"code": "DEMO-TP-02", "name": "安吉示例萤石矿尾矿库（示例）", "enterprise": "安吉示例萤石矿（示例）",
         "division_code": "330523", "supervision_class": "3", "class_document": "示例：省级清单文号",
         "status": "closed", "capacity_10k_m3": 12.0, "dam_height_m": 11.0, "pollutants": "氟化物（示例）",
         "longitude": 119.60, "latitude": 30.70},
    ],
    "tailings_inspections": [
        {"pond_code": "DEMO-TP-01", "inspected_on": "2024-05-20", "inspector": "市生态环境局（示例）",
         "findings": "排洪设施淤积（示例）"},
        {"pond_code": "DEMO-TP-02", "inspected_on": "2024-08-12", "inspector": "县分局（示例）", "findings": "无"},
    ],
    "tailings_hazards": [
        {"code": "DEMO-TH-01", "pond_code": "DEMO-TP-01", "found_on": "2024-05-20",
         "description": "排洪设施淤积（示例）", "deadline": "2024-07-31", "rectified_on": "2024-07-15"},
        {"code": "DEMO-TH-02", "pond_code": "DEMO-TP-01", "found_on": "2024-05-20",
         "description": "渗滤液收集池防渗破损（示例）", "deadline": "2024-12-31"},
    ],
    "hm_enterprises": [
        {"code": "DEMO-HM-01", "name": "长兴示例蓄电池有限公司（示例）", "division_code": "330522",
         "industry": "铅蓄电池制造（示例）", "longitude": 119.93, "latitude": 31.01},
        {"code": "DEMO-HM-02", "name": "湖州示例电镀有限公司（示例）", "division_code": "330502",
         "industry": "电镀（示例）", "longitude": 120.10, "latitude": 30.87},
    ],
    "hm_emissions": [
        {"enterprise_code": "DEMO-HM-01", "year": 2020, "metal": "pb", "amount_kg": 46.0},
        {"enterprise_code": "DEMO-HM-01", "year": 2024, "metal": "pb", "amount_kg": 39.5},
        {"enterprise_code": "DEMO-HM-02", "year": 2020, "metal": "cr", "amount_kg": 12.0},
        {"enterprise_code": "DEMO-HM-02", "year": 2024, "metal": "cr", "amount_kg": 10.8},
        {"enterprise_code": "DEMO-HM-02", "year": 2024, "metal": "cd", "amount_kg": 0.4},
    ],
}  # fmt: skip


def demo_ei_inputs() -> pd.DataFrame:
    """The invented EI inputs of the demo (three Lishui counties and their sum as the city), as text columns."""
    with resources.files("pioneer.ecology.data").joinpath("demo_ei_inputs.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def seed_ecology(session: Session, *, record=None) -> dict[str, int]:
    """Save the demo register rows once (programme-office actor, audited through ``record`` when given);
    returns the rows saved per register (empty when they are there already)."""
    if session.scalar(select(WaterSource.code).where(WaterSource.code == "DEMO-WS-01")) is not None:
        return {}
    frames = {}
    for name, rows in ROWS.items():
        f = pd.DataFrame(rows, dtype=object)
        f["_row"] = range(2, len(f) + 2)
        frames[name] = f
    kw = {"record": record} if record is not None else {}
    return service.save_batch(session, frames, actor=Actor("demo", Role.PROGRAMME_OFFICE), file="demo", **kw)


def seed_ei(session: Session) -> int:
    """Store the demo EI values (indicator ``ecological_status_index`` of three 丽水 counties and the city,
    2021–2024, invented inputs), replacing them on every run; returns the number of values."""
    from pioneer.indicators import store as istore

    table = ind.ei_table(demo_ei_inputs(), abundance_rule=DEMO_ABUNDANCE_RULE, file="demo_ei_inputs.csv")
    values = ind.ei_values(table, abundance_rule=DEMO_ABUNDANCE_RULE, a_veg=None)
    values["source_document"] = "示例数据（虚构）/ demo data (invented)"
    return istore.save_values(session, values, source_kind="computed")


def seed_register_indicators(session: Session, year: int = 2024, base_year: int = 2020) -> int:
    """Compute the indicators of the demo registers for ``year`` at city and county level (hazardous-waste
    coverage, tailings hidden-hazard rectification, heavy-metal emissions against ``base_year``) and store them
    as computed values, so that the zone scorecards of the demo show them; returns the number of values."""
    from pioneer.indicators import store as istore

    frames = []
    for level in ("city", "county"):
        frames.append(ind.hazardous_waste_coverage(session, year, level=level)[0])
        frames.append(ind.tailings_status(session, year, level=level)[0])
        frames.append(ind.heavy_metal_change(session, year, base_year, level=level)[0])
    values = pd.concat([f for f in frames if len(f)], ignore_index=True)
    values["source_document"] = "示例台账计算（虚构数据）/ computed from the demo registers (invented data)"
    return istore.save_values(session, values, source_kind="computed")
