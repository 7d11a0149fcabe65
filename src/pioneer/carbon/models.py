"""App-database table of the carbon area: stored account totals (by sector, by fuel, per division-year), so that
the zone page can show where a division's emissions come from. Written by ``pioneer carbon account --store`` and
``POST /api/v1/carbon/account?store=true``; a re-store of the same division, year and edition replaces it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Float, Integer, SmallInteger, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from pioneer.db.base import Base


class CarbonAccountTotal(Base):
    """One total of an energy-activity CO2 account: ``record`` = ``by_sector`` / ``by_fuel`` (``key`` = the sector
    or fuel) or ``total`` (``key`` = ""), under one guideline edition and grid-factor choice."""

    __tablename__ = "carbon_account_total"
    __table_args__ = (
        UniqueConstraint(
            "division_code", "year", "edition", "record", "key", name="uq_carbon_account_total_key"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    division_code: Mapped[str] = mapped_column(String(6), index=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    edition: Mapped[str] = mapped_column(String(32))
    grid: Mapped[str] = mapped_column(String(64))
    record: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(128))
    co2_t: Mapped[float] = mapped_column(Float)
    co2_direct_t: Mapped[float] = mapped_column(Float)
    co2_indirect_t: Mapped[float] = mapped_column(Float)
    energy_gj: Mapped[float | None] = mapped_column(Float, nullable=True)
    source_file: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    stored_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
