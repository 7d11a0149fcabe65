"""审核 queue: what awaits the signed-in province or programme office — applications (zones) to recommend, take
under review, approve with the document number of the reply (批复文号) or return with a reason, and
implementation plans to forward (province) or approve/return (programme office). Only the steps the user may
take are offered (zones: :func:`pioneer.web.services.allowed_targets`; plans:
:func:`pioneer.plans.documents.permitted_steps` and the scope); a refused step comes back to the queue with the
message, still signed in.

The zones' lifecycle history has one text per step (its reason): an approval's document number is required and
checked by the registry's service (:func:`pioneer.registry.zones.service.transition`, by the one rule
:func:`pioneer.standards.documents.document_number`) and written at the head of that text (``批复文号：…；…``),
so the API and the command line approve by the same rule. A refused step comes back with its error next to the
field it names (``?field=…&form=…``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from pioneer.errors import InputError, PioneerError
from pioneer.plans import documents as docs
from pioneer.plans.models import Plan
from pioneer.web import assess, auth, services
from pioneer.web.deps import DB, CurrentUser, check_csrf, request_id
from pioneer.web.forms import refusal_at, refused
from pioneer.web.pages.plan_edit import step_action

router = APIRouter(include_in_schema=False)


def plan_queue(session, user) -> list[tuple[Plan, object, str, list[str]]]:
    """Plans of the zones ``user`` can see with a review step ``user`` may take now (draft plans and returned
    ones, the zone's own business, stay on the plan page)."""
    from sqlalchemy import select

    if user is None:
        return []
    zones = {z.code: z for z in services.visible_zones(session, user)}
    states = docs.review_states(session)
    out = []
    who = auth.actor(user)
    for p in session.scalars(select(Plan).where(Plan.zone_code.in_(list(zones))).order_by(Plan.id)):
        state = states.get(p.id, docs.DRAFT)
        if state not in (docs.SUBMITTED, docs.FORWARDED):
            continue
        z = zones[p.zone_code]
        if not auth.allowed(user, step_action(session, p.id), z.division_codes):
            continue
        steps = docs.permitted_steps(session, p.id, z.tier, who)
        if steps:
            out.append((p, z, state, steps))
    return out


def case_queue(session, user) -> list[tuple[object, object, list[str]]]:
    """Typical cases of the zones ``user`` can see awaiting ``user``'s decision — a province recommends or
    returns a submitted case, the programme office approves or returns a recommended one and publishes an
    approved one: ``(case, zone, steps)`` (:func:`pioneer.web.services.case_todo`)."""
    return services.case_todo(session, user)


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request, session: DB, user: CurrentUser):
    from pioneer.web.render import render

    if user is None:
        return RedirectResponse("/login?next=/review", status_code=303)
    auth.restrict(user, auth.Action.VIEW)
    refusal, refused_form, refused_field = refusal_at(request)
    items = services.todo(session, user)
    counts = {z.code: len(docs.documents(session, "zone", z.code)) for z, _ in items}
    return render(request, "review.html", user, items=items, plans=plan_queue(session, user), counts=counts,
                  cases=case_queue(session, user),
                  names=assess.division_names(session), message=request.query_params.get("msg", ""),
                  refusal=refusal, refused_form=refused_form, refused_field=refused_field)  # fmt: skip


@router.post("/review/zones/{code}")
def review_zone(code: str, request: Request, session: DB, user: CurrentUser,
                to_state: Annotated[str, Form(max_length=24)] = "", reason: Annotated[str, Form(max_length=1800)] = "",
                document_number: Annotated[str, Form(max_length=64)] = "", back: Annotated[str, Form(max_length=8)] = "",
                csrf_token: Annotated[str, Form()] = ""):  # fmt: skip
    """A lifecycle step from the queue or the zone page (``back=zone``): an approval needs the reply's 文号."""
    if user is None:
        return RedirectResponse("/login?next=/review", status_code=303)
    check_csrf(request, csrf_token)
    where = f"/zones/{code}" if back == "zone" else "/review"
    try:
        services.transition_zone(session, user, code, to_state, reason, document_number=document_number,
                                 request_id=request_id(request))  # fmt: skip
    except PioneerError as exc:
        session.rollback()
        return refused(request, where, exc, form=f"{code}:{to_state}")
    return RedirectResponse(where if back == "zone" else f"/review?msg={code}", status_code=303)


# where a case's form returns (fixed targets: no open redirect)
CASE_BACK = {"todo": "/todo", "cases": "/cases"}


@router.post("/review/cases/{case_id}")
def review_case(case_id: int, request: Request, session: DB, user: CurrentUser,
                to_status: Annotated[str, Form(max_length=24)] = "", note: Annotated[str, Form(max_length=2000)] = "",
                back: Annotated[str, Form(max_length=8)] = "", csrf_token: Annotated[str, Form()] = ""):  # fmt: skip
    """A step of a typical case from the queues (``/review``, the province's ``/todo``) or the cases page
    (``back=cases``): the province recommends (省级推荐) or returns, the programme office approves (审核通过),
    returns or publishes, the zone submits; a return needs a reason. The user's action on the zone's divisions
    is checked here (:func:`pioneer.web.services.case_action`), the step, the office and the scope by the plans
    service (:func:`pioneer.plans.service.step_case`); a refusal comes back to the page it came from, the
    reason's error next to its field."""
    from pioneer.plans import service as plans
    from pioneer.plans.choices import CaseStatus
    from pioneer.web.pages.plan_edit import recorder

    where = CASE_BACK.get(back, "/review")
    if user is None:
        return RedirectResponse(f"/login?next={where}", status_code=303)
    check_csrf(request, csrf_token)
    try:
        if to_status not in set(CaseStatus) - {CaseStatus.DRAFT}:
            raise InputError("未知的审核结果", "unknown decision", column="to_status", value=to_status)
        c = plans.case(session, case_id)
        zone = services.visible_zone(session, user, c.zone_code)
        auth.restrict(user, services.case_action(session, c, to_status, zone), zone.division_codes)
        if to_status == CaseStatus.RETURNED and not note.strip():
            raise InputError("退回须说明理由", "a return needs a reason", column="note")
        plans.step_case(session, case_id, to_status, actor=auth.actor(user, request_id=request_id(request)),
                        note=note, record=recorder(session, user, request))  # fmt: skip
    except PioneerError as exc:
        session.rollback()
        return refused(request, where, exc, form=f"case-{case_id}:{to_status}")
    return RedirectResponse(f"{where}?msg=case-{case_id}", status_code=303)
