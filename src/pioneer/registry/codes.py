"""The shapes of the registry's codes: their one home is :mod:`pioneer.guard.codes` (below the lake, whose
checker holds station, section and point codes to the same pattern); re-exported here for the registry's
models and schemas."""

from __future__ import annotations

from pioneer.guard.codes import (
    DIVISION_CODE_PATTERN,
    STATION_CODE_PATTERN,
    ZONE_CODE_PATTERN,
    division_code,
    station_code,
    zone_code,
)

__all__ = [
    "DIVISION_CODE_PATTERN",
    "STATION_CODE_PATTERN",
    "ZONE_CODE_PATTERN",
    "division_code",
    "station_code",
    "zone_code",
]
