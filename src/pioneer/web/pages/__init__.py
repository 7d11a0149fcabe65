"""HTML pages (Jinja2 + HTMX), zh-CN by default with an English switch. Pages call the same services and
``auth.restrict`` as the API; forms carry the session's CSRF token."""

from __future__ import annotations

import json
import re
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi import Path as FastPath
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from pioneer.assessment.standing import hide_ranks_default
from pioneer.errors import PioneerError
from pioneer.guard.codes import DIVISION_CODE_PATTERN
from pioneer.registry.zones import service as zones
from pioneer.registry.zones.choices import State
from pioneer.web import assess, auth, national, services
from pioneer.web.api import indicators as api_indicators
from pioneer.web.carbon import zone_dual_control
from pioneer.web.deps import (
    DB,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    CsrfError,
    CurrentUser,
    check_csrf,
    client_of,
    lang_of,
    request_id,
)
from pioneer.web.i18n import pick
from pioneer.web.models import AuditEntry, User
from pioneer.web.render import error_page, render, secure_cookies, templates  # noqa: F401  (re-exported)
from pioneer.web.security import upload_cap

router = APIRouter(include_in_schema=False)


def _indicator_choices(session) -> tuple[list[dict[str, Any]], list[str]]:
    """Catalogue indicators with stored values (the selectable ones) and their codes."""
    have = assess.indicators_with_data(session)
    cat = assess.catalogue()
    return [assess.indicator_public(cat.indicator(c)) for c in have], have


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, session: DB, user: CurrentUser, indicator: str = assess.DEFAULT_INDICATOR,
             year: int | None = None, level: str = "province", focus: str = "", period: str | None = None,
             when: str = ""):  # fmt: skip
    """全国概览. ``when``: the one period control of the page — a year (``2015``, the annual view) or a month
    (``2025-01``); ``year=`` and ``period=`` still work."""
    if re.fullmatch(r"\d{4}", when):
        year, period = int(when), ""
    elif re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", when):
        period = when
    choices, codes = _indicator_choices(session)
    if indicator not in codes:
        indicator = codes[0] if codes else assess.DEFAULT_INDICATOR
    years = assess.years(session, indicator=indicator)
    year = year if year in years else (years[-1] if years else None)
    explicit = request.query_params.get("year") or (when if re.fullmatch(r"\d{4}", when) else None)
    period = national_period(period, explicit_year=explicit, latest_year=year)
    visible = services.visible_zones(session, user)
    return render(request, "overview.html", user, indicators=choices, indicator=indicator,
                  years=years, year=year, zones=visible, level="city" if period else (level if level == "city" else
                  "province"), focus=focus if focus.isdigit() and len(focus) == 6 else "", period=period,
                  months=national.months(), national_source=pick(lang_of(request), national.SOURCE_ZH,
                                                                 national.SOURCE_EN))  # fmt: skip


def national_cities(codes: list[str]) -> tuple[str | None, dict[str, str]]:
    """The latest month with station-day values and, for each of ``codes`` below province level, its city
    (GB/T 2260 rollup) when that city has a row in the month — for links to the city's month page."""
    from pioneer.standards.divisions import MUNICIPALITIES, rollup

    month = national_period(None, explicit_year=None, latest_year=None)
    if month is None:
        return None, {}
    table = national.month_table(month)
    have = set(table.loc[table["level"] == "city", "id"])
    cities = {c: str(rollup(c, "city")) for c in codes if not c.endswith("0000") or c in MUNICIPALITIES}
    return month, {c: city for c, city in cities.items() if city in have}


def national_period(period: str | None, *, explicit_year: str | None, latest_year: int | None) -> str | None:
    """The month a national page shows: the one asked for if the lake has it; with no choice, the latest month
    with station-day values when it is newer than the latest year of stored indicators (pages open on the latest
    period with data); ``""`` asks for the annual view."""
    have = national.months()
    if period is not None:
        return period if period in have else None
    if explicit_year or not have:
        return None
    return have[-1] if latest_year is None or int(have[-1][:4]) > latest_year else None


@router.get("/zones/{code}", response_class=HTMLResponse)
def zone_page(code: str, request: Request, session: DB, user: CurrentUser,
              year: Annotated[int | None, Query(ge=1980, le=2100)] = None):  # fmt: skip
    zone = services.visible_zone(session, user, code)
    data = api_indicators.zone_scorecards(session, zone, year)
    air_month, air_cities = national_cities(zone.division_codes)
    return render(request, "zone.html", user, zone=zone, data=data, history=zones.history(session, code),
                  targets=services.allowed_targets(user, zone), can_edit=auth.allowed(user, auth.Action.EDIT,
                  zone.division_codes), names=assess.division_names(session),
                  dual_control=zone_dual_control(session, zone.division_codes),
                  air_month=air_month, air_cities=air_cities,
                  message=request.query_params.get("msg"))  # fmt: skip


