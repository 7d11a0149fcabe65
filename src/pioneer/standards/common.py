"""Helpers shared by the standards modules: reading their CSV package data, a vectorised choice of text, and
exact decimal rounding (GB/T 8170-2008), the one home of the rounding rule for air, water, noise and the rest.

Exact arithmetic: values are carried as integers in millionths of their unit (``SCALE``), so that a value on a
breakpoint is exactly on it (no ``0.1 + 0.2`` drift) and rounding half to even is decided on the exact decimal
value. Inputs with up to six decimals are represented exactly. Integer quotients are taken with one IEEE double
division, which is exact in the range used (``EXACT_LIMIT``) and identical on DuckDB and PySpark.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

SCALE = 10**6
"""Exact values are held as integers in units of 10⁻⁶ of their unit."""

EXACT_LIMIT = 2**53
"""Integers below this are exact in IEEE double precision. For 0 ≤ n, d with n + d < 2⁵³, ``floor(n / d)`` and
``ceil(n / d)`` computed with one correctly rounded double division are the exact integer results: a quotient
that is not an integer lies at least 1/d from the nearest one, more than the rounding error (n/d)·2⁻⁵³.
So :func:`round_half_even` is exact for |x| < 2⁵³ / 10⁶ ≈ 9·10⁹."""


def read_table(name: str) -> pd.DataFrame:
    """A CSV of ``pioneer/standards/data`` as text columns (empty cells stay ``""``)."""
    with resources.files("pioneer.standards.data").joinpath(name).open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def select_obj(conds: list[Any], choices: list[Any], default: Any) -> np.ndarray:
    """``np.select`` for object choices (text, None): first true condition wins, else ``default``."""
    c = np.asarray(np.broadcast_arrays(*[np.asarray(x, dtype=bool) for x in conds]))
    lut = np.array([*choices, default], dtype=object)
    return np.asarray(lut[np.where(c.any(axis=0), c.argmax(axis=0), len(choices))], dtype=object)


def scaled(value: Any) -> Any:
    """A float column/array → scaled integers (``round(value × SCALE)``)."""
    if isinstance(value, ir.Expr):
        return (value * SCALE).round().cast("int64")
    return np.rint(np.asarray(value, dtype="float64") * SCALE).astype("int64")


def unscaled(value: Any) -> Any:
    """Scaled integers → floats."""
    if isinstance(value, ir.Expr):
        return value.cast("float64") / SCALE
    return np.asarray(value, dtype="float64") / SCALE


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


def round_scaled(value: Any, decimals: int) -> Any:
    """Round a scaled value (0 ≤ value) to ``decimals`` places, half to even (GB/T 8170-2008 §3.3); stays
    scaled."""
    unit = SCALE // 10**decimals
    return round_half_even_div(value, unit) * unit


def round_half_even(x: Any, decimals: Any) -> Any:
    """``x`` rounded to ``decimals`` places, half to even (GB/T 8170-2008 §3.3 "四舍六入五成双"), decided exactly.

    Parameters
    ----------
    x : numeric or Ibis column
        Values in any unit; negative values are rounded by their magnitude (the rule is symmetric).
    decimals : int, integer array or Ibis integer column
        Places kept (negative: tens, hundreds …); may differ per row.

    Returns
    -------
    numpy array (for scalars, arrays and Series) or Ibis column
        The rounded values; NaN, ±inf and NULL stay as they are.

    Notes
    -----
    The magnitude is first counted in millionths of the rounding interval 10^-decimals (an integer), so a
    decimal input — e.g. 72.45, held as 72.4500000000000028… — is decided on its exact decimal value; the
    integer is then rounded with :func:`round_half_even_div`. A computed value within 5·10⁻⁷ of an interval
    from a tie counts as the tie. Exact while |x|·10^(decimals+6) < 2⁵³ (``EXACT_LIMIT``; for one decimal
    |x| < 9·10⁸), larger values raise ``ValueError`` (numpy inputs).
    """
    if isinstance(x, ir.Value):
        v = x.cast("float64")
        per = (
            ibis.literal(10.0) ** (decimals + 6)
            if isinstance(decimals, ir.Value)
            else 10.0 ** (int(decimals) + 6)
        )
        q = round_half_even_div((v.abs() * per).round().cast("int64"), SCALE).cast("float64")
        if isinstance(decimals, ir.Value):  # q·10^-decimals, dividing or multiplying by an exact power of ten
            back = ibis.ifelse(
                decimals >= 0, q / ibis.literal(10.0) ** decimals, q * ibis.literal(10.0) ** -decimals
            )
        else:
            back = q / 10.0 ** int(decimals) if int(decimals) >= 0 else q * 10.0 ** -int(decimals)
        return ibis.ifelse(v.isnan() | v.isinf(), v, v.sign() * back)
    a = np.asarray(x, dtype="float64")
    finite = np.isfinite(a)
    dec = np.asarray(decimals, dtype="int64")
    counts = np.rint(np.where(finite, np.abs(a), 0.0) * np.power(10.0, dec + 6))
    if np.any(counts >= EXACT_LIMIT):
        raise ValueError(
            f"round_half_even is exact only while |x|·10^(decimals+6) < 2**53 (EXACT_LIMIT); got {a}"
        )
    q = round_half_even_div(counts.astype("int64"), SCALE)
    back = np.where(dec >= 0, q / np.power(10.0, np.abs(dec)), q * np.power(10.0, np.abs(dec)))
    return np.where(finite, np.sign(a) * back, a)
