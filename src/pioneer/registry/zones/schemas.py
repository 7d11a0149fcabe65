"""Pydantic schemas of the zones domain (XCreate / XPublic family)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from pioneer.registry.codes import DIVISION_CODE_PATTERN, ZONE_CODE_PATTERN
from pioneer.registry.zones.choices import Tier


class ZoneCreate(BaseModel):
    code: str = Field(min_length=1, max_length=32, pattern=ZONE_CODE_PATTERN)
    name_zh: str = Field(min_length=1, max_length=128)
    name_en: str = ""
    tier: Tier
    division_codes: list[Annotated[str, Field(pattern=DIVISION_CODE_PATTERN)]] = Field(
        min_length=1, max_length=500
    )
    theme: str = ""
    seed_sections: list[str] = Field(default_factory=list)
    strategy_code: str | None = None
    as_of: dt.date | None = None  # date at which the codes must be in force (default: today)


class TransitionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    from_state: str | None
    to_state: str
    actor_username: str
    actor_role: str
    reason: str
    at: dt.datetime


class ZonePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name_zh: str
    name_en: str
    tier: str
    theme: str
    seed_sections: list[str]
    strategy_code: str | None
    state: str
    division_codes: list[str]
    as_of: dt.date


class QuotaWarning(BaseModel):
    tier: str
    count: int
    quota: int
    message_zh: str
    message_en: str


class ZoneResult(BaseModel):
    """The outcome of a write: the zone and any soft-quota warnings."""

    zone: ZonePublic
    warnings: list[QuotaWarning] = Field(default_factory=list)
