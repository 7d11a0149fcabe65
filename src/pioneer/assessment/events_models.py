"""App-database table of exceptional-event day flags (sand and dust first): which city-day is flagged, of what
kind, on what source and by whom. Written by ``pioneer events import`` (``pioneer.assessment.events``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from pioneer.db.base import Base


class DayFlag(Base):
    """One flagged city-day: ``kind`` (``sand_dust``), the ``source`` it rests on (e.g. the CNEMC deduction list,
    satellite remote sensing, the meteorological dust bulletin) and who set it, when (北京时间 stored with zone)."""

    __tablename__ = "air_day_flag"
    __table_args__ = (UniqueConstraint("division_code", "date", "kind", name="uq_air_day_flag"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    division_code: Mapped[str] = mapped_column(String(6), index=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(String(128))
    set_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    note: Mapped[str] = mapped_column(Text, default="")
