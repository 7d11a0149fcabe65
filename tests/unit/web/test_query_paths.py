"""The query-level changes of issue 15 §4: lists converted one page at a time with the count of all, division
search filtered by level and parent in SQL, lake queries counted in the same scan as their page (and past the
last page), zones' divisions loaded with the zone list (no query per zone)."""

from __future__ import annotations

import datetime as dt

import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import event
from webhome import SAMPLE

from pioneer.lake.ingest import ingest
from pioneer.lake.storage import Lake
from pioneer.web.api.common import paged


def test_paged_converts_the_page_only():
    seen: list[int] = []

    def convert(x: int) -> int:
        seen.append(x)
        return x * 10

    out = paged(list(range(25)), 2, 10, convert)
    assert out == {"meta": {"page": 2, "limit": 10, "found": 25}, "results": list(range(100, 200, 10))}
    assert seen == list(range(10, 20))
    assert paged(list(range(5)), 3, 10, convert)["results"] == []


def test_division_search_by_level_and_parent(client):
    every = client.get("/api/v1/divisions?q=朝阳&limit=1000").json()
    county = client.get("/api/v1/divisions?q=朝阳&level=county&limit=1000").json()
    assert county["meta"]["found"] == len(county["results"]) >= 1
    assert {d["level"] for d in county["results"]} == {"county"}
    assert county["meta"]["found"] == sum(d["level"] == "county" for d in every["results"])
    beijing = client.get("/api/v1/divisions?q=朝阳&parent=110000").json()["results"]
    assert [d["code"] for d in beijing] == ["110105"]
    provinces = client.get("/api/v1/divisions?level=province&limit=1000").json()
    assert provinces["meta"]["found"] == 34 and {d["level"] for d in provinces["results"]} == {"province"}


def test_lake_page_count_and_past_the_end(client, tokens, tmp_path, monkeypatch):
    # a lake of its own: station 1001A (Beijing), January 2014 of the bundled sample, imported as a user would
    table = pq.read_table(SAMPLE)
    keep = pc.and_(pc.equal(table["station"], "1001A"),
                   pc.and_(pc.greater(table["time"], dt.datetime(2014, 1, 1)),
                           pc.less_equal(table["time"], dt.datetime(2014, 2, 1))))  # fmt: skip
    part = tmp_path / "air-1001A-2014-01.parquet"
    pq.write_table(table.filter(keep), part)
    monkeypatch.setenv("PIONEER_HOME", str(tmp_path))
    result = ingest([part], lake=Lake(), known_stations={"1001A": "110000"}, who="test")[0]
    assert result.ok and result.rows_accepted == 744
    viewer = tokens("viewer")
    first = client.get("/api/v1/lake/air?division=110000&limit=7", headers=viewer).json()
    found = first["meta"]["found"]
    assert found == 744 and len(first["results"]) == 7
    last_page = (found + 6) // 7
    tail = client.get(f"/api/v1/lake/air?division=110000&limit=7&page={last_page}", headers=viewer).json()
    assert tail["meta"]["found"] == found and len(tail["results"]) == found - 7 * (last_page - 1)
    past = client.get(f"/api/v1/lake/air?division=110000&limit=7&page={last_page + 1}", headers=viewer).json()
    assert past["meta"]["found"] == found and past["results"] == []
    assert all("_found" not in r for r in first["results"])


def test_zone_list_does_not_query_per_zone(app, client):
    engine = app.state.session_factory.kw["bind"]
    statements: list[str] = []
    listener = lambda conn, cur, statement, *a: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        body = client.get("/api/v1/zones?limit=1000&tier=city").json()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(body["results"]) >= 2 and all(z["division_codes"] for z in body["results"])
    division_loads = [
        s for s in statements if "registry_zone_division" in s and "FROM registry_zone_division" in s
    ]
    assert len(division_loads) <= 1, division_loads


def test_engine_pool_has_a_connection_per_worker_thread(tmp_path):
    from sqlalchemy.pool import NullPool, QueuePool

    from pioneer.db import make_engine
    from pioneer.db.engine import POOL

    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    assert isinstance(engine.pool, QueuePool) and engine.pool.size() == POOL["pool_size"] == 10
    assert engine.pool._max_overflow == POOL["max_overflow"] == 30  # 40 = AnyIO's default worker threads
    assert not isinstance(make_engine("sqlite://").pool, QueuePool)  # in memory: SQLAlchemy's own pool
    assert isinstance(make_engine(f"sqlite:///{tmp_path / 'q.db'}", poolclass=NullPool).pool, NullPool)


def test_visible_zone_is_one_query_and_agrees_with_the_list(app):
    """``visible_zone`` reads the one zone under the visibility rule (not every visible zone), and for every
    account and the public it finds exactly the zones ``visible_zones`` lists (unpublished ones included or not)."""
    from sqlalchemy import select

    from pioneer.registry.errors import UnknownZoneError
    from pioneer.registry.zones.models import Zone
    from pioneer.web import services
    from pioneer.web.demo import ACCOUNTS
    from pioneer.web.models import User

    factory = app.state.session_factory
    engine = factory.kw["bind"]
    with factory() as session:
        zone_codes = list(session.scalars(select(Zone.code).order_by(Zone.code)))
        states = set(session.scalars(select(Zone.state)))
        assert len(zone_codes) >= 5 and len(states - services.PUBLISHED) >= 1  # both kinds present
        users = [
            None,
            *(session.scalars(select(User).where(User.username == name)).one() for name, *_ in ACCOUNTS),
        ]
        statements: list[str] = []
        listener = lambda conn, cur, statement, *a: statements.append(statement)  # noqa: E731
        for user in users:
            listed = {z.code for z in services.visible_zones(session, user)}
            found = set()
            for code in [*zone_codes, "NO-SUCH-ZONE"]:
                session.expunge_all()  # no identity-map help: each lookup queries
                statements.clear()
                event.listen(engine, "before_cursor_execute", listener)
                try:
                    services.visible_zone(session, user, code)
                    found.add(code)
                except UnknownZoneError:
                    pass
                finally:
                    event.remove(engine, "before_cursor_execute", listener)
                # the zone under the rule, and its divisions (selectin) when found — never the whole list
                assert 1 <= len(statements) <= 2 and "registry_zone.code =" in statements[0], statements
            assert found == listed, (user and user.username, found ^ listed)
            seen = {c for c in [*zone_codes, "NO-SUCH-ZONE"] if services.sees_zone(session, user, c)}
            assert seen == listed, (user and user.username, seen ^ listed)  # the /todo page's "done" banner


def test_zone_page_finds_its_zone_once(app, client, tokens):
    """A signed-in zone page looks its zone up under the visibility rule once and hands it to the scorecards."""
    engine = app.state.session_factory.kw["bind"]
    statements: list[str] = []
    listener = lambda conn, cur, statement, *a: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        r = client.get(
            "/zones/BJ-110000", headers=tokens("beijing")
        )  # an editor: the rule is a SQL condition
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert r.status_code == 200
    ruled = [s for s in statements if "FROM registry_zone" in s and "registry_zone.state IN" in s]
    assert len(ruled) == 1 and "registry_zone.code =" in ruled[0], ruled
