"""Fixtures of the web tests: a temporary PIONEER_HOME with the migrated database, the example zones, the demo
accounts and air indicators of a small slice of the Beijing sample (3 stations, 2014–2015) computed and stored through
``pioneer.indicators`` (the demo's path)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "sample" / "beijing_air_hourly.parquet"
STATIONS = ["1001A", "1005A", "1011A"]


def build_home(home: Path) -> Path:
    """Migrate, seed zones and accounts, compute the slice's indicators; returns the slice's path."""
    os.environ["PIONEER_HOME"] = str(home)
    from pioneer.db import make_engine, session_scope, upgrade
    from pioneer.web import assess
    from pioneer.web.demo import seed_accounts, seed_zones

    upgrade()
    engine = make_engine()
    with session_scope(engine) as session:
        seed_zones(session)
        seed_accounts(session)
    engine.dispose()
    table = pq.read_table(SAMPLE)
    import datetime as dt

    keep = pc.and_(
        pc.is_in(table["station"], value_set=__import__("pyarrow").array(STATIONS)),
        pc.and_(
            pc.greater(table["time"], dt.datetime(2014, 1, 1)),
            pc.less_equal(table["time"], dt.datetime(2016, 1, 1)),
        ),
    )
    path = home / "slice.parquet"
    pq.write_table(table.filter(keep), path)
    engine = make_engine()
    with session_scope(engine) as session:
        assess.ensure_sample_values(session, path)
    engine.dispose()
    assess.forget()
    return path


@pytest.fixture(scope="package")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    old = os.environ.get("PIONEER_HOME")
    path = tmp_path_factory.mktemp("pioneer-home")
    build_home(path)
    yield path
    if old is None:
        os.environ.pop("PIONEER_HOME", None)
    else:
        os.environ["PIONEER_HOME"] = old


@pytest.fixture(scope="package")
def app(home: Path):
    from pioneer.web.app import create_app

    return create_app(migrate=False)


@pytest.fixture
def client(app) -> TestClient:
    return TestClient(app, base_url="http://127.0.0.1")


PASSWORD = "pioneer-demo"


def token_for(app, username: str) -> dict[str, str]:
    """An API token header for a demo account."""
    from sqlalchemy import select

    from pioneer.web import auth
    from pioneer.web.models import User

    with app.state.session_factory() as session, session.begin():
        user = session.scalar(select(User).where(User.username == username))
        return {"Authorization": f"Bearer {auth.create_token(session, user, 'test')}"}


@pytest.fixture(scope="package")
def tokens(app):
    """``tokens(username)`` → an Authorization header for that demo account (created once per user)."""
    cache: dict[str, dict[str, str]] = {}

    def get(username: str) -> dict[str, str]:
        if username not in cache:
            cache[username] = token_for(app, username)
        return cache[username]

    return get
