"""``pioneer ecology …`` (SQLite under a temporary PIONEER_HOME): template → filled workbook → import with a
scope (refused outside it, nothing written) → compute → export; the EI table from a CSV."""

from __future__ import annotations

import os
import shutil
import subprocess

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from pioneer.cli import app


def test_registers_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("PIONEER_HOME", str(tmp_path))
    monkeypatch.delenv("PIONEER_DATABASE_URL", raising=False)
    run = CliRunner().invoke
    book = tmp_path / "book.xlsx"
    assert run(app, ["ecology", "template", "-o", str(book)]).exit_code == 0
    wb = openpyxl.load_workbook(book)
    wb["危险废物单位"].append(["P1", "甲厂", "产生单位", "330502", "是"])
    wb["危险废物年度申报"].append(["P1", 2025, 40, "是", "是", "否"])
    wb.save(book)
    refused = run(app, ["ecology", "import", str(book), "--as-role", "province", "--scope", "110000"])
    assert refused.exit_code == 1 and "330502" in refused.output
    ok = run(app, ["ecology", "import", str(book), "--as-role", "province", "--scope", "330000"])
    assert ok.exit_code == 0, ok.output
    details = tmp_path / "hw.csv"
    res = run(app, ["ecology", "compute", "hazardous-waste", "--year", "2025", "-o", str(details)])
    assert (
        res.exit_code == 0
        and "330500  hazardous_waste_info_supervision_coverage  2025  100.0 %" in res.output
    )
    assert pd.read_csv(details)["code"].tolist() == ["P1"]
    out = tmp_path / "export.xlsx"
    assert run(app, ["ecology", "export", "-o", str(out)]).exit_code == 0
    assert openpyxl.load_workbook(out)["危险废物单位"]["A2"].value == "P1"
    if shutil.which("soffice") and shutil.which("pdftotext"):  # as a bureau opens it: LibreOffice Calc
        lo = tmp_path / "lo"
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(lo), str(out)], check=True,
                       capture_output=True, timeout=180, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})  # fmt: skip
        text = subprocess.run(["pdftotext", str(lo / "export.pdf"), "-"], check=True, capture_output=True,
                              text=True).stdout  # fmt: skip
        assert "甲厂" in text and "P1" in text
    elif os.environ.get("CI"):
        pytest.fail("LibreOffice and poppler are installed by scripts/install-system.sh for make test")


def test_ei_command(tmp_path, monkeypatch):
    monkeypatch.setenv("PIONEER_HOME", str(tmp_path))
    monkeypatch.delenv("PIONEER_DATABASE_URL", raising=False)
    csv = tmp_path / "ei.csv"
    csv.write_text(
        "division_code,year,area,forest,grassland,water_wetland,cropland,built_up,unused,river_length,lake_area,"
        "water_resources,severe_erosion,moderate_erosion,other_stress,cod,nh3_n,so2,dust,nox,solid_waste,"
        "precipitation,ndvi_mean\n"
        "330502,2025,1000,200,100,30,400,200,70,800,20,500,10,30,20,5000,500,3000,2000,4000,100,1000,0.6\n",
        encoding="utf-8",
    )
    out = tmp_path / "ei_out.csv"
    run = CliRunner().invoke
    missing = run(app, ["ecology", "ei", str(csv), "-o", str(out), "--abundance-rule", "habitat_only"])
    assert missing.exit_code == 1 and "A_veg" in missing.output and not out.exists()
    res = run(app, ["ecology", "ei", str(csv), "-o", str(out), "--abundance-rule", "habitat_only",
                    "--a-veg", "125", "--store"])  # fmt: skip
    assert res.exit_code == 0, res.output
    row = pd.read_csv(out, dtype=str).iloc[0]
    assert (row["ei"], row["ei_class"]) == ("74.2", "良")
    from pioneer.db import make_engine, session_scope
    from pioneer.indicators import store

    with session_scope(make_engine()) as s:
        v = store.read_values(s, indicators=["ecological_status_index"], lineage=True)
    assert v["value"].tolist() == [74.2] and v["lineage"][0]["a_veg"] == 125.0
    from sqlalchemy import select

    from pioneer.db.audit import AuditEntry

    with session_scope(make_engine()) as s:
        audited = s.scalars(
            select(AuditEntry).where(AuditEntry.object_type == "indicator.ecological_status_index")
        )
        assert [a.object_key for a in audited] == ["330502/2025"]
    outside = run(app, ["ecology", "ei", str(csv), "-o", str(tmp_path / "x.csv"), "--abundance-rule", "habitat_only",
                        "--a-veg", "125", "--store", "--as-role", "province", "--scope", "110000"])  # fmt: skip
    assert outside.exit_code != 0 and "330502" in outside.output and not (tmp_path / "x.csv").exists()
