"""Service API of the plans area: plans, major projects, progress, typical cases, the national pipeline.

Every write takes the registry's :class:`~pioneer.registry.permissions.Actor` and checks it with
:func:`pioneer.registry.permissions.require` against the zone's divisions (the web layer has already called
``auth.restrict`` with the same codes), then records the change in the audit log itself (user, request id and before/after from the actor), or
reports it to ``record`` when the caller passes its own writer
(``record(action, object_type, key, division_code, before, after)``). Nothing is written when a check fails (the caller's transaction rolls back).

Projects are validated by one function, :func:`project_problems`, for the API (one row) and for the Excel
template (many rows, columnar checks): negative amounts, funding not adding up to the total investment,
unknown zone, division, indicator, category or status, division outside the zone, end before start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from pioneer.errors import InputError
from pioneer.indicators.catalogue import Catalogue, default_catalogue
from pioneer.plans.choices import (
    CASE_STEPS,
    REGIONAL,
    SEED_SECTIONS,
    CaseStatus,
    Category,
    FundingSource,
    ProjectStatus,
)
from pioneer.plans.documents import require_editable
from pioneer.plans.errors import PlanError, PlanNotFoundError, ValidationErrors
from pioneer.plans.models import (
    Case,
    Plan,
    PlanGoal,
    PlanTask,
    Project,
    ProjectFunding,
    ProjectIndicator,
    ProjectMilestone,
    ProjectProgress,
)
from pioneer.plans.schemas import (
    CaseCreate,
    PlanCreate,
    PlanPublic,
    PlanUpdate,
    ProgressCreate,
    ProjectCreate,
    ProjectPublic,
    ProjectUpdate,
)
from pioneer.registry.divisions.models import Division
from pioneer.registry.divisions.service import in_force, latest_year
from pioneer.registry.permissions import Actor, Role, auditor, permitted, require
from pioneer.registry.zones import service as zones
from pioneer.registry.zones.models import Zone, ZoneDivision
from pioneer.standards import divisions

Record = Callable[[str, str, str, str | None, dict | None, dict | None], None]
EDITORS = frozenset({Role.ZONE, Role.PROVINCE, Role.PROGRAMME_OFFICE})
TOLERANCE = 0.005  # 万元 (= 50 CNY): funding rows must add up to the total within this
FUNDING = [s.value for s in FundingSource]
# China's extent (WGS84), for a plausibility check of project coordinates.
LON_RANGE, LAT_RANGE = (73.0, 136.0), (3.0, 54.0)

# Project fields in template order: field → (Chinese header, English header).
PROJECT_COLUMNS: dict[str, tuple[str, str]] = {
    "code": ("项目编号", "project code"),
    "zone_code": ("先行区编码", "zone code"),
    "name": ("项目名称", "name"),
    "category": ("项目类别", "category"),
    "division_code": ("所在行政区划代码", "division code"),
    "longitude": ("经度", "longitude"),
    "latitude": ("纬度", "latitude"),
    "total_investment": ("总投资（万元）", "total investment (10k CNY)"),
    **{f"funding_{s.value}": (f"{n}（万元）", f"{s.value} (10k CNY)") for s, n in zip(
        FundingSource, ("财政资金", "专项债", "绿色信贷", "绿色债券", "社会资本", "其他资金"), strict=True)},
    "start_date": ("开工日期", "start date"),
    "end_date": ("完工日期", "end date"),
    "status": ("状态", "status"),
    "description": ("建设内容", "description"),
}  # fmt: skip
INDICATOR_COLUMNS = {"project_code": ("项目编号", "project code"), "indicator": ("指标代码", "indicator code"),
                     "expected_change": ("预期变化", "expected change")}  # fmt: skip
MILESTONE_COLUMNS = {"project_code": ("项目编号", "project code"), "name": ("里程碑", "milestone"),
                     "due_date": ("计划完成日期", "due date"), "done_date": ("实际完成日期", "done date")}  # fmt: skip


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _no_record(*_args: Any) -> None:
    """The default ``record``: the service writes the audit entry itself (:func:`_rec`)."""
    return None


def _rec(session: Session, actor: Actor, record: Record) -> Record:
    """The audit writer of a change: the caller's ``record`` when one was given, else the audit log itself
    (:func:`pioneer.registry.permissions.auditor`) — every change is recorded without the caller asking."""
    return auditor(session, actor) if record is _no_record else record


def _zone_codes(session: Session, zone_code: str) -> list[str]:
    return zones.zone(session, zone_code).division_codes


# --- plans ------------------------------------------------------------------------------------------------------


def plan_snapshot(plan: Plan) -> dict[str, Any]:
    return PlanPublic.model_validate(plan).model_dump(mode="json")


def _check_plan_parts(goals: Iterable[Any], tasks: Iterable[Any], cat: Catalogue) -> None:
    errors = []
    for i, g in enumerate(goals, start=1):
        if cat.get(g.indicator) is None:
            errors.append(InputError("未知指标", "unknown indicator", row=i, column="goals.indicator",
                                     value=g.indicator))  # fmt: skip
    for i, t in enumerate(tasks, start=1):
        if t.seed_section not in SEED_SECTIONS and t.seed_section != REGIONAL:
            errors.append(InputError("任务须对应（一）…（十五）或 regional", "section must be （一）…（十五） or 'regional'",
                                     row=i, column="tasks.seed_section", value=t.seed_section))  # fmt: skip
    if errors:
        raise ValidationErrors(errors)


def list_plans(session: Session, zone_code: str) -> list[Plan]:
    zones.zone(session, zone_code)
    return list(
        session.scalars(select(Plan).where(Plan.zone_code == zone_code).order_by(Plan.start_year, Plan.id))
    )


def plan(session: Session, plan_id: int) -> Plan:
    found = session.get(Plan, plan_id)
    if found is None:
        raise PlanNotFoundError(f"未知的实施方案 {plan_id}", f"unknown plan {plan_id}")
    return found


def create_plan(session: Session, data: PlanCreate, /, *, actor: Actor, record: Record = _no_record,
                catalogue: Catalogue | None = None) -> Plan:  # fmt: skip
    """Add a zone's implementation plan with its goals (catalogue indicators) and tasks (seed sections)."""
    codes = _zone_codes(session, data.zone_code)
    require(actor, EDITORS, codes, "编制实施方案 / create plan")
    if data.end_year < data.start_year:
        raise ValidationErrors([InputError("结束年份早于开始年份", "end year before start year", column="end_year",
                                           value=data.end_year)])  # fmt: skip
    _check_plan_parts(data.goals, data.tasks, catalogue or default_catalogue())
    p = Plan(zone_code=data.zone_code, title=data.title, start_year=data.start_year, end_year=data.end_year,
             status=data.status.value, document=data.document, created_at=_now(), updated_at=_now(),
             goals=[PlanGoal(**g.model_dump()) for g in data.goals],
             tasks=[PlanTask(**{**t.model_dump(), "status": t.status.value}) for t in data.tasks])  # fmt: skip
    session.add(p)
    session.flush()
    _rec(session, actor, record)("create", "plan", str(p.id), codes[0], None, plan_snapshot(p))
    return p


