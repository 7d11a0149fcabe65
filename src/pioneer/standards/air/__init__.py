"""Air quality: HJ 633 (AQI), GB 3095 (limits, validity) and HJ 663 (assessment), editions 2012/2013 and 2026.

See ``editions`` for the edition registry, ``aqi`` for the index and ``evaluation`` for the hourly → daily →
annual chain. Every function names its standard and clause.
"""

from pioneer.standards.air.aqi import aqi, category, iaqi, level, report, report_items
from pioneer.standards.air.editions import EDITIONS, edition, edition_in_force, resolve
from pioneer.standards.air.evaluation import (
    city_hourly,
    daily_report,
    daily_values,
    o3_daily_max_8h,
    sites_hourly,
)
from pioneer.standards.air.period import annual_statistics

__all__ = [
    "EDITIONS",
    "annual_statistics",
    "aqi",
    "category",
    "city_hourly",
    "daily_report",
    "daily_values",
    "edition",
    "edition_in_force",
    "iaqi",
    "level",
    "o3_daily_max_8h",
    "report",
    "report_items",
    "resolve",
    "sites_hourly",
]
