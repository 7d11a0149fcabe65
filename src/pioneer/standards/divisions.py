"""GB/T 2260 administrative division codes: containment and level read from the code structure.

The one home of these rules (the registry, the lake, plans, assessment and the web all import them). A code has
six digits: two for the province-level division, two for the prefecture level, two for the county level
(GB/T 2260-2007, code structure), so ``xx0000`` is a province-level division, ``xxxx00`` a prefecture-level one
and any other code a county-level one. The registry (:mod:`pioneer.registry.divisions`) holds the divisions
themselves with their history; these functions need no database and take one code or a pandas Series.

A *scope code* covers itself and every division beneath it: ``110000`` covers ``11xxxx``, ``440100`` covers
``4401xx``, a county code only itself.

The four municipalities (直辖市) are province-level divisions that also count among the 339 地级及以上城市
(prefecture-level and above cities) in national comparisons; their districts roll up to the municipality.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "LEVELS",
    "MUNICIPALITIES",
    "covers",
    "covers_each",
    "in_level",
    "level",
    "prefix",
    "rollup",
    "within",
]

MUNICIPALITIES: tuple[str, ...] = ("110000", "120000", "310000", "500000")
"""北京、天津、上海、重庆 — province-level, compared among cities too."""

LEVELS: tuple[str, ...] = ("province", "city", "county")
"""Comparison levels: ``province`` (xx0000), ``city`` (xxxx00 and the municipalities), ``county`` (others)."""


def _width(scope: str) -> int:
    """Digits a scope code shares with the codes it covers: 2 (xx0000), 4 (xxxx00) or 6."""
    return 2 if scope.endswith("0000") else 4 if scope.endswith("00") else 6


def prefix(code: str) -> str:
    """The prefix shared by a division and the divisions beneath it (``320500`` → ``3205``).

    Raises
    ------
    ValueError
        When ``code`` (blanks stripped) is not six digits.
    """
    code = code.strip()
    if len(code) != 6 or not code.isdigit():
        raise ValueError("division code must be 6 digits")
    return code[: _width(code)]


def covers(scope: str, code: str) -> bool:
    """Whether the scope code ``scope`` covers ``code`` (itself or a division beneath it); an empty scope covers
    nothing."""
    w = _width(scope)
    return bool(scope) and code[:w] == scope[:w]


def within(codes: pd.Series, scopes: Iterable[str]) -> pd.Series:
    """Mask of ``codes`` covered by any of ``scopes`` (vectorised; missing codes are not covered)."""
    c = pd.Series(codes, dtype="object").fillna("").astype(str)
    mask = pd.Series(False, index=c.index)
    for scope in scopes:
        mask |= c.str.startswith(prefix(scope))
    return mask


def covers_each(scopes: pd.Series, codes: pd.Series) -> pd.Series:
    """Element-wise :func:`covers` of two aligned Series (``scopes[i]`` covers ``codes[i]``)."""
    s = pd.Series(scopes, dtype="object").fillna("").astype(str)
    c = pd.Series(codes, dtype="object").fillna("").astype(str)
    width = np.select([s.str.endswith("0000"), s.str.endswith("00")], [2, 4], 6)
    same = np.select(
        [width == 2, width == 4], [c.str[:2] == s.str[:2], c.str[:4] == s.str[:4]], (c == s).to_numpy()
    )
    return pd.Series(same & (s != "").to_numpy(), index=s.index, dtype=bool)


def level(code: Any) -> Any:
    """Level of one code or a Series of codes by code structure: ``province`` (xx0000), ``city`` (xxxx00),
    ``county`` (others). A municipality's level is ``province``; :func:`in_level` also counts it as a city."""
    s = pd.Series(code, dtype="object").astype(str)
    out = np.where(s.str.endswith("0000"), "province", np.where(s.str.endswith("00"), "city", "county"))
    r = pd.Series(out, index=s.index, dtype="object")
    if np.ndim(code) == 0:
        return r.iloc[0]
    return r


def in_level(codes: pd.Series, level_: str) -> pd.Series:
    """Mask of codes compared at ``level_`` (``city`` includes the municipalities)."""
    mask = level(codes) == level_
    if level_ == "city":
        mask = mask | codes.astype(str).isin(MUNICIPALITIES)
    return pd.Series(mask, index=codes.index)


def rollup(codes: Any, level_: str) -> Any:
    """The division of ``level_`` containing each code: ``province`` xx0000; ``city`` xxxx00, or xx0000 for the
    districts of the four municipalities, or the code itself for a county-level unit administered directly by
    its province (GB/T 2260 prefecture digits ``90``, 省直辖县级行政区划 — e.g. 659001 石河子市, which CNEMC and
    the national city statistics count as a city of its own; there is no prefecture ``xx9000``); ``county`` the
    code itself. Takes one code or a Series; a missing code stays missing.

    Raises
    ------
    ValueError
        For a level outside :data:`LEVELS`.
    """
    if level_ not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level_!r}")
    given = pd.Series(codes, dtype="object")
    c = given.astype(str)
    if level_ == "province":
        r = c.str[:2] + "0000"
    elif level_ == "city":
        province = c.str[:2] + "0000"
        r = (c.str[:4] + "00").where(~province.isin(MUNICIPALITIES), province)
        r = r.where(c.str[2:4] != "90", c)  # 省直辖县级: no prefecture above it
    else:
        r = c
    r = r.where(given.notna(), None)
    return r.iloc[0] if np.ndim(codes) == 0 else r
