"""The ecology map layer and the EI results page on the demo seed: the GeoJSON endpoint needs a login, lists the
located rows of the four point registers with their labels, filters by division; the EI page shows the county
and city results with class, ΔEI and trend data in both languages; the overview offers the layer to users."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator:
    old = os.environ.get("PIONEER_HOME")
    os.environ["PIONEER_HOME"] = str(tmp_path_factory.mktemp("ecology-pages-home"))
    from pioneer.db import make_engine, session_scope, upgrade
    from pioneer.ecology.demo import seed_ecology, seed_ei
    from pioneer.web.app import create_app
    from pioneer.web.demo import seed_accounts

    upgrade()
    engine = make_engine()
    with session_scope(engine) as s:
        seed_accounts(s)
        seed_ecology(s)
        seed_ei(s)
    engine.dispose()
    yield create_app(migrate=False)
    if old is None:
        os.environ.pop("PIONEER_HOME", None)
    else:
        os.environ["PIONEER_HOME"] = old


def login(app, username: str = "viewer") -> dict:
    from pioneer.web import auth
    from pioneer.web.models import User

    with app.state.session_factory() as s, s.begin():
        user = s.scalar(select(User).where(User.username == username))
        return {"Authorization": f"Bearer {auth.create_token(s, user, 'test')}"}


def test_points_geojson(app):
    c = TestClient(app, base_url="http://127.0.0.1")
    assert c.get("/api/v1/ecology/points.geojson").status_code == 401
    fc = c.get("/api/v1/ecology/points.geojson", headers=login(app)).json()
    assert fc["type"] == "FeatureCollection"
    layers = {f["properties"]["layer"] for f in fc["features"]}
    assert layers == {"water_sources", "tailings_ponds", "hw_units", "hm_enterprises"}
    pond = next(f for f in fc["features"] if f["properties"]["code"] == "DEMO-TP-01")
    assert pond["geometry"] == {"type": "Point", "coordinates": [119.78, 31.08]}
    assert (
        pond["properties"]["detail_zh"] == "二级环境监管"
        and pond["properties"]["detail_en"] == "class 2 supervision"
    )
    assert fc["unlocated"] == {"water_sources": 0, "tailings_ponds": 0, "hw_units": 0, "hm_enterprises": 0}
    anji = c.get("/api/v1/ecology/points.geojson", params={"division": "330523"}, headers=login(app)).json()
    assert {f["properties"]["division_code"] for f in anji["features"]} == {"330523"}
    assert (
        c.get("/api/v1/ecology/points.geojson", params={"division": "33"}, headers=login(app)).status_code
        == 422
    )


def test_ei_page_zh_en(app):
    c = TestClient(app, base_url="http://127.0.0.1")
    h = login(app)
    zh = c.get("/ecology/ei", headers=h)
    assert zh.status_code == 200
    assert "景宁畲族自治县" in zh.text and "80.9" in zh.text and "优" in zh.text and "EQI" in zh.text
    data = json.loads(
        re.search(r'<script type="application/json" id="ei-data">(.*?)</script>', zh.text, re.S)[1]
    )
    anji = next(s for s in data if s["code"] == "331127")
    assert anji["points"] == [[2021, 79.9], [2022, 79.4], [2023, 80.5], [2024, 80.9]]
    en = c.get("/ecology/ei", params={"level": "city", "lang": "en"}, headers=h)
    assert en.status_code == 200 and "good" in en.text and "331100" in en.text and "331127" not in en.text
    assert "style=" not in zh.text.split("<main", 1)[-1]  # no inline style (CSP)


def test_layer_offered_on_pages(app):
    c = TestClient(app, base_url="http://127.0.0.1")
    page = c.get("/ecology", headers=login(app)).text
    assert 'id="eco-map"' in page and "/static/ecology-map.js" in page
    assert 'id="eco-layer"' in c.get("/", headers=login(app)).text
    assert 'id="eco-layer"' not in c.get("/").text  # the registers need a login: no layer for visitors


def test_ei_upload_scope_errors_and_audit(app):
    from pioneer.ecology.demo import demo_ei_inputs
    from pioneer.web.models import AuditEntry

    c = TestClient(app, base_url="http://127.0.0.1")
    f = demo_ei_inputs()
    f = f[f["division_code"] == "331127"]
    f.loc[:, "division_code"] = "330523"  # 安吉县, within the 浙江 editor's scope, outside 北京's
    csv = f.to_csv(index=False).encode()
    form = {"abundance_rule": "habitat_only"}
    files = {"file": ("anji.csv", csv, "text/csv")}
    r = c.post("/api/v1/ecology/ei", data=form, files=files, headers=login(app, "beijing"))
    assert r.status_code == 403 and "330523" in r.json()["detail"]["message_zh"]
    bad = f.copy()
    bad.iloc[1, bad.columns.get_loc("area")] = "-5"
    r = c.post("/api/v1/ecology/ei", data=form, files={"file": ("bad.csv", bad.to_csv(index=False).encode())},
               headers=login(app, "zhejiang"))  # fmt: skip
    assert r.status_code == 422 and "第 3 行" in r.text and "area" in r.text
    ok = c.post("/api/v1/ecology/ei", data=form, files=files, headers=login(app, "zhejiang"))
    assert ok.status_code == 200 and ok.json()["stored"] == 4
    assert [x["ei"] for x in ok.json()["results"]] == [79.9, 79.4, 80.5, 80.9]
    with app.state.session_factory() as s:
        audited = s.scalars(
            select(AuditEntry).where(AuditEntry.object_type == "indicator.ecological_status_index")
        )
        assert {(a.object_key, a.username) for a in audited} >= {
            ("330523/2021", "zhejiang"),
            ("330523/2024", "zhejiang"),
        }
    page = c.get("/ecology/ei", params={"division": "330523"}, headers=login(app, "zhejiang")).text
    assert "安吉县" in page and 'id="ei-form"' in page
    assert 'id="ei-form"' not in c.get("/ecology/ei", headers=login(app)).text  # viewers cannot upload
