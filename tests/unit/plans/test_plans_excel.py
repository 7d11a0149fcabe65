"""Excel template: export → import round trip, and a bad file whose every error is located (sheet, row,
column) with nothing written."""

from __future__ import annotations

import openpyxl
import pytest
from plans_actors import BEIJING, HUZHOU, Recorder
from sqlalchemy import func, select
from test_plans_service import project_body

from pioneer.errors import InputError
from pioneer.plans import excel, service
from pioneer.plans.errors import ValidationErrors
from pioneer.plans.models import Project, ProjectMilestone
from pioneer.registry.errors import PermissionDeniedError


def _count(session):
    return session.scalar(select(func.count()).select_from(Project))


def test_round_trip(session, tmp_path):
    service.create_project(session, project_body(), actor=BEIJING)
    service.create_project(session, project_body(code="BJ-P-002", name="永定河生态补水", category="ecological_restoration",
                                                 division_code="110000", longitude=None, latitude=None,
                                                 total_investment=80.55, funding={"fiscal": 80.55}, milestones=[],
                                                 indicators=[]), actor=BEIJING)  # fmt: skip
    before = [service.project_snapshot(p) for p in service.list_projects(session)]
    path = tmp_path / "projects.xlsx"
    assert excel.export_projects(session, path) == 2
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["项目", "预期指标", "里程碑", "说明"]
    assert wb["项目"]["A1"].value == "项目编号" and wb["项目"]["A3"].value == "BJ-P-001"
    rec = Recorder()
    excel.import_projects(session, path, actor=BEIJING, record=rec)
    after = [service.project_snapshot(p) for p in service.list_projects(session)]
    assert after == before and [r[0] for r in rec] == ["update", "update"]
    # edit a cell in Excel, import again: the change arrives, nothing else moves
    wb["项目"]["C4"] = "永定河生态补水（二期）"
    wb.save(path)
    excel.import_projects(session, path, actor=BEIJING)
    assert service.project(session, "BJ-P-002").name == "永定河生态补水（二期）"
    assert session.scalar(select(func.count()).select_from(ProjectMilestone)) == 2


def _filled(tmp_path, rows, indicators=(), milestones=()):
    path = excel.write_template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    for title, data in zip(excel.SHEETS, (rows, indicators, milestones), strict=True):
        keys = list(excel.LAYOUT[title])
        for r in data:
            wb[title].append([r.get(k) for k in keys])
    wb.save(path)
    return path


GOOD = {"code": "BJ-P-010", "zone_code": "BJ-110000", "name": "再生水厂", "category": "infrastructure",
        "division_code": "110108", "total_investment": 1000, "funding_fiscal": 600, "funding_green_bond": 400,
        "start_date": "2025-01-01", "end_date": "2027-06-30", "status": "planned"}  # fmt: skip


def test_bad_file_all_errors_located_nothing_written(session, tmp_path):
    service.create_project(session, project_body(), actor=BEIJING)
    n0 = _count(session)
    rows = [
        GOOD,  # row 3: fine — but nothing of the file may be written
        {
            **GOOD,
            "code": "BJ-P-011",
            "total_investment": -10,
            "funding_fiscal": None,
            "funding_green_bond": None,
        },
        {**GOOD, "code": "BJ-P-012", "funding_fiscal": 500},  # 500 + 400 ≠ 1000
        {**GOOD, "code": "BJ-P-013", "division_code": "119999"},
        {**GOOD, "code": "BJ-P-014", "end_date": "2024-12-31"},
    ]
    path = _filled(tmp_path, rows, indicators=[{"project_code": "BJ-P-010", "indicator": "pm25_mean",
                                                "expected_change": -1}])  # fmt: skip
    with pytest.raises(ValidationErrors) as e:
        excel.import_projects(session, path, actor=BEIJING)
    found = {(x.file, x.row, x.column) for x in e.value.errors}
    assert found == {
        ("t.xlsx#项目", 4, "总投资（万元）"),  # negative investment
        ("t.xlsx#项目", 5, "总投资（万元）"),  # sources 900 ≠ total 1000
        ("t.xlsx#项目", 6, "所在行政区划代码"),  # unknown division
        ("t.xlsx#项目", 7, "完工日期"),  # end before start
        ("t.xlsx#预期指标", 3, "指标代码"),  # unknown indicator
    }, e.value.errors
    msgs = {x.row: x for x in e.value.errors if x.file.endswith("项目")}
    assert "金额不能为负" in msgs[4].message_zh and "negative" in msgs[4].message_en
    assert "合计 900.00 万元" in msgs[5].message_zh
    assert (
        "第 6 行" in msgs[6].message_zh and "row 6" in msgs[6].message_en and "119999" in msgs[6].message_en
    )
    assert "共 5 处错误，未写入任何数据" in e.value.message_zh
    assert _count(session) == n0  # all or nothing


def test_import_permission_and_unreadable(session, tmp_path):
    path = _filled(tmp_path, [GOOD])
    with pytest.raises(PermissionDeniedError):
        excel.import_projects(session, path, actor=HUZHOU)
    assert _count(session) == 0
    excel.import_projects(session, path, actor=BEIJING)
    assert service.project(session, "BJ-P-010").funding[0].source in ("fiscal", "green_bond")
    bad = tmp_path / "x.xlsx"
    bad.write_text("not excel")
    with pytest.raises(InputError, match="cannot read"):
        excel.import_projects(session, bad, actor=BEIJING)
