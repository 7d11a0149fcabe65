"""Exact decimal arithmetic for concentrations, as scaled integers.

Concentrations are carried as integers in millionths of their unit (``SCALE``), so that a value on a breakpoint is
exactly on it (no ``0.1 + 0.2`` drift) and rounding half to even per GB/T 8170-2008 §3.3 is decided on the exact
decimal value. The arithmetic itself is that of :mod:`pioneer.standards.common` (the one home of the rounding
rule), re-exported here under the names the air modules use; this module adds the air reporting precision.

Only non-negative values occur: negative concentrations are rejected at input.
"""

from __future__ import annotations

import ibis.expr.types as ir

from pioneer.standards.common import (
    EXACT_LIMIT,
    SCALE,
    ceil_div,
    round_half_even_div,
    round_scaled,
    scaled,
    unscaled,
)

__all__ = [
    "DECIMALS",
    "EXACT_LIMIT",
    "SCALE",
    "ceil_div",
    "round_half_even_div",
    "round_half_even_units",
    "round_scaled",
    "scaled",
    "unscaled",
]

DECIMALS = {"so2": 0, "no2": 0, "o3": 0, "pm10": 0, "pm2_5": 0, "co": 1}
"""Reporting precision (decimals): µg/m³ items to integers, CO (mg/m³) to one decimal — HJ 633-2026 §4.2.2."""


def round_half_even_units(value: ir.FloatingValue, decimals: int) -> ir.IntegerValue:
    """A float concentration rounded half to even (GB/T 8170-2008 §3.3) to ``decimals`` places, as an integer
    count of 10^-decimals units (``round_scaled(scaled(value), decimals)`` divided by the unit). The value is
    quantised to 10⁻⁶ first (``scaled``), so decimal inputs with up to six places are exact."""
    return round_half_even_div(scaled(value), SCALE // 10**decimals)
