"""Plans, projects, progress and cases through the service: permissions (role and division scope), audit
records with before/after, validation."""

from __future__ import annotations

import datetime as dt

import pytest
from plans_actors import BEIJING, BEIJING_PROVINCE, HUZHOU, OFFICE, VIEWER, ZHEJIANG, Recorder
from sqlalchemy import func, select

from pioneer.plans import service
from pioneer.plans.errors import PlanError, ValidationErrors
from pioneer.plans.models import Project
from pioneer.plans.schemas import (
    CaseCreate,
    PlanCreate,
    PlanUpdate,
    ProgressCreate,
    ProjectCreate,
    ProjectUpdate,
)
from pioneer.registry.errors import PermissionDeniedError
from pioneer.registry.permissions import Role


def plan_body(**kw):
    body = {
        "zone_code": "BJ-110000", "title": "北京市美丽中国先行区建设实施方案（2025—2027年）", "start_year": 2025,
        "end_year": 2027,
        "goals": [{"indicator": "air_pm2_5", "target_year": 2027, "comparator": "<=", "target_value": 28}],
        "tasks": [{"title": "深入打好蓝天保卫战", "seed_section": "（三）", "responsible_unit": "市生态环境局",
                   "deadline": "2027-12-31"},
                  {"title": "京津冀协同治理", "seed_section": "regional"}],
    }  # fmt: skip
    return PlanCreate(**{**body, **kw})


def project_body(**kw):
    body = {
        "code": "BJ-P-001", "zone_code": "BJ-110000", "name": "朝阳区燃气锅炉低氮改造", "category": "pollution_carbon",
        "division_code": "110105", "longitude": 116.44, "latitude": 39.92, "total_investment": 1200.0,
        "funding": {"fiscal": 500.0, "special_bond": 300.0, "social_capital": 400.0},
        "start_date": "2025-03-01", "end_date": "2026-10-31", "status": "under_construction",
        "milestones": [{"name": "完成招标", "due_date": "2025-06-30", "done_date": "2025-06-20"},
                       {"name": "主体完工", "due_date": "2026-06-30"}],
        "indicators": [{"indicator": "air_pm2_5", "expected_change": -0.5}],
    }  # fmt: skip
    return ProjectCreate(**{**body, **kw})


def test_plan_crud_and_audit(session):
    rec = Recorder()
    p = service.create_plan(session, plan_body(), actor=BEIJING, record=rec)
    assert [g.indicator for g in p.goals] == ["air_pm2_5"] and len(p.tasks) == 2
    assert rec[-1][:4] == ("create", "plan", str(p.id), "110000") and rec[-1][4] is None
    service.update_plan(session, p.id, PlanUpdate(status="adopted", document="京政发〔2025〕1号"), actor=BEIJING,
                        record=rec)  # fmt: skip
    assert rec[-1][0] == "update" and rec[-1][4]["status"] == "draft" and rec[-1][5]["status"] == "adopted"
    assert service.list_plans(session, "BJ-110000")[0].document == "京政发〔2025〕1号"
    service.delete_plan(session, p.id, actor=OFFICE, record=rec)
    assert rec[-1][0] == "delete" and rec[-1][5] is None and service.list_plans(session, "BJ-110000") == []


@pytest.mark.parametrize("actor", [HUZHOU, VIEWER], ids=["out-of-scope", "viewer"])
def test_plan_permissions(session, actor):
    with pytest.raises(PermissionDeniedError):
        service.create_plan(session, plan_body(), actor=actor)
    p = service.create_plan(session, plan_body(), actor=BEIJING)
    with pytest.raises(PermissionDeniedError):
        service.update_plan(session, p.id, PlanUpdate(title="x"), actor=actor)
    with pytest.raises(PermissionDeniedError):
        service.delete_plan(session, p.id, actor=actor)


def test_plan_validation(session):
    with pytest.raises(ValidationErrors) as e:
        service.create_plan(session, plan_body(goals=[{"indicator": "no_such", "target_year": 2027,
                                                       "comparator": "<", "target_value": 1}],
                                               tasks=[{"title": "t", "seed_section": "（十六）"}]), actor=BEIJING)  # fmt: skip
    assert {x.column for x in e.value.errors} == {"goals.indicator", "tasks.seed_section"}
    with pytest.raises(ValidationErrors, match="end year before start year"):
        service.create_plan(session, plan_body(end_year=2024), actor=BEIJING)


