"""/api/v1/carbon/factors: every default factor table of a guideline edition — CO2 of fuels, CH4/N2O (IPCC 2006
Tier 1, the rows without a value said so), processes with the edition's GWPs, GWPs, grid, heat and the
product-footprint library (GB/T 51366-2019 附录D/E materials and transport) — each row with source and
confidence; ``table`` picks one; the footprint-factors template is public."""

from __future__ import annotations

import io

import openpyxl
import pytest

TABLES = ("fuels", "nonco2", "processes", "gwp", "grid", "heat", "footprint")


def test_factors_list_processes_gwp_heat_and_footprint_library(client):
    body = client.get("/api/v1/carbon/factors?edition=2011").json()
    assert body["table"] == "all" and [t["table"] for t in body["tables"]] == list(TABLES)
    procs = {p["process"]: p for p in body["processes"]}
    assert procs["cement_clinker"]["co2_factor"] == 0.538 and procs["lime"]["co2_factor"] == 0.683
    assert procs["nitric_acid"]["co2_factor"] is None and procs["nitric_acid"]["confidence"] == "not-found"
    assert body["gwp_set"] == "AR2" and {g["gas"]: g["gwp_100"] for g in body["gwp"]}["N2O"] == 310
    assert body["heat"][0]["factor_tco2_per_gj"] == 0.11
    lib = {f["key"]: f for f in body["footprint"]}
    assert lib["electricity_cfp:2023:national"]["factor_kgco2e"] == 620.5
    assert all(f["source"] and f["confidence"] for f in body["footprint"])
    assert client.get("/api/v1/carbon/factors?edition=2025").json()["gwp_set"] == "AR5"


def test_every_row_carries_source_and_confidence(client):
    """Schema: each table's rows name their source and confidence; fuels, CH4/N2O with a value, grid, heat and
    the footprint library also their year; the table parameter is an enum in the OpenAPI document."""
    body = client.get("/api/v1/carbon/factors?edition=2011").json()
    for name in TABLES:
        rows = body[name]
        assert rows, name
        assert all(r["source"] and r["confidence"] for r in rows), name
        assert next(t for t in body["tables"] if t["table"] == name)["rows"] == len(rows)
    for name in ("fuels", "grid", "heat", "footprint"):
        assert all(str(r["year"]) for r in body[name]), name
    assert all(r["year"] == "2006" for r in body["nonco2"] if r["has_value"])
    spec = client.get("/api/v1/openapi.json").json()
    params = spec["paths"]["/api/v1/carbon/factors"]["get"]["parameters"]
    table = next(p for p in params if p["name"] == "table")
    assert table["schema"]["enum"] == ["all", *TABLES]


@pytest.mark.parametrize(
    ("table", "key", "match", "column", "value"),
    [
        # 2011 raw coal: 20.908 GJ/t × 26.37 tC/TJ × 10⁻³ × 0.94 × 44/12 = 1.90030 tCO2/t
        ("fuels", "fuel", "raw_coal", "co2_factor", 1.90030),
        # IPCC 2006 Table 3.2.2, uncontrolled motor gasoline: CH4 33 kg/TJ
        ("nonco2", "fuel", "gasoline", "ch4_kg_per_tj", 33.0),
        ("processes", "process", "cement_clinker", "co2_factor", 0.538),
        ("gwp", "gas", "CH4", "gwp_100", 21.0),  # IPCC SAR, the 2011 guideline's basis
        ("grid", "region", "national", "factor_tco2_per_mwh", 0.5366),  # 2022 national average (MEE + NBS)
        ("heat", "key", "heat:default", "factor_tco2_per_gj", 0.11),  # GB/T 32150—2025
        ("footprint", "key", "gbt51366:steel_rebar_hot_rolled", "factor_kgco2e", 2340.0),  # 附录D
    ],
)
def test_one_table_with_a_known_value(client, table, key, match, column, value):
    body = client.get(f"/api/v1/carbon/factors?edition=2011&table={table}").json()
    assert body["table"] == table and [t["table"] for t in body["tables"]] == [table]
    assert set(TABLES) & set(body) == {table}  # only the chosen table
    rows = [r for r in body[table] if r[key] == match]
    if table == "nonco2":
        rows = [r for r in rows if r["category"] == "road_transport"]
    if table == "grid":
        rows = [r for r in rows if r["year"] == 2022 and r["kind"] == "average"]
    assert len(rows) == 1 and rows[0][column] == pytest.approx(value, abs=5e-6)


def test_nonco2_rows_without_a_value_say_so(client):
    body = client.get("/api/v1/carbon/factors?edition=2011&table=nonco2").json()
    rows = {(r["category"], r["fuel"]): r for r in body["nonco2"]}
    assert len(rows) == 5 * len(client.get("/api/v1/carbon/factors?table=fuels").json()["fuels"])
    res = rows[("residential", "natural_gas")]  # IPCC Table 2.5 not read: no value, never 0
    assert res["has_value"] is False and res["ch4_kg_per_tj"] is None and res["confidence"] == "not-found"
    assert "2.5" in res["source"] and "nonco2_missing_rows" in res["source"]
    coke = rows[("manufacturing", "coke")]
    assert coke["has_value"] is False and "no IPCC 2006 Tier 1 default" in coke["source"]
    assert rows[("energy_industries", "raw_coal")]["n2o_kg_per_tj"] == 1.5
    info = body["tables"][0]
    assert "nonco2_missing_rows" in info["note_en"] and "不作 0" in info["note_zh"]


def test_footprint_library_groups_materials_and_transport(client):
    body = client.get("/api/v1/carbon/factors?table=footprint").json()
    lib = {f["key"]: f for f in body["footprint"]}
    assert lib["gbt51366:transport:diesel_truck_30t"]["group"] == "transport"
    assert lib["gbt51366:transport:diesel_truck_30t"]["factor_kgco2e"] == 0.078
    assert (
        lib["gbt51366:concrete_c30"]["group"] == "material" and lib["gbt51366:concrete_c30"]["unit"] == "m3"
    )
    assert lib["electricity_cfp:2024:national"]["group"] == "electricity"
    assert all(
        "GB/T 51366-2019" in f["source"] for f in body["footprint"] if f["key"].startswith("gbt51366:")
    )
    assert "end-of-life" in body["tables"][0]["note_en"] and "寿命末期" in body["tables"][0]["note_zh"]


def test_unknown_table_is_refused_in_both_languages(client):
    r = client.get("/api/v1/carbon/factors?table=materials")
    assert r.status_code == 422
    d = r.json()["detail"]
    assert (
        "未知的因子表" in d["message_zh"] and "materials" in d["message_zh"] and "nonco2" in d["message_zh"]
    )
    assert "unknown factor table 'materials'" in d["message_en"] and "footprint" in d["message_en"]


def test_footprint_factors_template_is_public(client):
    r = client.get("/api/v1/carbon/templates/footprint-factors")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[1]] == [
        "key",
        "unit",
        "factor_kgco2e",
        "source",
        "year",
        "confidence",
        "note",
    ]
