"""``pioneer carbon …`` on real files: account (CSV and the Excel energy-balance template), dual control (with an
account's CO2, stored as indicator values), footprint with its DOCX/PDF report; bad input changes nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from pioneer.cli import app

runner = CliRunner()

ACTIVITY = """division_code,year,sector,fuel,amount,unit,flow
440000,2022,工业,原煤,100,万吨,
440000,2022,交通,柴油,10,t,
440000,2022,净调入,电力,5,亿千瓦时,
"""
# 1 900 298.8488 + 30.95909637 (10 t × 3.095909637) + 268 300 (500 000 MWh × 0.5366) = 2 168 629.80790 t
TOTAL_2022 = 1900298.8488 + 30.95909637 + 268300.0

SERIES = """division_code,year,gdp,gdp_unit,price_base,co2,co2_unit,energy,energy_unit
440000,2020,100000,亿元,2020,250,万吨,20000,万吨标准煤
440000,2021,105000,亿元,2020,240,万吨,20500,万吨标准煤
440000,2022,110000,亿元,2020,,,21000,万吨标准煤
"""


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("PIONEER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PIONEER_DATABASE_URL", raising=False)
    return tmp_path


def test_account_csv_prints_each_rows_factor(home):
    (home / "a.csv").write_text(ACTIVITY, encoding="utf-8")
    r = runner.invoke(app, ["carbon", "account", str(home / "a.csv"), "-o", str(home / "out.csv")])
    assert r.exit_code == 0, r.output
    lines = [x for x in r.stdout.splitlines() if x.startswith("第 ")]
    assert len(lines) == 3 and "[2011:raw_coal; default; secondary]" in lines[0]
    assert "grid:2022:national:average" in lines[2] and "0.5366" in lines[2]
    out = pd.read_csv(home / "out.csv", dtype={"division_code": str})
    assert out.loc[out["record"] == "total", "co2_t"].iloc[0] == pytest.approx(TOTAL_2022)
    assert set(out["record"]) == {"row", "by_sector", "by_fuel", "total", "factor"}
    factors = out[out["record"] == "factor"].set_index("factor_key")
    assert factors["factor_source"].str.len().min() > 20  # every factor used names its source, once
    rows = out[out["record"] == "row"]
    nonco2 = {f"{k}:{g}" for k in rows["nonco2_key"].dropna() for g in ("CH4", "N2O")}  # IPCC CH4/N2O factors
    assert nonco2 and set(rows["factor_key"]) | nonco2 == set(factors.index)
    # 交通 柴油 10 t = 426.52 GJ = 0.42652 TJ (Table 3.2.2: CH4 3.9, N2O 3.9 kg/TJ) → 1.663428 kg each
    assert "CH4 0.00166343 t, N2O 0.00166343 t" in lines[1] and "[ipcc2006:3.2.2:diesel]" in lines[1]
    assert "CH4" not in lines[0]  # 工业 原煤: no manufacturing coal default was read, so none is printed
    total = out[out["record"] == "total"].iloc[0]
    assert total["co2e_t"] == pytest.approx(TOTAL_2022 + 0.42652 * 3.9e-3 * (21 + 310))
    assert total["nonco2_missing_rows"] == 1


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ("440000,2022,工业,泥炭,1,t,", "未知的能源品种"),
        ("440000,2022,工业,原煤,1,亿千瓦时,", "cannot be converted"),
        ("440000,2022,工业,原煤,-1,t,", "must not be negative"),
    ],
)
def test_account_bad_input_writes_nothing(home, line, needle):
    (home / "a.csv").write_text(ACTIVITY + line + "\n", encoding="utf-8")
    (home / "out.csv").write_text("old", encoding="utf-8")
    r = runner.invoke(app, ["carbon", "account", str(home / "a.csv"), "-o", str(home / "out.csv")])
    assert r.exit_code == 2 and needle in r.output and "row 5" in r.output and "第 5 行" in r.output
    assert (home / "out.csv").read_text(encoding="utf-8") == "old"  # untouched
    assert [p.name for p in home.iterdir() if p.name.startswith(".out")] == []  # no temp file left


def test_balance_template_round_trip_in_excel(home):
    tpl = home / "balance.xlsx"
    assert runner.invoke(app, ["carbon", "template", str(tpl)]).exit_code == 0
    wb = openpyxl.load_workbook(tpl)
    ws = wb.active
    header = [c.value for c in ws[1]]
    assert header[:4] == ["行政区划代码", "年份", "品种", "单位"] and "调出 export" in header
    names = [ws.cell(row=i, column=3).value for i in range(2, ws.max_row + 1)]
    coal, power = names.index("原煤") + 2, names.index("电力") + 2
    for row in (coal, power):
        ws.cell(row=row, column=1, value="440000")
        ws.cell(row=row, column=2, value=2022)
    ws.cell(row=coal, column=header.index("工业 industry") + 1, value=100)  # 万吨
    ws.cell(row=power, column=header.index("净调入 net import") + 1, value=5)  # 亿千瓦时
    ws.cell(row=power, column=header.index("调出 export") + 1, value=1)
    wb.save(tpl)
    r = runner.invoke(app, ["carbon", "account", str(tpl), "-o", str(home / "out.xlsx"), "--quiet"])
    assert r.exit_code == 0, r.output
    sheets = pd.read_excel(home / "out.xlsx", sheet_name=None)
    assert {"account", "balance_co2_t", "factors"} <= set(sheets)
    acc = sheets["account"]
    # 1 900 298.8488 + (5 − 1) × 100 000 MWh × 0.5366
    assert acc.loc[acc["record"] == "total", "co2_t"].iloc[0] == pytest.approx(1900298.8488 + 214640.0)
    ws.cell(row=coal, column=header.index("工业 industry") + 1, value="很多")
    wb.save(tpl)
    r = runner.invoke(app, ["carbon", "account", str(tpl), "-o", str(home / "bad.xlsx")])
    assert r.exit_code == 2 and f"row {coal}" in r.output and "工业 industry" in r.output
    assert not (home / "bad.xlsx").exists()


def test_error_in_a_later_sheet_names_that_sheet(home):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2022"
    ws.append(["division_code", "year", "sector", "fuel", "amount", "unit"])
    ws.append(["440000", 2022, "工业", "原煤", 1, "t"])
    ws2 = wb.create_sheet("2023")
    ws2.append(["division_code", "year", "sector", "fuel", "amount", "unit"])
    ws2.append(["440000", 2023, "工业", "原煤", 1, "t"])
    ws2.append(["440000", 2023, "工业", "泥炭", 1, "t"])
    wb.save(home / "two.xlsx")
    r = runner.invoke(app, ["carbon", "account", str(home / "two.xlsx"), "-o", str(home / "o.csv")])
    assert r.exit_code == 2 and "two.xlsx:2023" in r.output and "row 3" in r.output
    assert not (home / "o.csv").exists()


CALC = Path("/usr/lib/libreoffice/program/libsclo.so")


@pytest.mark.skipif(
    shutil.which("soffice") is None or not CALC.exists(), reason="LibreOffice Calc not installed"
)
def test_libreoffice_opens_the_excel_account(home):
    (home / "a.csv").write_text(ACTIVITY, encoding="utf-8")
    assert (
        runner.invoke(app, ["carbon", "account", str(home / "a.csv"), "-o", str(home / "out.xlsx")]).exit_code
        == 0
    )
    subprocess.run(["soffice", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(home / "lo"), str(home / "out.xlsx")],
                   check=True, capture_output=True, timeout=120, env={"HOME": str(home), "PATH": "/usr/bin:/bin"})  # fmt: skip
    first = pd.read_csv(home / "lo" / "out.csv")  # LibreOffice converts the first sheet (the account)
    assert first.loc[first["record"] == "total", "co2_t"].iloc[0] == pytest.approx(TOTAL_2022)


def test_dual_control_with_account_co2_and_store(home):
    (home / "a.csv").write_text(ACTIVITY, encoding="utf-8")
    (home / "s.csv").write_text(SERIES, encoding="utf-8")
    assert (
        runner.invoke(app, ["carbon", "account", str(home / "a.csv"), "-o", str(home / "acc.csv")]).exit_code
        == 0
    )
    r = runner.invoke(app, ["carbon", "dual-control", str(home / "s.csv"), "-o", str(home / "dc.csv"), "--emissions",
                            str(home / "acc.csv"), "--store"])  # fmt: skip
    assert r.exit_code == 0, r.output
    dc = pd.read_csv(home / "dc.csv", dtype={"division_code": str})
    years = dc[dc["record"] == "year"].set_index("year")
    # 2021: I = 2 400 000 t / 1 050 000 000 万元 … the CO2 of 2022 comes from the account
    assert years.loc[2022, "co2_t"] == pytest.approx(TOTAL_2022)
    i21, i22 = 2_400_000 / 1.05e9, TOTAL_2022 / 1.1e9
    assert years.loc[2022, "co2_intensity_reduction"] == pytest.approx((1 - i22 / i21) * 100)
    from pioneer.db import session_scope
    from pioneer.indicators import store

    with session_scope() as s:
        v = store.read_values(s, indicators=["carbon_intensity_reduction"], lineage=True)
    assert v.set_index("year").loc[2022, "value"] == pytest.approx((1 - i22 / i21) * 100)
    assert v["edition"].iloc[0] == "price-base 2020" and v["lineage"].iloc[0]["binding"].startswith("carbon.")
    r = runner.invoke(app, ["explain", "440000", "carbon_intensity_reduction", "2022"])
    assert r.exit_code == 0, r.output
    chain = json.loads(r.stdout)
    assert chain["lineage"]["inputs"]["emissions_account"].endswith("acc.csv")
    assert chain["value"] == pytest.approx((1 - i22 / i21) * 100) and "I_{t−1}" in chain["method"]


def test_account_store_replaces_the_same_division_year(home):
    (home / "a.csv").write_text(ACTIVITY, encoding="utf-8")
    for _ in range(2):  # stored twice: replaced, not doubled
        r = runner.invoke(
            app, ["carbon", "account", str(home / "a.csv"), "-o", str(home / "o.csv"), "--store", "--quiet"]
        )
        assert r.exit_code == 0, r.output
    from pioneer.carbon.service import read_account_totals
    from pioneer.db import session_scope

    with session_scope() as s:
        t = read_account_totals(s, ["440000"])
    assert t[t["record"] == "total"]["co2_t"].tolist() == pytest.approx([TOTAL_2022])
    assert sorted(t.loc[t["record"] == "by_sector", "key"]) == ["交通", "净调入", "工业"]
    assert set(t["grid"]) == {"national/average"} and set(t["edition"]) == {"2011"}


def test_dual_control_missing_year_is_an_error(home):
    (home / "s.csv").write_text(SERIES.replace("440000,2021", "440000,2019"), encoding="utf-8")
    r = runner.invoke(app, ["carbon", "dual-control", str(home / "s.csv"), "-o", str(home / "dc.csv")])
    assert r.exit_code == 2 and "missing year 2021" in r.output and "缺少 2021 年" in r.output
    assert not (home / "dc.csv").exists()


BOM = """stage,item,quantity,unit,factor_key,factor,factor_unit,factor_source,uncertainty,data_quality
原材料获取,铝锭,0.2,t,,16000,t,supplier declaration (test value),0.2,secondary
生产,电力,150,kWh,electricity:2023:national,,,,0.05,primary
生产,天然气,30,m3,combustion:natural_gas,,,,,primary
"""


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_footprint_with_report(home, fmt):
    (home / "bom.csv").write_text(BOM, encoding="utf-8")
    rep = home / f"fp.{fmt}"
    r = runner.invoke(app, ["carbon", "footprint", str(home / "bom.csv"), "-o", str(home / "fp.csv"), "--report", str(rep),
                            "--functional-unit", "1 个铝部件", "--product", "铝部件"])  # fmt: skip
    assert r.exit_code == 0, r.output
    out = pd.read_csv(home / "fp.csv")
    # 0.2 t × 16 000 = 3200; 0.15 MWh × 530.6 = 79.59; 30 m³ = 0.003 ×10⁴ m³ × 21 621.888 = 64.86566 kgCO2e
    total = 3200 + 79.59 + 0.003 * 21621.88809
    assert out.loc[out["record"] == "total", "kgco2e_per_fu"].iloc[0] == pytest.approx(total)
    assert out.loc[out["record"] == "total", "boundary"].iloc[0] == "cradle-to-gate"
    if fmt == "docx":
        import docx

        text = "\n".join(p.text for p in docx.Document(str(rep)).paragraphs)
    else:
        text = subprocess.run(["pdftotext", str(rep), "-"], capture_output=True, text=True, check=True).stdout
    assert f"{total:.3f}".rstrip("0") in text and "从摇篮到大门" in text and "u = √Σ" in text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_opens_the_docx_report(home):
    (home / "bom.csv").write_text(BOM, encoding="utf-8")
    rep = home / "fp.docx"
    r = runner.invoke(app, ["carbon", "footprint", str(home / "bom.csv"), "-o", str(home / "fp.csv"), "--report",
                            str(rep), "--lang", "en"])  # fmt: skip
    assert r.exit_code == 0, r.output
    subprocess.run(["soffice", "--headless", "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(home / "lo"), str(rep)],
                   check=True, capture_output=True, timeout=120, env={"HOME": str(home), "PATH": "/usr/bin:/bin"})  # fmt: skip
    text = (home / "lo" / "fp.txt").read_text(encoding="utf-8-sig")
    assert "Product carbon footprint" in text and "cradle-to-gate" in text


def test_footprint_bad_bom_writes_neither_file(home):
    (home / "bom.csv").write_text(BOM.replace("0.2,t,,16000", "-0.2,t,,16000"), encoding="utf-8")
    r = runner.invoke(app, ["carbon", "footprint", str(home / "bom.csv"), "-o", str(home / "fp.csv"), "--report",
                            str(home / "fp.docx")])  # fmt: skip
    assert r.exit_code == 2 and "row 2" in r.output and "quantity" in r.output
    assert not (home / "fp.csv").exists() and not (home / "fp.docx").exists()


def test_factors_lists_one_table_or_all_and_refuses_an_unknown_one():
    """``pioneer carbon factors --table`` prints the API's tables (service.factor_tables): the CH4/N2O pairs
    without a default say so; the GB/T 51366-2019 trucks are transport; an unknown table exits 2, zh and en."""
    r = runner.invoke(app, ["carbon", "factors", "--table", "nonco2"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert (
        "ch4/n2o road_transport gasoline\tIPCC 2006 Table 3.2.2\tCH4 33 / N2O 3.2 kg/TJ (GWP AR2)\t[secondary]"
        in lines
    )
    assert "ch4/n2o residential natural_gas\tIPCC 2006 Table 2.5\t— (无值 no value)\t[not-found]" in lines
    assert not any(x.startswith(("process ", "electricity ", "footprint ")) for x in lines)
    r = runner.invoke(app, ["carbon", "factors", "--table", "footprint"])
    assert (
        "footprint gbt51366:transport:diesel_truck_30t\ttransport\t0.078 kgCO2e/t·km\t2019\t[secondary]"
        in r.output
    )
    r = runner.invoke(app, ["carbon", "factors"])
    assert r.exit_code == 0 and all(f"# {t}:" in r.output for t in ("fuels", "nonco2", "processes", "gwp", "grid",
                                                                   "heat", "footprint"))  # fmt: skip
    r = runner.invoke(app, ["carbon", "factors", "--table", "eol"])
    assert r.exit_code == 2 and "未知的因子表" in r.output and "unknown factor table 'eol'" in r.output