@router.get("/zones/{code}/explain", response_class=HTMLResponse)
def zone_explain(code: str, request: Request, session: DB, user: CurrentUser,
                 division: Annotated[str, Query(pattern=DIVISION_CODE_PATTERN)],
                 indicator: Annotated[str, Query(max_length=64)],
                 year: Annotated[int, Query(ge=1980, le=2100)]):  # fmt: skip
    """ "Explain this number" (HTMX fragment, or a page without HTMX)."""
    zone = services.visible_zone(session, user, code)
    if division not in zone.division_codes:
        raise PioneerError("该区划不属于此先行区", "the division is not part of this zone")
    try:
        chain = assess.explain(session, division, indicator, year)
    except KeyError:
        raise PioneerError("暂无该数值", "no such value") from None
    name = "explain.html" if request.headers.get("hx-request") else "explain_page.html"
    return render(request, name, user, zone=zone, chain=chain,
                  dumps=lambda v: json.dumps(v, ensure_ascii=False, indent=1, default=str))  # fmt: skip


@router.post("/zones/{code}/transition")
def zone_transition(code: str, request: Request, session: DB, user: CurrentUser,
                    to_state: Annotated[str, Form(max_length=24)], csrf_token: Annotated[str, Form()] = "",
                    reason: Annotated[str, Form(max_length=2000)] = "",
                    back: Annotated[str, Form(max_length=16)] = ""):  # fmt: skip
    _require_login(user)
    check_csrf(request, csrf_token)
    services.transition_zone(session, user, code, to_state, reason, request_id=request_id(request))
    if back == "todo":  # the to-do queue's forms return to the queue (a fixed target: no open redirect)
        return RedirectResponse(f"/todo?done={code}", status_code=303)
    return RedirectResponse(f"/zones/{code}", status_code=303)


@router.get("/todo", response_class=HTMLResponse)
def todo_page(request: Request, session: DB, user: CurrentUser):
    """待办：what awaits a step by the signed-in user — zones (a province: applications to recommend, zones to
    start; the programme office: applications to review and approve or return) and typical cases (a province:
    cases to recommend or return; the programme office: cases to approve, return or publish)."""
    if user is None:
        return RedirectResponse("/login?next=/todo", status_code=303)
    from pioneer.web.forms import refusal_at

    done = request.query_params.get("done", "")
    cases = services.case_todo(session, user)
    msg = request.query_params.get("msg", "")
    refusal, refused_form, refused_field = refusal_at(request)
    return render(request, "todo.html", user, items=services.todo(session, user), names=assess.division_names(session),
                  done=done if done and services.sees_zone(session, user, done) else "",
                  cases=cases, case_done=msg if re.fullmatch(r"case-\d+", msg) else "", refusal=refusal,
                  refused_form=refused_form, refused_field=refused_field)  # fmt: skip


@router.post("/zones/{code}/edit")
def zone_edit(code: str, request: Request, session: DB, user: CurrentUser,
              theme: Annotated[str, Form(max_length=2000)], csrf_token: Annotated[str, Form()] = ""):  # fmt: skip
    _require_login(user)
    check_csrf(request, csrf_token)
    services.update_zone(session, user, code, theme=theme, request_id=request_id(request))
    return RedirectResponse(f"/zones/{code}?msg=saved", status_code=303)


@router.get("/rankings", response_class=HTMLResponse)
def rankings_page(request: Request, session: DB, user: CurrentUser, indicator: str = assess.DEFAULT_INDICATOR,
                  level: str = "city", year: int | None = None):  # fmt: skip
    choices, codes = _indicator_choices(session)
    if indicator not in codes:
        indicator = codes[0] if codes else assess.DEFAULT_INDICATOR
    if level not in assess.LEVELS:
        level = "city"
    years = assess.years(session, indicator=indicator)
    year = year if year in years else (years[-1] if years else None)
    hide = hide_ranks_default()
    rows = (
        assess.ranking(session, indicator, level, year, hide_ranks=hide, names=assess.division_names(session))
        if year is not None else []
    )  # fmt: skip
    month = national_period(request.query_params.get("month"), explicit_year=None, latest_year=None)
    release = national.release_public(month) if month else None
    return render(request, "rankings.html", user, rows=rows, indicators=choices, indicator=indicator,
                  current=assess.indicator_public(assess.catalogue().indicator(indicator)), levels=assess.LEVELS,
                  level=level, years=years, year=year, show_ranks=not hide, note=assess.RANKS_NOTE,
                  release=release, month=month, months=national.months())  # fmt: skip


