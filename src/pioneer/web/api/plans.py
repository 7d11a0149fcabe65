"""Plans, major projects (Excel template import/export, progress with evidence files), the national pipeline,
typical cases and generated reports — API under ``/api/v1`` and the pages ``/zones/{code}/plans``,
``/pipeline``, ``/cases``.

Every write: ``auth.restrict`` (role and division scope, the same check as the rest of the web app), the plans
service with the user's registry actor (its own check runs again underneath), and an audit entry with
before/after snapshots — all in the request's transaction (nothing written on error)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute

from pioneer.errors import InputError
from pioneer.guard.files import upload_name
from pioneer.plans import excel
from pioneer.plans import service as plans
from pioneer.plans.choices import CaseStatus
from pioneer.plans.documents import store_file
from pioneer.plans.errors import PlanNotFoundError, ValidationErrors
from pioneer.plans.schemas import (
    CaseCreate,
    CasePublic,
    CaseStep,
    EvidenceFile,
    PlanCreate,
    PlanPublic,
    PlanUpdate,
    ProgressCreate,
    ProgressPublic,
    ProjectCreate,
    ProjectPublic,
    ProjectUpdate,
)
from pioneer.registry.zones import service as zones
from pioneer.web import auth, services
from pioneer.web.api.common import MEDIA, ErrorBody, Limit, Page, Paged, files, paged
from pioneer.web.deps import DB, CurrentUser, check_csrf, lang_of, request_id, status_of
from pioneer.web.models import User
from pioneer.web.security import MAX_EVIDENCE_BYTES, MAX_EXCEL_BYTES


class PlansRoute(APIRoute):
    """Unknown plan/project/case and a rejected submission (listing every located error) answered with the
    status of the one table (``deps.STATUS``: 404, 422). Raised as ``HTTPException`` so that the request's
    transaction still rolls back."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except PlanNotFoundError as exc:
                raise HTTPException(
                    status_of(exc), {"message_zh": exc.message_zh, "message_en": exc.message_en}
                ) from None
            except ValidationErrors as exc:
                errors = [{"message_zh": e.message_zh, "message_en": e.message_en, "file": e.file, "row": e.row,
                           "column": e.column, "value": None if e.value is None else str(e.value)}
                          for e in exc.errors]  # fmt: skip
                raise HTTPException(status_of(exc), {"message_zh": exc.message_zh, "message_en": exc.message_en,
                                                     "errors": errors}) from None  # fmt: skip

        return route


router = APIRouter(tags=["plans"], route_class=PlansRoute)
pages_router = APIRouter(include_in_schema=False, route_class=PlansRoute)
ERRORS = {
    401: {"model": ErrorBody},
    403: {"model": ErrorBody},
    404: {"model": ErrorBody},
    422: {"model": ErrorBody},
}
Format = Annotated[str, Query(pattern="^(docx|pdf|html)$")]
Lang = Annotated[str, Query(pattern="^(zh|en)$")]


def _recorder(session, user: User | None, request: Request):
    rid = request_id(request)

    def record(action, object_type, key, division_code, before, after):
        auth.audit(session, user, action, object_type, key, division_code, before, after, request_id=rid)

    return record


def _editing(session, user: User | None, request: Request, zone_code: str, action=auth.Action.EDIT):
    """CSRF, ``auth.restrict`` on the zone's divisions, then the user's registry actor and audit writer."""
    check_csrf(request, None)
    codes = zones.zone(session, zone_code).division_codes
    auth.restrict(user, action, codes)
    assert user is not None
    return {"actor": auth.actor(user), "record": _recorder(session, user, request)}


# --- plans ---------------------------------------------------------------------------------------------------


@router.get("/zones/{code}/plans", response_model=list[PlanPublic], responses=ERRORS)
def list_plans(code: str, session: DB, user: CurrentUser):
    services.visible_zone(session, user, code)
    return plans.list_plans(session, code)


@router.post("/plans", response_model=PlanPublic, status_code=201, responses=ERRORS)
def create_plan(data: PlanCreate, request: Request, session: DB, user: CurrentUser):
    return plans.create_plan(session, data, **_editing(session, user, request, data.zone_code))


@router.get("/plans/{plan_id}", response_model=PlanPublic, responses=ERRORS)
def read_plan(plan_id: int, session: DB, user: CurrentUser):
    p = plans.plan(session, plan_id)
    services.visible_zone(session, user, p.zone_code)
    return p