def update_plan(session: Session, plan_id: int, data: PlanUpdate, /, *, actor: Actor, record: Record = _no_record,
                catalogue: Catalogue | None = None) -> Plan:  # fmt: skip
    p = plan(session, plan_id)
    codes = _zone_codes(session, p.zone_code)
    require(actor, EDITORS, codes, "修改实施方案 / edit plan")
    require_editable(session, plan_id)  # not while with the province or the ministry (plans.documents)
    before = plan_snapshot(p)
    _check_plan_parts(data.goals or [], data.tasks or [], catalogue or default_catalogue())
    start = data.start_year if data.start_year is not None else p.start_year
    end = data.end_year if data.end_year is not None else p.end_year
    if end < start:  # checked before anything changes
        raise ValidationErrors([InputError("结束年份早于开始年份", "end year before start year", column="end_year",
                                           value=end)])  # fmt: skip
    for f in ("title", "start_year", "end_year", "document"):
        if getattr(data, f) is not None:
            setattr(p, f, getattr(data, f))
    if data.status is not None:
        p.status = data.status.value
    if data.goals is not None:
        p.goals = [PlanGoal(**g.model_dump()) for g in data.goals]
    if data.tasks is not None:
        p.tasks = [PlanTask(**{**t.model_dump(), "status": t.status.value}) for t in data.tasks]
    p.updated_at = _now()
    session.flush()
    _rec(session, actor, record)("update", "plan", str(p.id), codes[0], before, plan_snapshot(p))
    return p


def delete_plan(session: Session, plan_id: int, /, *, actor: Actor, record: Record = _no_record) -> None:
    p = plan(session, plan_id)
    codes = _zone_codes(session, p.zone_code)
    require(actor, EDITORS, codes, "删除实施方案 / delete plan")
    require_editable(session, plan_id)
    before = plan_snapshot(p)
    session.delete(p)
    session.flush()
    _rec(session, actor, record)("delete", "plan", str(plan_id), codes[0], before, None)