def test_project_crud_permissions_and_progress(session):
    rec = Recorder()
    p = service.create_project(session, project_body(), actor=BEIJING, record=rec)
    assert {f.source: f.amount for f in p.funding} == {
        "fiscal": 500.0,
        "special_bond": 300.0,
        "social_capital": 400.0,
    }
    assert rec[-1][:4] == ("create", "project", "BJ-P-001", "110105")
    with pytest.raises(PlanError, match="already exists"):
        service.create_project(session, project_body(), actor=BEIJING)
    for actor in (HUZHOU, VIEWER):
        with pytest.raises(PermissionDeniedError):
            service.update_project(session, "BJ-P-001", ProjectUpdate(name="x"), actor=actor)
        with pytest.raises(PermissionDeniedError):
            service.delete_project(session, "BJ-P-001", actor=actor)
    # an update must still add up: changing the total alone is refused, with the funding it is accepted
    with pytest.raises(ValidationErrors, match=r"funding sources add up to 1200\.00"):
        service.update_project(session, "BJ-P-001", ProjectUpdate(total_investment=1500), actor=BEIJING)
    service.update_project(session, "BJ-P-001", ProjectUpdate(total_investment=1500, funding={
        "fiscal": 500, "special_bond": 300, "social_capital": 400, "green_credit": 300}), actor=BEIJING, record=rec)  # fmt: skip
    assert (
        rec[-1][0] == "update"
        and rec[-1][4]["total_investment"] == 1200
        and rec[-1][5]["total_investment"] == 1500
    )
    service.add_progress(session, "BJ-P-001", ProgressCreate(reported_on="2025-12-31", percent_complete=40,
        invested_to_date=600, evidence=[{"file_name": "验收照片.jpg", "sha256": "a" * 64, "size": 1024}]),
        actor=BEIJING, record=rec)  # fmt: skip
    out = service.project_public(service.project(session, "BJ-P-001"))
    assert out.progress[0].percent_complete == 40 and out.progress[0].evidence[0].file_name == "验收照片.jpg"
    with pytest.raises(ValidationErrors, match="exceeds the total"):
        service.add_progress(session, "BJ-P-001", ProgressCreate(reported_on="2026-01-31", percent_complete=50,
                                                                 invested_to_date=1600), actor=BEIJING)  # fmt: skip
    service.delete_project(session, "BJ-P-001", actor=BEIJING, record=rec)
    assert session.scalar(select(func.count()).select_from(Project)) == 0


@pytest.mark.parametrize(
    ("change", "column", "reason"),
    [
        ({"total_investment": -5.0, "funding": {}}, "总投资（万元）", "negative"),
        ({"funding": {"fiscal": 500.0}}, "总投资（万元）", "add up"),
        ({"division_code": "110199"}, "所在行政区划代码", "unknown"),
        ({"division_code": "330523"}, "所在行政区划代码", "outside the zone"),
        ({"end_date": "2025-01-01"}, "完工日期", "end date before start date"),
        ({"indicators": [{"indicator": "pm25", "expected_change": -1}]}, "指标代码", "unknown indicator"),
        ({"longitude": 16.4}, "经度", "outside China"),
    ],
)
def test_project_validation(session, change, column, reason):
    with pytest.raises(ValidationErrors) as e:
        service.create_project(session, project_body(**change), actor=BEIJING)
    assert any(x.column == column and reason in x.message_en for x in e.value.errors), e.value.errors
    assert session.scalar(select(func.count()).select_from(Project)) == 0


def test_case_workflow(session):
    rec = Recorder()
    c = service.create_case(session, CaseCreate(zone_code="BJ-110000", title="“一微克”行动", summary="精细化治理"),
                            actor=BEIJING, record=rec)  # fmt: skip
    with pytest.raises(PermissionDeniedError):
        service.step_case(session, c.id, "submitted", actor=HUZHOU)
    with pytest.raises(PlanError):  # cannot skip the review
        service.step_case(session, c.id, "published", actor=OFFICE)
    service.step_case(session, c.id, "submitted", actor=BEIJING, record=rec)
    with pytest.raises(PermissionDeniedError):  # the zone cannot recommend its own case
        service.step_case(session, c.id, "recommended", actor=BEIJING)
    with pytest.raises(PlanError):  # the programme office decides only on a recommended case
        service.step_case(session, c.id, "approved", actor=OFFICE)
    with pytest.raises(PlanError, match="needs a note"):
        service.step_case(session, c.id, "returned", actor=BEIJING_PROVINCE)
    service.step_case(session, c.id, "returned", actor=BEIJING_PROVINCE, note="补充成效数据", record=rec)
    assert c.review_note == "补充成效数据" and c.reviewed_by == "bj-prov" and c.recommended_by == ""
    service.step_case(session, c.id, "submitted", actor=BEIJING, record=rec)
    service.step_case(session, c.id, "recommended", actor=BEIJING_PROVINCE, note="推荐", record=rec)
    assert c.recommended_by == "bj-prov" and c.recommended_at is not None
    with pytest.raises(PermissionDeniedError):  # the province does not approve
        service.step_case(session, c.id, "approved", actor=BEIJING_PROVINCE)
    with pytest.raises(PlanError, match="needs a note"):
        service.step_case(session, c.id, "returned", actor=OFFICE)
    service.step_case(session, c.id, "returned", actor=OFFICE, note="补充数据", record=rec)
    service.step_case(session, c.id, "submitted", actor=BEIJING, record=rec)
    service.step_case(session, c.id, "recommended", actor=BEIJING_PROVINCE, record=rec)
    service.step_case(session, c.id, "approved", actor=OFFICE, record=rec)
    service.step_case(session, c.id, "published", actor=OFFICE, record=rec)
    assert c.status == "published" and c.published_at is not None and c.reviewed_by == "po"
    assert [r[0] for r in rec] == ["create", "submitted", "returned", "submitted", "recommended", "returned",
                                   "submitted", "recommended", "approved", "published"]  # fmt: skip
    step = rec[4]  # the recommendation, audited with before and after
    assert step[1:4] == ("case", str(c.id), "110000") and step[4]["status"] == "submitted"
    assert step[5]["status"] == "recommended" and step[5]["recommended_by"] == "bj-prov"
    assert service.list_cases(session, status="published")[0].title == "“一微克”行动"


