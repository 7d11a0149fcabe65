"""实施方案 in the page: create and edit a zone's implementation plan (title, years, status, document), its
attachments with document numbers, and its review (报送 → 省级转报 → 国家批复/退回). Excel stays the bulk path
for projects (``/zones/{code}/plans/import``).

Every write: CSRF, ``auth.restrict`` on the zone's divisions, then the plans service with the user's registry
actor (its own check underneath) and the audit writer of the request. Bad input comes back on the same form, next
to its field, in the reader's language, and changes nothing (``session.rollback()``); a refused step returns to
the page the user was on with the message (:func:`pioneer.web.forms.refused`)."""

from __future__ import annotations

from typing import Annotated

import pydantic
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from pioneer.errors import InputError, PioneerError
from pioneer.plans import documents as docs
from pioneer.plans import service as plans
from pioneer.plans.choices import REGIONAL, SEED_SECTIONS, PlanStatus, TaskStatus
from pioneer.plans.errors import ValidationErrors
from pioneer.plans.schemas import PlanCreate, PlanUpdate
from pioneer.web import auth, services
from pioneer.web.deps import DB, CurrentUser, check_csrf, request_id
from pioneer.web.forms import field_errors, refused, schema_errors
from pioneer.web.security import upload_cap

router = APIRouter(include_in_schema=False)
PLAN_FIELDS = ("title", "start_year", "end_year", "status", "document")


def recorder(session, user, request: Request):
    rid = request_id(request)

    def record(action, object_type, key, division_code, before, after):
        auth.audit(session, user, action, object_type, key, division_code, before, after, request_id=rid)

    return record


def _login(user, path: str) -> RedirectResponse | None:
    return RedirectResponse(f"/login?next={path}", status_code=303) if user is None else None


def plan_context(session, user, plan_id: int) -> dict:
    """What the plan page shows: the plan, its zone, attachments, review state, history and the steps the user
    may take (office by :func:`pioneer.plans.documents.permitted_steps`, scope by ``auth.allowed``)."""
    p = plans.plan(session, plan_id)
    zone = services.visible_zone(session, user, p.zone_code)
    can_edit = auth.allowed(user, auth.Action.EDIT, zone.division_codes)
    steps = []
    if user is not None:
        action = step_action(session, plan_id)
        if auth.allowed(user, action, zone.division_codes):
            steps = docs.permitted_steps(session, plan_id, zone.tier, auth.actor(user))
    return {"plan": p, "zone": zone, "can_edit": can_edit, "documents": docs.documents(session, "plan", str(p.id)),
            "editable": can_edit and docs.review_state(session, plan_id) not in docs.LOCKED,
            "review_state": docs.review_state(session, plan_id), "review_history": docs.review_history(session, plan_id),
            "steps": steps, "statuses": [s.value for s in PlanStatus], "task_statuses": [t.value for t in TaskStatus],
            "sections": [*SEED_SECTIONS, REGIONAL], "comparators": ["<", "<=", ">", ">="]}  # fmt: skip


def step_action(session, plan_id: int) -> auth.Action:
    """The programme office's decisions (on a forwarded plan) need REVIEW; the zone's and province's steps EDIT."""
    return auth.Action.REVIEW if docs.review_state(session, plan_id) == docs.FORWARDED else auth.Action.EDIT


def _plan_page(request: Request, session, user, plan_id: int, *, status: int = 200, **extra) -> HTMLResponse:
    from pioneer.web.render import render

    extra.setdefault("values", {})
    extra.setdefault("errors", {})
    extra.setdefault("doc_values", {})
    extra.setdefault("doc_errors", {})
    return render(request, "plan_edit.html", user, status=status, **plan_context(session, user, plan_id),
                  message=request.query_params.get("msg", ""), refusal=request.query_params.get("refused", ""),
                  **extra)  # fmt: skip


def _new_page(request: Request, user, zone, *, values: dict, errors: dict, status: int = 200) -> HTMLResponse:
    from pioneer.web.render import render

    return render(request, "plan_new.html", user, status=status, zone=zone, values=values, errors=errors,
                  statuses=[s.value for s in PlanStatus])  # fmt: skip


def _plan_values(title: str, start_year: str, end_year: str, status: str, document: str) -> dict[str, str]:
    return {"title": title.strip(), "start_year": start_year.strip(), "end_year": end_year.strip(),
            "status": status, "document": document.strip()}  # fmt: skip


