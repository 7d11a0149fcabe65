"""Groundwater quality: GB/T 14848-2017 《地下水质量标准》 Table 1 (the 39 常规指标; 37 numeric ones here).

Limits in ``standards/data/groundwater_gbt14848_2017.csv`` — **secondary**: read in a third-party library (MIT),
most of them confirmed by a second third-party table; the standard's text was not read (see
``docs/standards/ecology.md``). The two text items 嗅和味 and 肉眼可见物 (class I–IV "无") are not evaluated.

Rules (the standard as quoted by those sources and by its common use; *assumed* where marked):

* single-item class (GB/T 14848-2017 §9.2 as commonly quoted): the best class whose limit the value meets —
  where two classes share a limit the better one applies (从优不从劣); a value worse than the class IV limit is
  class V. Radioactivity: above the class III limit is class IV (no class V).
* a below-detection value is classed by its detection limit (the class the sample certainly meets); for the
  anionic surfactants, whose class I is "not detected", a below-detection value is class I.
* a point's class is the worst of its items (综合评价, 按单指标评价结果最差的类别).
* annual values for a drinking-water source: the mean of the year's samples, a below-detection value counting at
  half its detection limit (the surface-water statistics rule applied by analogy, *assumed*).

Glossary as :mod:`pioneer.standards.water`: ``section``, ``time``, ``parameter`` (codes of
:data:`PARAMETERS`), ``value`` (canonical unit of the table), ``below_detection``; ``water_class`` 1..5.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from pioneer.errors import InputError
from pioneer.standards.common import read_table

__all__ = ["CLASS_LABELS", "PARAMETERS", "annual_values", "groundwater_quality_class", "item_classes",
           "point_classes"]  # fmt: skip

CLASS_LABELS: tuple[str, ...] = ("I", "II", "III", "IV", "V")
"""Class labels by class code 1..5 (GB/T 14848-2017 §4)."""


@cache
def _table() -> pd.DataFrame:
    t = read_table("groundwater_gbt14848_2017.csv")
    for i, c in enumerate(("class_I", "class_II", "class_III", "class_IV"), start=1):
        lo_hi = t[c].where(t["comparator"] == "range", "").str.split("-", expand=True).reindex(columns=[0, 1])
        t[f"lo{i}"] = pd.to_numeric(lo_hi[0], errors="coerce")
        t[f"hi{i}"] = pd.to_numeric(lo_hi[1], errors="coerce")
        t[f"l{i}"] = pd.to_numeric(t[c].where(t["comparator"] != "range"), errors="coerce")
    return t.set_index("code")


PARAMETERS: tuple[str, ...] = tuple(_table().index)
"""Parameter codes with GB/T 14848-2017 Table 1 limits."""


def _limits(parameter: Any) -> pd.DataFrame:
    t = _table()
    codes = pd.Series(np.atleast_1d(np.asarray(parameter, dtype=object))).astype(str)
    unknown = sorted(set(codes) - set(t.index))
    if unknown:
        raise InputError(f"GB/T 14848-2017 表1 没有指标 {', '.join(unknown)}",
                         f"groundwater_gbt14848_2017.csv has no parameter {', '.join(unknown)}",
                         column="parameter", value=unknown[0])  # fmt: skip
    return t.loc[list(codes)].reset_index()


def groundwater_quality_class(value: Any, parameter: Any, *, below_detection: Any = False) -> Any:
    """GB/T 14848-2017 single-item class 1..5 of ``value`` [canonical unit] for ``parameter`` (scalar or array,
    aligned with ``value``); NaN → NaN. ``below_detection``: the value is a detection limit (true value below)."""
    v = np.atleast_1d(np.asarray(value, dtype="float64"))
    lim = _limits(np.broadcast_to(np.asarray(parameter, dtype=object), v.shape))
    nd = np.broadcast_to(np.asarray(below_detection, dtype=bool), v.shape)
    comp = lim["comparator"].to_numpy()
    out = np.full(v.shape, 5.0)
    for k in (4, 3, 2, 1):  # from the worst class up, so that the best class met wins (从优不从劣)
        le = lim[f"l{k}"].to_numpy()
        meets_le = (comp != "range") & (np.isnan(le) & (k == 4) | (v <= le))
        meets_range = (comp == "range") & (v >= lim[f"lo{k}"].to_numpy()) & (v <= lim[f"hi{k}"].to_numpy())
        out = np.where(meets_le | meets_range, float(k), out)
    out = np.where((comp == "nd_le") & nd, 1.0, out)  # class I = not detected
    out = np.where(np.isnan(v), np.nan, out)
    if np.ndim(value) == 0:
        return float(out[0])
    if isinstance(value, pd.Series):
        return pd.Series(out, index=value.index)
    return out


def item_classes(samples: pd.DataFrame) -> pd.DataFrame:
    """``samples`` (``section, parameter, value``, optional ``below_detection``) with ``water_class`` and the
    class III limit (``limit_iii``) of each row; rows of parameters without limits are an error naming the table."""
    nd = samples["below_detection"] if "below_detection" in samples.columns else False
    out = samples.copy()
    out["water_class"] = groundwater_quality_class(samples["value"].to_numpy(), samples["parameter"].to_numpy(),
                                                   below_detection=np.asarray(nd, dtype=bool))  # fmt: skip
    out["limit_iii"] = _limits(samples["parameter"].to_numpy())["class_III"].to_numpy()
    return out


def point_classes(items: pd.DataFrame, *, keys: tuple[str, ...] = ("section",)) -> pd.DataFrame:
    """Worst item class per point (and ``keys``) with the items worse than class III (GB/T 14848-2017 综合评价)."""
    ev = items[items["water_class"].notna()]
    worse = ev[ev["water_class"] > 3].sort_values(["water_class", "parameter"], ascending=[False, True])
    exceeding = worse.groupby(list(keys))["parameter"].agg(",".join)
    agg = ev.groupby(list(keys)).agg(water_class=("water_class", "max"), n_items=("parameter", "count"))
    agg["exceeding_items"] = exceeding.reindex(agg.index).fillna("")
    agg["class_label"] = agg["water_class"].astype(int).map(lambda c: CLASS_LABELS[c - 1])
    return agg.reset_index()


def annual_values(samples: pd.DataFrame, year: int) -> pd.DataFrame:
    """Mean of each point's samples of ``year`` per parameter, a below-detection value at half its detection
    limit (*assumed*, by analogy with the surface-water rule); ``below_detection`` is true when every sample of
    the year was below detection (the value is then the mean detection limit, classed as a single sample is)."""
    s = samples[pd.to_datetime(samples["time"]).dt.year == year].copy()
    nd = (
        s["below_detection"].astype(bool)
        if "below_detection" in s.columns
        else pd.Series(False, index=s.index)
    )
    s["_v"] = np.where(nd, s["value"].astype(float) / 2, s["value"].astype(float))
    s["_raw"] = s["value"].astype(float)
    s["_nd"] = nd
    g = s.groupby(["section", "parameter"])
    out = g.agg(value=("_v", "mean"), limit=("_raw", "mean"), below_detection=("_nd", "all"),
                n_samples=("_v", "count")).reset_index()  # fmt: skip
    # every sample below detection: the point is classed by the detection limit, like a single sample
    out["value"] = np.where(out["below_detection"], out["limit"], out["value"])
    return out.drop(columns=["limit"])
