"""Scope matrix (issue 14 §2): every write operation of the app — API and pages, enumerated from the app's own
router — tried as the anonymous public, a viewer, a city editor of another city (huzhou, 330500) and the city
editor of the objects' city (beijing, 110000). A refused write answers 401/403/404 (or 422 before reaching
anything), or sends the page back to the login or with its refusal, and writes nothing (audit log and the work
tables unchanged); the in-scope editor is not refused. A write route missing from ``MATRIX`` fails the test, so a
new route comes with its scope row.

Kinds: ``zone`` (Beijing's objects: refused to anonymous, viewer and huzhou; allowed to beijing); ``office``
(the programme office's or a province's decision: refused to all four); ``admin`` (users: refused to all four);
``area`` (another area's writes, checked here for the anonymous and the viewer only — their division rules are
tested in their areas' tests); ``self`` (one's own session, password or tokens: not a division matter)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from pioneer.db.audit import AuditEntry
from pioneer.plans import documents as docs
from pioneer.plans import service as plans
from pioneer.plans.models import Plan, Project
from pioneer.plans.schemas import CaseCreate, PlanCreate, ProjectCreate
from pioneer.registry.permissions import Actor, Role
from pioneer.registry.zones import service as zones
from pioneer.registry.zones.models import Zone
from pioneer.registry.zones.schemas import ZoneCreate
from pioneer.web.jobs import Job

PDF = b"%PDF-1.4\n%%EOF\n"
CSV = b"station,city,time,so2,no2,co,o3,pm10,pm2_5\n1001A,110000,2016-02-01T01:00,5,20,0.5,30,50,40\n"
OFFICE = Actor("matrix", Role.ADMIN)
BEIJING = Actor("matrix-bj", Role.CITY_EDITOR, ("110000",))
_seq = itertools.count(1)


class Target:
    """The zone the builders aim at (``zone``), a county inside it (``county``: projects and new applications)
    and the zone's division (``scope``). Beijing's city zone unless the role × division matrix moves it."""

    zone, county, scope = "BJ-110000", "110105", "110000"

    @classmethod
    def at(cls, zone: str, county: str, scope: str) -> None:
        cls.zone, cls.county, cls.scope = zone, county, scope


T = Target


def walk(routes, prefix=""):
    """(method, path) of every route, through included routers (FastAPI keeps them unflattened)."""
    for r in routes:
        if hasattr(r, "original_router"):
            yield from walk(r.original_router.routes, prefix + (r.include_context.prefix or ""))
        elif hasattr(r, "routes") and not getattr(r, "methods", None) and not hasattr(r, "app"):
            yield from walk(r.routes, prefix)
        elif getattr(r, "methods", None):
            for m in r.methods:
                yield m, prefix + r.path


def write_routes(app) -> set[str]:
    return {f"{m} {p}" for m, p in walk(app.routes) if m not in ("GET", "HEAD")}


# --- objects of Beijing (BJ-110000) the writes aim at, made through the services as the programme office --------


def _plan(s) -> str:
    return str(plans.create_plan(s, PlanCreate(zone_code=T.zone, title=f"矩阵 {next(_seq)}", start_year=2025,
                                               end_year=2027), actor=OFFICE).id)  # fmt: skip


def _project(s) -> str:
    code = f"MX-{next(_seq)}"
    plans.create_project(s, ProjectCreate(**project_body(code)), actor=OFFICE)
    return code


def project_body(code: str) -> dict[str, Any]:
    return {"code": code, "zone_code": T.zone, "name": "矩阵项目", "category": "infrastructure",
            "division_code": T.county, "total_investment": 10, "funding": {"fiscal": 10},
            "start_date": "2025-01-01", "end_date": "2026-01-01"}  # fmt: skip


def _doc(s, kind: str = "zone") -> str:
    key = T.zone if kind == "zone" else _plan(s)
    d = docs.add_document(s, owner_kind=kind, owner_key=key, zone_code=T.zone, number="京环发〔2025〕1号",
                          title="矩阵", issued_on="2025-01-02", file_name="a.pdf", data=PDF, cap=10**6,
                          actor=OFFICE)  # fmt: skip
    return str(d.id)


DISTRICTS = {"api": "110101", "page": "110102", "review": "110106"}  # one draft zone per route


def _draft_zone(s, route: str) -> str:
    d = DISTRICTS[route]
    code = f"MX-{d}"
    if s.scalar(select(func.count()).select_from(Zone).where(Zone.code == code)) == 0:
        zone = ZoneCreate(code=code, name_zh=f"矩阵 {d}", tier="county", division_codes=[d])
        zones.create_zone(s, zone, actor=OFFICE)
    return code


def _case(s) -> str:
    own = Actor("matrix-z", Role.CITY_EDITOR, (T.scope,))  # the zone's own administration
    return str(plans.create_case(s, CaseCreate(zone_code=T.zone, title="矩阵案例"), actor=own).id)


def _submitted_case(s) -> str:
    own = Actor("matrix-z", Role.CITY_EDITOR, (T.scope,))
    c = plans.create_case(s, CaseCreate(zone_code=T.zone, title="矩阵案例"), actor=own)
    plans.step_case(s, c.id, "submitted", actor=own)
    return str(c.id)


def project_form(code: str = "") -> dict[str, Any]:
    b = project_body(code or f"MXP-{next(_seq)}")
    return {"code": b["code"], "name": b["name"], "category": b["category"], "division_code": b["division_code"],
            "total_investment": "10", "funding_fiscal": "10", "start_date": b["start_date"],
            "end_date": b["end_date"], "status": "planned"}  # fmt: skip


def doc_form() -> dict[str, Any]:
    return {"data": {"document_number": "京环发〔2025〕2号", "title": "矩阵", "issued_on": "2025-01-03"},
            "files": {"file": ("a.pdf", PDF, "application/pdf")}}  # fmt: skip


# route → (kind, builder(session) → (url, request kwargs)); ``api`` routes are called with tokens, pages with the
# session cookie and its CSRF token.
Builder = Callable[[Any], tuple[str, dict[str, Any]]]
MATRIX: dict[str, tuple[str, Builder]] = {
    # registry
    "POST /api/v1/zones": (
        "zone",
        lambda s: (
            "/api/v1/zones",
            {
                "json": {
                    "code": "MX-110114",
                    "name_zh": "矩阵昌平",
                    "tier": "county",
                    "division_codes": ["110114"],
                }
            },
        ),
    ),
    "PATCH /api/v1/zones/{code}": (
        "zone",
        lambda s: (f"/api/v1/zones/{T.zone}", {"json": {"theme": "矩阵"}}),
    ),
    "POST /api/v1/zones/{code}/transitions": (
        "zone",
        lambda s: (
            f"/api/v1/zones/{_draft_zone(s, 'api')}/transitions",
            {"json": {"to_state": "withdrawn", "reason": "矩阵"}},
        ),
    ),
    "POST /zones/{code}/transition": (
        "zone",
        lambda s: (
            f"/zones/{_draft_zone(s, 'page')}/transition",
            {"data": {"to_state": "withdrawn", "reason": "矩阵"}},
        ),
    ),
    "POST /zones/{code}/edit": ("zone", lambda s: (f"/zones/{T.zone}/edit", {"data": {"theme": "矩阵"}})),
    "POST /applications/new": (
        "zone",
        lambda s: (
            "/applications/new",
            {
                "data": {
                    "code": "MX-110115",
                    "name_zh": "矩阵大兴",
                    "tier": "county",
                    "division_code": "110115",
                }
            },
        ),
    ),
    "POST /review/cases/{case_id}": (
        "office",
        lambda s: (f"/review/cases/{_submitted_case(s)}", {"data": {"to_status": "approved"}}),
    ),
    "POST /review/zones/{code}": (
        "office",
        lambda s: (
            f"/review/zones/{_draft_zone(s, 'review')}",
            {"data": {"to_state": "recommended", "reason": "矩阵"}},
        ),
    ),
    # uploads: a Beijing station's row (another city's editor gets a located refusal and nothing kept)
    "POST /api/v1/imports": (
        "upload",
        lambda s: ("/api/v1/imports", {"files": {"file": ("m.csv", CSV, "text/csv")}}),
    ),
    "POST /upload": ("upload", lambda s: ("/upload", {"files": {"file": ("m.csv", CSV, "text/csv")}})),
    "POST /api/v1/imports/{upload_id}/confirm": (
        "confirm",
        lambda s: ("/api/v1/imports/0123456789abcdef/confirm", {}),
    ),
    "POST /upload/{upload_id}/confirm": ("confirm", lambda s: ("/upload/0123456789abcdef/confirm", {})),
    # plans, projects, cases (API)
    "POST /api/v1/plans": (
        "zone",
        lambda s: (
            "/api/v1/plans",
            {"json": {"zone_code": T.zone, "title": "矩阵", "start_year": 2025, "end_year": 2027}},
        ),
    ),
    "PATCH /api/v1/plans/{plan_id}": (
        "zone",
        lambda s: (f"/api/v1/plans/{_plan(s)}", {"json": {"title": "矩阵改"}}),
    ),
    "DELETE /api/v1/plans/{plan_id}": ("zone", lambda s: (f"/api/v1/plans/{_plan(s)}", {})),
    "POST /api/v1/projects": (
        "zone",
        lambda s: ("/api/v1/projects", {"json": project_body(f"MXA-{next(_seq)}")}),
    ),
    "PATCH /api/v1/projects/{code}": (
        "zone",
        lambda s: (f"/api/v1/projects/{_project(s)}", {"json": {"name": "改"}}),
    ),
    "DELETE /api/v1/projects/{code}": ("zone", lambda s: (f"/api/v1/projects/{_project(s)}", {})),
    "POST /api/v1/projects/import": (
        "area",
        lambda s: ("/api/v1/projects/import", {"files": {"file": ("p.xlsx", b"PK", "application/zip")}}),
    ),
    "POST /api/v1/projects/{code}/evidence": (
        "zone",
        lambda s: (
            f"/api/v1/projects/{_project(s)}/evidence",
            {"files": {"file": ("e.pdf", PDF, "application/pdf")}},
        ),
    ),
    "POST /api/v1/projects/{code}/progress": (
        "zone",
        lambda s: (
            f"/api/v1/projects/{_project(s)}/progress",
            {"json": {"reported_on": "2025-06-01", "percent_complete": 10, "invested_to_date": 1}},
        ),
    ),
    "POST /api/v1/cases": (
        "zone",
        lambda s: ("/api/v1/cases", {"json": {"zone_code": T.zone, "title": "矩阵"}}),
    ),
    "POST /api/v1/cases/{case_id}/steps": (
        "zone",
        lambda s: (f"/api/v1/cases/{_case(s)}/steps", {"json": {"to_status": "submitted"}}),
    ),
    # plans and projects in the page, attachments, review, compute (this module's pages)
    "POST /zones/{code}/plans/new": (
        "zone",
        lambda s: (
            f"/zones/{T.zone}/plans/new",
            {"data": {"title": "矩阵", "start_year": "2025", "end_year": "2027", "status": "draft"}},
        ),
    ),
    "POST /plans/{plan_id}": (
        "zone",
        lambda s: (
            f"/plans/{_plan(s)}",
            {"data": {"title": "矩阵改", "start_year": "2025", "end_year": "2027", "status": "draft"}},
        ),
    ),
    "POST /plans/{plan_id}/delete": ("zone", lambda s: (f"/plans/{_plan(s)}/delete", {})),
    "POST /plans/{plan_id}/review": (
        "zone",
        lambda s: (f"/plans/{_plan(s)}/review", {"data": {"to_state": "submitted"}}),
    ),
    "POST /plans/{plan_id}/documents": ("zone", lambda s: (f"/plans/{_plan(s)}/documents", doc_form())),
    "POST /zones/{code}/projects/new": (
        "zone",
        lambda s: (f"/zones/{T.zone}/projects/new", {"data": project_form()}),
    ),
    "POST /projects/{code}/edit": (
        "zone",
        lambda s: (f"/projects/{(c := _project(s))}/edit", {"data": project_form(c)}),
    ),
    "POST /projects/{code}/delete": ("zone", lambda s: (f"/projects/{_project(s)}/delete", {})),
    "POST /zones/{code}/documents": ("zone", lambda s: (f"/zones/{T.zone}/documents", doc_form())),
    "POST /documents/{doc_id}/delete": ("zone", lambda s: (f"/documents/{_doc(s)}/delete", {})),
    "POST /zones/{code}/compute": (
        "zone",
        lambda s: (f"/zones/{T.zone}/compute", {"data": {"year_from": "2031", "year_to": "2031"}}),
    ),
    "POST /zones/{code}/plans/import": (
        "zone",
        lambda s: (
            f"/zones/{T.zone}/plans/import",
            {"files": {"file": ("p.xlsx", b"PK", "application/zip")}},
        ),
    ),
    # accounts
    "POST /api/v1/users": (
        "admin",
        lambda s: (
            "/api/v1/users",
            {"json": {"username": "mx-user", "password": "a-long-enough-pass-phrase", "role": "viewer"}},
        ),
    ),
    "PATCH /api/v1/users/{username}": (
        "admin",
        lambda s: ("/api/v1/users/viewer", {"json": {"role": "viewer"}}),
    ),
    "POST /api/v1/users/{username}/password": (
        "admin",
        lambda s: ("/api/v1/users/viewer/password", {"json": {"password": "another-long-pass-phrase"}}),
    ),
    "POST /admin/users": (
        "admin",
        lambda s: (
            "/admin/users",
            {"data": {"username": "mx-user2", "password": "a-long-enough-pass-phrase", "role": "viewer"}},
        ),
    ),
    "POST /admin/users/{username}": (
        "admin",
        lambda s: ("/admin/users/viewer", {"data": {"role": "viewer", "active": "1"}}),
    ),
    # other areas (their division rules are tested there)
    "POST /api/v1/ecology/import": (
        "area",
        lambda s: ("/api/v1/ecology/import", {"files": {"file": ("e.xlsx", b"PK", "x")}}),
    ),
    "POST /api/v1/ecology/{name}": ("area", lambda s: ("/api/v1/ecology/water_sources", {"json": {}})),
    "DELETE /api/v1/ecology/{name}": ("area", lambda s: ("/api/v1/ecology/water_sources?code=X", {})),
    "POST /api/v1/ecology/ei": ("area", lambda s: ("/api/v1/ecology/ei", {"json": {}})),
    "POST /api/v1/compensation/agreements": (
        "area",
        lambda s: ("/api/v1/compensation/agreements", {"json": {}}),
    ),
    "POST /api/v1/compensation/agreements/import": (
        "area",
        lambda s: ("/api/v1/compensation/agreements/import", {"files": {"file": ("a.xlsx", b"PK", "x")}}),
    ),
    "PUT /api/v1/compensation/agreements/{code}": (
        "area",
        lambda s: ("/api/v1/compensation/agreements/X", {"json": {}}),
    ),
    "POST /api/v1/compensation/agreements/{code}/statements": (
        "area",
        lambda s: ("/api/v1/compensation/agreements/X/statements", {"json": {}}),
    ),
    "POST /api/v1/gep/account": ("area", lambda s: ("/api/v1/gep/account", {"json": {}})),
    "POST /api/v1/carbon/account": ("area", lambda s: ("/api/v1/carbon/account", {"json": {}})),
    "POST /api/v1/carbon/dual-control": ("area", lambda s: ("/api/v1/carbon/dual-control", {"json": {}})),
    "POST /api/v1/carbon/footprint": ("area", lambda s: ("/api/v1/carbon/footprint", {"json": {}})),
    "POST /compensation/{code}/statements": ("area", lambda s: ("/compensation/X/statements", {"data": {}})),
    "POST /gep/upload": ("area", lambda s: ("/gep/upload", {"files": {"file": ("g.xlsx", b"PK", "x")}})),
    "POST /ecology/import": (
        "area",
        lambda s: ("/ecology/import", {"files": {"file": ("e.xlsx", b"PK", "x")}}),
    ),
    "POST /ecology/ei": ("area", lambda s: ("/ecology/ei", {"data": {}})),
}
SELF = {  # one's own session, password and tokens
    "POST /login", "POST /logout", "POST /account/password", "POST /api/v1/account/password", "POST /api/v1/tokens",
    "DELETE /api/v1/tokens/{token_id}",
}  # fmt: skip
USERS = ("anonymous", "viewer", "huzhou", "beijing")


@pytest.fixture(scope="module")
def sessions(app):
    """A signed-in page client and its CSRF token per user (anonymous: no cookie)."""
    out = {"anonymous": (TestClient(app, base_url="http://127.0.0.1"), "")}
    for name in USERS[1:]:
        c = TestClient(app, base_url="http://127.0.0.1")
        token = c.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
        r = c.post("/login", data={"username": name, "password": "pioneer-demo", "csrf_token": token},
                   follow_redirects=False)  # fmt: skip
        assert r.status_code == 303, r.text
        out[name] = (c, c.get("/upload").text.split('name="csrf_token" value="')[1].split('"')[0])
    return out


def counts(app) -> tuple[int, ...]:
    with app.state.session_factory() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(m))
            for m in (AuditEntry, Plan, Project, docs.Document, Job)
        )


def test_every_write_route_has_a_scope_row(app):
    routes = write_routes(app)
    missing = sorted(routes - set(MATRIX) - SELF)
    assert not missing, f"write routes without a scope row in MATRIX: {missing}"
    assert not sorted(set(MATRIX) - routes), "MATRIX names routes the app does not have"


def build(app, route: str) -> tuple[str, dict[str, Any]]:
    with app.state.session_factory() as s, s.begin():
        return MATRIX[route][1](s)


def call(app, sessions, tokens, user: str, route: str, url: str, kw: dict[str, Any]) -> Any:
    method, _ = route.split(" ", 1)
    if url.startswith("/api/"):
        client = TestClient(app, base_url="http://127.0.0.1")
        headers = {} if user == "anonymous" else tokens(user)
        return client.request(method, url, headers=headers, follow_redirects=False, **kw)
    client, csrf = sessions[user]
    data = {**kw.get("data", {}), "csrf_token": csrf}
    return client.request(method, url, data=data, files=kw.get("files"), follow_redirects=False)


def refused(r) -> bool:
    loc = r.headers.get("location", "")
    return r.status_code in (401, 403, 404, 422) or (
        r.status_code == 303 and (loc.startswith("/login") or "refused=" in loc)
    )


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_scope_matrix(app, sessions, tokens, route):
    kind = MATRIX[route][0]
    for user in USERS:
        if kind == "area" and user in ("huzhou", "beijing"):
            continue
        url, kw = build(app, route)
        if user != "anonymous":
            tokens(user)  # made (and audited) before counting
        before = counts(app)
        r = call(app, sessions, tokens, user, route, url, kw)
        assert r.status_code < 500, (route, user, r.status_code, r.text[:300])
        outsider = (
            user in ("anonymous", "viewer")
            or (user == "huzhou" and kind != "self")
            or kind in ("office", "admin")
        )
        if kind in ("upload", "confirm") and user in ("huzhou", "beijing"):
            if (
                kind == "upload"
            ):  # checked row by row: another city's station refused, nothing kept to confirm
                kept = (r.json().get("upload_id") if route.startswith("POST /api/") else
                        re.search(r"/upload/(\w+)/confirm", r.text))  # fmt: skip
                assert bool(kept) == (user == "beijing"), (route, user, r.text[:300])
            else:
                assert r.status_code == 422  # not their (nor anyone's) kept upload
            assert counts(app) == before
            continue
        if outsider:
            assert refused(r), (route, user, r.status_code, r.headers.get("location"), r.text[:300])
            assert counts(app) == before, (route, user, "wrote something")
        else:
            assert r.status_code not in (401, 403) and "refused=" not in r.headers.get("location", ""), (
                route, user, r.status_code, r.headers.get("location"), r.text[:400])  # fmt: skip


# --- every role × own division / a division inside / another province's division (issue 14 §2) ------------------

# (user, role, scope) of the accounts: the demo's and a county editor of 安吉 (330523)
ACCOUNTS = {"admin": None, "reviewer": None, "viewer": None, "beijing": "110000", "huzhou": "330500",
            "zhejiang": "330000", "anji": "330523"}  # fmt: skip
# target zone → (a county inside it, the zone's division)
TARGETS = {"BJ-110000": ("110105", "110000"), "BJ-110105": ("110105", "110105"),
           "ZJ-330000": ("330523", "330000"), "ZJ-330500": ("330523", "330500"),
           "ZJ-330523": ("330523", "330523")}  # fmt: skip
# (user, target zone, where the target lies for the user, allowed?)
CASES = [
    ("beijing", "BJ-110000", "own", True), ("beijing", "BJ-110105", "inside", True),
    ("beijing", "ZJ-330500", "other province", False),
    ("huzhou", "ZJ-330500", "own", True), ("huzhou", "ZJ-330523", "inside", True),
    ("huzhou", "BJ-110000", "other province", False), ("huzhou", "ZJ-330000", "above", False),
    ("zhejiang", "ZJ-330000", "own", True), ("zhejiang", "ZJ-330500", "inside", True),
    ("zhejiang", "ZJ-330523", "inside", True), ("zhejiang", "BJ-110105", "other province", False),
    ("anji", "ZJ-330523", "own", True), ("anji", "ZJ-330500", "above", False),
    ("anji", "BJ-110105", "other province", False),
    ("admin", "BJ-110105", "national", True), ("admin", "ZJ-330523", "national", True),
    ("reviewer", "ZJ-330523", "national (reads and reviews only)", False),
    ("viewer", "ZJ-330523", "national (reads only)", False),
]  # fmt: skip
# the zone's own business (its administration or its province), not the programme office's: refused to admin
# (withdrawing a draft application, filing and submitting a case, submitting a plan)
ZONE_STEPS = {"POST /api/v1/zones/{code}/transitions", "POST /zones/{code}/transition", "POST /api/v1/cases",
              "POST /api/v1/cases/{case_id}/steps", "POST /plans/{plan_id}/review"}  # fmt: skip


def prefix(code: str) -> str:
    """The GB/T 2260 prefix a scope code covers (written out here, not imported: the expectation stays
    independent of the code under test): 110000 → 11, 330500 → 3305, 330523 → 330523."""
    return code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code


def _draft_here(s) -> str:
    code = f"MR-{next(_seq)}"
    zones.create_zone(s, ZoneCreate(code=code, name_zh="矩阵申报", tier="county", division_codes=[T.county]),
                      actor=OFFICE)  # fmt: skip
    return code


ROLE_BUILDERS: dict[str, Builder] = {  # the routes whose MATRIX builder names a fixed division
    "POST /api/v1/zones": lambda s: ("/api/v1/zones", {"json": {"code": f"MR-{next(_seq)}", "name_zh": "矩阵",
                                                                "tier": "county", "division_codes": [T.county]}}),
    "POST /applications/new": lambda s: ("/applications/new", {"data": {"code": f"MR-{next(_seq)}", "name_zh": "矩阵",
                                                                        "tier": "county", "division_code": T.county}}),
    "POST /api/v1/zones/{code}/transitions": lambda s: (f"/api/v1/zones/{_draft_here(s)}/transitions",
                                                        {"json": {"to_state": "withdrawn", "reason": "矩阵"}}),
    "POST /zones/{code}/transition": lambda s: (f"/zones/{_draft_here(s)}/transition",
                                                {"data": {"to_state": "withdrawn", "reason": "矩阵"}}),
}  # fmt: skip


@pytest.fixture(scope="module")
def role_sessions(app, sessions):
    """Signed-in page clients of every account (the county editor 安吉 made here)."""
    from pioneer.web import auth
    from pioneer.web.models import User

    with app.state.session_factory() as s, s.begin():
        if s.scalar(select(User).where(User.username == "anji")) is None:
            auth.create_user(s, "anji", "pioneer-demo", role="county_editor", division_code="330523")
    out = dict(sessions)
    for name in set(ACCOUNTS) - set(out):
        c = TestClient(app, base_url="http://127.0.0.1")
        token = c.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
        r = c.post("/login", data={"username": name, "password": "pioneer-demo", "csrf_token": token},
                   follow_redirects=False)  # fmt: skip
        assert r.status_code == 303, r.text
        out[name] = (c, c.get("/").text.split('name="csrf_token" value="')[1].split('"')[0])
    return out


# not walked by every role: a zone runs one computation at a time (a second start is refused while the first runs),
# so its row stays the four users' above; its check is the zone edit's (``auth.restrict(user, "edit", divisions)``)
ROLE_SKIP = {"POST /zones/{code}/compute"}


@pytest.mark.parametrize(
    "route", sorted(r for r, (kind, _) in MATRIX.items() if kind == "zone" and r not in ROLE_SKIP)
)
def test_scope_by_role_and_division(app, role_sessions, tokens, route):
    """Every division-scoped write as every role, on its own division, a division inside, another province's
    (and, for a county or city, the division above): an editor writes in and under its scope only, the programme
    office's administrator everywhere (not the zone's own steps), the reviewer and the viewer nowhere. A refused
    write changes nothing."""
    breaches = []
    try:
        for user, zone, where, allowed in CASES:
            T.at(zone, *TARGETS[zone])
            with app.state.session_factory() as s, s.begin():
                url, kw = (ROLE_BUILDERS.get(route) or MATRIX[route][1])(s)
            tokens(user)
            before = counts(app)
            r = call(app, role_sessions, tokens, user, route, url, kw)
            assert r.status_code < 500, (route, user, zone, r.status_code, r.text[:300])
            if (
                route in ROLE_BUILDERS
            ):  # the write's division is the new application's county, inside the zone
                code = ACCOUNTS[user]
                allowed = user == "admin" or (code is not None and T.county.startswith(prefix(code)))
            expect = allowed and not (user == "admin" and route in ZONE_STEPS)
            loc = r.headers.get("location", "")
            if expect:  # not refused for scope (bad input such as the b"PK" workbook may still answer 422)
                ok = (
                    r.status_code not in (401, 403) and "refused=" not in loc and not loc.startswith("/login")
                )
            else:
                ok = refused(r) and counts(app) == before
            if not ok:
                breaches.append(
                    (user, zone, where, expect, r.status_code, r.headers.get("location"), r.text[:160])
                )
    finally:
        T.at("BJ-110000", "110105", "110000")
    assert not breaches, f"{route}: {breaches}"


@pytest.mark.parametrize("route", sorted(r for r, (kind, _) in MATRIX.items() if kind == "upload"))
def test_uploads_by_role(app, role_sessions, tokens, route):
    """A Beijing station's measurements uploaded by every role: kept for confirmation for the programme office's
    administrator and Beijing's editor only; refused (no EDIT) for the reviewer and the viewer; checked row by row
    (another city's station: a located refusal, nothing kept) for the editors of 浙江, 湖州 and 安吉."""
    kept_for = {"admin", "beijing"}
    wrong = []
    for user in ACCOUNTS:
        url, kw = build(app, route)
        tokens(user)
        before = counts(app)
        r = call(app, role_sessions, tokens, user, route, url, kw)
        assert r.status_code < 500, (route, user, r.status_code, r.text[:300])
        if user in ("reviewer", "viewer"):
            ok = refused(r)
        else:
            kept = (r.json().get("upload_id") if route.startswith("POST /api/") else
                    re.search(r"/upload/(\w+)/confirm", r.text))  # fmt: skip
            ok = bool(kept) == (user in kept_for)
        if not ok or counts(app) != before:
            wrong.append((user, r.status_code, r.text[:200]))
    assert not wrong, f"{route}: {wrong}"


# --- every export and download route × every role (an unpublished zone's files stay with signed-in users) -------

DRAFT_ZONE = "BJ-110108"  # 海淀: an application (draft), not published


def _draft_doc(s) -> str:
    d = docs.add_document(s, owner_kind="zone", owner_key=DRAFT_ZONE, zone_code=DRAFT_ZONE, number="京环发〔2025〕5号",
                          title="矩阵", issued_on="2025-01-02", file_name="a.pdf", data=PDF, cap=10**6,
                          actor=OFFICE)  # fmt: skip
    return str(d.id)


# route → (kind, builder); kinds: ``draft`` (an unpublished zone's file: read by the national roles — admin,
# reviewer, viewer — and by the editors whose scope covers it, 北京 here; refused to the anonymous public and to
# the editors of other areas, who do not see another area's unpublished zone), ``public`` (open to all; the anonymous answer never
# names the unpublished zone), ``any`` (answers every role without a server error; the anonymous answer, when
# given, never names the unpublished zone)
EXPORTS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "GET /api/v1/zones/{code}/reports/self-assessment": (
        "draft", lambda s: f"/api/v1/zones/{DRAFT_ZONE}/reports/self-assessment?year=2015&format=html"),
    "GET /documents/{doc_id}": ("draft", lambda s: f"/documents/{_draft_doc(s)}"),
    "GET /api/v1/reports/national": ("any", lambda s: "/api/v1/reports/national?year=2015&format=html"),
    "GET /open-data/indicator-values.{fmt}": ("public", lambda s: "/open-data/indicator-values.csv"),
    "GET /open-data/indicator-values-dictionary.csv": ("public", lambda s: "/open-data/indicator-values-dictionary.csv"),
    # the web tests' home has no lake month (a located 422 for everyone): answers, names no unpublished zone
    "GET /open-data/monitoring.{fmt}": ("any", lambda s: "/open-data/monitoring.csv"),
    "GET /open-data/monitoring-dictionary.csv": ("public", lambda s: "/open-data/monitoring-dictionary.csv"),
    "GET /api/v1/projects/export.xlsx": ("any", lambda s: "/api/v1/projects/export.xlsx"),
    "GET /api/v1/projects/template.xlsx": ("public", lambda s: "/api/v1/projects/template.xlsx"),
    "GET /api/v1/lake/{medium}/export": ("any", lambda s: "/api/v1/lake/air/export?format=csv&division=110000"),
    "GET /api/v1/ecology/export.xlsx": ("any", lambda s: "/api/v1/ecology/export.xlsx"),
    "GET /api/v1/ecology/template.xlsx": ("public", lambda s: "/api/v1/ecology/template.xlsx"),
    "GET /api/v1/indicators/template": ("any", lambda s: "/api/v1/indicators/template?division_code=110000&year=2015"),
    "GET /api/v1/carbon/templates/{kind}": ("public", lambda s: "/api/v1/carbon/templates/series?format=csv"),
    "GET /api/v1/air/period": ("any", lambda s: "/api/v1/air/period?year=2015"),
    "GET /api/v1/gep/template": ("any", lambda s: "/api/v1/gep/template?kind=quantities"),
}  # fmt: skip
EXPORT_PATH = re.compile(r"export|template|/reports/|/open-data/.|^/documents/\{doc_id\}$|/air/period")


