"""Plans fixtures: a migrated SQLite app database with the demo's example zones (created through the registry's
real lifecycle), one session per test rolled back afterwards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from pioneer.db import make_engine, session_scope, upgrade
from pioneer.plans.models import Case, Plan, Project
from pioneer.web.demo import seed_zones


@pytest.fixture(scope="session")
def engine(tmp_path_factory) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path_factory.mktemp('plans') / 'pioneer.db'}"
    upgrade(url)
    eng = make_engine(url)
    with session_scope(eng) as s:
        seed_zones(s)  # also adds the demo plan/projects/case: removed, the tests start from none
        for model in (Case, Project, Plan):
            s.execute(delete(model))
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with engine.connect() as connection:
        outer = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
            yield s
        outer.rollback()