def test_case_province_scope(session):
    """Only the zone's own province recommends or returns: another province is refused (nothing changed), and
    what :func:`service.permitted_case_steps` offers is exactly what succeeds."""
    c = service.create_case(session, CaseCreate(zone_code="ZJ-330500", title="湖州案例"), actor=HUZHOU)
    assert service.permitted_case_steps(session, c, HUZHOU) == ["submitted"]
    assert service.permitted_case_steps(session, c, ZHEJIANG) == ["submitted"]  # the province may file too
    service.step_case(session, c.id, "submitted", actor=HUZHOU)
    for who in (HUZHOU, BEIJING_PROVINCE, OFFICE, VIEWER):
        assert service.permitted_case_steps(session, c, who) == []
        with pytest.raises(PermissionDeniedError):
            service.step_case(session, c.id, "recommended", actor=who)
    assert c.status == "submitted" and c.recommended_by == ""
    assert service.permitted_case_steps(session, c, ZHEJIANG) == ["recommended", "returned"]
    service.step_case(session, c.id, "recommended", actor=ZHEJIANG)
    assert service.permitted_case_steps(session, c, ZHEJIANG) == []
    assert service.permitted_case_steps(session, c, OFFICE) == ["approved", "returned"]


def test_case_region_zone_province_step_is_the_offices(session):
    """A region-tier zone spans provinces: its province steps fall to the programme office (the one rule,
    ``zones.stand_in``), as for applications and plans."""
    from pioneer.plans.models import Case
    from pioneer.registry.zones import service as zones
    from pioneer.registry.zones.schemas import ZoneCreate

    zones.create_zone(session, ZoneCreate(code="RG-JJJ", name_zh="京津冀测试", tier="region",
                                          division_codes=["110000", "120000", "130000"]), actor=OFFICE)  # fmt: skip
    c = Case(zone_code="RG-JJJ", title="区域案例", status="submitted", submitted_by="x")
    session.add(c)
    session.flush()
    assert service.case_step_roles("region", "submitted", "recommended") == {Role.PROGRAMME_OFFICE}
    assert service.case_step_roles("city", "submitted", "recommended") == {Role.PROVINCE}
    assert service.case_step_roles("region", "draft", "submitted") == {Role.ZONE, Role.PROVINCE}
    assert service.case_step_roles("city", "draft", "published") == frozenset()
    with pytest.raises(PermissionDeniedError):
        service.step_case(session, c.id, "recommended", actor=BEIJING_PROVINCE)
    assert service.permitted_case_steps(session, c, OFFICE) == ["recommended", "returned"]
    service.step_case(session, c.id, "recommended", actor=OFFICE)
    assert c.status == "recommended" and c.recommended_by == "po"


def test_behind_schedule(session):
    service.create_project(session, project_body(), actor=BEIJING)
    service.create_project(session, project_body(code="BJ-P-002", status="completed", end_date="2025-12-31",
                                                 milestones=[]), actor=BEIJING)  # fmt: skip
    late = service.behind_schedule(session, as_of=dt.date(2026, 7, 15))
    assert list(late["code"]) == ["BJ-P-001"] and late["reasons"][0] == ["milestone_overdue"]
    service.add_progress(session, "BJ-P-001", ProgressCreate(reported_on="2026-07-01", percent_complete=30,
                                                             invested_to_date=400), actor=BEIJING)  # fmt: skip
    late = service.behind_schedule(session, as_of=dt.date(2026, 11, 30))
    assert late["reasons"][0] == ["past_end_date", "milestone_overdue", "slow_progress"]
    assert service.behind_schedule(session, as_of=dt.date(2025, 5, 1)).empty