def test_every_export_route_has_a_row(app):
    routes = {f"{m} {p}" for m, p in walk(app.routes) if m == "GET" and EXPORT_PATH.search(p)}
    assert not sorted(routes - set(EXPORTS)), (
        f"export routes without a row in EXPORTS: {sorted(routes - set(EXPORTS))}"
    )
    assert not sorted(set(EXPORTS) - routes), "EXPORTS names routes the app does not have"


@pytest.mark.parametrize("route", sorted(EXPORTS))
def test_exports_by_role(app, role_sessions, tokens, route):
    kind, builder = EXPORTS[route]
    wrong = []
    for user in ("anonymous", *ACCOUNTS):
        with app.state.session_factory() as s, s.begin():
            url = builder(s)
        if url.startswith("/api/"):
            headers = {} if user == "anonymous" else tokens(user)
            r = TestClient(app, base_url="http://127.0.0.1").get(url, headers=headers, follow_redirects=False)
        else:
            r = role_sessions[user][0].get(url, follow_redirects=False)
        if r.status_code >= 500:
            wrong.append((user, r.status_code, r.text[:200]))
            continue
        names_draft = DRAFT_ZONE.encode() in r.content or "海淀区美丽中国先行区".encode() in r.content
        if kind == "draft":
            reads = user in ("admin", "reviewer", "viewer", "beijing")
            ok = r.status_code == 200 if reads else refused(r)  # (a 404 may echo the code the URL named)
        elif kind == "public":
            ok = r.status_code == 200 and not (user == "anonymous" and names_draft)
        else:
            ok = not (user == "anonymous" and r.status_code == 200 and names_draft)
        if not ok:
            wrong.append((user, r.status_code, r.headers.get("location"), r.text[:200]))
    assert not wrong, f"{route}: {wrong}"


