"""ORM model of a monitoring station (air station, water section or noise point)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, validates

from pioneer.db.base import Base
from pioneer.registry import codes


class Station(Base):
    __tablename__ = "registry_station"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # e.g. CNEMC 1001A
    name: Mapped[str] = mapped_column(String(128))
    medium: Mapped[str] = mapped_column(String(8), index=True)
    division_code: Mapped[str] = mapped_column(String(6), index=True)
    longitude: Mapped[float] = mapped_column(Float)  # degrees east
    latitude: Mapped[float] = mapped_column(Float)  # degrees north
    datum: Mapped[str] = mapped_column(String(16))  # geodetic datum of the coordinates
    active_from: Mapped[dt.date | None] = mapped_column(Date)
    active_to: Mapped[dt.date | None] = mapped_column(Date)
    air_class: Mapped[str | None] = mapped_column(String(16))
    water_body: Mapped[str | None] = mapped_column(String(16))
    basin: Mapped[str | None] = mapped_column(String(64))
    cross_boundary: Mapped[bool | None] = mapped_column(Boolean)
    upstream_division_code: Mapped[str | None] = mapped_column(String(6))
    downstream_division_code: Mapped[str | None] = mapped_column(String(6))
    noise_zone_class: Mapped[str | None] = mapped_column(String(4))
    source: Mapped[str] = mapped_column(String(256), default="")

    @validates("code")
    def _check_code(self, key: str, value: str) -> str:
        """The station-code shape (``guard.codes.STATION_CODE_PATTERN``), the one the lake holds data files to."""
        return codes.station_code(value)