# --- projects: validation -------------------------------------------------------------------------------------


def _label(columns: dict[str, tuple[str, str]], field: str) -> str:
    return columns[field][0] if field in columns else field


def project_problems(session: Session, projects: pd.DataFrame, indicators: pd.DataFrame | None = None,
                     milestones: pd.DataFrame | None = None, *, file: str | None = None,
                     sheets: tuple[str, str, str] = ("项目", "预期指标", "里程碑"),
                     catalogue: Catalogue | None = None) -> list[InputError]:  # fmt: skip
    """Every problem of a batch of projects, located by sheet row (``_row``) and column header.

    ``projects`` has the fields of :data:`PROJECT_COLUMNS` (funding as ``funding_<source>``), ``indicators`` and
    ``milestones`` those of :data:`INDICATOR_COLUMNS` / :data:`MILESTONE_COLUMNS`; each may carry ``_row`` (the
    1-based sheet row). Checks are columnar masks over the whole frame."""
    cat = catalogue or default_catalogue()
    out: list[InputError] = []

    def add(
        frame: pd.DataFrame, mask: pd.Series, field: str, cols: dict, zh: str, en: str, sheet: str
    ) -> None:
        mask = mask.fillna(False).astype(bool)
        for r in frame.loc[mask].to_dict("records"):
            v = r.get(field)
            out.append(InputError(f"{zh}", en, file=f"{file}#{sheet}" if file else None, row=r.get("_row"),
                                  column=_label(cols, field), value=None if _missing(v) else v))  # fmt: skip

    p = projects.copy()
    if "_row" not in p.columns:
        p["_row"] = None
    for f in PROJECT_COLUMNS:
        if f not in p.columns:
            p[f] = None
    sh = sheets[0]
    for f in ("code", "zone_code", "name", "category", "division_code", "total_investment", "start_date",
              "end_date"):  # fmt: skip
        add(p, p[f].map(_missing), f, PROJECT_COLUMNS, "必填项为空", "required value missing", sh)
    has = {f: ~p[f].map(_missing) for f in p.columns}
    dup = p["code"].duplicated(keep="first") & has["code"]
    add(p, dup, "code", PROJECT_COLUMNS, "项目编号重复", "duplicate project code", sh)
    add(
        p,
        has["category"] & ~p["category"].astype(str).isin([c.value for c in Category]),
        "category",
        PROJECT_COLUMNS,
        f"未知的项目类别（可选：{', '.join(c.value for c in Category)}）",
        "unknown category",
        sh,
    )
    status = p["status"].where(has["status"], ProjectStatus.PLANNED.value)
    add(
        p,
        ~status.astype(str).isin([s.value for s in ProjectStatus]),
        "status",
        PROJECT_COLUMNS,
        f"未知的项目状态（可选：{', '.join(s.value for s in ProjectStatus)}）",
        "unknown status",
        sh,
    )
    money = ["total_investment", *[f"funding_{s}" for s in FUNDING]]
    nums = {}
    for f in [*money, "longitude", "latitude"]:
        nums[f] = pd.to_numeric(p[f], errors="coerce")
        add(p, has[f] & nums[f].isna(), f, PROJECT_COLUMNS, "不是数值", "not a number", sh)
    for f in money:
        add(p, nums[f] < 0, f, PROJECT_COLUMNS, "金额不能为负", "amount must not be negative", sh)
    funded = pd.concat([nums[f"funding_{s}"] for s in FUNDING], axis=1).fillna(0).sum(axis=1)
    gap = (funded - nums["total_investment"]).abs() > TOLERANCE
    bad = gap & (nums["total_investment"] >= 0)
    for r in p.loc[bad.fillna(False)].assign(_f=funded[bad.fillna(False)]).to_dict("records"):
        out.append(InputError(f"各资金来源合计 {r['_f']:.2f} 万元，与总投资不符", f"funding sources add up to {r['_f']:.2f}, "
                              "not to the total investment", file=f"{file}#{sh}" if file else None, row=r["_row"],
                              column=_label(PROJECT_COLUMNS, "total_investment"), value=r["total_investment"]))  # fmt: skip
    add(
        p,
        (nums["longitude"] < LON_RANGE[0]) | (nums["longitude"] > LON_RANGE[1]),
        "longitude",
        PROJECT_COLUMNS,
        "经度不在中国范围内（73–136°E）",
        "longitude outside China (73–136°E)",
        sh,
    )
    add(
        p,
        (nums["latitude"] < LAT_RANGE[0]) | (nums["latitude"] > LAT_RANGE[1]),
        "latitude",
        PROJECT_COLUMNS,
        "纬度不在中国范围内（3–54°N）",
        "latitude outside China (3–54°N)",
        sh,
    )
    dates = {}
    for f in ("start_date", "end_date"):
        dates[f] = pd.to_datetime(p[f], errors="coerce")
        add(
            p,
            has[f] & dates[f].isna(),
            f,
            PROJECT_COLUMNS,
            "不是日期（YYYY-MM-DD）",
            "not a date (YYYY-MM-DD)",
            sh,
        )
    add(
        p,
        dates["end_date"] < dates["start_date"],
        "end_date",
        PROJECT_COLUMNS,
        "完工日期早于开工日期",
        "end date before start date",
        sh,
    )
    # zones, divisions (in force in the newest code table), division inside the zone
    zone_rows = session.execute(select(Zone.code, Zone.id)).all()
    known_zones = {c for c, _ in zone_rows}
    add(
        p,
        has["zone_code"] & ~p["zone_code"].astype(str).isin(known_zones),
        "zone_code",
        PROJECT_COLUMNS,
        "未知的先行区编码",
        "unknown zone code",
        sh,
    )
    div = p["division_code"].map(lambda v: None if _missing(v) else str(v).split(".")[0].zfill(6))
    wanted = sorted(set(div.dropna()))
    known_divs = set(session.scalars(select(Division.code).where(Division.code.in_(wanted),
                                                                 in_force(latest_year(session))))) if wanted else set()  # fmt: skip
    add(
        p,
        div.notna() & ~div.isin(known_divs),
        "division_code",
        PROJECT_COLUMNS,
        "未知的行政区划代码（或已撤销）",
        "unknown (or abolished) division code",
        sh,
    )
    zone_divs = pd.DataFrame(
        session.execute(select(Zone.code, ZoneDivision.division_code).join(ZoneDivision, ZoneDivision.zone_id == Zone.id)
                        .where(Zone.code.in_(list(set(p["zone_code"].dropna().astype(str)))))).all(),
        columns=["zone_code", "scope"],
    )  # fmt: skip
    inside = _inside(pd.DataFrame({"zone_code": p["zone_code"].astype(str), "division_code": div}), zone_divs)
    add(
        p,
        div.isin(known_divs) & p["zone_code"].astype(str).isin(known_zones) & ~inside,
        "division_code",
        PROJECT_COLUMNS,
        "行政区划不在该先行区范围内",
        "division lies outside the zone",
        sh,
    )
    codes = set(p["code"].dropna().astype(str))
    if indicators is not None and len(indicators):
        i = indicators.copy()
        if "_row" not in i.columns:
            i["_row"] = None
        ex = pd.to_numeric(i["expected_change"], errors="coerce")
        add(
            i,
            i["project_code"].map(_missing) | ~i["project_code"].astype(str).isin(codes),
            "project_code",
            INDICATOR_COLUMNS,
            "项目编号不在项目表中",
            "project code not in the projects sheet",
            sheets[1],
        )
        add(
            i,
            ~i["indicator"].astype(str).isin(cat.codes),
            "indicator",
            INDICATOR_COLUMNS,
            "未知指标（不在指标目录中）",
            "unknown indicator (not in the catalogue)",
            sheets[1],
        )
        add(i, ex.isna(), "expected_change", INDICATOR_COLUMNS, "不是数值", "not a number", sheets[1])
        add(
            i,
            i.duplicated(["project_code", "indicator"]),
            "indicator",
            INDICATOR_COLUMNS,
            "同一项目指标重复",
            "indicator repeated for the project",
            sheets[1],
        )
    if milestones is not None and len(milestones):
        m = milestones.copy()
        if "_row" not in m.columns:
            m["_row"] = None
        add(
            m,
            m["project_code"].map(_missing) | ~m["project_code"].astype(str).isin(codes),
            "project_code",
            MILESTONE_COLUMNS,
            "项目编号不在项目表中",
            "project code not in the projects sheet",
            sheets[2],
        )
        add(
            m,
            m["name"].map(_missing),
            "name",
            MILESTONE_COLUMNS,
            "必填项为空",
            "required value missing",
            sheets[2],
        )
        due = pd.to_datetime(m["due_date"], errors="coerce")
        done = pd.to_datetime(m["done_date"], errors="coerce")
        add(
            m,
            due.isna(),
            "due_date",
            MILESTONE_COLUMNS,
            "不是日期（YYYY-MM-DD）",
            "not a date (YYYY-MM-DD)",
            sheets[2],
        )
        add(
            m,
            ~m["done_date"].map(_missing) & done.isna(),
            "done_date",
            MILESTONE_COLUMNS,
            "不是日期（YYYY-MM-DD）",
            "not a date (YYYY-MM-DD)",
            sheets[2],
        )
    return sorted(out, key=lambda e: (str(e.file or ""), e.row or 0))