@router.patch("/plans/{plan_id}", response_model=PlanPublic, responses=ERRORS)
def update_plan(plan_id: int, data: PlanUpdate, request: Request, session: DB, user: CurrentUser):
    p = plans.plan(session, plan_id)
    return plans.update_plan(session, plan_id, data, **_editing(session, user, request, p.zone_code))


@router.delete("/plans/{plan_id}", status_code=204, responses=ERRORS)
def delete_plan(plan_id: int, request: Request, session: DB, user: CurrentUser):
    p = plans.plan(session, plan_id)
    plans.delete_plan(session, plan_id, **_editing(session, user, request, p.zone_code))
    return Response(status_code=204)


# --- projects ------------------------------------------------------------------------------------------------


def _visible_codes(session, user) -> set[str]:
    return {z.code for z in services.visible_zones(session, user)}


def _national_view(user: User | None) -> None:
    """National summaries (pipeline, national report) cover every zone, published or not: readers with national
    scope only (admin, reviewer, viewer). An editor sees unpublished zones of their own scope only, so these
    answer 403 for them rather than leak other provinces' drafts (object-level check, ASVS V4.2.1)."""
    auth.restrict(user, auth.Action.VIEW)
    assert user is not None
    if auth.Role(user.role) in auth.EDITORS:
        raise auth.ForbiddenError("全国汇总仅向项目办、评审和查看角色开放（含未公开的先行区）",
                                  "national summaries (which include unpublished zones) are for national-scope roles")  # fmt: skip


@router.get("/projects", response_model=Paged[ProjectPublic], responses=ERRORS)
def list_projects(session: DB, user: CurrentUser, page: Page = 1, limit: Limit = 100,
                  zone: Annotated[str | None, Query(max_length=32)] = None):  # fmt: skip
    visible = _visible_codes(session, user)
    found = [
        plans.project_public(p)
        for p in plans.list_projects(session, zone_code=zone)
        if p.zone_code in visible
    ]
    return paged(found, page, limit)


@router.post("/projects", response_model=ProjectPublic, status_code=201, responses=ERRORS)
def create_project(data: ProjectCreate, request: Request, session: DB, user: CurrentUser):
    p = plans.create_project(session, data, **_editing(session, user, request, data.zone_code))
    return plans.project_public(p)


@router.get("/projects/template.xlsx", responses={**ERRORS, **files("xlsx")})
def project_template() -> Response:
    with tempfile.TemporaryDirectory() as d:
        data = excel.write_template(Path(d) / "t.xlsx").read_bytes()
    return Response(data, media_type=MEDIA["xlsx"],
                    headers={"Content-Disposition": 'attachment; filename="projects-template.xlsx"'})  # fmt: skip


@router.get("/projects/export.xlsx", responses={**ERRORS, **files("xlsx")})
def export_projects(session: DB, user: CurrentUser, zone: Annotated[str | None, Query(max_length=32)] = None):
    auth.restrict(user, auth.Action.VIEW)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "p.xlsx"
        # object-level check: only projects of zones this user may see (as the list and detail endpoints)
        excel.export_projects(session, path, zone_code=zone, zone_codes=_visible_codes(session, user))
        data = path.read_bytes()
    return Response(data, media_type=MEDIA["xlsx"],
                    headers={"Content-Disposition": 'attachment; filename="projects.xlsx"'})  # fmt: skip


@router.post("/projects/import", responses=ERRORS)
def import_projects(request: Request, session: DB, user: CurrentUser, file: UploadFile = File(...)) -> dict:
    """Import a filled template, all or nothing: 422 with every located error, or the imported codes."""
    check_csrf(request, None)
    auth.restrict(user, auth.Action.EDIT)  # the zones' scopes are checked by the service for every row
    assert user is not None
    # a plain def: FastAPI runs it in a worker thread, so parsing never blocks the event loop
    data = file.file.read(MAX_EXCEL_BYTES + 1)
    if len(data) > MAX_EXCEL_BYTES:
        raise InputError("文件过大（上限 10 MB）", "file too large (limit 10 MB)", file=file.filename)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / upload_name(file.filename, "upload.xlsx")
        path.write_bytes(data)
        saved = excel.import_projects(
            session, path, actor=auth.actor(user), record=_recorder(session, user, request)
        )
    return {"imported": [p.code for p in saved]}


@router.get("/projects/{code}", response_model=ProjectPublic, responses=ERRORS)
def read_project(code: str, session: DB, user: CurrentUser):
    p = plans.project(session, code)
    services.visible_zone(session, user, p.zone_code)
    return plans.project_public(p)


