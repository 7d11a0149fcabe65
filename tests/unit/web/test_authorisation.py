"""Authorisation matrix: every role × every mutating endpoint × in-scope / out-of-scope division → allowed or
refused (401 anonymous, 403 role or scope), as designed in ``pioneer.web.auth``."""

from __future__ import annotations

import itertools

import pytest

from pioneer.web import auth

# role → (account, in-scope zone, out-of-scope zone, in-scope division for a new zone, out-of-scope division)
ACCOUNTS = {
    "admin": ("admin", "ZJ-330500", "BJ-110000", "330522", "110106"),
    "reviewer": ("reviewer", "ZJ-330500", "BJ-110000", "330522", "110106"),
    "province_editor": ("zhejiang", "ZJ-330500", "BJ-110000", "330522", "110106"),
    "city_editor": ("huzhou", "ZJ-330500", "ZJ-330100", "330522", "330182"),
    "county_editor": ("anji", "ZJ-330523", "ZJ-330500", "330523", "330522"),
    "viewer": ("viewer", "ZJ-330500", "BJ-110000", "330522", "110106"),
}
EDITS = {"admin", "province_editor", "city_editor", "county_editor"}


@pytest.fixture(scope="module")
def headers(app, tokens):
    with app.state.session_factory() as session, session.begin():
        from sqlalchemy import select

        from pioneer.web.models import User

        if session.scalar(select(User).where(User.username == "anji")) is None:
            auth.create_user(session, "anji", "pioneer-demo", role="county_editor", division_code="330523")
    return {role: tokens(account[0]) for role, account in ACCOUNTS.items()}


@pytest.mark.parametrize(("role", "scope"), itertools.product(ACCOUNTS, ["in", "out"]))
def test_edit_zone(client, headers, role, scope):
    _, zin, zout, _, _ = ACCOUNTS[role]
    code = zin if scope == "in" else zout
    r = client.patch(f"/api/v1/zones/{code}", json={"theme": f"{role}-{scope}"}, headers=headers[role])
    expected = 200 if role in EDITS and (scope == "in" or role == "admin") else 403
    assert r.status_code == expected, r.text
    if expected == 403:
        assert r.json()["detail"]["message_en"]


@pytest.mark.parametrize(("role", "scope"), itertools.product(ACCOUNTS, ["in", "out"]))
def test_create_zone(client, headers, role, scope):
    _, _, _, din, dout = ACCOUNTS[role]
    division = din if scope == "in" else dout
    body = {"code": f"T-{role}-{scope}", "name_zh": "测试", "tier": "county", "division_codes": [division]}
    r = client.post("/api/v1/zones", json=body, headers=headers[role])
    expected = 201 if role in EDITS and (scope == "in" or role == "admin") else 403
    assert r.status_code == expected, r.text


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_review_step(client, headers, role):
    """recommended → under_review is the programme office's step: admin and reviewer only."""
    admin = headers["admin"]
    code = f"R-{role}"
    assert client.post("/api/v1/zones", json={"code": code, "name_zh": "审核测试", "tier": "county",
                                              "division_codes": ["330523"]}, headers=admin).status_code == 201  # fmt: skip
    # the province's step, by the province editor
    r = client.post(
        f"/api/v1/zones/{code}/transitions",
        json={"to_state": "recommended"},
        headers=headers["province_editor"],
    )
    assert r.status_code == 200, r.text
    r = client.post(
        f"/api/v1/zones/{code}/transitions", json={"to_state": "under_review"}, headers=headers[role]
    )
    assert r.status_code == (200 if role in ("admin", "reviewer") else 403), r.text


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_create_user(client, headers, role):
    body = {"username": f"u-{role}", "password": "long-enough-1", "role": "viewer"}
    r = client.post("/api/v1/users", json=body, headers=headers[role])
    assert r.status_code == (201 if role == "admin" else 403), r.text


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_upload(client, headers, role):
    files = {"file": ("bad.csv", b"station,time,pm2_5\nX,notatime,1\n", "text/csv")}
    r = client.post("/api/v1/imports", files=files, headers=headers[role])
    assert r.status_code == (200 if role in EDITS else 403), r.text


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("patch", "/api/v1/zones/ZJ-330500", {"theme": "x"}),
        (
            "post",
            "/api/v1/zones",
            {"code": "A-1", "name_zh": "x", "tier": "county", "division_codes": ["330523"]},
        ),
        ("post", "/api/v1/zones/ZJ-330500/transitions", {"to_state": "self_assessed"}),
        ("post", "/api/v1/users", {"username": "anon", "password": "long-enough-1", "role": "viewer"}),
        ("post", "/api/v1/tokens", {"name": "x"}),
    ],
)
def test_anonymous_writes_refused(client, method, url, body):
    r = getattr(client, method)(url, json=body)
    assert r.status_code == 401, r.text


