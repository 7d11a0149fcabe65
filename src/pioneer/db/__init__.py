"""The app database: SQLAlchemy 2 declarative ``Base``, engine/session factory and Alembic migrations.

Every area (registry, plans, users, audit …) declares its models on :class:`pioneer.db.Base` and adds its
migrations to ``pioneer/db/migrations/versions`` (one linear chain). ``upgrade(url)`` brings a database —
SQLite file by default, PostgreSQL via ``PIONEER_DATABASE_URL`` — to the newest revision.
"""

from __future__ import annotations

from pioneer.db.base import Base, stored_time
from pioneer.db.engine import make_engine, make_session_factory, session_scope
from pioneer.db.migrate import current_revision, head_revision, upgrade

__all__ = [
    "Base",
    "current_revision",
    "head_revision",
    "make_engine",
    "make_session_factory",
    "session_scope",
    "stored_time",
    "upgrade",
]