@router.patch("/projects/{code}", response_model=ProjectPublic, responses=ERRORS)
def update_project(code: str, data: ProjectUpdate, request: Request, session: DB, user: CurrentUser):
    p = plans.project(session, code)
    return plans.project_public(plans.update_project(session, code, data, **_editing(session, user, request,
                                                                                     p.zone_code)))  # fmt: skip


@router.delete("/projects/{code}", status_code=204, responses=ERRORS)
def delete_project(code: str, request: Request, session: DB, user: CurrentUser):
    p = plans.project(session, code)
    plans.delete_project(session, code, **_editing(session, user, request, p.zone_code))
    return Response(status_code=204)


@router.post("/projects/{code}/evidence", response_model=EvidenceFile, status_code=201, responses=ERRORS)
def upload_evidence(
    code: str, request: Request, session: DB, user: CurrentUser, file: UploadFile = File(...)
):
    """Store an evidence file (content-addressed under ``$PIONEER_HOME/evidence``); cite the answer in a
    progress report."""
    p = plans.project(session, code)
    _editing(session, user, request, p.zone_code)
    data = file.file.read(MAX_EVIDENCE_BYTES + 1)
    if len(data) > MAX_EVIDENCE_BYTES:
        raise InputError("文件过大（上限 20 MB）", "file too large (limit 20 MB)", file=file.filename)
    sha = store_file(data)  # the one evidence store (content-addressed, shared with attachments)
    return EvidenceFile(file_name=upload_name(file.filename, "evidence"), sha256=sha, size=len(data))


@router.post("/projects/{code}/progress", response_model=ProgressPublic, status_code=201, responses=ERRORS)
def add_progress(code: str, data: ProgressCreate, request: Request, session: DB, user: CurrentUser):
    p = plans.project(session, code)
    return plans.add_progress(session, code, data, **_editing(session, user, request, p.zone_code))


@router.get("/pipeline", responses=ERRORS)
def pipeline(session: DB, user: CurrentUser, as_of: dt.date | None = None) -> dict[str, Any]:
    """The national pipeline (national-scope roles): totals by tier, province, category, funding source; delays."""
    _national_view(user)
    return plans.pipeline(session, as_of=as_of)


# --- cases ---------------------------------------------------------------------------------------------------


@router.get("/cases", response_model=Paged[CasePublic], responses=ERRORS)
def list_cases(session: DB, user: CurrentUser, page: Page = 1, limit: Limit = 100,
               zone: Annotated[str | None, Query(max_length=32)] = None,
               status: Annotated[str | None, Query(max_length=24)] = None):  # fmt: skip
    """Published cases for everyone; signed-in users also see the others of the zones they can see."""
    found = plans.list_cases(session, zone_code=zone, status=status)
    if not auth.allowed(user, auth.Action.VIEW):
        found = [c for c in found if c.status == CaseStatus.PUBLISHED.value]
    else:
        visible = _visible_codes(session, user)
        found = [c for c in found if c.status == CaseStatus.PUBLISHED.value or c.zone_code in visible]
    return paged([CasePublic.model_validate(c) for c in found], page, limit)


@router.post("/cases", response_model=CasePublic, status_code=201, responses=ERRORS)
def create_case(data: CaseCreate, request: Request, session: DB, user: CurrentUser):
    return plans.create_case(session, data, **_editing(session, user, request, data.zone_code))


@router.post("/cases/{case_id}/steps", response_model=CasePublic, responses=ERRORS)
def step_case(case_id: int, data: CaseStep, request: Request, session: DB, user: CurrentUser):
    """A step of a typical case: the zone submits, the province recommends or returns, the programme office
    approves, returns or publishes (:data:`pioneer.plans.choices.CASE_STEPS`); the action by
    :func:`pioneer.web.services.case_action`."""
    c = plans.case(session, case_id)
    kw = _editing(session, user, request, c.zone_code, services.case_action(session, c, data.to_status))
    return plans.step_case(session, case_id, data.to_status, note=data.note, **kw)


# --- reports -------------------------------------------------------------------------------------------------


def _file(data: bytes, fmt: str, name: str) -> Response:
    return Response(
        data, media_type=MEDIA[fmt], headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    )


@router.get("/zones/{code}/reports/self-assessment", responses={**ERRORS, **files("docx", "pdf", "html")})
def self_assessment_report(code: str, session: DB, user: CurrentUser,
                           year: Annotated[int, Query(ge=2000, le=2100)], format: Format = "docx",
                           lang: Lang = "zh") -> Response:  # fmt: skip
    """The zone's self-assessment report generated from the data (DOCX, PDF or HTML; zh or en)."""
    from pioneer.reports import render, self_assessment

    services.visible_zone(session, user, code)
    rep = self_assessment.build(session, code, year, lang=lang)
    return _file(render.FORMATS[format](rep), format, f"self-assessment-{code}-{year}-{lang}")


