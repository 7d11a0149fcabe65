"""Standing among the divisions of the same level: rank (ties share the best rank, "competition" ranking
1, 2, 2, 4) and percentile; ranks can be hidden.

The 2020 national method (发改环资〔2020〕296号 implementation plan) states that its assessment results are not
used to rank regions. Pioneer therefore computes ranks but lets every caller hide them (``hide_ranks=True`` or
the environment variable ``PIONEER_HIDE_RANKS=1``); percentiles and the count of peers stay visible.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pioneer.config import settings
from pioneer.indicators.choices import Direction
from pioneer.standards import divisions

RANKS_NOTE_ZH = (
    "按《美丽中国建设评估指标体系及实施方案》（发改环资〔2020〕296号），评估结果不作为地区排名依据"
)
RANKS_NOTE_EN = (
    "Under the 2020 national method (NDRC 2020 No. 296) assessment results are not used to rank regions"
)


def hide_ranks_default() -> bool:
    """``PIONEER_HIDE_RANKS`` (1/true/yes, read by :mod:`pioneer.config`) — the deployment's choice; default
    False."""
    return settings().hide_ranks


# GB/T 2260 levels live in pioneer.standards.divisions; the names below are kept for this package's callers.
division_level = divisions.level
in_level = divisions.in_level


def standing(values: pd.DataFrame, *, direction: pd.Series | str | None = None, level: str | None = None,
             hide_ranks: bool | None = None) -> pd.DataFrame:  # fmt: skip
    """Rank and percentile of each value among the values of the same ``indicator, year`` (and ``level``).

    ``values``: ``division_code, indicator, year, value`` and ``direction`` (higher|lower) unless given.
    Rank 1 is the best; equal values share the best rank of their group (1, 2, 2, 4). Percentile =
    100·(n − rank)/(n − 1): the share of the other divisions this one does at least as well as (best 100, worst
    0; a single division 100). Rows without a value get no rank (``n_peers`` counts only values present).
    """
    v = values.copy()
    if level is not None:
        v = v[in_level(v["division_code"], level)].copy()
        v["level"] = level
    if direction is not None:
        v["direction"] = direction
    hide = hide_ranks_default() if hide_ranks is None else hide_ranks
    key = np.where(v["direction"] == Direction.LOWER.value, v["value"], -v["value"])
    v["_key"] = key
    grp = ["indicator", "year"] + (["level"] if "level" in v.columns else [])
    g = v.groupby(grp)["_key"]
    v["rank"] = g.rank(method="min", ascending=True).astype("Int64")
    v["n_peers"] = g.transform("count").astype("int64")
    n = v["n_peers"].astype("float64")
    r = v["rank"].astype("float64")
    v["percentile"] = np.where(n > 1, 100 * (n - r) / (n - 1), np.where(n == 1, 100.0, np.nan))
    v.loc[v["value"].isna(), "percentile"] = np.nan
    v["ranks_hidden"] = hide
    if hide:
        v["rank"] = pd.array([pd.NA] * len(v), dtype="Int64")
    return v.drop(columns=["_key"])