# --- the decisions (province, programme office) and the accounts, by every role --------------------------------

DECIDERS: dict[str, tuple[Callable[[Any], tuple[str, dict[str, Any]]], set[str]]] = {
    # a county application in 浙江 (安吉): the province recommends it — 浙江's editor, no one else (the programme
    # office decides later steps; a city or county editor files, it does not recommend)
    "POST /review/zones/{code}": (
        lambda s: (f"/review/zones/{_draft_at(s, '330523')}", {"data": {"to_state": "recommended", "reason": "矩阵"}}),
        {"zhejiang"},
    ),
    # a case 湖州 submitted: its province recommends it — 浙江's editor, no one else; a recommended case: the
    # programme office's decision (admin and reviewer)
    "POST /review/cases/{case_id} recommend": (
        lambda s: (f"/review/cases/{_case_at(s, 'submitted')}", {"data": {"to_status": "recommended"}}),
        {"zhejiang"},
    ),
    "POST /review/cases/{case_id} approve": (
        lambda s: (f"/review/cases/{_case_at(s, 'recommended')}", {"data": {"to_status": "approved"}}),
        {"admin", "reviewer"},
    ),
    # accounts: the administrator only
    "POST /api/v1/users": (
        lambda s: ("/api/v1/users", {"json": {"username": f"mx-u{next(_seq)}", "password": "a-long-enough-pass-phrase",
                                              "role": "viewer"}}),
        {"admin"},
    ),
    "POST /admin/users": (
        lambda s: ("/admin/users", {"data": {"username": f"mx-p{next(_seq)}", "password": "a-long-enough-pass-phrase",
                                             "role": "viewer"}}),
        {"admin"},
    ),
    "PATCH /api/v1/users/{username}": (lambda s: ("/api/v1/users/viewer", {"json": {"role": "viewer"}}), {"admin"}),
}  # fmt: skip


