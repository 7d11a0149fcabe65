"""The national month in the web application: the demo's January 2025 import (stations registered with GB/T 2260
city codes, station-day files through the ordinary ingest), the API endpoints, the rankings page, the overview map
values for every city and the city page — on a home of its own."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def national_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict]]:
    old = os.environ.get("PIONEER_HOME")
    home = tmp_path_factory.mktemp("national-home")
    os.environ["PIONEER_HOME"] = str(home)
    try:
        from pioneer.db import make_engine, session_scope, upgrade
        from pioneer.web.app import create_app
        from pioneer.web.demo import seed_accounts, seed_national, seed_zones

        upgrade()
        engine = make_engine()
        with session_scope(engine) as session:
            seed_zones(session)
            seed_accounts(session)
            counts = seed_national(session)
        with session_scope(engine) as session:
            again = seed_national(session)  # idempotent: nothing registered or imported twice
        engine.dispose()
        yield (
            TestClient(create_app(migrate=False), base_url="http://127.0.0.1"),
            {"first": counts, "again": again},
        )
    finally:
        if old is None:
            os.environ.pop("PIONEER_HOME", None)
        else:
            os.environ["PIONEER_HOME"] = old


def test_demo_import(national_client) -> None:
    _, counts = national_client
    first, again = counts["first"], counts["again"]
    assert first["stations"] == 1797 and first["no_city"] == 12 and first["present"] == 12
    assert first["registered"] == 1797 - 12 - 12 and first["files"] == first["imported"] == 31
    assert first["rows_accepted"] + first["rows_refused"] == 53723 and first["rows_refused"] == 12 * 31
    assert again["registered"] == 0 and again["imported"] == 0


def test_months_and_release(national_client) -> None:
    client, _ = national_client
    assert client.get("/api/v1/air/months").json() == {"months": ["2025-01"], "latest": "2025-01"}
    r = client.get("/api/v1/air/national").json()
    assert r["month"] == "2025-01" and r["key"]["set"] == "key_168" and len(r["key"]["composite"]) == 168
    ranks = [c["rank"] for c in r["key"]["composite"]]
    assert ranks[0] == 1 and ranks == sorted(ranks)
    sets = {s["key"]: s for s in r["sets"]}
    assert sets["cities_339"]["n_cities"] == 338  # 三沙市 has no national station
    assert (
        sets["jjj_2_36"]["members"] == 38
        and sets["yrd_31"]["members"] == 31
        and sets["fwp_13"]["members"] == 13
    )
    assert 40 < sets["cities_339"]["pm2_5"] < 70 and r["key"]["change"] == []
    assert client.get("/api/v1/air/national?month=2024-01").status_code == 422
    assert client.get("/api/v1/air/national?month=2025-13").status_code == 422


def test_period_endpoint(national_client) -> None:
    client, _ = national_client
    r = client.get("/api/v1/air/period", params={"from": "2025-01-01", "to": "2025-01-31"}).json()
    cities = {x["id"]: x for x in r["results"]}
    assert (
        len(cities) == 338 and cities["659001"]["name"] == "石河子市" and cities["110000"]["name"] == "北京市"
    )
    assert cities["513200"]["pm2_5_valid_days"] == 31
    csv = client.get("/api/v1/air/period", params={"from": "2025-01-01", "to": "2025-01-10", "format": "csv"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.content.decode("utf-8-sig").splitlines()[0].startswith("level,id,name,city,")
    bad = client.get("/api/v1/air/period", params={"from": "2025-02-01", "to": "2025-01-01"})
    assert bad.status_code == 422


def test_overview_map_of_the_month(national_client) -> None:
    client, _ = national_client
    page = client.get("/")
    assert (
        page.status_code == 200 and 'data-period="2025-01"' in page.text and 'data-level="city"' in page.text
    )
    ov = client.get("/api/v1/overview", params={"indicator": "air_pm2_5", "period": "2025-01"}).json()
    assert len(ov["cities"]) == 338 and ov["period"] == "2025-01"
    assert 'data-period=""' in client.get("/?period=").text  # the annual view on request


def test_rankings_page_and_city_page(national_client) -> None:
    client, _ = national_client
    page = client.get("/rankings")
    assert page.status_code == 200 and 'id="national-168"' in page.text and "张家口市" in page.text
    assert page.text.count('href="/air/cities/') >= 168 and 'id="no-change"' in page.text
    city = client.get("/air/cities/513200?month=2025-01")
    assert city.status_code == 200 and "阿坝藏族羌族自治州" in city.text and 'id="city-stations"' in city.text
    assert client.get("/air/cities/999900").status_code in (400, 404, 422)
    en = client.get("/rankings?lang=en")
    assert "168 key cities" in en.text


def test_zone_pages_link_their_city_month(national_client) -> None:
    client, _ = national_client
    links = {z: client.get(f"/zones/{z}").text for z in ("ZJ-330500", "BJ-110105", "ZJ-330000")}
    assert 'href="/air/cities/330500?month=2025-01"' in links["ZJ-330500"]
    assert (
        'href="/air/cities/110000?month=2025-01"' in links["BJ-110105"]
    )  # a district: its municipality's month
    assert "/air/cities/" not in links["ZJ-330000"]  # a province is no city


def test_upload_check_of_a_t00_file(national_client) -> None:
    """The upload check reads the time from the file name as the lake import does (one helper)."""
    from sqlalchemy import select

    from pioneer.web import services
    from pioneer.web.models import User

    client, _ = national_client
    data = (
        Path(__file__).resolve().parents[2] / "data" / "air" / "cnemc" / "daily" / "2025-01-02T00.csv"
    ).read_bytes()
    with client.app.state.session_factory() as session:
        admin = session.scalar(select(User).where(User.username == "admin"))
        ok = services.validate_upload(session, admin, "2025-01-02T00.csv", data)
        named = services.validate_upload(session, admin, "january.csv", data)
        session.rollback()
    assert ok["rows_ok"] == 35 and {e["code"] for e in ok["errors"]} == {"unknown_station"}  # 雄安新区's 6
    assert named["upload_id"] is None and named["errors"][0]["column"] == "timepoint"
