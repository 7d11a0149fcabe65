"""``auth.scope_clause`` filters a list query exactly as ``auth.restrict`` decides for each row."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, MetaData, String, Table, create_engine, insert, select

from pioneer.web import auth
from pioneer.web.models import User

CODES = ["110000", "110105", "330000", "330500", "330523", "330522", "330100", "440106"]
USERS = [
    None,
    User(username="a", role="admin", division_code=None, active=True),
    User(username="r", role="reviewer", division_code=None, active=True),
    User(username="v", role="viewer", division_code=None, active=True),
    User(username="p", role="province_editor", division_code="330000", active=True),
    User(username="c", role="city_editor", division_code="330500", active=True),
    User(username="k", role="county_editor", division_code="330523", active=True),
    User(username="x", role="city_editor", division_code="330500", active=False),
]


@pytest.fixture(scope="module")
def table():
    engine = create_engine("sqlite://")
    rows = Table("rows", MetaData(), Column("division_code", String(6)))
    rows.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(rows), [{"division_code": c} for c in CODES])
    yield engine, rows
    engine.dispose()


@pytest.mark.parametrize("user", USERS, ids=lambda u: "anonymous" if u is None else u.username)
@pytest.mark.parametrize("action", list(auth.Action))
def test_query_filter_equals_restrict_per_row(table, user, action) -> None:
    engine, rows = table
    with engine.connect() as conn:
        query = select(rows.c.division_code).where(auth.scope_clause(user, action, rows.c.division_code))
        got = sorted(r[0] for r in conn.execute(query))
    assert got == sorted(c for c in CODES if auth.allowed(user, action, [c]))
