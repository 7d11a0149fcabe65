"""``pioneer compensation …`` and ``pioneer gep …`` end to end: real files in, DOCX/PDF/JSON/CSV out, the audit
log written, bad input refused with a located bilingual message and no output file."""

from __future__ import annotations

import json
import shutil
import subprocess

import docx
import pandas as pd
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from pioneer.cli import app
from pioneer.db import session_scope
from pioneer.web.models import AuditEntry

run = CliRunner().invoke


def _import_yr(tmp_path):
    yml = tmp_path / "yr.yaml"
    r = run(app, ["compensation", "template", "-o", str(yml)])
    assert r.exit_code == 0, r.output
    r = run(app, ["compensation", "import", str(yml), "--as-user", "wang"])
    assert r.exit_code == 0, r.output
    return yml


def test_statement_files_and_audit(world, tmp_path):
    eng, _ = world
    _import_yr(tmp_path)
    with session_scope(eng) as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.object_type == "compensation_agreement"))
        assert entry.action == "create" and "--as-user wang" in entry.note and entry.after["version"] == 1
    out = tmp_path / "st.json"
    r = run(app, ["compensation", "statement", "YR-HEN-SHD-2021", "--year", "2021", "-o", str(out)])
    assert r.exit_code == 0, r.output
    st = json.loads(out.read_text(encoding="utf-8"))
    assert (
        st["net"]["transfer"] == 6000
        and "山东省（370000） 向 河南省（410000） 支付 6000 万元" in st["net"]["text_zh"]
    )
    d = tmp_path / "st.docx"
    assert (
        run(app, ["compensation", "statement", "YR-HEN-SHD-2021", "--year", "2021", "-o", str(d)]).exit_code
        == 0
    )
    cells = [[c.text for c in row.cells] for t in docx.Document(str(d)).tables for row in t.rows]
    assert any(row[0] == "6000" and "支付 6000 万元" in row[1] for row in cells)
    assert any("年均值水质 II 类，目标 III 类：1 个类别 × 6000 万元" in cell for row in cells for cell in row)
    p = tmp_path / "st.pdf"
    assert (
        run(app, ["compensation", "statement", "YR-HEN-SHD-2021", "--year", "2021", "-o", str(p)]).exit_code
        == 0
    )
    text = subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True, check=True).stdout
    assert "补偿结算单" in text and "6000" in text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_opens_the_statement(world, tmp_path):
    _import_yr(tmp_path)
    d = tmp_path / "st.docx"
    assert (
        run(app, ["compensation", "statement", "YR-HEN-SHD-2021", "--year", "2021", "-o", str(d)]).exit_code
        == 0
    )
    subprocess.run(["soffice", "--headless", "--convert-to", "txt:Text", "--outdir", str(tmp_path / "lo"), str(d)],
                   capture_output=True, check=True, timeout=120)  # fmt: skip
    assert "6000" in (tmp_path / "lo" / "st.txt").read_text(encoding="utf-8", errors="replace")


def test_bad_input_is_refused_without_output(world, tmp_path):
    yml = tmp_path / "bad.yaml"
    yml.write_text("code: X\nname: y\nupstream: '410000'\n", encoding="utf-8")
    r = run(app, ["compensation", "import", str(yml)])
    assert r.exit_code == 1 and "file bad.yaml, column 'downstream': Field required" in r.output
    assert "文件 bad.yaml 列 “terms”" in r.output
    _import_yr(tmp_path)
    out = tmp_path / "st.docx"
    r = run(app, ["compensation", "statement", "YR-HEN-SHD-2021", "--year", "2022", "-o", str(out)])
    assert r.exit_code == 1 and "刘庄" in r.output and "fewer than the agreement's 12" in r.output
    assert not out.exists()
    r = run(app, ["compensation", "statement", "NOPE", "--year", "2021", "-o", str(out)])
    assert r.exit_code == 1 and "unknown compensation agreement 'NOPE'" in r.output and not out.exists()
    # a second import of the same code without --new-version is refused; with it, version 2 is written
    assert run(app, ["compensation", "import", str(tmp_path / "yr.yaml")]).exit_code == 1
    r = run(
        app, ["compensation", "import", str(tmp_path / "yr.yaml"), "--new-version", "--note", "same terms"]
    )
    assert r.exit_code == 0 and "version 2" in r.output


