"""``pioneer report …`` and ``pioneer projects …`` end to end: files written only on success, exit 1 with the
error in Chinese and English otherwise, imports audited."""

from __future__ import annotations

import os
import shutil

import docx
import openpyxl
import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from pioneer.cli import app


@pytest.fixture(scope="module")
def home(report_engine, tmp_path_factory):
    """A PIONEER_HOME holding a copy of the reports database (demo zones, plans, Beijing indicators)."""
    path = tmp_path_factory.mktemp("cli-home")
    shutil.copy(report_engine.url.database, path / "pioneer.db")
    old = os.environ.get("PIONEER_HOME")
    os.environ["PIONEER_HOME"] = str(path)
    yield path
    if old is None:
        os.environ.pop("PIONEER_HOME", None)
    else:
        os.environ["PIONEER_HOME"] = old


def test_report_commands(home):
    r = CliRunner().invoke(
        app, ["report", "self-assessment", "BJ-110000", "--year", "2016", "-o", str(home / "r.docx")]
    )
    assert r.exit_code == 0, r.output
    heads = [p.text for p in docx.Document(home / "r.docx").paragraphs if p.style.name == "Title"]
    assert heads == ["北京市美丽中国先行区建设2016年度自评估报告"]
    r = CliRunner().invoke(
        app, ["report", "national", "--year", "2016", "--lang", "en", "-o", str(home / "n.html")]
    )
    assert r.exit_code == 0 and "progress report 2016" in (home / "n.html").read_text()
    r = CliRunner().invoke(
        app, ["report", "self-assessment", "NOPE", "--year", "2016", "-o", str(home / "x.pdf")]
    )
    assert r.exit_code == 1 and "未知的先行区" in r.output and "unknown pioneer zone" in r.output
    assert not (home / "x.pdf").exists() and not list(home.glob("*.part"))
    r = CliRunner().invoke(app, ["report", "national", "--year", "2016", "-o", str(home / "n.txt")])
    assert r.exit_code != 0 and not (home / "n.txt").exists()


def test_projects_commands(home):
    out = home / "p.xlsx"
    r = CliRunner().invoke(app, ["projects", "export", "-o", str(out)])
    assert r.exit_code == 0 and "3" in r.output
    wb = openpyxl.load_workbook(out)
    wb["项目"]["H3"] = -1  # negative total investment of the first project
    wb.save(out)
    r = CliRunner().invoke(app, ["projects", "import", str(out), "--as-role", "zone", "--scope", "110000"])
    assert r.exit_code == 1 and "第 3 行" in r.output and "总投资（万元）" in r.output
    r = CliRunner().invoke(app, ["projects", "export", "-o", str(home / "p2.xlsx")])
    wb = openpyxl.load_workbook(home / "p2.xlsx")
    wb["项目"]["C3"] = "改名（CLI）"
    wb.save(home / "p2.xlsx")
    r = CliRunner().invoke(
        app, ["projects", "import", str(home / "p2.xlsx"), "--as-role", "zone", "--scope", "110000"]
    )
    assert r.exit_code == 1 and "scope" in r.output  # the Zhejiang project is outside Beijing's scope
    r = CliRunner().invoke(app, ["projects", "import", str(home / "p2.xlsx"), "--as-user", "po"])
    assert r.exit_code == 0, r.output
    eng = create_engine(f"sqlite:///{home / 'pioneer.db'}")
    with eng.connect() as c:
        names = c.execute(text("select name from plans_project where name like '%CLI%'")).scalars().all()
        notes = c.execute(text("select note from web_audit where object_type = 'project'")).scalars().all()
    eng.dispose()
    assert names == ["改名（CLI）"] and any("--as-user po" in n for n in notes)
    r = CliRunner().invoke(app, ["projects", "pipeline", "--as-of", "2026-07-01", "--json"])
    assert r.exit_code == 0 and '"behind_schedule"' in r.output
