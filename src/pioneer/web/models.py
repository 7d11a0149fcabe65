"""ORM models of the web layer: users, server-side sessions, API tokens, login attempts, audit log.

Tables are created by migration ``0100_web_accounts`` (``pioneer/db/migrations/versions``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pioneer.db.audit import AuditEntry as AuditEntry  # the audit log lives low (db/audit.py)
from pioneer.db.audit import utcnow as utcnow  # one clock for every writer
from pioneer.db.base import Base


class User(Base):
    """An account: argon2 password hash, one role, and for editors the division code of their scope."""

    __tablename__ = "web_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(32))
    division_code: Mapped[str | None] = mapped_column(String(6), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    sessions: Mapped[list[WebSession]] = relationship(back_populates="user", cascade="all, delete-orphan")


class WebSession(Base):
    """A server-side session; the cookie holds a random id, the table holds its sha256 and the CSRF token."""

    __tablename__ = "web_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the cookie value
    user_id: Mapped[int] = mapped_column(ForeignKey("web_user.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(back_populates="sessions")


class ApiToken(Base):
    """A token for machine clients (header ``Authorization: Bearer <token>``); only its sha256 is stored."""

    __tablename__ = "web_api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    # NULL: issued before migration 0700
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class LoginAttempt(Base):
    """Failed and successful logins, for rate limiting (per username and per client address)."""

    __tablename__ = "web_login_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    success: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