def _inside(rows: pd.DataFrame, zone_divs: pd.DataFrame) -> pd.Series:
    """Whether each row's ``division_code`` lies within one of its zone's divisions (GB/T 2260 code structure,
    :func:`pioneer.standards.divisions.covers_each`); rows without a division count as inside (reported as missing
    elsewhere)."""
    m = rows.reset_index(names="_i").merge(zone_divs, on="zone_code")
    m["ok"] = divisions.covers_each(m["scope"], m["division_code"])
    ok = m.groupby("_i")["ok"].any().reindex(rows.index, fill_value=False)
    return ok | rows["division_code"].isna()


def _missing(v: Any) -> bool:
    return (
        v is None
        or (isinstance(v, float) and np.isnan(v))
        or v is pd.NaT
        or (isinstance(v, str) and not v.strip())
    )


def _frames(data: ProjectCreate) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    row = data.model_dump(mode="python", exclude={"funding", "milestones", "indicators"})
    row.update({f"funding_{s}": data.funding.get(FundingSource(s)) for s in FUNDING})
    row = {k: (v.value if hasattr(v, "value") else v) for k, v in row.items()}
    ind = pd.DataFrame([{"project_code": data.code, **i.model_dump()} for i in data.indicators],
                       columns=list(INDICATOR_COLUMNS))  # fmt: skip
    ms = pd.DataFrame([{"project_code": data.code, **m.model_dump()} for m in data.milestones],
                      columns=list(MILESTONE_COLUMNS))  # fmt: skip
    return pd.DataFrame([row]), ind, ms


