"""Tables of the air standards, loaded from CSV package data (``pioneer/standards/data``).

Each CSV keeps a ``clause``, ``confidence`` and ``source`` column for every value; see ``data/SOURCES.md``.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import NamedTuple

ITEMS = ("so2", "no2", "co", "o3", "pm10", "pm2_5")
"""The six basic items of GB 3095 Table 1, in CNEMC's spelling (µg/m³; CO in mg/m³): the one list of the air
pollutant items (issue 12 item 2); the other item lists are derived from it."""
DAILY_MEAN_ITEMS = tuple(i for i in ITEMS if i != "o3")
"""The items with a 24-h mean (GB 3095 Table 1; O3 has the daily maximum 8-h and 1-h values instead)."""


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("pioneer.standards").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


class Breakpoint(NamedTuple):
    iaqi: int
    concentration: Decimal


@cache
def breakpoints(edition: str, item: str, period: str) -> tuple[Breakpoint, ...]:
    """IAQI breakpoints (IAQI, concentration) of HJ 633-2012 Table 1 / HJ 633-2026 Table 3.

    ``period`` is ``"1h"``, ``"24h"`` (日平均) or ``"8h"``; rows are ascending. Raises ``KeyError`` naming the
    table for a combination the standard does not define.
    """
    rows = [
        Breakpoint(int(r["iaqi"]), Decimal(r["bp"]))
        for r in _rows("air_iaqi_breakpoints.csv")
        if (r["edition"], r["item"], r["period"]) == (edition, item, period)
    ]
    if not rows:
        raise KeyError(f"air_iaqi_breakpoints.csv has no rows for edition={edition} {item} {period}")
    return tuple(sorted(rows))


@cache
def limits(phase: str, item: str, period: str) -> tuple[Decimal, Decimal]:
    """(class 1, class 2) concentration limits of GB 3095 Table 1 for a limit phase (see ``editions``)."""
    for r in _rows("air_gb3095_limits.csv"):
        if (r["limits"], r["item"], r["period"]) == (phase, item, period):
            return Decimal(r["class1"]), Decimal(r["class2"])
    raise KeyError(f"air_gb3095_limits.csv has no row for {phase} {item} {period}")


class Category(NamedTuple):
    level: int
    aqi_min: int
    name_zh: str
    name_en: str
    colour_zh: str
    hex: str


_CATEGORY_EN = {1: "Excellent", 2: "Good", 3: "Lightly polluted", 4: "Moderately polluted",
                5: "Heavily polluted", 6: "Severely polluted"}  # fmt: skip


@cache
def categories(edition: str) -> tuple[Category, ...]:
    """AQI levels 1–6 with category, colour (HJ 633-2012 Table 2 and Appendix A; HJ 633-2026 Table 1)."""
    out = [
        Category(
            int(r["level"]),
            int(r["aqi_min"]),
            r["category_cn"],
            _CATEGORY_EN[int(r["level"])],
            r["color_cn"],
            r["hex"],
        )  # fmt: skip
        for r in _rows("air_aqi_categories.csv")
        if r["standard"] == f"HJ 633-{edition}"
    ]
    return tuple(sorted(out))
