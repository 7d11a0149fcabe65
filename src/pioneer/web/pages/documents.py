"""Attachments with document numbers on a zone's application (申报材料): list, upload, download, remove. Plans'
attachments are posted from the plan page (:mod:`pioneer.web.pages.plan_edit`) into the same store and table
(:mod:`pioneer.plans.documents`). Listed and downloaded by signed-in users who may see the zone; uploaded and
removed by its editors, its province and the programme office; every change audited."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pioneer.errors import InputError, PioneerError
from pioneer.plans import documents as docs
from pioneer.plans import service as plans
from pioneer.plans.errors import ValidationErrors
from pioneer.web import auth, services
from pioneer.web.deps import DB, CurrentUser, check_csrf
from pioneer.web.forms import field_errors, refused
from pioneer.web.pages.plan_edit import recorder, upload_file_name
from pioneer.web.security import upload_cap

router = APIRouter(include_in_schema=False)


def _page(
    request: Request, session, user, zone, *, values=None, errors=None, status: int = 200
) -> HTMLResponse:
    from pioneer.web.render import render

    return render(request, "documents.html", user, status=status, zone=zone,
                  documents=docs.documents(session, "zone", zone.code), doc_values=values or {},
                  doc_errors=errors or {}, can_edit=auth.allowed(user, auth.Action.EDIT, zone.division_codes),
                  message=request.query_params.get("msg", ""), refusal=request.query_params.get("refused", ""))  # fmt: skip


@router.get("/zones/{code}/documents", response_class=HTMLResponse)
def zone_documents(code: str, request: Request, session: DB, user: CurrentUser):
    if user is None:
        return RedirectResponse(f"/login?next=/zones/{code}/documents", status_code=303)
    auth.restrict(user, auth.Action.VIEW)
    return _page(request, session, user, services.visible_zone(session, user, code))


@router.post("/zones/{code}/documents", response_class=HTMLResponse)
def zone_attach(code: str, request: Request, session: DB, user: CurrentUser, file: UploadFile = File(None),
                document_number: Annotated[str, Form(max_length=64)] = "", title: Annotated[str, Form(max_length=300)] = "",
                issued_on: Annotated[str, Form(max_length=16)] = "", csrf_token: Annotated[str, Form()] = ""):  # fmt: skip
    if user is None:
        return RedirectResponse(f"/login?next=/zones/{code}/documents", status_code=303)
    check_csrf(request, csrf_token)
    zone = services.visible_zone(session, user, code)
    auth.restrict(user, auth.Action.EDIT, zone.division_codes)
    cap = upload_cap()
    data = file.file.read(cap + 1) if file is not None else b""
    values = {"document_number": document_number, "title": title, "issued_on": issued_on}
    try:
        docs.add_document(session, owner_kind="zone", owner_key=code, zone_code=code, number=document_number,
                          title=title, issued_on=issued_on, file_name=upload_file_name(file), data=data, cap=cap,
                          actor=auth.actor(user), record=recorder(session, user, request))  # fmt: skip
    except (ValidationErrors, InputError) as exc:
        session.rollback()
        errs = getattr(exc, "errors", None) or [exc]
        return _page(
            request, session, user, zone, values=values, errors=field_errors(request, errs), status=422
        )
    return RedirectResponse(f"/zones/{code}/documents?msg=attached", status_code=303)


def _owner_zone(session, user, doc):
    zone = services.visible_zone(session, user, doc.zone_code)
    if doc.owner_kind == "plan":
        plans.plan(session, int(doc.owner_key))
    return zone


@router.get("/documents/{doc_id}")
def document_download(doc_id: int, session: DB, user: CurrentUser):
    """The attachment's file (signed-in users who may see its zone), under its uploaded name."""
    auth.restrict(user, auth.Action.VIEW)
    doc = docs.document(session, doc_id)
    _owner_zone(session, user, doc)
    name = quote(doc.file_name)
    return Response(docs.read_file(doc.sha256), media_type=doc.media_type,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}",
                             "X-Content-SHA256": doc.sha256})  # fmt: skip


@router.post("/documents/{doc_id}/delete")
def document_delete(doc_id: int, request: Request, session: DB, user: CurrentUser,
                    csrf_token: Annotated[str, Form()] = ""):  # fmt: skip
    if user is None:
        return RedirectResponse("/login", status_code=303)
    check_csrf(request, csrf_token)
    doc = docs.document(session, doc_id)
    zone = _owner_zone(session, user, doc)
    back = f"/plans/{doc.owner_key}" if doc.owner_kind == "plan" else f"/zones/{zone.code}/documents"
    try:
        auth.restrict(user, auth.Action.EDIT, zone.division_codes)
        docs.delete_document(session, doc_id, actor=auth.actor(user), record=recorder(session, user, request))
    except PioneerError as exc:
        session.rollback()
        return refused(request, back, exc)
    return RedirectResponse(f"{back}?msg=removed", status_code=303)
