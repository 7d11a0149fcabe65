"""Security headers (ASVS V14.4, V8.2.1, V3.4.1): a strict CSP on every answer, no inline script or handler in
any template, HSTS and ``Secure`` cookies over TLS or behind the declared proxy, ``no-store`` on signed-in
answers; the Swagger page runs under the CSP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pioneer.config import Settings
from pioneer.web.security import CSP

TEMPLATES = Path(__file__).resolve().parents[3] / "src" / "pioneer" / "web" / "pages" / "templates"


@pytest.mark.parametrize("path", ["/", "/login", "/rankings", "/zones/ZJ-330500", "/api/v1/zones", "/nope",
                                  "/static/app.js", "/api/v1/docs", "/healthz"])  # fmt: skip
def test_csp_everywhere(client, path):
    r = client.get(path)
    csp = r.headers["content-security-policy"]
    assert csp == CSP
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe" not in csp and directives["frame-ancestors"] == "'none'"
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
    assert "strict-transport-security" not in r.headers  # plain HTTP, no proxy declared


def test_no_inline_script_or_style_in_templates():
    """What the CSP forbids is not in any template: inline script bodies, on… handlers, style attributes,
    javascript: URLs (a <script type="application/json"> data block is not executed and stays allowed)."""
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"<script\b([^>]*)>(.*?)</script>", text, re.S):
            attrs, body = m.group(1), m.group(2)
            assert "src=" in attrs or 'type="application/json"' in attrs, (path.name, m.group(0)[:80])
            assert "src=" not in attrs or not body.strip(), path.name
        assert not re.search(r"\son[a-z]+\s*=", text, re.I), path.name
        assert not re.search(r"\sstyle\s*=", text, re.I), path.name
        assert "javascript:" not in text.lower(), path.name


def test_docs_page_without_inline_script(client):
    r = client.get("/api/v1/docs")
    assert r.status_code == 200
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", r.text, re.S)
    assert scripts and all("src=" in a and not b.strip() for a, b in scripts)
    assert client.get("/static/swagger-init.js").status_code == 200


def test_signed_in_answers_not_stored(client, tokens, sign_in):
    r = client.get("/api/v1/zones", headers=tokens("viewer"))
    assert r.headers["cache-control"] == "private, no-store"
    anon = TestClient(client.app, base_url="http://127.0.0.1").get("/api/v1/zones")
    assert "no-store" not in anon.headers.get("cache-control", "")
    sign_in(client, "viewer")
    for path in ("/", "/upload", "/zones/BJ-110108", "/api/v1/users/me"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["cache-control"] == "private, no-store", path
    assert "no-store" not in client.get("/static/app.css").headers.get("cache-control", "")


def test_login_page_sets_cookie_not_stored(client):
    r = client.get("/login")
    assert "set-cookie" in r.headers and r.headers["cache-control"] == "private, no-store"
    assert "secure" not in r.headers["set-cookie"].lower()  # plain HTTP on 127.0.0.1


def _app_with(home, **config):
    from pioneer.web.app import create_app
    from pioneer.web.security import SecurityHeaders

    app = create_app(migrate=False)
    # rebuild the middleware stack with the given settings (as PIONEER_BEHIND_PROXY=1 etc. would)
    app.user_middleware = [m if m.cls is not SecurityHeaders else type(m)(SecurityHeaders, config=Settings(**config))
                           for m in app.user_middleware]  # fmt: skip
    return app


def test_tls_gets_hsts_and_secure_cookies(home):
    r = TestClient(_app_with(home), base_url="https://127.0.0.1").get("/login")
    assert r.headers["strict-transport-security"].startswith("max-age=31536000")
    assert "; secure" in r.headers["set-cookie"].lower()


def test_declared_proxy_gets_hsts_and_secure_cookies(home):
    r = TestClient(_app_with(home, behind_proxy=True), base_url="http://127.0.0.1").get("/login")
    assert "strict-transport-security" in r.headers
    assert "; secure" in r.headers["set-cookie"].lower()
    assert r.headers["set-cookie"].lower().count("secure") == 1