def test_restrict_scope_levels():
    from pioneer.web.models import User

    city = User(username="c", role="city_editor", division_code="330500", active=True)
    assert auth.allowed(city, "edit", ["330523"])  # a county of Huzhou
    assert not auth.allowed(city, "edit", ["330106"])  # a district of Hangzhou
    assert not auth.allowed(city, "review", ["330523"])
    assert auth.allowed(city, "view")
    assert not auth.allowed(None, "view")
    assert not auth.scope_code_ok(auth.Role.CITY_EDITOR, "330523")
    assert not auth.scope_code_ok(auth.Role.VIEWER, "110000")


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_update_user(client, headers, role):
    """Changing an account is the administrator's alone; a deactivated account's token stops working."""
    admin = headers["admin"]
    name = f"p-{role}"
    assert client.post("/api/v1/users", json={"username": name, "password": "long-enough-1", "role": "viewer"},
                       headers=admin).status_code == 201  # fmt: skip
    r = client.patch(f"/api/v1/users/{name}", json={"role": "city_editor", "division_code": "330500"},
                     headers=headers[role])  # fmt: skip
    assert r.status_code == (200 if role == "admin" else 403), r.text
    if role == "admin":
        assert r.json()["role"] == "city_editor" and r.json()["division_code"] == "330500"
        # a scope that does not fit the role is refused
        bad = client.patch(f"/api/v1/users/{name}", json={"division_code": "330523"}, headers=admin)
        assert bad.status_code == 422 and bad.json()["detail"]["message_en"]


def test_deactivated_token_and_self_demotion(app, client, headers):
    from webhome import token_for

    admin = headers["admin"]
    assert client.post("/api/v1/users", json={"username": "leaver", "password": "long-enough-1", "role": "viewer"},
                       headers=admin).status_code == 201  # fmt: skip
    leaver = token_for(app, "leaver")
    assert client.get("/api/v1/users/me", headers=leaver).status_code == 200
    assert client.patch("/api/v1/users/leaver", json={"active": False}, headers=admin).status_code == 200
    assert client.get("/api/v1/users/me", headers=leaver).status_code == 401
    entry = client.get("/api/v1/audit?limit=1", headers=admin).json()["results"][0]
    assert entry["object_key"] == "leaver" and entry["before"]["active"] and not entry["after"]["active"]
    me = client.patch("/api/v1/users/admin", json={"active": False}, headers=admin)
    assert me.status_code == 422 and client.get("/api/v1/users/admin", headers=admin).json()["active"]
    assert client.get("/api/v1/users/nobody", headers=admin).status_code == 404
    assert client.patch("/api/v1/users/leaver", json={"active": True}).status_code == 401


def test_admin_page_updates_user(app):
    """The admin page's form: CSRF-protected, audited, bad role or scope → 422, nothing changed."""
    from fastapi.testclient import TestClient

    client = TestClient(
        app, base_url="http://127.0.0.1", client=("127.0.0.77", 40000)
    )  # own rate-limit bucket
    r = client.get("/login")
    token = r.text.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"username": "admin", "password": "pioneer-demo", "csrf_token": token})
    page = client.get("/admin")
    assert page.status_code == 200 and 'id="user-viewer"' in page.text
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    assert (
        client.post("/admin/users/viewer", data={"role": "viewer", "active": "1"}).status_code == 403
    )  # no CSRF
    bad = client.post("/admin/users/viewer", data={"role": "nonsense", "active": "1", "csrf_token": csrf})
    assert bad.status_code == 422
    bad = client.post("/admin/users/viewer", data={"role": "city_editor", "division_code": "330523", "active": "1",
                                                    "csrf_token": csrf})  # fmt: skip
    assert bad.status_code == 422
    ok = client.post("/admin/users/huzhou", data={"role": "city_editor", "division_code": "330500", "active": "1",
                                                  "csrf_token": csrf}, follow_redirects=False)  # fmt: skip
    assert ok.status_code == 303
    client.post("/logout", data={"csrf_token": csrf})
