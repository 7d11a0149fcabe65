"""申报：a city or county bureau (or a province) files a pioneer-zone application from the web — the zone is
created in the state 申报 through :func:`pioneer.web.services.create_zone` (scope check, registry rules, audit),
and appears in the province's 待办 queue (``/todo``) for recommendation.

Bad input changes nothing and comes back on the same form, in the reader's language: a field's shape error next
to that field (the schema :class:`~pioneer.registry.zones.schemas.ZoneCreate` decides), a rule of the registry
(unknown division, tier that does not fit the division, code in use, outside the user's area) above the form.
Attachments with document numbers are not part of this form yet (see docs/web.md).
"""

from __future__ import annotations

from typing import Annotated

import pydantic
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from pioneer.errors import PioneerError
from pioneer.registry.zones.choices import Tier
from pioneer.registry.zones.schemas import ZoneCreate
from pioneer.web import services
from pioneer.web.deps import DB, CurrentUser, check_csrf, lang_of, request_id, status_of
from pioneer.web.i18n import pick, translate

router = APIRouter(include_in_schema=False)
FIELDS = ("code", "name_zh", "name_en", "tier", "division_code", "theme")


def _form(request: Request, user, *, values: dict[str, str], errors: dict[str, str] | None = None,
          message: str = "", status: int = 200) -> HTMLResponse:  # fmt: skip
    from pioneer.web.render import render

    return render(request, "application.html", user, status=status, values=values, errors=errors or {},
                  message=message, tiers=[t.value for t in Tier])  # fmt: skip


@router.get("/applications/new", response_class=HTMLResponse)
def application_form(request: Request, user: CurrentUser):
    if user is None:
        return RedirectResponse("/login?next=/applications/new", status_code=303)
    return _form(request, user, values={"division_code": user.division_code or "", "tier": "city"})


@router.post("/applications/new", response_class=HTMLResponse)
def application_submit(request: Request, session: DB, user: CurrentUser,
                       code: Annotated[str, Form(max_length=64)] = "",
                       name_zh: Annotated[str, Form(max_length=256)] = "",
                       name_en: Annotated[str, Form(max_length=256)] = "",
                       tier: Annotated[str, Form(max_length=16)] = "",
                       division_code: Annotated[str, Form(max_length=16)] = "",
                       theme: Annotated[str, Form(max_length=4000)] = "",
                       csrf_token: Annotated[str, Form()] = ""):  # fmt: skip
    if user is None:
        return RedirectResponse("/login?next=/applications/new", status_code=303)
    check_csrf(request, csrf_token)
    lang = lang_of(request)
    values = {"code": code.strip(), "name_zh": name_zh.strip(), "name_en": name_en.strip(), "tier": tier,
              "division_code": division_code.strip(), "theme": theme.strip()}  # fmt: skip
    try:
        data = ZoneCreate(code=values["code"], name_zh=values["name_zh"], name_en=values["name_en"],
                          tier=values["tier"], division_codes=[values["division_code"]], theme=values["theme"])  # fmt: skip
    except pydantic.ValidationError as exc:
        errors = {}
        for err in exc.errors():
            field = "division_code" if err["loc"][0] == "division_codes" else str(err["loc"][0])
            errors[field] = translate(lang, f"apply.err.{field}")
        return _form(request, user, values=values, errors=errors, status=422)
    try:
        services.create_zone(session, user, data, request_id=request_id(request))
    except PioneerError as exc:
        session.rollback()  # nothing of a refused application stays
        return _form(
            request,
            user,
            values=values,
            message=pick(lang, exc.message_zh, exc.message_en),
            status=status_of(exc),
        )
    return RedirectResponse(f"/zones/{data.code}?msg=filed", status_code=303)
