"""All ORM models of the registry (imported by ``pioneer.db.models``)."""

from __future__ import annotations

from pioneer.registry.divisions.models import Division, DivisionSuccessor
from pioneer.registry.stations.models import Station
from pioneer.registry.strategies.models import Strategy, StrategyMember, StrategyTask
from pioneer.registry.zones.models import Zone, ZoneDivision, ZoneTransition

__all__ = [
    "Division",
    "DivisionSuccessor",
    "Station",
    "Strategy",
    "StrategyMember",
    "StrategyTask",
    "Zone",
    "ZoneDivision",
    "ZoneTransition",
]