def _case_at(s, status: str) -> str:
    """A case of 湖州 (ZJ-330500), submitted by the zone and, for ``recommended``, recommended by 浙江."""
    own = Actor("matrix-hz", Role.CITY_EDITOR, ("330500",))
    c = plans.create_case(s, CaseCreate(zone_code="ZJ-330500", title="矩阵案例"), actor=own)
    plans.step_case(s, c.id, "submitted", actor=own)
    if status == "recommended":
        plans.step_case(s, c.id, "recommended", actor=Actor("matrix-zj", Role.PROVINCE, ("330000",)))
    return str(c.id)


def _draft_at(s, county: str) -> str:
    code = f"MD-{next(_seq)}"
    zones.create_zone(s, ZoneCreate(code=code, name_zh="矩阵申报", tier="county", division_codes=[county]),
                      actor=OFFICE)  # fmt: skip
    return code


@pytest.mark.parametrize("route", sorted(DECIDERS))
def test_decisions_by_role(app, role_sessions, tokens, route):
    builder, deciders = DECIDERS[route]
    wrong = []
    for user in ACCOUNTS:
        with app.state.session_factory() as s, s.begin():
            url, kw = builder(s)
        tokens(user)
        before = counts(app)
        r = call(app, role_sessions, tokens, user, route, url, kw)
        loc = r.headers.get("location", "")
        if user in deciders:
            ok = r.status_code < 400 and "refused=" not in loc and not loc.startswith("/login")
        else:
            ok = refused(r) and counts(app) == before
        if not ok:
            wrong.append((user, r.status_code, loc, r.text[:160]))
    assert not wrong, f"{route}: {wrong}"
