"""Engine and session factory for the app database (``pioneer.config.settings().database``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from pioneer.config import settings


def _enable_sqlite_foreign_keys(dbapi_connection, _record) -> None:
    # SQLite ignores FOREIGN KEY clauses unless asked, per connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


POOL = {"pool_size": 10, "max_overflow": 30}
"""Connections an engine keeps (10) and may open beyond (30): 40 in all, one for each of the server's worker
threads (AnyIO's default limit of 40), so no request waits for a connection — SQLAlchemy's default of 5 + 10
made a loaded server time out (``QueuePool limit … reached``) with answers still to give. A deployment with
``--workers N`` on PostgreSQL needs ``max_connections`` ≥ 40 × N plus what other clients use."""


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """An engine for ``url`` (default: the configured app database) with the pool of :data:`POOL` (a file or a
    server; ``kwargs`` override); SQLite gets foreign keys switched on and its parent folder created."""
    url = url or settings().database
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        file = (
            bool(parsed.database)
            and parsed.database != ":memory:"
            and not parsed.database.startswith("file:")
        )
        engine = create_engine(url, **(POOL if file and "poolclass" not in kwargs else {}) | kwargs)
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        return engine
    return create_engine(url, pool_pre_ping=True, **({} if "poolclass" in kwargs else POOL) | kwargs)


def make_session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    """A ``sessionmaker`` bound to ``engine`` (default: the configured app database)."""
    return sessionmaker(bind=engine or make_engine(), expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits when the block succeeds and rolls back on any error (nothing written)."""
    factory = make_session_factory(engine)
    with factory() as session, session.begin():
        yield session
