"""Compute a zone's indicators from the web (issue 14 item 1): a button on the zone page and after a confirmed
upload starts a job (:mod:`pioneer.web.jobs`); ``/jobs/{id}`` shows its progress (refreshed by ``<meta
http-equiv=refresh>``, no script) and, when done, what changed: indicator, division, year, old → new value, value
ids and the lake imports of the new value's lineage."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from pioneer.errors import PioneerError
from pioneer.web import assess, auth, jobs, services
from pioneer.web.deps import DB, CurrentUser, check_csrf, request_id
from pioneer.web.forms import refused

router = APIRouter(include_in_schema=False)


@router.post("/zones/{code}/compute")
def compute_start(code: str, request: Request, session: DB, user: CurrentUser,
                  year_from: Annotated[str, Form(max_length=8)] = "", year_to: Annotated[str, Form(max_length=8)] = "",
                  back: Annotated[str, Form(max_length=200)] = "", csrf_token: Annotated[str, Form()] = ""):  # fmt: skip
    if user is None:
        return RedirectResponse(f"/login?next=/zones/{code}", status_code=303)
    check_csrf(request, csrf_token)
    where = back if back in (f"/zones/{code}", "/compute") else f"/zones/{code}"
    try:
        years = jobs.years_of(year_from, year_to or year_from)
        job = jobs.start_compute(session, request.app.state.session_factory, user, code, years,
                                 request_id=request_id(request))  # fmt: skip
    except PioneerError as exc:
        session.rollback()
        return refused(request, where, exc)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(job_id: int, request: Request, session: DB, user: CurrentUser):
    from pioneer.web.render import render

    if user is None:
        return RedirectResponse(f"/login?next=/jobs/{job_id}", status_code=303)
    job = jobs.job_for(session, user, job_id)
    cat = assess.catalogue()
    names = {}
    for c in {r["indicator"] for r in (job.result or {}).get("changes", [])}:
        ind = cat.get(c) if hasattr(cat, "get") else None
        names[c] = assess.indicator_public(ind) if ind is not None else {"code": c}
    return render(request, "job.html", user, job=job, running=job.state in (jobs.QUEUED, jobs.RUNNING),
                  indicators=names, divisions=assess.division_names(session))  # fmt: skip


@router.get("/compute", response_class=HTMLResponse)
def compute_page(request: Request, session: DB, user: CurrentUser):
    """The zones the user may compute (their editing scope), each with the computation form — the step after a
    confirmed upload; recent jobs of those zones."""
    import datetime as dt

    from sqlalchemy import select

    from pioneer.web.render import render

    if user is None:
        return RedirectResponse("/login?next=/compute", status_code=303)
    auth.restrict(user, auth.Action.VIEW)
    mine = [
        z
        for z in services.visible_zones(session, user)
        if auth.allowed(user, auth.Action.EDIT, z.division_codes)
    ]
    recent = session.scalars(select(jobs.Job).where(jobs.Job.zone_code.in_([z.code for z in mine]))
                             .order_by(jobs.Job.id.desc()).limit(20)).all()  # fmt: skip
    return render(request, "compute.html", user, zones=mine, recent=recent, compute_year=dt.date.today().year - 1,
                  refusal=request.query_params.get("refused", ""))  # fmt: skip
