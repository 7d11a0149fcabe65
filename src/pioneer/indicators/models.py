"""App-database tables of the indicators area: indicator values with lineage (computed or reported), the imports
that brought reported statistics in, and targets (national or per division)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Float, Integer, SmallInteger, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from pioneer.db.base import Base


class IndicatorValue(Base):
    """One value of an indicator for a division and year, under one standard edition ("" when none applies).

    A recomputation under the same edition replaces the row; a recomputation under another edition (a baseline
    recomputed under the current standard) is a separate row. ``lineage`` holds how the value was made."""

    __tablename__ = "indicator_value"
    __table_args__ = (
        UniqueConstraint("division_code", "indicator", "year", "edition", name="uq_indicator_value_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    division_code: Mapped[str] = mapped_column(String(6), index=True)
    indicator: Mapped[str] = mapped_column(String(64), index=True)
    year: Mapped[int] = mapped_column(SmallInteger, index=True)
    edition: Mapped[str] = mapped_column(String(64), default="")
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    unit: Mapped[str] = mapped_column(String(32))
    source_kind: Mapped[str] = mapped_column(String(16))  # computed | reported
    method: Mapped[str] = mapped_column(Text, default="")
    source_document: Mapped[str | None] = mapped_column(Text, nullable=True)
    import_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    lineage: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class IndicatorImport(Base):
    """A reported-statistics upload (Excel template) or API submission."""

    __tablename__ = "indicator_import"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    n_rows: Mapped[int] = mapped_column(Integer)
    submitted_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class IndicatorTarget(Base):
    """A division's own target for an indicator and year (national targets live in the catalogue)."""

    __tablename__ = "indicator_target"
    __table_args__ = (UniqueConstraint("division_code", "indicator", "year", name="uq_indicator_target_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    division_code: Mapped[str] = mapped_column(String(6), index=True)
    indicator: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(SmallInteger)
    comparator: Mapped[str] = mapped_column(String(4))
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text)
    confidence: Mapped[str] = mapped_column(String(32))
