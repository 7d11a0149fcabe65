"""重大工程 in the page: add, edit and remove a zone's major projects — funding by source, milestones, status —
through the plans service's own checks (``project_problems``: the same located errors as the Excel import, shown
next to their field here). Excel import/export on ``/zones/{code}/plans`` still works for the same records."""

from __future__ import annotations

from typing import Annotated, Any

import pydantic
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from pioneer.errors import InputError, PioneerError
from pioneer.plans import service as plans
from pioneer.plans.choices import Category, FundingSource, ProjectStatus
from pioneer.plans.errors import ValidationErrors
from pioneer.plans.schemas import ProjectCreate, ProjectUpdate
from pioneer.web import auth, services
from pioneer.web.deps import DB, CurrentUser, check_csrf
from pioneer.web.forms import field_errors, schema_errors
from pioneer.web.pages.plan_edit import recorder

router = APIRouter(include_in_schema=False)
FIELDS = ("code", "name", "category", "division_code", "longitude", "latitude", "total_investment", "start_date",
          "end_date", "status", "description")  # fmt: skip
MILESTONE_ROWS = 3  # blank milestone rows offered below the stored ones
INDICATOR_ROWS = 2  # blank expected-indicator rows offered below the stored ones
# the service's located errors name the template's Chinese headers: header → form field
LABELS = (
    {zh: f for f, (zh, _en) in plans.PROJECT_COLUMNS.items()}
    | {zh: f"milestone_{f}" for f, (zh, _en) in plans.MILESTONE_COLUMNS.items()}
    | {
        plans.INDICATOR_COLUMNS["indicator"][0]: "indicators",
        plans.INDICATOR_COLUMNS["expected_change"][0]: "indicators",
    }
)


def _ctx(zone, values: dict[str, Any], errors: dict[str, str], *, new: bool) -> dict[str, Any]:
    from pioneer.web import assess

    rows = max(len(values.get("milestones", [])) + MILESTONE_ROWS, MILESTONE_ROWS)
    indicator_rows = len(values.get("indicators", [])) + INDICATOR_ROWS
    catalogue = [(i.code, i.name_zh, i.name_en, i.unit) for i in assess.catalogue().indicators]
    return {"zone": zone, "values": values, "errors": errors, "new": new, "rows": rows,
            "indicator_rows": indicator_rows, "catalogue": catalogue,
            "categories": [c.value for c in Category], "sources": [s.value for s in FundingSource],
            "project_statuses": [s.value for s in ProjectStatus]}  # fmt: skip


def _page(request: Request, user, zone, values, errors, *, new: bool, status: int = 200) -> HTMLResponse:
    from pioneer.web.render import render

    return render(request, "project_edit.html", user, status=status, **_ctx(zone, values, errors, new=new))


def values_of(p) -> dict[str, Any]:
    """A stored project as the form's values (text)."""
    pub = plans.project_public(p)
    v = {f: "" if getattr(pub, f) is None else str(getattr(pub, f)) for f in FIELDS}
    v |= {f"funding_{s}": str(a) for s, a in pub.funding.items()}
    v["milestones"] = [{"name": m.name, "due_date": str(m.due_date), "done_date": str(m.done_date or "")}
                       for m in pub.milestones]  # fmt: skip
    v["indicators"] = [i.model_dump() for i in pub.indicators]
    return v


async def read_form(request: Request) -> dict[str, Any]:
    form = await request.form()
    v: dict[str, Any] = {f: str(form.get(f, "")).strip()[:5000] for f in FIELDS}
    v |= {f"funding_{s.value}": str(form.get(f"funding_{s.value}", "")).strip()[:32] for s in FundingSource}
    names = form.getlist("milestone_name")
    dues, dones = form.getlist("milestone_due_date"), form.getlist("milestone_done_date")
    v["milestones"] = [{"name": str(n).strip()[:256], "due_date": str(d).strip()[:16], "done_date": str(x).strip()[:16]}
                       for n, d, x in zip(names, dues, dones, strict=False) if str(n).strip() or str(d).strip()][:50]  # fmt: skip
    codes, changes = form.getlist("indicator_code"), form.getlist("indicator_expected_change")
    v["indicators"] = [{"indicator": str(c).strip()[:64], "expected_change": str(x).strip()[:32]}
                       for c, x in zip(codes, changes, strict=False) if str(c).strip() or str(x).strip()][:50]  # fmt: skip
    v["csrf_token"] = str(form.get("csrf_token", ""))
    return v


