"""The ecology API: reads need a login, writes are refused outside the user's scope (403, nothing written), bad
rows answer 422 with located errors, accepted writes are audited with the request's user."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator:
    old = os.environ.get("PIONEER_HOME")
    os.environ["PIONEER_HOME"] = str(tmp_path_factory.mktemp("ecology-home"))
    from pioneer.db import make_engine, session_scope, upgrade
    from pioneer.web.app import create_app
    from pioneer.web.demo import seed_accounts

    upgrade()
    engine = make_engine()
    with session_scope(engine) as s:
        seed_accounts(s)
    engine.dispose()
    yield create_app(migrate=False)
    if old is None:
        os.environ.pop("PIONEER_HOME", None)
    else:
        os.environ["PIONEER_HOME"] = old


def token(app, username):
    from pioneer.web import auth
    from pioneer.web.models import User

    with app.state.session_factory() as s, s.begin():
        user = s.scalar(select(User).where(User.username == username))
        return {"Authorization": f"Bearer {auth.create_token(s, user, 'test')}"}


POND = {"code": "HZ-T1", "name": "某尾矿库", "division_code": "330502", "supervision_class": "1",
        "class_document": "浙江省 2025 年清单", "status": "operating"}  # fmt: skip


def test_scope_validation_and_audit(app):
    from pioneer.web.models import AuditEntry

    c = TestClient(app, base_url="http://127.0.0.1")
    assert c.get("/api/v1/ecology/tailings_ponds").status_code == 401
    beijing, huzhou = token(app, "beijing"), token(app, "huzhou")
    r = c.post("/api/v1/ecology/tailings_ponds", json=[POND], headers=beijing)
    assert r.status_code == 403 and "330502" in r.json()["detail"]["message_zh"]
    bad = c.post("/api/v1/ecology/tailings_ponds", json=[{**POND, "supervision_class": "4"}], headers=huzhou)
    assert bad.status_code == 422 and "环境监管级别" in bad.json()["detail"]["message_zh"]
    assert c.get("/api/v1/ecology/tailings_ponds", headers=huzhou).json()["meta"]["found"] == 0
    ok = c.post("/api/v1/ecology/tailings_ponds", json=[POND], headers=huzhou)
    assert ok.status_code == 201 and ok.json() == {"saved": 1}
    listed = c.get("/api/v1/ecology/tailings_ponds", params={"division": "330000"}, headers=huzhou).json()
    assert listed["results"][0]["division"] == "330502"
    with app.state.session_factory() as s:
        e = s.scalar(select(AuditEntry).where(AuditEntry.object_type == "ecology.tailings_ponds"))
        assert (e.username, e.action, e.object_key, e.division_code) == (
            "huzhou",
            "create",
            "HZ-T1",
            "330502",
        )
    hw = c.get("/api/v1/ecology/indicators/tailings", params={"year": 2025}, headers=huzhou)
    assert hw.status_code == 200 and hw.json()["details"][0]["code"] == "HZ-T1"
    assert (
        c.delete("/api/v1/ecology/tailings_ponds", params={"key": "HZ-T1"}, headers=beijing).status_code
        == 403
    )
    assert (
        c.delete("/api/v1/ecology/tailings_ponds", params={"key": "HZ-T1"}, headers=huzhou).status_code == 204
    )
    xlsx = c.get("/api/v1/ecology/template.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def _login(app, username):
    """A browser session (cookie + CSRF token) through the login form."""
    import re

    c = TestClient(app, base_url="http://127.0.0.1")
    page = c.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    from pioneer.web.demo import DEMO_PASSWORD

    r = c.post("/login", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": csrf},
               follow_redirects=False)  # fmt: skip
    assert r.status_code in (302, 303), r.text[:300]
    return c


def test_page_filters_import_and_languages(app, tmp_path):
    import re

    import openpyxl

    from pioneer.ecology import excel

    anonymous = TestClient(app, base_url="http://127.0.0.1")
    assert anonymous.get("/ecology").status_code == 401
    c = _login(app, "zhejiang")
    page = c.get("/ecology", params={"register": "water_sources"})
    assert page.status_code == 200 and "饮用水水源地" in page.text and "<script>" not in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    path = excel.write_template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["饮用水水源地"].append(["ZJ-1", "<b>老虎潭水库</b>", "水库型", "city", "330502"])
    wb["饮用水水源地"].append(["ZJ-2", "某地下水源", "groundwater", "county", "330599"])
    wb.save(path)
    bad = c.post("/ecology/import", data={"csrf_token": csrf, "register": "water_sources"},
                 files={"file": ("t.xlsx", path.read_bytes())})  # fmt: skip
    assert bad.status_code == 422 and "import-errors" in bad.text and "所在行政区划代码" in bad.text
    wb["饮用水水源地"].delete_rows(3)
    wb.save(path)
    ok = c.post("/ecology/import", data={"csrf_token": csrf, "register": "water_sources"},
                files={"file": ("t.xlsx", path.read_bytes())})  # fmt: skip
    assert ok.status_code == 200 and "import-done" in ok.text
    assert "&lt;b&gt;老虎潭水库&lt;/b&gt;" in ok.text  # stored names are escaped
    kept = c.get(
        "/ecology", params={"register": "water_sources", "source_type": "reservoir", "division": "330000"}
    )
    assert "ZJ-1" in kept.text and "水库型" in kept.text
    none = c.get("/ecology", params={"register": "water_sources", "source_type": "river"})
    assert "ZJ-1" not in none.text and "没有符合条件的记录" in none.text
    en = c.get("/ecology", params={"register": "water_sources", "lang": "en"})
    assert "Ecology registers" in en.text and "reservoir" in en.text


def test_stored_ei_values_are_a_map_layer(app):
    """EI values stored from ``pioneer ecology ei --store`` (here: ``ei_values`` into the store) are served by the
    overview map like any computed catalogue indicator (city and province rows)."""
    import pandas as pd

    from pioneer.ecology import indicators as ind
    from pioneer.indicators import store

    base = {"area": 1000, "forest": 200, "grassland": 100, "water_wetland": 30, "cropland": 400, "built_up": 200,
            "unused": 70, "river_length": 800, "lake_area": 20, "water_resources": 500, "severe_erosion": 10,
            "moderate_erosion": 30, "other_stress": 20, "cod": 5000, "nh3_n": 500, "so2": 3000, "dust": 2000,
            "nox": 4000, "solid_waste": 100, "precipitation": 1000, "ndvi_mean": 0.6, "year": 2025}  # fmt: skip
    table = ind.ei_table(pd.DataFrame([{**base, "division_code": "330500"}, {**base, "division_code": "330000"}]),
                         abundance_rule="habitat_only", a_veg=125.0)  # fmt: skip
    with app.state.session_factory() as s, s.begin():
        store.save_values(
            s, ind.ei_values(table, abundance_rule="habitat_only", a_veg=125.0), source_kind="computed"
        )
    c = TestClient(app, base_url="http://127.0.0.1")
    r = c.get("/api/v1/overview", params={"indicator": "ecological_status_index", "year": 2025})
    assert r.status_code == 200, r.text
    body = r.json()
    assert {"code": "330500", "value": 74.2} in body["cities"] and {"code": "330000", "value": 74.2} in body[
        "provinces"
    ]
