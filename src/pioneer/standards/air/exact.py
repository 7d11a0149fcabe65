"""Exact decimal arithmetic for concentrations, as scaled integers.

Concentrations are carried as integers in millionths of their unit (``SCALE``), so that a value on a breakpoint is
exactly on it (no ``0.1 + 0.2`` drift) and rounding half to even per GB/T 8170-2008 §3.3 is decided on the exact
decimal value. Inputs with up to six decimals are represented exactly. Every function here works on Ibis integer
columns (and, where noted, on NumPy arrays); integer quotients are taken with one IEEE double division, which is
exact in the range used (``EXACT_LIMIT``) and identical on DuckDB and PySpark.

Only non-negative values occur: negative concentrations are rejected at input.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np

SCALE = 10**6
"""Concentrations are held as integers in units of 10⁻⁶ µg/m³ (CO: 10⁻⁶ mg/m³)."""

DECIMALS = {"so2": 0, "no2": 0, "o3": 0, "pm10": 0, "pm2_5": 0, "co": 1}
"""Reporting precision (decimals): µg/m³ items to integers, CO (mg/m³) to one decimal — HJ 633-2026 §4.2.2."""


def scaled(value: Any) -> Any:
    """A float concentration column/array → scaled integers (``round(value × SCALE)``)."""
    if isinstance(value, ir.Expr):
        return (value * SCALE).round().cast("int64")
    return np.rint(np.asarray(value, dtype="float64") * SCALE).astype("int64")


def unscaled(value: Any) -> Any:
    """Scaled integers → float concentrations."""
    if isinstance(value, ir.Expr):
        return value.cast("float64") / SCALE
    return np.asarray(value, dtype="float64") / SCALE


EXACT_LIMIT = 2**53
"""Integers below this are exact in IEEE double precision. For 0 ≤ n, d with n + d < 2⁵³, ``floor(n / d)`` and
``ceil(n / d)`` computed with one correctly rounded double division are the exact integer results: a quotient
that is not an integer lies at least 1/d from the nearest one, more than the rounding error (n/d)·2⁻⁵³.
Every quantity here stays far below it (a year of scaled daily sums is < 10¹³)."""


def ceil_div(n: Any, d: Any) -> Any:
    """⌈n / d⌉ for integers 0 ≤ n, 0 < d, n + d < 2⁵³ (exact; see ``EXACT_LIMIT``)."""
    if isinstance(n, ir.Expr) or isinstance(d, ir.Expr):
        return (n / d).ceil()
    r = n % d
    return (n - r) // d + (r > 0)


def round_half_even_div(n: Any, d: Any) -> Any:
    """n / d rounded to an integer, half to even (GB/T 8170-2008 §3.3 "四舍六入五成双"), for integers 0 ≤ n,
    0 < d, n + d < 2⁵³ (exact; see ``EXACT_LIMIT``)."""
    if isinstance(n, ir.Expr) or isinstance(d, ir.Expr):
        q = (n / d).floor()
        twice_r = (n - q * d) * 2
        return q + ibis.ifelse((twice_r > d) | ((twice_r == d) & (q % 2 == 1)), 1, 0)
    r = n % d
    q = (n - r) // d
    return q + ((r * 2 > d) | ((r * 2 == d) & (q % 2 == 1)))


def round_half_even_units(value: ir.FloatingValue, decimals: int) -> ir.IntegerValue:
    """A float concentration rounded half to even (GB/T 8170-2008 §3.3) to ``decimals`` places, as an integer
    count of 10^-decimals units (``round_scaled(scaled(value), decimals)`` divided by the unit). The value is
    quantised to 10⁻⁶ first (``scaled``), so decimal inputs with up to six places are exact."""
    return round_half_even_div(scaled(value), SCALE // 10**decimals)


def round_scaled(value: Any, decimals: int) -> Any:
    """Round a scaled concentration to ``decimals`` places, half to even (GB/T 8170-2008 §3.3); stays scaled."""
    unit = SCALE // 10**decimals
    return round_half_even_div(value, unit) * unit
