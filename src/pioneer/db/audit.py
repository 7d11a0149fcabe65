"""The audit log: one row per change — who (user id and a copy of the username), when, what, before/after.

Its own module low in the dependency order (the table ``web_audit`` of migration ``0100_web_accounts``) so that
the service layer of every area writes it itself (:func:`write`, through
``pioneer.registry.permissions.audit``) and no caller has to pass a writer for a change to be recorded.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from pioneer.db.base import Base


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class AuditEntry(Base):
    """One change: who (user id and a copy of the username), when, what (action, object), before/after."""

    __tablename__ = "web_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    username: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_key: Mapped[str] = mapped_column(String(128))
    division_code: Mapped[str | None] = mapped_column(String(6), nullable=True)
    before: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


def write(
    session: Session,
    *,
    username: str,
    user_id: int | None,
    action: str,
    object_type: str,
    object_key: str,
    division_code: str | None,
    before: dict | None,
    after: dict | None,
    request_id: str = "",
    note: str = "",
) -> AuditEntry:
    """Add one audit entry (the only place that creates them) and flush it."""
    entry = AuditEntry(user_id=user_id, username=username, request_id=request_id, action=action,
                       object_type=object_type, object_key=object_key, division_code=division_code,
                       before=before, after=after, note=note)  # fmt: skip
    session.add(entry)
    session.flush()
    return entry