@router.get("/reports/national", responses={**ERRORS, **files("docx", "pdf", "html")})
def national_report(session: DB, user: CurrentUser, year: Annotated[int, Query(ge=2000, le=2100)],
                    format: Format = "docx", lang: Lang = "zh") -> Response:  # fmt: skip
    """The national progress report (national-scope roles: it lists unpublished zones)."""
    from pioneer.reports import national, render

    _national_view(user)
    rep = national.build(session, year, lang=lang)
    return _file(render.FORMATS[format](rep), format, f"national-{year}-{lang}")


# --- pages ---------------------------------------------------------------------------------------------------


def _plans_page(request: Request, session, user: User | None, code: str, *, year: int | None = None,
                status: int = 200, **extra: Any) -> HTMLResponse:  # fmt: skip
    from pioneer.web.render import render

    zone = services.visible_zone(session, user, code)
    year = year or dt.date.today().year - 1
    return render(request, "plans.html", user, status=status, zone=zone, plans=plans.list_plans(session, code),
                  projects=plans.list_projects(session, zone_code=code), year=year,
                  cases=[c for c in plans.list_cases(session, zone_code=code)
                         if c.status == "published" or auth.allowed(user, auth.Action.VIEW)],
                  can_edit=auth.allowed(user, auth.Action.EDIT, zone.division_codes), lang_code=lang_of(request),
                  **extra)  # fmt: skip


@pages_router.get("/zones/{code}/plans", response_class=HTMLResponse)
def plans_page(code: str, request: Request, session: DB, user: CurrentUser, year: int | None = None):
    return _plans_page(request, session, user, code, year=year)


@pages_router.post("/zones/{code}/plans/import", response_class=HTMLResponse)
def plans_import(code: str, request: Request, session: DB, user: CurrentUser, file: UploadFile = File(...),
                       csrf_token: Annotated[str, Form()] = ""):  # fmt: skip
    """The page's Excel import: all or nothing; the located errors are listed on the page (HTTP 422)."""
    check_csrf(request, csrf_token)
    zone = services.visible_zone(session, user, code)
    auth.restrict(user, auth.Action.EDIT, zone.division_codes)
    assert user is not None
    data = file.file.read(MAX_EXCEL_BYTES + 1)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / upload_name(file.filename, "upload.xlsx")
        path.write_bytes(data[: MAX_EXCEL_BYTES + 1])
        try:
            if len(data) > MAX_EXCEL_BYTES:
                raise ValidationErrors([InputError("文件过大（上限 10 MB）", "file too large (limit 10 MB)",
                                                   file=path.name)])  # fmt: skip
            saved = excel.import_projects(session, path, actor=auth.actor(user),
                                          record=_recorder(session, user, request))  # fmt: skip
        except (ValidationErrors, InputError) as exc:
            session.rollback()
            errors = getattr(exc, "errors", None) or [exc]
            return _plans_page(request, session, user, code, status=422, import_errors=errors)
    return _plans_page(request, session, user, code, imported=[p.code for p in saved])


@pages_router.get("/pipeline", response_class=HTMLResponse)
def pipeline_page(request: Request, session: DB, user: CurrentUser):
    from pioneer.web.render import render

    _national_view(user)
    return render(request, "plans_pipeline.html", user, pipe=plans.pipeline(session, as_of=dt.date.today()))


@pages_router.get("/cases", response_class=HTMLResponse)
def cases_page(request: Request, session: DB, user: CurrentUser):
    from pioneer.web.forms import refusal_at
    from pioneer.web.render import render

    visible = _visible_codes(session, user) if auth.allowed(user, auth.Action.VIEW) else set()
    found = [c for c in plans.list_cases(session) if c.status == "published" or c.zone_code in visible]
    zones_ = {z.code: z for z in services.visible_zones(session, user)} if user is not None else {}
    steps = {
        c.id: services.case_steps(session, user, c, zones_[c.zone_code])
        for c in found
        if c.zone_code in zones_
    }
    refusal, refused_form, refused_field = refusal_at(request)
    msg = request.query_params.get("msg", "")
    return render(request, "plans_cases.html", user, cases=found, steps=steps, refusal=refusal,
                  refused_form=refused_form, refused_field=refused_field,
                  message=msg if msg.startswith("case-") and msg[5:].isdigit() else "")  # fmt: skip
