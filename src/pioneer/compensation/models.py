"""App-database tables of the compensation area: agreements and their versions.

An agreement's terms live in its versions: every change writes a new, immutable version (a full snapshot of the
validated agreement, :class:`~pioneer.compensation.schemas.AgreementCreate`), so a statement can always be
recomputed from the version it cites. The agreement row keeps the current version's parties and period for
queries by division."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, SmallInteger, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pioneer.db.base import Base


class Agreement(Base):
    """A horizontal eco-compensation agreement between an upstream and a downstream division."""

    __tablename__ = "compensation_agreement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(256))
    basin: Mapped[str] = mapped_column(String(64), default="")
    upstream_division_code: Mapped[str] = mapped_column(String(6), index=True)
    downstream_division_code: Mapped[str] = mapped_column(String(6), index=True)
    start_year: Mapped[int] = mapped_column(SmallInteger)
    end_year: Mapped[int] = mapped_column(SmallInteger)
    version: Mapped[int] = mapped_column(Integer, default=1)  # the current version
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    versions: Mapped[list[AgreementVersion]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="AgreementVersion.version"
    )


class AgreementVersion(Base):
    """One immutable version of an agreement's terms (who entered it, when, why)."""

    __tablename__ = "compensation_agreement_version"
    __table_args__ = (UniqueConstraint("agreement_id", "version", name="uq_compensation_agreement_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("compensation_agreement.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(128), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    agreement: Mapped[Agreement] = relationship(back_populates="versions")