# --- projects: CRUD -------------------------------------------------------------------------------------------


def project(session: Session, code: str) -> Project:
    found = session.scalar(select(Project).where(Project.code == code))
    if found is None:
        raise PlanNotFoundError(f"未知的项目 “{code}”", f"unknown project '{code}'")
    return found


def list_projects(session: Session, *, zone_code: str | None = None) -> list[Project]:
    q = select(Project).order_by(Project.zone_code, Project.code)
    if zone_code is not None:
        q = q.where(Project.zone_code == zone_code)
    return list(session.scalars(q))


def project_public(p: Project) -> ProjectPublic:
    return ProjectPublic(
        code=p.code, zone_code=p.zone_code, name=p.name, category=p.category, division_code=p.division_code,
        longitude=p.longitude, latitude=p.latitude, total_investment=p.total_investment,
        funding={f.source: f.amount for f in p.funding}, start_date=p.start_date, end_date=p.end_date,
        status=p.status, description=p.description,
        milestones=[{"name": m.name, "due_date": m.due_date, "done_date": m.done_date} for m in p.milestones],
        indicators=[{"indicator": i.indicator, "expected_change": i.expected_change} for i in p.indicators],
        progress=[{"id": r.id, "reported_on": r.reported_on, "percent_complete": r.percent_complete,
                   "invested_to_date": r.invested_to_date, "note": r.note, "evidence": r.evidence,
                   "reported_by": r.reported_by} for r in p.progress],
    )  # fmt: skip


def project_snapshot(p: Project) -> dict[str, Any]:
    return project_public(p).model_dump(mode="json")


def _apply(p: Project, data: ProjectCreate) -> None:
    for f in ("zone_code", "name", "division_code", "longitude", "latitude", "total_investment", "start_date",
              "end_date", "description"):  # fmt: skip
        setattr(p, f, getattr(data, f))
    p.category, p.status = data.category.value, data.status.value
    p.funding = [
        ProjectFunding(source=s.value, amount=float(a)) for s, a in sorted(data.funding.items()) if a
    ]
    p.milestones = [ProjectMilestone(**m.model_dump()) for m in data.milestones]
    p.indicators = [ProjectIndicator(**i.model_dump()) for i in data.indicators]
    p.updated_at = _now()


