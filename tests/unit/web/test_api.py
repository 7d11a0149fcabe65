"""API behaviour: paging meta, published-only for the public, CSRF on cookie sessions, login cookies and
rate limiting, audit entries, bad input → 4xx with a bilingual message and nothing written."""

from __future__ import annotations

import re

import pytest

PASSWORD = "pioneer-demo"


def login(client, username: str, password: str = PASSWORD):
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                       follow_redirects=False)  # fmt: skip


def test_public_sees_published_zones_only(client, tokens):
    r = client.get("/api/v1/zones?limit=2&page=1")
    body = r.json()
    assert r.status_code == 200 and body["meta"]["limit"] == 2 and len(body["results"]) == 2
    codes = {z["code"] for z in client.get("/api/v1/zones?limit=1000").json()["results"]}
    assert "BJ-110108" not in codes and "BJ-110000" in codes  # draft is unpublished
    assert client.get("/api/v1/zones/BJ-110108").status_code == 404
    viewer = tokens("viewer")
    assert client.get("/api/v1/zones/BJ-110108", headers=viewer).status_code == 200


def test_login_cookie_flags_and_csrf(client):
    r = login(client, "beijing")
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert (
        "pioneer_session=" in cookie
        and "HttpOnly" in cookie
        and "SameSite=lax" in cookie.replace("Lax", "lax")
    )
    # a cookie-authenticated write without the CSRF token is refused, nothing written
    r = client.patch("/api/v1/zones/BJ-110000", json={"theme": "csrf-less"})
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]["message_en"]
    assert client.get("/api/v1/zones/BJ-110000").json()["theme"] != "csrf-less"
    page = client.get("/zones/BJ-110000")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = client.patch("/api/v1/zones/BJ-110000", json={"theme": "with token"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["theme"] == "with token"


def test_login_form_needs_csrf(client):
    r = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": "forged"})
    assert r.status_code == 403


def test_login_rate_limited(client):
    for _ in range(5):
        assert login(client, "reviewer", "wrong-password").status_code == 401
    r = login(client, "reviewer")  # even the right password is refused now
    assert r.status_code == 429


def test_audit_records_before_and_after(client, tokens):
    editor = tokens("huzhou")
    client.patch("/api/v1/zones/ZJ-330500", json={"theme": "audit me"}, headers=editor)
    entries = client.get("/api/v1/audit", headers=tokens("admin")).json()["results"]
    e = next(e for e in entries if e["object_key"] == "ZJ-330500" and e["after"]["theme"] == "audit me")
    assert e["username"] == "huzhou" and e["action"] == "update" and e["before"]["theme"] != "audit me"
    assert e["request_id"]


@pytest.mark.parametrize(
    ("method", "url", "body", "status"),
    [
        (
            "post",
            "/api/v1/zones",
            {"code": "", "name_zh": "x", "tier": "city", "division_codes": ["330500"]},
            422,
        ),
        (
            "post",
            "/api/v1/zones",
            {"code": "Q1", "name_zh": "x", "tier": "planet", "division_codes": ["330500"]},
            422,
        ),
        (
            "post",
            "/api/v1/zones",
            {"code": "Q2", "name_zh": "x", "tier": "city", "division_codes": ["999999"]},
            404,
        ),
        (
            "post",
            "/api/v1/zones",
            {"code": "Q3", "name_zh": "x", "tier": "city", "division_codes": ["330523"]},
            422,
        ),
        ("post", "/api/v1/zones/ZJ-330500/transitions", {"to_state": "nonsense"}, 422),
        ("post", "/api/v1/zones/ZJ-330500/transitions", {"to_state": "model"}, 422),
        ("post", "/api/v1/zones/NOPE/transitions", {"to_state": "approved"}, 404),
        ("patch", "/api/v1/zones/ZJ-330500", {"theme": "x" * 3000}, 422),
        (
            "post",
            "/api/v1/users",
            {"username": "bad name!", "password": "long-enough-1", "role": "viewer"},
            422,
        ),
        (
            "post",
            "/api/v1/users",
            {"username": "ed", "password": "long-enough-1", "role": "city_editor", "division_code": "330523"},
            422,
        ),
        ("post", "/api/v1/users", {"username": "short", "password": "x", "role": "viewer"}, 422),
    ],
)
def test_bad_input_is_4xx_with_message(client, tokens, method, url, body, status):
    admin = tokens("admin")
    before = client.get("/api/v1/audit?limit=1", headers=admin).json()["meta"]["found"]
    r = getattr(client, method)(url, json=body, headers=admin)
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert detail["message_zh"] and detail["message_en"]
    assert (
        client.get("/api/v1/audit?limit=1", headers=admin).json()["meta"]["found"] == before
    )  # nothing written


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/overview?year=1800",
        "/api/v1/overview?indicator=nope",
        "/api/v1/rankings?limit=0",
        "/api/v1/rankings?page=-1",
        "/api/v1/divisions/12",
        "/api/v1/divisions/999999",
        "/api/v1/stations?within=abc",
        "/api/v1/no-such-thing",
    ],
)
def test_bad_query_is_4xx(client, url):
    r = client.get(url)
    assert 400 <= r.status_code < 500 and r.json()["detail"]["message_en"]


