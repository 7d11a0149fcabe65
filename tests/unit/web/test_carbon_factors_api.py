"""/api/v1/carbon/factors lists the process factors with the edition's GWPs, the heat default and the packaged
footprint library (each with source and confidence); the footprint-factors template is public."""

from __future__ import annotations

import io

import openpyxl


def test_factors_list_processes_gwp_heat_and_footprint_library(client):
    body = client.get("/api/v1/carbon/factors?edition=2011").json()
    procs = {p["process"]: p for p in body["processes"]}
    assert procs["cement_clinker"]["co2_factor"] == 0.538 and procs["lime"]["co2_factor"] == 0.683
    assert procs["nitric_acid"]["co2_factor"] is None and procs["nitric_acid"]["confidence"] == "not-found"
    assert body["gwp_set"] == "AR2" and {g["gas"]: g["gwp_100"] for g in body["gwp"]}["N2O"] == 310
    assert body["heat"][0]["factor_tco2_per_gj"] == 0.11
    lib = {f["key"]: f for f in body["footprint"]}
    assert lib["electricity_cfp:2023:national"]["factor_kgco2e"] == 620.5
    assert all(f["source"] and f["confidence"] for f in body["footprint"])
    assert client.get("/api/v1/carbon/factors?edition=2025").json()["gwp_set"] == "AR5"


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