def to_create(zone_code: str, v: dict[str, Any]) -> ProjectCreate:
    """The form's text as a :class:`ProjectCreate` (the API's schema decides shape errors); the expected
    indicators (code, expected change) are the form's rows, checked against the catalogue by the service."""
    none = {k: (v[k] or None) for k in ("longitude", "latitude")}
    funding = {s.value: v[f"funding_{s.value}"] for s in FundingSource if v.get(f"funding_{s.value}")}
    return ProjectCreate(code=v["code"], zone_code=zone_code, name=v["name"], category=v["category"],
                         division_code=v["division_code"], **none, total_investment=v["total_investment"] or None,
                         funding=funding, start_date=v["start_date"] or None, end_date=v["end_date"] or None,
                         status=v["status"] or "planned", description=v["description"],
                         milestones=[{k: (m[k] or None) for k in m} for m in v["milestones"]],
                         indicators=[{"indicator": i["indicator"], "expected_change": i["expected_change"] or None}
                                     for i in v.get("indicators", [])])  # fmt: skip


def _login(user, path: str) -> RedirectResponse | None:
    return RedirectResponse(f"/login?next={path}", status_code=303) if user is None else None


def _editable_zone(session, user, code: str):
    zone = services.visible_zone(session, user, code)
    auth.restrict(user, auth.Action.EDIT, zone.division_codes)
    return zone


def _save(request: Request, session, user, zone, v: dict[str, Any], *, new: bool):
    try:
        data = to_create(zone.code, v)
        kw = {"actor": auth.actor(user), "record": recorder(session, user, request)}
        if new:
            plans.create_project(session, data, **kw)
        else:
            update = ProjectUpdate(**data.model_dump(exclude={"code", "zone_code"}))
            plans.update_project(session, data.code, update, **kw)
    except pydantic.ValidationError as exc:
        return _page(
            request, user, zone, v, field_errors(request, schema_errors(exc), LABELS), new=new, status=422
        )
    except (ValidationErrors, InputError) as exc:
        session.rollback()
        errs = getattr(exc, "errors", None) or [exc]
        return _page(request, user, zone, v, field_errors(request, errs, LABELS), new=new, status=422)
    except PioneerError as exc:  # e.g. a code already in use
        session.rollback()
        return _page(request, user, zone, v, field_errors(request, [InputError(exc.message_zh, exc.message_en,
                     column="code")]), new=new, status=422)  # fmt: skip
    return RedirectResponse(f"/zones/{zone.code}/plans?saved={data.code}#projects", status_code=303)


@router.get("/zones/{code}/projects/new", response_class=HTMLResponse)
def project_new(code: str, request: Request, session: DB, user: CurrentUser):
    if (r := _login(user, f"/zones/{code}/projects/new")) is not None:
        return r
    zone = _editable_zone(session, user, code)
    return _page(request, user, zone, {"division_code": zone.division_codes[0], "status": "planned",
                                       "milestones": [], "indicators": []}, {}, new=True)  # fmt: skip


@router.post("/zones/{code}/projects/new", response_class=HTMLResponse)
async def project_create(code: str, request: Request, session: DB, user: CurrentUser):
    if (r := _login(user, f"/zones/{code}/projects/new")) is not None:
        return r
    v = await read_form(request)
    check_csrf(request, v["csrf_token"])
    return _save(request, session, user, _editable_zone(session, user, code), v, new=True)


@router.get("/projects/{code}/edit", response_class=HTMLResponse)
def project_edit(code: str, request: Request, session: DB, user: CurrentUser):
    if (r := _login(user, f"/projects/{code}/edit")) is not None:
        return r
    p = plans.project(session, code)
    zone = _editable_zone(session, user, p.zone_code)
    return _page(request, user, zone, values_of(p), {}, new=False)


@router.post("/projects/{code}/edit", response_class=HTMLResponse)
async def project_update(code: str, request: Request, session: DB, user: CurrentUser):
    if (r := _login(user, f"/projects/{code}/edit")) is not None:
        return r
    v = await read_form(request)
    check_csrf(request, v["csrf_token"])
    p = plans.project(session, code)
    zone = _editable_zone(session, user, p.zone_code)
    v["code"] = code  # the code is the key: not changed by the form
    return _save(request, session, user, zone, v, new=False)


@router.post("/projects/{code}/delete")
def project_delete(code: str, request: Request, session: DB, user: CurrentUser,
                   csrf_token: Annotated[str, Form()] = ""):  # fmt: skip
    if (r := _login(user, f"/projects/{code}/edit")) is not None:
        return r
    check_csrf(request, csrf_token)
    p = plans.project(session, code)
    zone = _editable_zone(session, user, p.zone_code)
    plans.delete_project(session, code, actor=auth.actor(user), record=recorder(session, user, request))
    return RedirectResponse(f"/zones/{zone.code}/plans?deleted={code}#projects", status_code=303)