@router.get("/zones/{code}/plans/new", response_class=HTMLResponse)
def plan_new(code: str, request: Request, session: DB, user: CurrentUser):
    if (r := _login(user, f"/zones/{code}/plans/new")) is not None:
        return r
    zone = services.visible_zone(session, user, code)
    auth.restrict(user, auth.Action.EDIT, zone.division_codes)
    return _new_page(request, user, zone, values={"status": "draft"}, errors={})


@router.post("/zones/{code}/plans/new", response_class=HTMLResponse)
def plan_create(code: str, request: Request, session: DB, user: CurrentUser,
                title: Annotated[str, Form(max_length=300)] = "", start_year: Annotated[str, Form(max_length=8)] = "",
                end_year: Annotated[str, Form(max_length=8)] = "", status: Annotated[str, Form(max_length=24)] = "draft",
                document: Annotated[str, Form(max_length=2000)] = "", csrf_token: Annotated[str, Form()] = ""):  # fmt: skip
    if (r := _login(user, f"/zones/{code}/plans/new")) is not None:
        return r
    check_csrf(request, csrf_token)
    zone = services.visible_zone(session, user, code)
    auth.restrict(user, auth.Action.EDIT, zone.division_codes)
    values = _plan_values(title, start_year, end_year, status, document)
    try:
        data = PlanCreate(zone_code=code, **values)
        p = plans.create_plan(session, data, actor=auth.actor(user), record=recorder(session, user, request))
    except pydantic.ValidationError as exc:
        return _new_page(request, user, zone, values=values, errors=field_errors(request, schema_errors(exc)),
                         status=422)  # fmt: skip
    except (ValidationErrors, InputError) as exc:
        session.rollback()
        errs = getattr(exc, "errors", None) or [exc]
        return _new_page(request, user, zone, values=values, errors=field_errors(request, errs), status=422)
    return RedirectResponse(f"/plans/{p.id}?msg=created", status_code=303)


@router.get("/plans/{plan_id}", response_class=HTMLResponse)
def plan_page(plan_id: int, request: Request, session: DB, user: CurrentUser):
    return _plan_page(request, session, user, plan_id)


GOAL_FIELDS = ("indicator", "comparator", "target_value", "target_year")
TASK_FIELDS = ("title", "seed_section", "responsible_unit", "deadline", "status")
PART_ERRORS = {
    "goals.indicator": "goals",
    "tasks.seed_section": "tasks",
}  # the service's columns → the form's


def rows_of(form, prefix: str, fields: tuple[str, ...]) -> list[dict[str, str]]:
    """The repeated rows of a table in the form (``goal_indicator`` …), blank rows dropped."""
    cols = [[str(v).strip()[:2000] for v in form.getlist(f"{prefix}_{f}")] for f in fields]
    rows = [dict(zip(fields, vals, strict=False)) for vals in zip(*cols, strict=False)]
    typed = [f for f in fields if f not in ("comparator", "status")]  # selects always send a value
    return [r for r in rows if any(r.get(f) for f in typed)][:200]


@router.post("/plans/{plan_id}", response_class=HTMLResponse)
async def plan_update(plan_id: int, request: Request, session: DB, user: CurrentUser):
    """Edit the plan: its fields, and its goals and tasks (each a table of rows; the whole lists replace the
    stored ones). Shape errors next to their field or table, the service's (unknown indicator, seed section) too."""
    if (r := _login(user, f"/plans/{plan_id}")) is not None:
        return r
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token", "")))
    p = plans.plan(session, plan_id)
    zone = services.visible_zone(session, user, p.zone_code)
    auth.restrict(user, auth.Action.EDIT, zone.division_codes)
    text = {f: str(form.get(f, ""))[:2000] for f in PLAN_FIELDS}
    values: dict = _plan_values(
        text["title"], text["start_year"], text["end_year"], text["status"], text["document"]
    )
    goals = rows_of(form, "goal", GOAL_FIELDS)
    tasks = rows_of(form, "task", TASK_FIELDS)
    values |= {"goals": goals, "tasks": tasks}
    try:
        data = PlanUpdate(**{k: v for k, v in values.items() if k not in ("goals", "tasks")},
                          goals=[{**g, "target_value": g["target_value"] or None, "target_year": g["target_year"] or None}
                                 for g in goals],
                          tasks=[{**t, "deadline": t["deadline"] or None, "status": t["status"] or "not_started"}
                                 for t in tasks])  # fmt: skip
        plans.update_plan(
            session, plan_id, data, actor=auth.actor(user), record=recorder(session, user, request)
        )
    except pydantic.ValidationError as exc:
        return _plan_page(request, session, user, plan_id, status=422, values=values,
                          errors=field_errors(request, schema_errors(exc)))  # fmt: skip
    except (ValidationErrors, InputError) as exc:
        session.rollback()
        errs = getattr(exc, "errors", None) or [exc]
        return _plan_page(request, session, user, plan_id, status=422, values=values,
                          errors=field_errors(request, errs, PART_ERRORS))  # fmt: skip
    except PioneerError as exc:  # under review or approved: not edited
        session.rollback()
        return refused(request, f"/plans/{plan_id}", exc)
    return RedirectResponse(f"/plans/{plan_id}?msg=saved", status_code=303)


