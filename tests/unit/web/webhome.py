"""The web tests' home, importable under a name of its own (every test folder has a ``conftest``): a temporary
PIONEER_HOME with the migrated database, the example zones, the demo accounts and air indicators of a small slice
of the Beijing sample (3 stations, 2014–2015) computed and stored through ``pioneer.indicators`` (the demo's
path); and API tokens for the demo accounts. Used by conftest.py here and by the browser tests' server."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

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
    keep = pc.and_(
        pc.is_in(table["station"], value_set=pa.array(STATIONS)),
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


def token_for(app, username: str) -> dict[str, str]:
    """An API token header for a demo account."""
    from sqlalchemy import select

    from pioneer.web import auth
    from pioneer.web.models import User

    with app.state.session_factory() as session, session.begin():
        user = session.scalar(select(User).where(User.username == username))
        return {"Authorization": f"Bearer {auth.create_token(session, user, 'test')}"}


def home_in_env(path: Path) -> Iterator[Path]:
    """Build a home at ``path``, point PIONEER_HOME at it while the caller's fixture lives, then restore it."""
    old = os.environ.get("PIONEER_HOME")
    build_home(path)
    yield path
    if old is None:
        os.environ.pop("PIONEER_HOME", None)
    else:
        os.environ["PIONEER_HOME"] = old


def token_cache(app) -> Callable[[str], dict[str, str]]:
    """``get(username)`` → an Authorization header for that demo account (created once per user)."""
    cache: dict[str, dict[str, str]] = {}

    def get(username: str) -> dict[str, str]:
        if username not in cache:
            cache[username] = token_for(app, username)
        return cache[username]

    return get
