"""``/api/v1/compensation``: reads need a login, writes EDIT over both parties; refusals change nothing; the
statement comes as JSON (every number) or as a document."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from pioneer.compensation.models import Agreement
from pioneer.compensation.template import example_text
from pioneer.db import session_scope
from pioneer.web import auth
from pioneer.web.models import AuditEntry


@pytest.fixture
def api(world):
    eng, _ = world
    from pioneer.web.app import create_app

    app = create_app(migrate=False)
    headers = {}
    with session_scope(eng) as s:
        for name, role, code in (("admin", auth.Role.ADMIN, None), ("henan", auth.Role.PROVINCE_EDITOR, "410000"),
                                 ("viewer", auth.Role.VIEWER, None)):  # fmt: skip
            u = auth.create_user(s, name, "a-long-password-1", role=role, division_code=code)
            headers[name] = {"Authorization": f"Bearer {auth.create_token(s, u, 'test')}"}
    return TestClient(app, base_url="http://127.0.0.1"), headers, eng


def _count(eng) -> int:
    with session_scope(eng) as s:
        return s.scalar(select(func.count()).select_from(Agreement))


def test_import_read_statement(api):
    client, h, eng = api
    yml = example_text("yellow-river-henan-shandong-2021").encode()
    files = {"file": ("yr.yaml", yml, "application/x-yaml")}
    # anonymous → 401; 河南's province editor covers only one party → 403; nothing written
    assert client.post("/api/v1/compensation/agreements/import", files=files).status_code == 401
    assert (
        client.post("/api/v1/compensation/agreements/import", files=files, headers=h["henan"]).status_code
        == 403
    )
    assert (
        client.post("/api/v1/compensation/agreements/import", files=files, headers=h["viewer"]).status_code
        == 403
    )
    assert _count(eng) == 0
    r = client.post("/api/v1/compensation/agreements/import", files=files, headers=h["admin"])
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 1 and r.json()["data"]["sections"][0]["station"] == "刘庄"
    with session_scope(eng) as s:
        e = s.scalar(select(AuditEntry).where(AuditEntry.object_type == "compensation_agreement"))
        assert e.username == "admin" and e.action == "create"
    listed = client.get("/api/v1/compensation/agreements?division=370000", headers=h["viewer"]).json()
    assert listed["meta"]["found"] == 1
    st = client.get(
        "/api/v1/compensation/agreements/YR-HEN-SHD-2021/statement?year=2021", headers=h["viewer"]
    )
    assert st.status_code == 200 and st.json()["net"]["transfer"] == 6000  # class II, one step × 6000 万元
    pdf = client.get("/api/v1/compensation/agreements/YR-HEN-SHD-2021/statement?year=2021&format=pdf",
                     headers=h["viewer"])  # fmt: skip
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"


def test_refusals_are_located_and_change_nothing(api):
    client, h, eng = api
    body = {"code": "X1", "name": "x", "upstream": "410000", "downstream": "370000", "start_year": 2021,
            "end_year": 2022, "min_months": 12, "document": {"title": "t"},
            "sections": [{"station": "无此断面"}], "terms": [{"kind": "class_steps"}]}  # fmt: skip
    r = client.post("/api/v1/compensation/agreements", json=body, headers=h["admin"])
    assert r.status_code == 422
    cols = {e["column"] for e in r.json()["detail"]["errors"]}
    assert cols == {"sections[1].station", "terms[1].amount_per_class"}
    assert _count(eng) == 0
    assert client.get("/api/v1/compensation/agreements/NOPE", headers=h["viewer"]).status_code == 404
    body["sections"] = [{"station": "刘庄"}]
    body["terms"] = [{"kind": "class_steps", "amount_per_class": 6000}]
    assert client.post("/api/v1/compensation/agreements", json=body, headers=h["admin"]).status_code == 201
    r = client.get("/api/v1/compensation/agreements/X1/statement?year=2022", headers=h["viewer"])
    assert r.status_code == 422 and len(r.json()["detail"]["errors"]) == 3  # cod, nh3_n, tp: 3 of 12 months
    # a new version through PUT; version 1 stays readable
    body["terms"] = [{"kind": "class_steps", "amount_per_class": 5000}]
    assert (
        client.put("/api/v1/compensation/agreements/X1", json=body, headers=h["admin"]).json()["version"] == 2
    )
    old = client.get("/api/v1/compensation/agreements/X1?version=1", headers=h["viewer"]).json()
    assert old["data"]["terms"][0]["amount_per_class"] == 6000
    listed = client.get("/api/v1/compensation/agreements/X1/versions", headers=h["viewer"]).json()
    assert all(v["created_at"].endswith(("+00:00", "Z")) for v in listed)  # RFC 3339 with the zone
    assert [v["version"] for v in client.get("/api/v1/compensation/agreements/X1/versions",
                                              headers=h["viewer"]).json()] == [1, 2]  # fmt: skip


def test_pages_of_the_divisions_the_basin_and_the_statement(api):
    client, h, _ = api
    files = {
        "file": ("yr.yaml", example_text("yellow-river-henan-shandong-2021").encode(), "application/x-yaml")
    }
    assert (
        client.post("/api/v1/compensation/agreements/import", files=files, headers=h["admin"]).status_code
        == 201
    )
    assert client.get("/compensation").status_code == 401  # anonymous
    for query in ("division=410000", "division=370000", "division=371700", "basin=黄河"):
        page = client.get(f"/compensation?{query}", headers=h["viewer"])
        assert page.status_code == 200 and "/compensation/YR-HEN-SHD-2021" in page.text, query
    assert (
        "/compensation/YR-HEN-SHD-2021"
        not in client.get("/compensation?division=330000", headers=h["viewer"]).text
    )
    page = client.get("/compensation/YR-HEN-SHD-2021?year=2021&lang=en", headers=h["viewer"])
    assert page.status_code == 200 and "annual class II, target III: 1 step(s) × 6000 万元" in page.text
    assert "370000 pays 410000" in page.text
    bad = client.get("/compensation/YR-HEN-SHD-2021?year=2022&lang=zh-CN", headers=h["viewer"])
    assert bad.status_code == 422 and "刘庄" in bad.text and "3 个" in bad.text


def test_excel_upload(api, tmp_path):
    client, h, _ = api
    from pioneer.compensation.excel import write_workbook
    from pioneer.compensation.template import parse_agreement

    x = write_workbook(parse_agreement(example_text("lushui-jiangxi-hunan-2019")), tmp_path / "a.xlsx")
    files = {
        "file": (
            "a.xlsx",
            x.read_bytes(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    }
    r = client.post("/api/v1/compensation/agreements/import", files=files, headers=h["admin"])
    assert r.status_code == 201 and r.json()["code"] == "LUSHUI-JX-HN-2019"


def test_gep_account_api(api):
    client, h, _ = api
    # 513301: water conservation 1e8 m³ × 7.06 = 7.06e8 元 + agriculture 2e8 元 → GEP 9.06e8; GDP 1.812e9 → 0.5
    csv = "division_code,year,component,quantity\n513301,2010,water_conservation,1e8\n513301,2010,agriculture_value,2e8\n"
    gdp = "division_code,year,gdp\n513301,2010,1.812e9\n"
    files = {"quantities": ("q.csv", csv.encode(), "text/csv"), "gdp": ("g.csv", gdp.encode(), "text/csv")}
    assert client.post("/api/v1/gep/account?prices=garze-2010", files=files).status_code == 401
    r = client.post("/api/v1/gep/account?prices=garze-2010", files=files, headers=h["viewer"])
    assert r.status_code == 200, r.text
    acc = {(a["level"], a["division_code"]): a for a in r.json()["accounts"]}
    assert acc[("input", "513301")]["gep"] == pytest.approx(9.06e8)
    assert acc[("input", "513301")]["gep_gdp_ratio"] == pytest.approx(0.5)
    assert acc[("city", "513300")]["gep"] == pytest.approx(9.06e8)
    # without a price for water conservation: located 422
    files["quantities"] = ("q.csv", csv.encode(), "text/csv")
    bad = client.post("/api/v1/gep/account", files=files, headers=h["viewer"])
    assert bad.status_code == 422 and "no price" in bad.json()["detail"]["message_en"]
    files["quantities"] = ("q.csv", csv.encode(), "text/csv")
    pdf = client.post("/api/v1/gep/account?prices=garze-2010&format=pdf", files=files, headers=h["viewer"])
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
