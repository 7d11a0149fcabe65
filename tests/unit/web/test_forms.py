"""Bad input to every HTML form, signed in as the programme-office admin with a valid CSRF token: a 4xx page
that says what is wrong in the page's language (the English message names the offending value or field), never
a 5xx, and nothing written — the audit log, the users, the zones and the kept uploads are the same before and
after."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from pioneer.registry.zones.models import Zone
from pioneer.web.models import AuditEntry, User

BAD_FORMS = [
    # (form, data, files, status, a word of the English message)
    ("/zones/ZJ-330500/transition", {"to_state": "nonsense"}, None, 422, "nonsense"),
    ("/zones/ZJ-330500/transition", {"to_state": "model"}, None, 422, "model"),
    ("/zones/ZJ-330500/transition", {}, None, 422, "to_state"),
    ("/zones/NOPE/transition", {"to_state": "approved"}, None, 404, "NOPE"),
    ("/zones/ZJ-330500/edit", {"theme": "x" * 2001}, None, 422, "theme"),
    ("/zones/NOPE/edit", {"theme": "x"}, None, 404, "NOPE"),
    ("/upload", {}, None, 422, "file"),
    ("/upload/does-not-exist/confirm", {}, None, 422, "does-not-exist"),
    ("/upload/..%2F..%2Fpioneer.db/confirm", {}, None, 404, None),
    ("/upload/0123456789abcdef0123456789abcdef/confirm", {}, None, 422, "not found"),
    (
        "/admin/users",
        {"username": "bad name!", "password": "long-enough-1", "role": "viewer"},
        None,
        422,
        None,
    ),
    ("/admin/users", {"username": "shorty", "password": "x", "role": "viewer"}, None, 422, None),
    (
        "/admin/users",
        {"username": "nobody2", "password": "long-enough-1", "role": "emperor"},
        None,
        422,
        None,
    ),
    (
        "/admin/users",
        {"username": "ed2", "password": "long-enough-1", "role": "city_editor", "division_code": "330523"},
        None,
        422,
        None,
    ),  # fmt: skip
    (
        "/admin/users",
        {"username": "admin", "password": "long-enough-1", "role": "viewer"},
        None,
        422,
        "admin",
    ),
    ("/admin/users/ghost", {"role": "viewer", "active": "1"}, None, 422, "ghost"),
    ("/admin/users/viewer", {"role": "city_editor", "division_code": "12", "active": "1"}, None, 422, None),
    (
        "/zones/BJ-110000/plans/import",
        {},
        {"file": ("plan.xlsx", b"not a workbook", "application/octet-stream")},
        422,
        "plan.xlsx",
    ),  # fmt: skip
]


@pytest.fixture(scope="module")
def admin(app) -> tuple[TestClient, str]:
    client = TestClient(
        app, base_url="http://127.0.0.1", client=("127.0.0.78", 40000)
    )  # own rate-limit bucket
    page = client.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post("/login", data={"username": "admin", "password": "pioneer-demo", "csrf_token": token},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    csrf = client.get("/admin").text.split('name="csrf_token" value="')[1].split('"')[0]
    return client, csrf


def state(app, home) -> tuple:
    """What a form could change: audit entries, users, zones (with their states and themes), uploads kept."""
    with app.state.session_factory() as session:
        zones = tuple(session.execute(select(Zone.code, Zone.state, Zone.theme).order_by(Zone.code)).all())
        return (
            session.scalar(select(func.count()).select_from(AuditEntry)),
            tuple(
                session.execute(select(User.username, User.role, User.active).order_by(User.username)).all()
            ),
            zones,
            sorted(p.name for p in (home / "uploads").glob("*")) if (home / "uploads").exists() else [],
        )


@pytest.mark.parametrize(("lang", "url", "data", "files", "status", "word"),
                         [(lang, *form) for form in BAD_FORMS for lang in ("zh-CN", "en")])  # fmt: skip
def test_bad_form_is_4xx_page_and_writes_nothing(app, home, admin, lang, url, data, files, status, word):
    client, csrf = admin
    before = state(app, home)
    r = client.post(
        f"{url}?lang={lang}", data={**data, "csrf_token": csrf}, files=files, follow_redirects=False
    )
    assert r.status_code == status, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    found = re.search(r'id="error-message">(.+?)</p>|id="import-errors">(.+?)</div>', r.text, re.S)
    assert found, r.text
    message = found.group(1) or found.group(2)
    if lang == "zh-CN":
        assert re.search(r"[\u4e00-\u9fff]", message), message
    else:
        assert re.search(r"[a-z]{3,} [a-z]{2,}", message), message
        assert word is None or word in message, message
    assert state(app, home) == before


def test_forms_refuse_a_missing_csrf_token(app, home, admin):
    client, _ = admin
    before = state(app, home)
    upload = {"file": ("bad.csv", io.BytesIO(b"station,time\n"), "text/csv")}
    for url, data, files, *_ in BAD_FORMS:
        r = client.post(url, data=data, files=files or (upload if url == "/upload" else None))
        assert r.status_code in (403, 404, 422), (url, r.status_code)  # 404 no such route, 422 field missing
        assert r.status_code == 403 or "csrf_token" not in r.text
    assert state(app, home) == before
