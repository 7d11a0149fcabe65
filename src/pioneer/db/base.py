"""Declarative base shared by every area; a naming convention keeps constraint names identical on SQLite and
PostgreSQL so that migrations can refer to them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of all Pioneer ORM models."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def stored_time(value: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """A ``DateTime(timezone=True)`` value as read back: SQLite returns it without its zone, so attach ``zone``,
    the one its writer stamped (PostgreSQL keeps the zone; aware values pass unchanged)."""
    return value if value.tzinfo else value.replace(tzinfo=zone)