@router.post("/plans/{plan_id}/delete")
def plan_delete(plan_id: int, request: Request, session: DB, user: CurrentUser,
                csrf_token: Annotated[str, Form()] = ""):  # fmt: skip
    if (r := _login(user, f"/plans/{plan_id}")) is not None:
        return r
    check_csrf(request, csrf_token)
    p = plans.plan(session, plan_id)
    zone = services.visible_zone(session, user, p.zone_code)
    auth.restrict(user, auth.Action.EDIT, zone.division_codes)
    try:
        plans.delete_plan(session, plan_id, actor=auth.actor(user), record=recorder(session, user, request))
    except PioneerError as exc:
        session.rollback()
        return refused(request, f"/plans/{plan_id}", exc)
    return RedirectResponse(f"/zones/{zone.code}/plans", status_code=303)


@router.post("/plans/{plan_id}/review")
def plan_review(plan_id: int, request: Request, session: DB, user: CurrentUser,
                to_state: Annotated[str, Form(max_length=24)] = "", reason: Annotated[str, Form(max_length=2000)] = "",
                document_number: Annotated[str, Form(max_length=64)] = "", back: Annotated[str, Form(max_length=16)] = "",
                csrf_token: Annotated[str, Form()] = ""):  # fmt: skip
    """A review step (报送、转报、批复、退回). Refused or bad input: back where the user was, with the message."""
    if (r := _login(user, f"/plans/{plan_id}")) is not None:
        return r
    check_csrf(request, csrf_token)
    where = "/review" if back == "review" else f"/plans/{plan_id}"
    p = plans.plan(session, plan_id)
    zone = services.visible_zone(session, user, p.zone_code)
    try:
        auth.restrict(user, step_action(session, plan_id), zone.division_codes)
        docs.step_plan(session, plan_id, to_state, actor=auth.actor(user), reason=reason, number=document_number,
                       record=recorder(session, user, request))  # fmt: skip
    except PioneerError as exc:
        session.rollback()  # on the queue, the message stands next to the field of the step's form
        return refused(request, where, exc, form=f"plan-{plan_id}:{to_state}" if back == "review" else "")
    sep = "&" if "?" in where else "?"
    return RedirectResponse(f"{where}{sep}msg=reviewed", status_code=303)


@router.post("/plans/{plan_id}/documents", response_class=HTMLResponse)
def plan_attach(plan_id: int, request: Request, session: DB, user: CurrentUser, file: UploadFile = File(None),
                document_number: Annotated[str, Form(max_length=64)] = "", title: Annotated[str, Form(max_length=300)] = "",
                issued_on: Annotated[str, Form(max_length=16)] = "", csrf_token: Annotated[str, Form()] = ""):  # fmt: skip
    """Attach a file with its document number to the plan (plain ``def``: read in a worker thread)."""
    if (r := _login(user, f"/plans/{plan_id}")) is not None:
        return r
    check_csrf(request, csrf_token)
    p = plans.plan(session, plan_id)
    zone = services.visible_zone(session, user, p.zone_code)
    auth.restrict(user, auth.Action.EDIT, zone.division_codes)
    cap = upload_cap()
    data = file.file.read(cap + 1) if file is not None else b""
    values = {"document_number": document_number, "title": title, "issued_on": issued_on}
    try:
        docs.add_document(session, owner_kind="plan", owner_key=str(plan_id), zone_code=zone.code,
                          number=document_number, title=title, issued_on=issued_on,
                          file_name=upload_file_name(file), data=data, cap=cap, actor=auth.actor(user),
                          record=recorder(session, user, request))  # fmt: skip
    except (ValidationErrors, InputError) as exc:
        session.rollback()
        errs = getattr(exc, "errors", None) or [exc]
        return _plan_page(request, session, user, plan_id, status=422, doc_values=values,
                          doc_errors=field_errors(request, errs))  # fmt: skip
    return RedirectResponse(f"/plans/{plan_id}?msg=attached#documents", status_code=303)


def upload_file_name(file: UploadFile | None) -> str:
    from pioneer.guard.files import upload_name

    return upload_name(file.filename if file is not None else "", "attachment")