def test_gep_account_per_county_and_city(tmp_path):
    # two counties of 甘孜州 (513300): 康定 513301 and 泸定 513322, priced with the Garzê 2010 set
    #   513301: water conservation 1.0e8 m³ × 7.06 = 7.06e8; agriculture 2.0e8 元 (value) → GEP 9.06e8
    #   513322: oxygen release 1.0e5 t × 727 = 7.27e7; recreation 3.0e7 元 → GEP 1.027e8
    #   city 513300 = 9.06e8 + 1.027e8 = 1.0087e9; conversion value = 2.0e8 + 3.0e7 = 2.3e8 → 22.8016 %
    inp = pd.DataFrame({"division_code": ["513301", "513301", "513322", "513322"], "year": [2010] * 4,
                        "component": ["water_conservation", "agriculture_value", "oxygen_release", "recreation_value"],
                        "quantity": [1.0e8, 2.0e8, 1.0e5, 3.0e7], "unit": ["m3", "元", "t", "元"]})  # fmt: skip
    inp.to_csv(tmp_path / "q.csv", index=False)
    pd.DataFrame({"division_code": ["513300"], "year": [2010], "gdp": [1.22e10]}).to_csv(tmp_path / "gdp.csv",
                                                                                        index=False)  # fmt: skip
    out, items = tmp_path / "acc.csv", tmp_path / "items.csv"
    r = run(app, ["gep", "account", str(tmp_path / "q.csv"), "-o", str(out), "--prices", "garze-2010",
                  "--gdp", str(tmp_path / "gdp.csv"), "--items", str(items)])  # fmt: skip
    assert r.exit_code == 0, r.output
    acc = pd.read_csv(out, dtype={"division_code": str}).set_index(["level", "division_code"])
    assert acc.loc[("input", "513301"), "gep"] == pytest.approx(9.06e8)
    assert acc.loc[("input", "513322"), "gep"] == pytest.approx(1.027e8)
    city = acc.loc[("city", "513300")]
    assert city["gep"] == pytest.approx(1.0087e9) and city["conversion_rate"] == pytest.approx(
        22.8016, abs=1e-4
    )
    assert city["gep_gdp_ratio"] == pytest.approx(1.0087e9 / 1.22e10)
    assert len(pd.read_csv(items)) == 4
    # the report: accounts table, one composition chart per county, prices with their sources
    rep = tmp_path / "gep.docx"
    r = run(app, ["gep", "account", str(tmp_path / "q.csv"), "-o", str(out), "--prices", "garze-2010", "--report",
                  str(rep)])  # fmt: skip
    assert r.exit_code == 0, r.output
    d = docx.Document(str(rep))
    rows = [[c.text for c in row.cells] for row in d.tables[0].rows]
    assert rows[-1][:3] == ["city", "513300", "2010"] and rows[-1][6] == "10.087"
    assert len(d.inline_shapes) == 2
    # a bad row: located, no output file
    inp.loc[2, "unit"] = "kg"
    inp.to_csv(tmp_path / "bad.csv", index=False)
    bad_out = tmp_path / "bad_acc.csv"
    r = run(app, ["gep", "account", str(tmp_path / "bad.csv"), "-o", str(bad_out), "--prices", "garze-2010"])
    assert r.exit_code == 1 and "row 4" in r.output and "column 'unit'" in r.output and not bad_out.exists()
    # no price for a physical quantity without --prices → located error
    r = run(app, ["gep", "account", str(tmp_path / "q.csv"), "-o", str(bad_out)])
    assert r.exit_code == 1 and "no price" in r.output and not bad_out.exists()


def test_excel_template_import(world, tmp_path):
    x = tmp_path / "lushui.xlsx"
    assert (
        run(
            app, ["compensation", "template", "--example", "lushui-jiangxi-hunan-2019", "-o", str(x)]
        ).exit_code
        == 0
    )
    r = run(app, ["compensation", "import", str(x)])
    assert r.exit_code == 0, r.output
    out = tmp_path / "st.json"
    assert (
        run(
            app, ["compensation", "statement", "LUSHUI-JX-HN-2019", "--year", "2020", "-o", str(out)]
        ).exit_code
        == 0
    )
    assert json.loads(out.read_text(encoding="utf-8"))["net"]["transfer"] == 700
