"""The public response cache (``pioneer.web.cache``): anonymous answers are served from memory until the data
change — through the app itself, through another engine (another worker, a ``pioneer`` command) or, without the
SQLite change counter, through the SQL fingerprint — and answers to requests with credentials are never served
from it nor stored in it.

Each test works on its own copy of the package's database (``own``), so the writes here do not leak into the
other web tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select
from test_api import login
from webhome import token_for

from pioneer.db import make_engine, session_scope
from pioneer.indicators import store
from pioneer.indicators.models import IndicatorValue
from pioneer.registry.permissions import Actor, Role
from pioneer.registry.zones import service as zones
from pioneer.web import cache
from pioneer.web.models import LoginAttempt

DRAFT = "BJ-110108"  # Haidian: a draft zone, unpublished


@pytest.fixture
def own(home: Path, tmp_path: Path):
    """(client, app, database url) on a private copy of the package's database."""
    from pioneer.web.app import create_app

    shutil.copy(home / "pioneer.db", tmp_path / "pioneer.db")
    url = f"sqlite:///{tmp_path / 'pioneer.db'}"
    engine = make_engine(url)
    with session_scope(engine) as session:  # other tests' failed logins would rate-limit this client
        session.execute(delete(LoginAttempt))
    engine.dispose()
    app = create_app(migrate=False, database_url=url)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client, app, url


def middleware(app) -> cache.PublicCache:
    layer = app.middleware_stack
    if layer is None:
        app.middleware_stack = layer = app.build_middleware_stack()
    while not isinstance(layer, cache.PublicCache):
        layer = layer.app
    return layer


def zone_codes(client, **kw) -> set[str]:
    r = client.get("/api/v1/overview", **kw)
    assert r.status_code == 200
    return {z["code"] for z in r.json()["zones"]}


def publish_elsewhere(url: str, code: str) -> None:
    """Walk the draft zone to ``approved`` through the registry in a separate engine (another process's view)."""
    engine = make_engine(url)
    with session_scope(engine) as session:
        zones.transition(session, code, "recommended", actor=Actor("p", Role.PROVINCE, ("110000",)))
        for state in ("under_review", "approved"):
            number = (
                "环综合函〔2025〕3号" if state == "approved" else ""
            )  # an approval carries the reply's 文号
            zones.transition(
                session, code, state, actor=Actor("po", Role.PROGRAMME_OFFICE), document_number=number
            )
    engine.dispose()


