"""Pydantic schemas of the stations domain."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict


class StationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    medium: str
    division_code: str
    longitude: float
    latitude: float
    datum: str
    active_from: dt.date | None
    active_to: dt.date | None
    air_class: str | None
    water_body: str | None
    basin: str | None
    cross_boundary: bool | None
    upstream_division_code: str | None
    downstream_division_code: str | None
    noise_zone_class: str | None


class ImportReport(BaseModel):
    file: str
    rows: int
    codes: list[str]
