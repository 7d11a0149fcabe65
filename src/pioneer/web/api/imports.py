"""Imports: upload a file → validation report row by row → confirm; the import history with provenance."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, File, Request, UploadFile

from pioneer.web import services
from pioneer.web.api.common import ErrorBody, Limit, Page, paged
from pioneer.web.auth import Action, restrict
from pioneer.web.deps import DB, CurrentUser, check_csrf, request_id
from pioneer.web.security import upload_cap

router = APIRouter(tags=["imports"])
ERRORS = {401: {"model": ErrorBody}, 403: {"model": ErrorBody}, 422: {"model": ErrorBody}}


@router.post("/imports", responses=ERRORS)
def upload(request: Request, session: DB, user: CurrentUser, file: UploadFile = File(...)) -> dict[str, Any]:
    """Validate a file without writing; answers the located errors, or an ``upload_id`` to confirm. A
    measurement file goes to the lake; a filled reporting template (``GET /indicators/template``, sheet 填报)
    becomes reported indicator values (``kind: indicators``). Runs in a worker thread (a plain ``def``): the
    validation never blocks the event loop."""
    check_csrf(request, None)
    data = file.file.read(upload_cap() + 1)
    return services.validate_upload(session, user, file.filename or "upload", data)


@router.post("/imports/{upload_id}/confirm", responses=ERRORS)
def confirm(upload_id: str, request: Request, session: DB, user: CurrentUser) -> dict[str, Any]:
    check_csrf(request, None)
    return services.confirm_upload(session, user, upload_id, request_id=request_id(request))


@router.get("/imports", responses=ERRORS)
def history(session: DB, user: CurrentUser, page: Page = 1, limit: Limit = 100) -> dict[str, Any]:
    """Lake imports and reported-statistics imports, newest first."""
    restrict(user, Action.VIEW)
    return paged(services.import_history(session), page, limit)
