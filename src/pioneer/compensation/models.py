"""App-database tables of the compensation area: agreements and their versions.

An agreement's terms live in its versions: every change writes a new, immutable version (a full snapshot of the
validated agreement, :class:`~pioneer.compensation.schemas.AgreementCreate`), so a statement can always be
recomputed from the version it cites. The agreement row keeps the current version's parties and period for
queries by division."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
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


class Statement(Base):
    """A computed yearly statement, kept as computed (never overwritten): a recomputation of the same agreement
    and year is a new row with the next ``number``. It cites the agreement version and the lake imports it used."""

    __tablename__ = "compensation_statement"
    __table_args__ = (UniqueConstraint("agreement_code", "year", "number", name="uq_compensation_statement"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("compensation_agreement.id"), index=True)
    agreement_code: Mapped[str] = mapped_column(String(64), index=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … per agreement and year
    agreement_version: Mapped[int] = mapped_column(Integer)
    net_transfer: Mapped[float] = mapped_column(Float)
    payer: Mapped[str | None] = mapped_column(String(6), nullable=True)
    payee: Mapped[str | None] = mapped_column(String(6), nullable=True)
    unit: Mapped[str] = mapped_column(String(16))
    lake_imports: Mapped[list] = mapped_column(JSON)
    data: Mapped[dict] = mapped_column(JSON)  # the full statement (every number and its arithmetic)
    computed_by: Mapped[str] = mapped_column(String(128))
    note: Mapped[str] = mapped_column(Text, default="")
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class GepAccount(Base):
    """One stored GEP account run (``pioneer gep account --store`` or the web upload): the item values and the
    accounts per input division and city, with the edition, the price basis and who computed it. Runs are never
    overwritten; a division's page shows, per year, the latest run that covers it."""

    __tablename__ = "gep_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    edition: Mapped[str] = mapped_column(String(32))
    divisions: Mapped[list] = mapped_column(JSON)  # input and city codes of the run
    years: Mapped[list] = mapped_column(JSON)
    prices: Mapped[str] = mapped_column(String(64), default="")  # price set name, or ''
    overrides: Mapped[str] = mapped_column(String(256), default="")  # override file name, or ''
    source_file: Mapped[str] = mapped_column(String(256), default="")
    items: Mapped[list] = mapped_column(JSON)  # item values (records)
    accounts: Mapped[list] = mapped_column(JSON)  # accounts by level (records)
    computed_by: Mapped[str] = mapped_column(String(128))
    note: Mapped[str] = mapped_column(Text, default="")
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