def save_projects(session: Session, items: list[ProjectCreate], /, *, actor: Actor, record: Record = _no_record,
                  problems: list[InputError] | None = None, file: str | None = None,
                  replace: bool = True) -> list[Project]:  # fmt: skip
    """Create (or, with ``replace``, replace by code) a batch of projects, all or nothing: the actor must cover
    every zone, and no item may have a problem (:func:`project_problems`)."""
    if problems:
        raise ValidationErrors(problems, file=file)
    zone_codes = sorted({d.zone_code for d in items})
    codes = [c for z in zone_codes for c in _zone_codes(session, z)]
    require(actor, EDITORS, codes, "登记重大工程项目 / register projects")
    out = []
    with session.begin_nested():
        for data in items:
            existing = session.scalar(select(Project).where(Project.code == data.code))
            if existing is not None and not replace:
                raise PlanError(
                    f"项目编号 “{data.code}” 已存在", f"project code '{data.code}' already exists"
                )
            if existing is not None:
                require(actor, EDITORS, _zone_codes(session, existing.zone_code), "修改项目 / edit project")
            before = project_snapshot(existing) if existing is not None else None
            if existing is not None:  # delete the old rows first (unique keys), then add the new ones
                existing.funding.clear()
                existing.milestones.clear()
                existing.indicators.clear()
                session.flush()
            p = existing or Project(code=data.code, created_at=_now())
            _apply(p, data)
            session.add(p)
            session.flush()
            session.refresh(p)
            _rec(session, actor, record)(
                "update" if before else "create",
                "project",
                p.code,
                p.division_code,
                before,
                project_snapshot(p),
            )
            out.append(p)
    return out


def create_project(
    session: Session, data: ProjectCreate, /, *, actor: Actor, record: Record = _no_record
) -> Project:
    """One project (API): same checks as the Excel import."""
    problems = project_problems(session, *_frames(data))
    return save_projects(session, [data], actor=actor, record=record, problems=problems, replace=False)[0]


def update_project(session: Session, code: str, data: ProjectUpdate, /, *, actor: Actor,
                   record: Record = _no_record) -> Project:  # fmt: skip
    p = project(session, code)
    require(actor, EDITORS, _zone_codes(session, p.zone_code), "修改项目 / edit project")
    current = project_public(p).model_dump(exclude={"progress"})
    merged = ProjectCreate(**{**current, **data.model_dump(exclude_unset=True)})
    problems = project_problems(session, *_frames(merged))
    return save_projects(session, [merged], actor=actor, record=record, problems=problems)[0]


def delete_project(session: Session, code: str, /, *, actor: Actor, record: Record = _no_record) -> None:
    p = project(session, code)
    require(actor, EDITORS, _zone_codes(session, p.zone_code), "删除项目 / delete project")
    before = project_snapshot(p)
    session.delete(p)
    session.flush()
    _rec(session, actor, record)("delete", "project", code, p.division_code, before, None)


def add_progress(session: Session, code: str, data: ProgressCreate, /, *, actor: Actor,
                 record: Record = _no_record) -> ProjectProgress:  # fmt: skip
    """A progress report with evidence files (name, sha256, size); invested money cannot exceed the total."""
    p = project(session, code)
    require(actor, EDITORS, _zone_codes(session, p.zone_code), "报送项目进展 / report progress")
    if data.invested_to_date > p.total_investment + TOLERANCE:
        raise ValidationErrors([InputError("累计完成投资超过总投资", "invested to date exceeds the total investment",
                                           column="invested_to_date", value=data.invested_to_date)])  # fmt: skip
    r = ProjectProgress(project_id=p.id, reported_on=data.reported_on, percent_complete=data.percent_complete,
                        invested_to_date=data.invested_to_date, note=data.note, reported_by=actor.username,
                        evidence=[e.model_dump() for e in data.evidence])  # fmt: skip
    session.add(r)
    session.flush()
    session.refresh(p)
    _rec(session, actor, record)(
        "create", "project_progress", f"{code}#{r.id}", p.division_code, None, data.model_dump(mode="json")
    )
    return r


# --- the national pipeline ------------------------------------------------------------------------------------