def test_unknown_page_and_wrong_method_answer_in_the_readers_language(client):
    page = client.get("/no/such/page?lang=zh-CN")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "找不到该页面" in page.text
    assert "no such page" in client.get("/no/such/page?lang=en").text
    r = client.delete("/api/v1/divisions")
    assert r.status_code == 405 and r.headers["allow"] == "GET"
    assert r.json()["detail"] == {"message_zh": "该地址不支持此请求方法",
                                  "message_en": "this address does not accept that method"}  # fmt: skip


def test_upload_report_is_located_and_writes_nothing(client, tokens, home):
    editor = tokens("beijing")
    csv = "station,city,time,so2,no2,co,o3,pm10,pm2_5\n1001A,110000,2016-01-01T01:00,5,20,0.5,30,50,abc\n"
    r = client.post("/api/v1/imports", files={"file": ("bad.csv", csv.encode(), "text/csv")}, headers=editor)
    body = r.json()
    assert r.status_code == 200 and body["upload_id"] is None and body["errors"], body
    e = body["errors"][0]
    assert e["row"] == 2 and e["column"] and e["reason_zh"] and e["reason_en"]
    assert not (home / "lake" / "air").exists()


def test_upload_confirm_imports_with_provenance(client, tokens):
    editor = tokens("beijing")
    csv = "station,city,time,so2,no2,co,o3,pm10,pm2_5\n1001A,110000,2016-01-01T01:00,5,20,0.5,30,50,40\n"
    r = client.post("/api/v1/imports", files={"file": ("good.csv", csv.encode(), "text/csv")}, headers=editor)
    body = r.json()
    assert body["upload_id"] and body["rows_ok"] == 1, body
    other = tokens("huzhou")
    assert client.post(f"/api/v1/imports/{body['upload_id']}/confirm", headers=other).status_code == 422
    r = client.post(f"/api/v1/imports/{body['upload_id']}/confirm", headers=editor)
    assert r.status_code == 200 and r.json()["status"] == "committed", r.text
    history = client.get("/api/v1/imports", headers=editor).json()["results"]
    assert history[0]["who"] == "beijing" and history[0]["file"] == "good.csv"


def test_measurements_of_another_city_are_refused(client, tokens):
    """A city editor may not import the stations of another city (issue 14 §2): located refusal, nothing kept."""
    csv = "station,city,time,so2,no2,co,o3,pm10,pm2_5\n1001A,110000,2016-01-01T01:00,5,20,0.5,30,50,40\n"
    r = client.post("/api/v1/imports", files={"file": ("bj.csv", csv.encode(), "text/csv")},
                    headers=tokens("huzhou"))  # fmt: skip
    body = r.json()
    assert r.status_code == 200 and body["upload_id"] is None, body
    (e,) = [x for x in body["errors"] if x["code"] == "scope"]
    assert (e["row"], e["column"], e["value"]) == (2, "city", "110000")
    assert "110000" in e["reason_zh"] and "outside your area" in e["reason_en"]
    # upload_id None: nothing was kept to confirm, nothing reached the lake
    # the programme office may import any city
    r = client.post(
        "/api/v1/imports", files={"file": ("bj.csv", csv.encode(), "text/csv")}, headers=tokens("admin")
    )
    assert r.json()["upload_id"], r.text