@router.get("/air/cities/{code}", response_class=HTMLResponse)
def city_air_page(code: Annotated[str, FastPath(pattern=DIVISION_CODE_PATTERN)], request: Request, user: CurrentUser,
                  month: Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] = None):  # fmt: skip
    """A city's month from the lake's station-day values: the city's statistics and its stations'."""
    month = national_period(month, explicit_year=None, latest_year=None)
    table = national.month_table(month) if month else None
    city = table[(table["level"] == "city") & (table["id"] == code)] if table is not None else None
    if city is None or city.empty:
        raise PioneerError("该城市该月没有站点日数据", "no station-day values of the city that month")
    stations = table[(table["level"] == "station") & (table["city"] == code)]
    return render(request, "city_air.html", user, code=code, month=month, months=national.months(),
                  city=national.records(city)[0], stations=national.records(stations),
                  source=pick(lang_of(request), national.SOURCE_ZH, national.SOURCE_EN))  # fmt: skip


def _last_year() -> int:
    import datetime as dt

    return dt.date.today().year - 1


def _require_login(user: User | None) -> None:
    if user is None:
        raise auth.AuthError("请先登录", "please log in first")


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, session: DB, user: CurrentUser):
    if user is None:
        return RedirectResponse("/login?next=/upload", status_code=303)
    auth.restrict(user, auth.Action.VIEW)
    return _upload_page(request, session, user, report=None)


@router.post("/upload", response_class=HTMLResponse)
def upload_check(request: Request, session: DB, user: CurrentUser, file: UploadFile = File(...),
                 csrf_token: Annotated[str, Form()] = ""):  # fmt: skip
    """A plain ``def``: FastAPI runs it in a worker thread, so validating a large file never blocks the event
    loop (other requests keep being answered)."""
    _require_login(user)
    check_csrf(request, csrf_token)
    data = file.file.read(upload_cap() + 1)
    report = services.validate_upload(session, user, file.filename or "upload", data)
    return _upload_page(request, session, user, report=report)


def _upload_page(request: Request, session, user, *, report: dict | None, done: dict | None = None):
    """The upload page: the reporting template's year, a validation report or a confirmed import (if any) and
    the import history."""
    extra = {} if done is None else {"done": done}
    return render(request, "upload.html", user, template_year=_last_year(), report=report,
                  history=services.import_history(session)[:50], **extra)  # fmt: skip


@router.post("/upload/{upload_id}/confirm", response_class=HTMLResponse)
def upload_confirm(upload_id: str, request: Request, session: DB, user: CurrentUser,
                   csrf_token: Annotated[str, Form()] = ""):  # fmt: skip
    _require_login(user)
    check_csrf(request, csrf_token)
    done = services.confirm_upload(session, user, upload_id, request_id=request_id(request))
    return _upload_page(request, session, user, report=None, done=done)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, user: CurrentUser, next: str = "/"):
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", user, login_csrf=token, next=_safe_next(next), error=None)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax", secure=secure_cookies())
    return response


def _safe_next(value: str) -> str:
    return value if value.startswith("/") and not value.startswith("//") else "/"


@router.post("/login")
def login_submit(request: Request, session: DB, username: Annotated[str, Form(max_length=64)],
                 password: Annotated[str, Form(max_length=256)], csrf_token: Annotated[str, Form()] = "",
                 next: Annotated[str, Form()] = "/"):  # fmt: skip
    cookie_token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie_token or not secrets.compare_digest(cookie_token, csrf_token):
        raise CsrfError()
    try:
        _, cookie = auth.login(session, username, password, client=client_of(request))
    except (auth.AuthError, auth.RateLimitedError) as exc:
        session.commit()  # keep the failed attempt for rate limiting
        lang = lang_of(request)
        status = 429 if isinstance(exc, auth.RateLimitedError) else 401
        return render(request, "login.html", None, status=status, login_csrf=cookie_token, next=_safe_next(next),
                      error=pick(lang, exc.message_zh, exc.message_en))  # fmt: skip
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, cookie, httponly=True, samesite="lax", secure=secure_cookies(),
                        max_age=auth.SESSION_DAYS * 86400)  # fmt: skip
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, session: DB, user: CurrentUser, csrf_token: Annotated[str, Form()] = ""):
    check_csrf(request, csrf_token)
    auth.logout(session, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, user: CurrentUser, changed: str = ""):
    """The signed-in user's account: change one's own password (policy: ``auth.check_password``)."""
    if user is None:
        return RedirectResponse("/login?next=/account", status_code=303)
    return render(request, "account.html", user, error=None, changed=changed == "1")