def project_frame(session: Session) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Projects (one row each, with the zone's tier and the province ``region``) and their funding (long)."""
    rows = session.execute(select(Project.id, Project.code, Project.name, Project.zone_code, Zone.tier,
                                  Project.division_code, Project.category, Project.status, Project.total_investment,
                                  Project.start_date, Project.end_date)
                           .join(Zone, Zone.code == Project.zone_code)).all()  # fmt: skip
    cols = ["id", "code", "name", "zone_code", "tier", "division_code", "category", "status", "total_investment",
            "start_date", "end_date"]  # fmt: skip
    projects = pd.DataFrame(rows, columns=cols)
    projects["region"] = divisions.rollup(projects["division_code"], "province")
    fund = pd.DataFrame(session.execute(select(ProjectFunding.project_id, ProjectFunding.source,
                                               ProjectFunding.amount)).all(), columns=["id", "source", "amount"])  # fmt: skip
    return projects, fund


def behind_schedule(session: Session, *, as_of: dt.date) -> pd.DataFrame:
    """Projects behind schedule on ``as_of`` (not completed, and at least one of): past the planned end date; a
    milestone past due and not done; the latest reported share complete more than 10 points below the share of
    the planned duration elapsed (linear schedule). ``reasons`` lists which."""
    projects, _ = project_frame(session)
    if projects.empty:
        return projects.assign(reasons=[])
    ms = pd.DataFrame(session.execute(select(ProjectMilestone.project_id, ProjectMilestone.due_date,
                                             ProjectMilestone.done_date)).all(), columns=["id", "due", "done"])  # fmt: skip
    prog = pd.DataFrame(session.execute(select(ProjectProgress.project_id, ProjectProgress.reported_on,
                                               ProjectProgress.percent_complete)).all(),
                        columns=["id", "reported_on", "percent"])  # fmt: skip
    p = projects.copy()
    on = pd.Timestamp(as_of)
    start, end = pd.to_datetime(p["start_date"]), pd.to_datetime(p["end_date"])
    open_ = p["status"] != ProjectStatus.COMPLETED.value
    overdue_ms = ms[(pd.to_datetime(ms["due"]) < on) & ms["done"].isna()].groupby("id").size()
    latest = prog.sort_values("reported_on").groupby("id")["percent"].last()
    p["overdue_milestones"] = p["id"].map(overdue_ms).fillna(0).astype(int)
    p["percent_complete"] = p["id"].map(latest)
    span = (end - start).dt.days.clip(lower=1)
    p["planned_percent"] = ((on - start).dt.days / span * 100).clip(0, 100).round(1)
    late_end = open_ & (end < on)
    late_ms = open_ & (p["overdue_milestones"] > 0)
    slow = open_ & p["percent_complete"].notna() & (p["percent_complete"] < p["planned_percent"] - 10)
    reasons = pd.DataFrame({"past_end_date": late_end, "milestone_overdue": late_ms, "slow_progress": slow})
    joined = pd.Series("", index=p.index)
    for col in reasons.columns:  # three columns, each a vectorised string operation
        joined = joined + np.where(reasons[col], col + ";", "")
    p["reasons"] = joined.str.rstrip(";").str.split(";")
    return p[reasons.any(axis=1)].drop(columns=["id"]).reset_index(drop=True)


def pipeline(session: Session, *, as_of: dt.date | None = None) -> dict[str, Any]:
    """The national project pipeline (项目储备库): project counts and investment (万元) by zone tier, region
    (province), category and funding source, the grand total, and the projects behind schedule."""
    projects, fund = project_frame(session)

    def by(col: str) -> list[dict[str, Any]]:
        g = projects.groupby(col, sort=True).agg(
            projects=("id", "size"), total_investment=("total_investment", "sum")
        )
        return [{col: k, "projects": int(r.projects), "total_investment": round(float(r.total_investment), 2)}
                for k, r in g.iterrows()]  # fmt: skip

    f = fund.groupby("source").agg(projects=("id", "nunique"), amount=("amount", "sum"))
    return {
        "as_of": str(as_of or dt.date.today()),
        "total": {"projects": len(projects), "total_investment": round(float(projects["total_investment"].sum()), 2),
                  "funding": round(float(fund["amount"].sum()), 2)},
        "by_tier": by("tier"), "by_region": by("region"), "by_category": by("category"), "by_status": by("status"),
        "by_funding_source": [{"source": k, "projects": int(r.projects), "amount": round(float(r.amount), 2)}
                              for k, r in f.iterrows()],
        "behind_schedule": [
            {k: (v if not isinstance(v, (dt.date, pd.Timestamp)) else str(v)[:10]) for k, v in r.items()}
            for r in behind_schedule(session, as_of=as_of or dt.date.today()).to_dict("records")
        ],
    }  # fmt: skip


# --- typical cases --------------------------------------------------------------------------------------------


def case_snapshot(c: Case) -> dict[str, Any]:
    from pioneer.plans.schemas import CasePublic

    return CasePublic.model_validate(c).model_dump(mode="json")


def case(session: Session, case_id: int) -> Case:
    found = session.get(Case, case_id)
    if found is None:
        raise PlanNotFoundError(f"未知的典型案例 {case_id}", f"unknown case {case_id}")
    return found


def list_cases(session: Session, *, zone_code: str | None = None, status: str | None = None) -> list[Case]:
    q = select(Case).order_by(Case.id)
    if zone_code is not None:
        q = q.where(Case.zone_code == zone_code)
    if status is not None:
        q = q.where(Case.status == status)
    return list(session.scalars(q))


def create_case(session: Session, data: CaseCreate, /, *, actor: Actor, record: Record = _no_record) -> Case:
    codes = _zone_codes(session, data.zone_code)
    require(actor, {Role.ZONE, Role.PROVINCE}, codes, "提交典型案例 / submit case")
    c = Case(zone_code=data.zone_code, title=data.title, summary=data.summary, body=data.body,
             status=CaseStatus.DRAFT.value, submitted_by=actor.username, created_at=_now())  # fmt: skip
    session.add(c)
    session.flush()
    _rec(session, actor, record)("create", "case", str(c.id), codes[0], None, case_snapshot(c))
    return c


def case_step_roles(zone_tier: str, source: CaseStatus | str, target: CaseStatus | str) -> frozenset[Role]:
    """Offices that may move a case of a zone of ``zone_tier`` from ``source`` to ``target`` (empty: no such
    step, :data:`~pioneer.plans.choices.CASE_STEPS`). The zone's own steps (submitting) stay the zone's; the
    province's steps of a region-tier zone fall to the programme office
    (:func:`pioneer.registry.zones.service.stand_in`)."""
    try:
        roles = CASE_STEPS.get((CaseStatus(source), CaseStatus(target)), frozenset())
    except ValueError:
        return frozenset()
    return roles if Role.ZONE in roles else zones.stand_in(zone_tier, roles)


def required_case_step(zone_tier: str, source: CaseStatus | str, target: CaseStatus | str) -> frozenset[Role]:
    """The offices of a step that exists (:func:`case_step_roles`); a step the workflow does not have — from
    ``published`` back to ``submitted``, an unknown status — is refused as the request's error, whoever asks
    (422 in the web app, not a denial)."""
    roles = case_step_roles(zone_tier, source, target)
    if not roles:
        raise PlanError(
            f"典型案例不能从 “{source}” 变为 “{target}”", f"a case cannot go from '{source}' to '{target}'"
        )
    return roles


def permitted_case_steps(
    session: Session, c: Case, actor: Actor, zone: Zone | None = None
) -> list[CaseStatus]:
    """The steps ``actor`` may take on case ``c`` now: its office takes the step (:func:`case_step_roles`, by
    :func:`pioneer.registry.permissions.permitted`) and its scope covers every division of the zone — what
    :func:`step_case` checks, so a page offers exactly what would succeed. ``zone`` is the case's zone when the
    caller has it (a queue of many cases reads no zone again)."""
    z = zone if zone is not None and zone.code == c.zone_code else zones.zone(session, c.zone_code)
    if not all(actor.covers(code) for code in z.division_codes):
        return []
    source = CaseStatus(c.status)
    return [t for (s, t) in CASE_STEPS if s is source and permitted(actor, case_step_roles(z.tier, s, t))]


def step_case(session: Session, case_id: int, to_status: CaseStatus | str, /, *, actor: Actor, note: str = "",
              record: Record = _no_record) -> Case:  # fmt: skip
    """Move a case along its workflow (:data:`~pioneer.plans.choices.CASE_STEPS`, :func:`case_step_roles`):
    the zone submits, the province recommends or returns (with a note), the programme office returns (with a
    note), approves and publishes. The office and the scope are checked by
    :func:`pioneer.registry.permissions.require`; the step is audited with before and after."""
    c = case(session, case_id)
    try:
        target = CaseStatus(to_status)
    except ValueError:
        raise InputError("未知的典型案例状态", f"unknown case status (known: {', '.join(CaseStatus)})",
                         column="to_status", value=str(to_status)) from None  # fmt: skip
    z = zones.zone(session, c.zone_code)
    roles = required_case_step(z.tier, c.status, target.value)
    codes = z.division_codes
    require(actor, roles, codes, f"典型案例：{target.value} / case: {target.value}")
    if target is CaseStatus.RETURNED and not note.strip():
        raise PlanError("退回须说明理由", "a returned case needs a note")
    before = case_snapshot(c)
    c.status = target.value
    if Role.ZONE not in roles:  # a decision (the province's or the programme office's): its author and note
        c.reviewed_by, c.review_note = actor.username, note
    if target is CaseStatus.RECOMMENDED:
        c.recommended_by, c.recommended_at = actor.username, _now()
    if target is CaseStatus.PUBLISHED:
        c.published_at = _now()
    session.flush()
    _rec(session, actor, record)(target.value, "case", str(c.id), codes[0], before, case_snapshot(c))
    return c