def test_languages(client):
    import json
    from pathlib import Path

    from pioneer.web import i18n

    zh = json.loads((i18n.LOCALE / "zh-CN.json").read_text(encoding="utf-8"))
    en = json.loads((i18n.LOCALE / "en.json").read_text(encoding="utf-8"))
    assert zh.keys() == en.keys()
    templates = Path(i18n.__file__).parent / "pages" / "templates"
    used = {
        k
        for f in templates.glob("*.html")
        for k in re.findall(
            r"(?<![\w.])t\('([a-z_.]+[a-z_])'", f.read_text(encoding="utf-8")
        )  # t(…), not .get(…)
    }
    assert used <= zh.keys()
    assert '<html lang="zh-CN">' in client.get("/").text
    page = client.get("/?lang=en")
    assert '<html lang="en">' in page.text and "National overview" in page.text
    assert '<html lang="en">' in client.get("/rankings").text  # the choice is kept in a cookie


def test_map_geojson_decoded():
    import json

    from pioneer.web.app import STATIC

    geo = json.loads((STATIC / "maps" / "china.geojson").read_text(encoding="utf-8"))
    features = {f["id"]: f for f in geo["features"]}
    assert len(features) == 34 and "110000" in features and "650000" in features
    ring = features["110000"]["geometry"]["coordinates"][0][0] if features["110000"]["geometry"]["type"] == "MultiPolygon" \
        else features["110000"]["geometry"]["coordinates"][0]  # fmt: skip
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    assert 115.3 < min(lons) < max(lons) < 117.6 and 39.4 < min(lats) < max(lats) < 41.1  # Beijing's extent


def test_decode_ring_zigzag():
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "vendor_assets", Path(__file__).parents[3] / "scripts" / "vendor_assets.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    # "@@" is a zero step; "BA" is +1 in x (zig-zag 2 → 1) and -1 in y (zig-zag 1 → -1)
    assert mod.decode_ring("@@BA", [1024, 2048], 1024) == [[1.0, 2.0], [1.001, 1.999]]


def test_zone_filters(client):
    within = client.get("/api/v1/zones?within=330000").json()
    assert within["meta"]["found"] == 4 and all(z["code"].startswith("ZJ-") for z in within["results"])
    built = client.get("/api/v1/zones?state=under_construction").json()["results"]
    assert built and all(z["state"] == "under_construction" for z in built)
    counties = client.get("/api/v1/zones?tier=county&within=110000").json()
    assert [z["code"] for z in counties["results"]] == ["BJ-110105"]  # Haidian (draft) is not public


def test_divisions_list(client):
    provinces = client.get("/api/v1/divisions?level=province&limit=100").json()
    assert provinces["meta"]["found"] == 34
    kids = client.get("/api/v1/divisions?parent=330500").json()["results"]
    assert "330523" in {d["code"] for d in kids}
    assert client.get("/api/v1/divisions?q=安吉").json()["results"][0]["code"] == "330523"
    assert client.get("/api/v1/stations/1001A").json()["division_code"].startswith("1101")
    assert client.get("/api/v1/stations/NOPE").status_code == 404


def test_lake_query_and_export(client, tokens):
    assert client.get("/api/v1/lake/air").status_code == 401
    viewer = tokens("viewer")
    body = client.get("/api/v1/lake/air?division=110000&limit=5", headers=viewer).json()
    assert set(body["meta"]) == {"page", "limit", "found"}
    assert all(r["city"].startswith("11") for r in body["results"])
    csv = client.get("/api/v1/lake/air?division=110000", headers=viewer)
    assert csv.status_code == 200
    out = client.get("/api/v1/lake/air/export?division=110000&format=csv", headers=viewer)
    assert out.status_code == 200 and out.text.lstrip("\ufeff").startswith("station,city")
    pq = client.get("/api/v1/lake/water/export?format=parquet", headers=viewer)
    assert pq.status_code == 200 and pq.content[:4] == b"PAR1"
    assert client.get("/api/v1/lake/soil", headers=viewer).status_code == 422


def test_security_headers_and_request_id_in_audit(client, tokens):
    admin = tokens("admin")
    r = client.patch("/api/v1/zones/ZJ-330100", json={"theme": "杭州：请求编号"}, headers=admin)
    assert r.status_code == 200 and r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY" and len(r.headers["x-request-id"]) == 16
    entry = client.get("/api/v1/audit?limit=1", headers=admin).json()["results"][0]
    assert entry["request_id"] == r.headers["x-request-id"]
    assert client.get("/static/app.css").headers["x-content-type-options"] == "nosniff"