def test_hit_etag_304_and_headers(own):
    client, app, _ = own
    layer = middleware(app)
    first = client.get("/api/v1/overview?indicator=air_pm2_5")
    misses = layer.misses
    second = client.get("/api/v1/overview?indicator=air_pm2_5")
    assert layer.misses == misses and layer.hits >= 1  # served from memory
    assert first.content == second.content and first.headers["etag"] == second.headers["etag"]
    assert second.headers["cache-control"] == "no-cache"
    assert "Cookie" in second.headers["vary"] and "Authorization" in second.headers["vary"]
    assert second.headers["x-content-type-options"] == "nosniff" and second.headers["x-request-id"]
    assert first.headers["x-request-id"] != second.headers["x-request-id"]  # per request, not cached
    again = client.get(
        "/api/v1/overview?indicator=air_pm2_5", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""
    other = client.get("/api/v1/overview?indicator=air_pm2_5", headers={"If-None-Match": '"stale"'})
    assert other.status_code == 200 and other.content == first.content


def test_publishing_elsewhere_invalidates(own):
    """A write by another engine (another worker or a ``pioneer`` command) is seen at the next request."""
    client, _, url = own
    assert DRAFT not in zone_codes(client)
    assert client.get(f"/zones/{DRAFT}").status_code == 404
    assert client.get(f"/api/v1/zones/{DRAFT}/indicators").status_code == 404
    publish_elsewhere(url, DRAFT)
    assert DRAFT in zone_codes(client)
    assert client.get(f"/zones/{DRAFT}").status_code == 200
    assert client.get(f"/api/v1/zones/{DRAFT}/indicators").status_code == 200


def test_unpublishing_through_the_api_invalidates(own):
    """A withdrawal through the app (an in-process write) removes the zone from the cached public answers."""
    client, app, _ = own
    code = "BJ-110105"  # Chaoyang: approved, published
    assert code in zone_codes(client)
    page = client.get(f"/zones/{code}")
    assert page.status_code == 200
    admin = token_for(app, "admin")
    r = client.post(
        f"/api/v1/zones/{code}/transitions", json={"to_state": "withdrawn", "reason": "test"}, headers=admin
    )
    assert r.status_code == 200, r.text
    assert code not in zone_codes(client)
    assert client.get(f"/zones/{code}").status_code == 404


def test_theme_edit_invalidates_zone_page(own):
    client, app, _ = own
    assert "new-theme-text" not in client.get("/zones/BJ-110000").text
    editor = token_for(app, "beijing")
    assert (
        client.patch("/api/v1/zones/BJ-110000", json={"theme": "new-theme-text"}, headers=editor).status_code
        == 200
    )
    assert "new-theme-text" in client.get("/zones/BJ-110000").text


def test_new_and_replaced_values_invalidate(own):
    """A value added, and a value replaced under the same key (the old row deleted and a row inserted, so the
    table's row count is unchanged), are both seen by the trends, the rankings and the scorecards."""
    client, _, url = own

    def points() -> dict:
        series = client.get("/api/v1/zones/BJ-110000/trends").json()["divisions"][0]["series"]
        return {s["indicator"]: s["points"] for s in series}

    before = points()["air_pm2_5"]
    ranking = client.get("/api/v1/rankings?indicator=air_pm2_5&level=city").json()
    engine = make_engine(url)
    with session_scope(engine) as session:
        row = session.scalar(select(IndicatorValue).where(IndicatorValue.indicator == "air_pm2_5")
                             .order_by(IndicatorValue.year.desc()))  # fmt: skip
        year, edition = row.year, row.edition
        frame = pd.DataFrame([{"division_code": "110000", "indicator": "air_pm2_5", "year": year + 1,
                               "edition": edition, "value": 12.5, "unit": row.unit}])  # fmt: skip
        store.save_values(session, frame, source_kind="reported")
    assert points()["air_pm2_5"][-1] == [year + 1, 12.5]
    assert client.get("/api/v1/rankings?indicator=air_pm2_5&level=city").json()["year"] == year + 1
    with session_scope(engine) as session:  # replace that value: delete + insert, same count
        n = session.query(IndicatorValue).count()
        frame.loc[0, "value"] = 99.0
        store.save_values(session, frame, source_kind="reported")
        assert session.query(IndicatorValue).count() == n
    assert points()["air_pm2_5"][-1] == [year + 1, 99.0]
    card = client.get("/api/v1/zones/BJ-110000/indicators").json()["scorecards"][0]
    assert card["year"] == year + 1
    assert next(r for r in card["indicators"] if r["indicator"] == "air_pm2_5")["value"] == 99.0
    with session_scope(engine) as session:
        session.execute(delete(IndicatorValue).where(IndicatorValue.year == year + 1))
    engine.dispose()
    assert points()["air_pm2_5"] == before
    assert client.get("/api/v1/rankings?indicator=air_pm2_5&level=city").json() == ranking


def test_credentialed_answers_bypass_the_public_cache(own):
    """A viewer sees the unpublished zone, the public does not — whichever is asked first; the viewer's answer
    is marked private and never stored."""
    client, app, _ = own
    layer = middleware(app)
    assert DRAFT not in zone_codes(client)  # fills the public cache
    viewer = token_for(app, "viewer")
    r = client.get("/api/v1/overview", headers=viewer)
    assert DRAFT in {z["code"] for z in r.json()["zones"]}
    assert r.headers["cache-control"] == "private, no-store" and "etag" not in r.headers
    stored = dict(layer.entries)
    assert DRAFT in zone_codes(client, headers=viewer)  # again: never served from the public entry
    assert dict(layer.entries) == stored  # …nor stored
    assert DRAFT not in zone_codes(client)
    # the session cookie of a signed-in viewer counts as a credential too (also for the HTML pages)
    assert login(client, "viewer").status_code == 303
    assert DRAFT in zone_codes(client)
    page = client.get(f"/zones/{DRAFT}")
    assert page.status_code == 200 and page.headers["cache-control"] == "private, no-store"
    client.cookies.clear()
    assert DRAFT not in zone_codes(client) and client.get(f"/zones/{DRAFT}").status_code == 404
    # an empty session cookie is treated as a credential (answered by the app, not from the cache)
    misses = layer.misses
    r = client.get("/api/v1/overview", headers={"Cookie": "pioneer_session="})
    assert r.headers["cache-control"] == "private, no-store" and layer.misses == misses


def test_languages_are_cached_separately(own):
    client, _, _ = own
    zh = client.get("/rankings")
    en = client.get("/rankings", headers={"Cookie": "pioneer_lang=en"})
    assert zh.status_code == en.status_code == 200
    assert 'lang="zh-CN"' in zh.text and 'lang="en"' in en.text
    assert client.get("/rankings").text == zh.text
    switched = client.get("/rankings?lang=en")  # sets the language cookie: answered, not stored
    assert "set-cookie" in switched.headers and 'lang="en"' in switched.text


def test_fingerprint_without_the_change_counter(own, monkeypatch):
    """Without the SQLite change counter (WAL mode, PostgreSQL) the SQL fingerprint sees another engine's write."""
    client, app, url = own
    version = middleware(app).version
    monkeypatch.setattr(version, "header_counter", lambda: None)
    before = version()
    assert DRAFT not in zone_codes(client)
    publish_elsewhere(url, DRAFT)
    assert version() != before
    assert DRAFT in zone_codes(client)


def test_change_counter_and_wal_detection(tmp_path):
    """The header counter moves with every commit of any connection; a WAL database is not trusted to it."""
    import sqlite3

    path = tmp_path / "x.db"
    con = sqlite3.connect(path)
    con.execute("create table t (x)")
    con.commit()
    version = cache.DataVersion(make_engine(f"sqlite:///{path}"))
    first = version.header_counter()
    con.execute("insert into t values (1)")
    con.commit()
    assert first is not None and version.header_counter() != first
    con.execute("pragma journal_mode=wal")
    con.execute("insert into t values (2)")
    con.commit()
    assert version.header_counter() is None
    con.close()


def test_static_files_from_memory(client):
    """Static files: the gzip form computed once and served as is, identity on request, revalidation, ranges and
    traversal as Starlette's ``StaticFiles``."""
    from pioneer.web.app import STATIC

    raw = (STATIC / "vendor" / "echarts.min.js").read_bytes()
    packed = client.get("/static/vendor/echarts.min.js", headers={"Accept-Encoding": "gzip"})
    assert packed.status_code == 200 and packed.headers["content-encoding"] == "gzip"
    assert packed.content == raw  # decoded by the client
    assert int(packed.headers["content-length"]) < len(raw) / 2
    plain = client.get("/static/vendor/echarts.min.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == raw
    assert plain.headers["etag"] != packed.headers["etag"] and "javascript" in plain.headers["content-type"]
    again = client.get("/static/vendor/echarts.min.js", headers={"Accept-Encoding": "gzip",
                                                                  "If-None-Match": packed.headers["etag"]})  # fmt: skip
    assert again.status_code == 304
    part = client.get("/static/vendor/echarts.min.js", headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and part.content == raw[:10]
    small = client.get("/static/app.css")
    assert small.status_code == 200 and small.content == (STATIC / "app.css").read_bytes()
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/nope.js").status_code == 404
    assert client.head("/static/app.css").status_code == 200


def test_concurrent_misses_compute_once(own):
    """Concurrent anonymous requests of one key while it is being computed wait for that computation."""
    import asyncio

    import httpx

    _, app, _ = own
    layer = middleware(app)

    async def burst() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            return await asyncio.gather(*(c.get("/zones/BJ-110000") for _ in range(6)))

    layer.clear()
    misses = layer.misses
    answers = asyncio.run(burst())
    assert {r.status_code for r in answers} == {200} and len({r.content for r in answers}) == 1
    assert layer.misses == misses + 1


def test_generation_counts_the_apps_own_writes_only(own):
    """Read-only requests leave the in-process counter alone; a committed write of public data through the
    app's engine raises it; a rolled-back write does not; a write of private tables only (an API token) does
    not either (it counts as a private commit)."""
    client, app, _ = own
    version = middleware(app).version
    gen = version.generation
    for path in ("/api/v1/overview", "/zones/BJ-110000", "/api/v1/zones?limit=5"):
        assert client.get(path).status_code == 200
    assert version.generation == gen
    private = version.private_commits
    editor = token_for(app, "beijing")  # creates an API token: a committed INSERT of web_api_token only
    assert version.generation == gen and version.private_commits > private
    r = client.patch("/api/v1/zones/BJ-110000", json={"theme": "generation-test"}, headers=editor)
    assert r.status_code == 200 and version.generation > gen  # a zone edit (and its audit entry)
    gen = version.generation
    with app.state.session_factory() as session:
        session.execute(delete(LoginAttempt))
        session.rollback()
    assert version.generation == gen


def test_signing_in_keeps_the_data_version(own):
    """Signing in writes a session, login attempts and audit entries: the data version — and with it the public
    cache and the assessment memo — stays, so a login does not make every page cold; so does another engine's
    write of private tables only (another worker's login). A public write by another engine still changes it."""
    client, app, url = own
    version = middleware(app).version
    before = version()
    assert login(client, "viewer").status_code == 303
    client.cookies.clear()
    login(client, "nobody", "wrong-password")  # a failed attempt: the throttle's row
    client.cookies.clear()
    assert version() == before
    other = make_engine(url)  # another process signs in (a session row) and starts a job: no public data
    with session_scope(other) as session:
        session.execute(delete(LoginAttempt))
    other.dispose()
    assert version() == before
    publish_elsewhere(url, DRAFT)
    assert version() != before
