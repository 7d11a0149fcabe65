"""Water and noise files upload through the web like air (issue 15 item 3): ``POST /api/v1/imports`` sniffs the
lake's ``water-long`` / ``water-wide`` / ``noise`` layouts, checks them with the lake's one checker
(``lake.validate.check``), refuses rows outside the uploader's division scope (``web.services.outside_scope``),
keeps the file for the confirm step and imports it into the lake on confirmation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

WATER = (b"section,time,item,value,unit\nWU-01,2025-01-05,cod,15,mg/L\nWU-01,2025-01-05,nh3_n,0.4,mg/L\n"
         b"WU-01,2025-02-05,cod,14,mg/L\n")  # fmt: skip
NOISE = b"point,zone_class,time,leq\nNU-01,1,2025-03-01 10:00,52.5\nNU-01,1,2025-03-01 23:00,44.0\n"


@pytest.fixture(scope="module")
def registered(app):
    """A water section and a noise point of 安吉县 (330523, Huzhou) in the station register."""
    from pioneer.registry.stations.models import Station

    with app.state.session_factory() as s, s.begin():
        if s.scalar(select(Station).where(Station.code == "WU-01")) is None:
            s.add_all([
                Station(code="WU-01", name="测试断面", medium="water", division_code="330523", longitude=119.7,
                        latitude=30.6, datum="CGCS2000", water_body="river", source="test"),
                Station(code="NU-01", name="测试噪声点", medium="noise", division_code="330523", longitude=119.7,
                        latitude=30.6, datum="WGS84", noise_zone_class="1", source="test"),
            ])  # fmt: skip


@pytest.mark.parametrize(
    ("name", "data", "medium"), [("water.csv", WATER, "water"), ("noise.csv", NOISE, "noise")]
)
def test_upload_check_and_confirm(client, tokens, registered, name, data, medium):
    r = client.post("/api/v1/imports", files={"file": (name, data, "text/csv")}, headers=tokens("admin"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["errors"] == [] and body["upload_id"] and body["rows_ok"] >= 2, body
    r = client.post(f"/api/v1/imports/{body['upload_id']}/confirm", headers=tokens("admin"))
    assert r.status_code == 200, r.text
    assert medium in str(r.json())


def test_bad_water_and_noise_rows_located(client, tokens, registered):
    bad_water = b"section,time,item,value,unit\nWU-01,2025-01-05,cod,inf,mg/L\nWU-01,2025-13-05,cod,3,mg/L\n"
    r = client.post(
        "/api/v1/imports", files={"file": ("w.csv", bad_water, "text/csv")}, headers=tokens("admin")
    )
    body = r.json()
    assert r.status_code == 200 and body["upload_id"] is None
    assert {e["row"] for e in body["errors"]} >= {2, 3} and all(
        e["reason_zh"] and e["reason_en"] for e in body["errors"]
    )
    bad_noise = b"point,zone_class,time,leq\nNU-01,1,2025-03-01 10:00,1e309\nNU-01,9,2025-03-01 11:00,50\n"
    r = client.post(
        "/api/v1/imports", files={"file": ("n.csv", bad_noise, "text/csv")}, headers=tokens("admin")
    )
    body = r.json()
    assert r.status_code == 200 and body["upload_id"] is None and {e["row"] for e in body["errors"]} >= {2, 3}


def test_outside_scope_refused(client, tokens, registered):
    """A Beijing city editor may not import 安吉县's section or point; the Huzhou editor may."""
    for name, data in (("water.csv", WATER), ("noise.csv", NOISE)):
        r = client.post(
            "/api/v1/imports", files={"file": (name, data, "text/csv")}, headers=tokens("beijing")
        )
        body = r.json()
        assert body["upload_id"] is None and any(e["code"] == "scope" for e in body["errors"]), body
        r = client.post("/api/v1/imports", files={"file": (name, data, "text/csv")}, headers=tokens("huzhou"))
        assert r.json()["upload_id"], r.text