@router.post("/account/password")
def account_password(request: Request, session: DB, user: CurrentUser,
                     current_password: Annotated[str, Form(max_length=256)],
                     new_password: Annotated[str, Form(max_length=256)], csrf_token: Annotated[str, Form()] = ""):  # fmt: skip
    """Change one's own password (current password required; other sessions closed; audited). A refusal shows
    the bilingual reason above the form, nothing changed."""
    _require_login(user)
    check_csrf(request, csrf_token)
    assert user is not None
    try:
        auth.change_password(session, user, new_password, current_password=current_password, by=user,
                             keep_session=request.cookies.get(SESSION_COOKIE), request_id=request_id(request))  # fmt: skip
    except auth.InputErrorLike as exc:
        return render(request, "account.html", user, status=422, changed=False,
                      error=pick(lang_of(request), exc.message_zh, exc.message_en))  # fmt: skip
    return RedirectResponse("/account?changed=1", status_code=303)


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request, session: DB, user: CurrentUser):
    if user is None:
        return RedirectResponse("/login?next=/admin", status_code=303)
    auth.restrict(user, auth.Action.ADMIN)
    users = session.scalars(select(User).order_by(User.username)).all()
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(200)).all()
    return render(request, "admin.html", user, users=users, entries=entries, roles=list(auth.Role),
                  dumps=lambda v: json.dumps(v, ensure_ascii=False) if v is not None else "")  # fmt: skip


@router.post("/admin/users")
def admin_create_user(request: Request, session: DB, user: CurrentUser,
                      username: Annotated[str, Form(max_length=64)], password: Annotated[str, Form(max_length=256)],
                      role: Annotated[str, Form(max_length=32)], division_code: Annotated[str, Form(max_length=6)] = "",
                      csrf_token: Annotated[str, Form()] = ""):  # fmt: skip
    _require_login(user)
    check_csrf(request, csrf_token)
    auth.restrict(user, auth.Action.ADMIN)
    auth.create_user(session, username, password, role=role, division_code=division_code or None, by=user)
    return RedirectResponse("/admin", status_code=303)


@router.post("/admin/users/{username}")
def admin_update_user(username: str, request: Request, session: DB, user: CurrentUser,
                      role: Annotated[str, Form(max_length=32)], division_code: Annotated[str, Form(max_length=6)] = "",
                      active: Annotated[str, Form(max_length=1)] = "", csrf_token: Annotated[str, Form()] = ""):  # fmt: skip
    """Change an account's role, scope and active flag (admin; same checks and audit as the API)."""
    _require_login(user)
    check_csrf(request, csrf_token)
    auth.restrict(user, auth.Action.ADMIN)
    target = session.scalar(select(User).where(User.username == username))
    if target is None:
        raise PioneerError(f"未知用户 “{username}”", f"unknown user '{username}'")
    auth.update_user(session, target, role=role, division_code=division_code, active=active == "1", by=user,
                     request_id=request_id(request))  # fmt: skip
    return RedirectResponse("/admin", status_code=303)


@router.get("/healthz")
async def healthz() -> Response:  # no work, no thread hop
    return Response("ok", media_type="text/plain")


@router.get("/readyz")
def readyz(request: Request) -> Response:
    """Readiness (a load balancer's or an orchestrator's probe): ``200 ready`` once the pages' memo is warm for
    the current data (``web.warm.MemoWarmer``) or warming is off, ``503 warming`` meanwhile. The server answers
    every request either way; a warming server answers first views more slowly."""
    warmer = getattr(request.app.state, "memo_warmer", None)
    ready = warmer is None or warmer.ready()
    return Response(
        "ready" if ready else "warming", status_code=200 if ready else 503, media_type="text/plain"
    )


from pioneer.web.pages import (  # noqa: E402  (public list pages, open data)
    applications,
    open_data,
    public,
)

router.include_router(applications.router)
router.include_router(public.router)
router.include_router(open_data.router)

__all__ = ["State", "error_page", "router"]
