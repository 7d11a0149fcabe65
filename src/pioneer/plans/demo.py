"""Demo plans, projects and a typical case for the example zones of ``pioneer demo`` (idempotent).

Everything here is illustrative demo content, marked “示例” in its text: the project names, amounts and dates are
invented for the demo and are not real projects. They go through the same service (permission checks,
validation) as user input."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pioneer.plans import service
from pioneer.plans.models import Plan
from pioneer.plans.schemas import CaseCreate, PlanCreate, ProgressCreate, ProjectCreate
from pioneer.registry.permissions import Actor, Role
from pioneer.registry.zones.models import Zone

PLAN = {
    "zone_code": "BJ-110000", "title": "北京市美丽中国先行区建设实施方案（示例）", "start_year": 2025,
    "end_year": 2027, "status": "adopted", "document": "示例文号",
    "goals": [{"indicator": "air_pm2_5", "target_year": 2027, "comparator": "<=", "target_value": 28},
              {"indicator": "air_good_day_ratio", "target_year": 2027, "comparator": ">=", "target_value": 80}],
    "tasks": [{"title": "深入打好蓝天保卫战（示例）", "seed_section": "（三）", "responsible_unit": "市生态环境局",
               "deadline": "2027-12-31", "status": "in_progress"},
              {"title": "京津冀大气污染联防联控（示例）", "seed_section": "regional", "responsible_unit": "市生态环境局",
               "deadline": "2026-12-31", "status": "in_progress"}],
}  # fmt: skip
PROJECTS = [
    {"code": "DEMO-BJ-001", "zone_code": "BJ-110000", "name": "燃气锅炉低氮改造工程（示例）", "category": "pollution_carbon",
     "division_code": "110105", "longitude": 116.44, "latitude": 39.92, "total_investment": 12000,
     "funding": {"fiscal": 5000, "special_bond": 3000, "social_capital": 4000}, "start_date": "2025-03-01",
     "end_date": "2026-10-31", "status": "under_construction",
     "milestones": [{"name": "完成招标", "due_date": "2025-06-30", "done_date": "2025-06-20"},
                    {"name": "主体完工", "due_date": "2026-06-30"}],
     "indicators": [{"indicator": "air_pm2_5", "expected_change": -0.5}]},
    {"code": "DEMO-BJ-002", "zone_code": "BJ-110000", "name": "永定河生态补水与修复（示例）",
     "category": "ecological_restoration", "division_code": "110000", "total_investment": 8050.5,
     "funding": {"fiscal": 4050.5, "green_bond": 4000}, "start_date": "2025-01-01", "end_date": "2027-12-31",
     "status": "under_construction", "milestones": [], "indicators": []},
    {"code": "DEMO-ZJ-001", "zone_code": "ZJ-330500", "name": "太湖流域农村生活污水治理（示例）", "category": "infrastructure",
     "division_code": "330502", "total_investment": 6000, "funding": {"fiscal": 2000, "green_credit": 4000},
     "start_date": "2025-05-01", "end_date": "2026-12-31", "status": "planned", "milestones": [], "indicators": []},
]  # fmt: skip


def seed_plans(session: Session) -> int:
    """Add the demo plan, projects, a progress report and a published case once; returns what was added."""
    if session.scalar(select(Plan.id).where(Plan.title == PLAN["title"])) is not None:
        return 0
    wanted = {"BJ-110000", "ZJ-330500"}
    if set(session.scalars(select(Zone.code).where(Zone.code.in_(wanted)))) != wanted:
        return 0
    office = Actor("demo", Role.PROGRAMME_OFFICE)
    beijing = Actor("demo", Role.ZONE, ("110000",))
    service.create_plan(session, PlanCreate(**PLAN), actor=beijing)
    service.save_projects(session, [ProjectCreate(**p) for p in PROJECTS], actor=office)
    service.add_progress(session, "DEMO-BJ-001", ProgressCreate(reported_on="2025-12-31", percent_complete=45,
                                                                invested_to_date=5200, note="示例进展"), actor=beijing)  # fmt: skip
    c = service.create_case(session, CaseCreate(zone_code="BJ-110000", title="精细化治理“一微克”行动（示例）",
                                                summary="示例案例：以网格化监测支撑大气污染精细化治理。"), actor=beijing)  # fmt: skip
    province = Actor("demo", Role.PROVINCE, ("110000",))  # 北京市: the municipality is its own province
    for step, who in (
        ("submitted", beijing),
        ("recommended", province),
        ("approved", office),
        ("published", office),
    ):
        service.step_case(session, c.id, step, actor=who)
    return 1 + len(PROJECTS)
