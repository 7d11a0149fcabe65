"""Ecological status: HJ 192-2015 《生态环境状况评价技术规范》 §5 — sub-indices, EI, its class and change class.

What is implemented, and how sure each part is (full account in ``docs/standards/ecology.md``; coefficients in
``standards/data/ecology_hj192_*.csv`` with source and confidence columns):

* 生境质量指数 (habitat quality), 水网密度指数, 土地胁迫指数, 污染负荷指数 and the EI weights — coefficients
  from two independent third-party implementations that agree (**secondary**; the standard's text was not read).
* EI classes 优/良/一般/较差/差 and ΔEI classes 无明显/略微/明显/显著变化 — **faithful** (national bulletin
  footnotes).
* 植被覆盖指数: the normalisation coefficient A_veg was **not found**; :func:`vegetation_cover_index` takes it as a
  required argument, there is no default.
* 生物丰度指数 from 生境质量指数 and 生物多样性指数: the combination rule was **not found**;
  :func:`biological_abundance_index` makes the caller name the rule.
* 环境限制指数 (the table of events that cap or lower the class): **not found**, not implemented — EI here is the
  weighted sum of the five sub-indices only, and every result says so.
* The ecological quality index EQI of 《区域生态质量评价办法（试行）》 (2021): indicators, weights and class
  thresholds **not found**; not implemented.

Glossary (units as the coefficients expect them; the units of water resources and precipitation were not read
and are assumed):

=========================  ==============================================================================
``area``                   region area [km²]
land-use areas             forest, grassland, water_wetland, cropland, built_up, unused [km²]
``ndvi_mean``              regional mean of the growing-season NDVI [-]
``river_length``           river length [km]; ``lake_area`` lake/reservoir area [km²]
``water_resources``        water resources [10⁶ m³] (assumed); ``precipitation`` annual precipitation [10⁶ m³]
erosion and stress areas   severe_erosion, moderate_erosion, built_up, other_stress [km²]
pollutant loads            cod, nh3_n, so2, dust (烟(粉)尘), nox, solid_waste (固体废物丢弃量) [t/a]
=========================  ==============================================================================

Functions take scalars, numpy arrays or pandas Series and return the same kind; NaN stays NaN.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from pioneer.errors import InputError
from pioneer.standards.common import read_table, round_half_even, select_obj

__all__ = [
    "EDITIONS",
    "LAND_CLASSES",
    "biological_abundance_index",
    "class_area_from_subclasses",
    "ecological_status_index",
    "ei_change",
    "ei_change_class",
    "ei_change_direction",
    "ei_class",
    "habitat_quality_index",
    "land_stress_index",
    "pollution_load_index",
    "vegetation_cover_index",
    "water_network_density_index",
    "water_resources_for_index",
]

EDITIONS: tuple[str, ...] = ("HJ 192-2015",)
"""Editions with coefficients in ``ecology_hj192_coefficients.csv``."""

LAND_CLASSES: tuple[str, ...] = ("forest", "grassland", "water_wetland", "cropland", "built_up", "unused")
"""The six land-use classes of the habitat-quality index, in the order of its weights."""

ABUNDANCE_RULES: tuple[str, ...] = ("mean", "habitat_only")
"""Ways to combine habitat quality and biodiversity into 生物丰度指数 (the standard's rule was not found)."""


@cache
def _coefficients() -> pd.DataFrame:
    t = read_table("ecology_hj192_coefficients.csv")
    t["weight"] = t["weight"].astype(float)
    t["coefficient"] = pd.to_numeric(t["coefficient"].replace("", np.nan))
    return t


@cache
def _subclass_weights() -> pd.DataFrame:
    t = read_table("ecology_hj192_subclass_weights.csv")
    t["weight"] = t["weight"].astype(float)
    return t


@cache
def _classes() -> pd.DataFrame:
    t = read_table("ecology_ei_classes.csv")
    for c in ("lower", "upper"):
        t[c] = pd.to_numeric(t[c].replace("", np.nan))
    for c in ("lower_inclusive", "upper_inclusive"):
        t[c] = t[c] == "true"
    return t


class _Term(NamedTuple):
    weight: float
    coefficient: float
    denominator: str


def _terms(index: str, edition: str) -> dict[str, _Term]:
    if edition not in EDITIONS:
        raise InputError(f"生态环境状况系数表没有版本 “{edition}”（可选：{'、'.join(EDITIONS)}）",
                         f"ecology_hj192_coefficients.csv has no edition '{edition}' ({', '.join(EDITIONS)})",
                         value=edition)  # fmt: skip
    t = _coefficients()
    t = t[(t["edition"] == edition) & (t["index"] == index)]
    return {str(r["term"]): _Term(float(r["weight"]), float(r["coefficient"]), str(r["denominator"]))
            for r in t.to_dict("records")}  # fmt: skip


def _f(x: Any) -> Any:
    """Numeric view of an input (Series stay Series, so that their index is kept)."""
    if isinstance(x, pd.Series):
        return x.astype("float64")
    return np.asarray(x, dtype="float64")


def _out(value: Any, like: Any) -> Any:
    """Return ``value`` as the kind of ``like``: a scalar for scalars, a Series with ``like``'s index …"""
    if isinstance(like, pd.Series):
        return pd.Series(np.asarray(value, dtype="float64"), index=like.index)
    arr = np.asarray(value, dtype="float64")
    return float(arr) if arr.ndim == 0 else arr


def _positive(x: Any, name: str) -> None:
    v = np.asarray(x, dtype="float64")
    if np.any(v <= 0):
        raise InputError(f"{name} 须大于 0", f"{name} must be greater than 0", column=name)


def habitat_quality_index(forest: Any, grassland: Any, water_wetland: Any, cropland: Any, built_up: Any,
                          unused: Any, area: Any, *, edition: str = "HJ 192-2015") -> Any:  # fmt: skip
    """生境质量指数 (habitat quality index) of HJ 192-2015 §5 [-].

    Parameters
    ----------
    forest, grassland, water_wetland, cropland, built_up, unused : numeric
        Areas of the six land-use classes [km²] (subclass-weighted areas when the subclasses are known, see
        :func:`class_area_from_subclasses`).
    area : numeric
        Region area [km²], > 0.
    edition : str
        Coefficient set (:data:`EDITIONS`).

    Notes
    -----
    HQ = A_bio × (0.35 forest + 0.21 grassland + 0.28 water_wetland + 0.11 cropland + 0.04 built_up
    + 0.01 unused) / area, A_bio = 511.2642131067 (secondary: two third-party implementations agree).
    """
    _positive(area, "area")
    t = _terms("habitat_quality", edition)
    a = t["forest"].coefficient
    parts = dict(
        zip(LAND_CLASSES, (forest, grassland, water_wetland, cropland, built_up, unused), strict=True)
    )
    s = sum(t[k].weight * _f(v) for k, v in parts.items())
    return _out(a * s / _f(area), area if isinstance(area, pd.Series) else forest)


def class_area_from_subclasses(land_class: str, /, **subclass_areas: Any) -> Any:
    """Weighted area of one land-use class from its subclasses [km²] (HJ 192-2015 §5 habitat quality, subclass
    weights of ``ecology_hj192_subclass_weights.csv``; secondary, subclass names a reading of the order).

    ``subclass_areas`` are keyword areas named as in the table (``closed_forest=…, shrubland=…``); a subclass
    not given counts 0, an unknown one is an error naming the table."""
    w = _subclass_weights()
    w = w[w["land_class"] == land_class]
    if w.empty:
        raise InputError(f"地类 “{land_class}” 不在二级地类权重表中", f"land class '{land_class}' is not in "
                         "ecology_hj192_subclass_weights.csv", value=land_class)  # fmt: skip
    known = dict(zip(w["subclass"], w["weight"], strict=True))
    unknown = sorted(set(subclass_areas) - set(known))
    if unknown:
        raise InputError(f"地类 “{land_class}” 没有二级地类 {', '.join(unknown)}",
                         f"land class '{land_class}' has no subclass {', '.join(unknown)} "
                         f"(ecology_hj192_subclass_weights.csv: {', '.join(known)})")  # fmt: skip
    if not subclass_areas:
        raise InputError("未给出二级地类面积", "no subclass area given")
    first = next(iter(subclass_areas.values()))
    return _out(sum(known[k] * _f(v) for k, v in subclass_areas.items()), first)


def vegetation_cover_index(ndvi_mean: Any, *, a_veg: float) -> Any:
    """植被覆盖指数 (vegetation cover index) of HJ 192-2015 §5 [-]: A_veg × regional mean NDVI.

    Parameters
    ----------
    ndvi_mean : numeric
        Regional mean NDVI [-], in [-1, 1].
    a_veg : float
        Normalisation coefficient A_veg. **Required**: the HJ 192-2015 value was not found (a commonly quoted
        0.0121165124 could not be traced to any source; 100/√38 belongs to an older scheme), so the caller must
        supply the coefficient of the method they follow.
    """
    v = _f(ndvi_mean)
    if np.any(np.abs(np.asarray(v)[~np.isnan(np.asarray(v))]) > 1):
        raise InputError(
            "NDVI 均值须在 −1 与 1 之间", "mean NDVI must lie between −1 and 1", column="ndvi_mean"
        )
    if not np.isfinite(a_veg) or a_veg <= 0:
        raise InputError("A_veg 须为正数", "A_veg must be a positive number", column="a_veg", value=a_veg)
    return _out(a_veg * v, ndvi_mean)


def biological_abundance_index(habitat_quality: Any, biodiversity: Any = None, *, rule: str) -> Any:
    """生物丰度指数 (biological abundance index) of HJ 192-2015 §5 [-] from habitat quality and biodiversity.

    ``rule`` is required because the standard's combination was not found: ``"mean"`` = (BI + HQ) / 2 (the rule
    widely quoted, unconfirmed; needs ``biodiversity``), ``"habitat_only"`` = HQ (used where no biodiversity
    index exists; unconfirmed as well)."""
    if rule not in ABUNDANCE_RULES:
        raise InputError(f"生物丰度指数的组合规则须为 {'、'.join(ABUNDANCE_RULES)}",
                         f"rule must be one of {', '.join(ABUNDANCE_RULES)}", column="rule", value=rule)  # fmt: skip
    if rule == "habitat_only":
        return _out(_f(habitat_quality), habitat_quality)
    if biodiversity is None:
        raise InputError("规则 “mean” 需要生物多样性指数", "rule 'mean' needs the biodiversity index",
                         column="biodiversity_index")  # fmt: skip
    return _out((_f(habitat_quality) + _f(biodiversity)) / 2, habitat_quality)


def water_resources_for_index(current: Any, long_term_mean: Any) -> Any:
    """Water resources entering the water-network index in wet years [10⁶ m³] (HJ 192-2015 §5, as implemented by
    the third-party code; secondary).

    With a = current / long-term mean: a ≤ 1.4 → current; 1.4 < a ≤ 2.4 → mean × (2.4 − a); a > 2.4 → 0."""
    _positive(long_term_mean, "long_term_mean")
    c, m = _f(current), _f(long_term_mean)
    a = c / m
    r = np.where(a <= 1.4, c, np.where(a <= 2.4, m * (2.4 - a), 0.0))
    r = np.where(np.isnan(a), np.nan, r)
    return _out(r, current)


def water_network_density_index(river_length: Any, lake_area: Any, water_resources: Any, area: Any, *,
                                edition: str = "HJ 192-2015") -> Any:  # fmt: skip
    """水网密度指数 (water-network density index) of HJ 192-2015 §5 [-].

    WN = (A_riv × river_length / area + A_lak × lake_area / area + A_res × water_resources / area) / 3 with
    A_riv = 84.3704083981, A_lak = 591.7908642005, A_res = 86.3869548281 (secondary). ``water_resources``:
    the wet-year value of :func:`water_resources_for_index` where it applies."""
    _positive(area, "area")
    t = _terms("water_network_density", edition)
    ar = _f(area)
    s = sum(t[k].coefficient * _f(v) / ar
            for k, v in (("river_length", river_length), ("lake_area", lake_area),
                         ("water_resources", water_resources)))  # fmt: skip
    return _out(s / 3, area if isinstance(area, pd.Series) else river_length)


def land_stress_index(severe_erosion: Any, moderate_erosion: Any, built_up: Any, other_stress: Any, area: Any, *,
                      edition: str = "HJ 192-2015") -> Any:  # fmt: skip
    """土地胁迫指数 (land stress index) of HJ 192-2015 §5 [-].

    LS = A_ero × (0.4 severe_erosion + 0.2 moderate_erosion + 0.2 built_up + 0.2 other_stress) / area,
    A_ero = 236.0435677948 (secondary)."""
    _positive(area, "area")
    t = _terms("land_stress", edition)
    a = t["severe_erosion"].coefficient
    parts = {"severe_erosion": severe_erosion, "moderate_erosion": moderate_erosion, "built_up": built_up,
             "other_stress": other_stress}  # fmt: skip
    s = sum(t[k].weight * _f(v) for k, v in parts.items())
    return _out(a * s / _f(area), area if isinstance(area, pd.Series) else severe_erosion)


def pollution_load_index(cod: Any, nh3_n: Any, so2: Any, dust: Any, nox: Any, solid_waste: Any, area: Any,
                         precipitation: Any, *, edition: str = "HJ 192-2015") -> Any:  # fmt: skip
    """污染负荷指数 (pollution load index) of HJ 192-2015 §5 [-].

    PL = 0.20 A_COD COD/P + 0.20 A_NH3 NH3-N/P + 0.20 A_SO2 SO2/S + 0.10 A_YFC dust/S + 0.20 A_NOX NOx/S
    + 0.10 A_SOL solid_waste/S, with P the annual precipitation volume [10⁶ m³, assumed] and S the area [km²];
    coefficients in ``ecology_hj192_coefficients.csv`` (secondary)."""
    _positive(area, "area")
    _positive(precipitation, "precipitation")
    t = _terms("pollution_load", edition)
    denominators = {"area": _f(area), "precipitation": _f(precipitation)}
    loads = {"cod": cod, "nh3_n": nh3_n, "so2": so2, "dust": dust, "nox": nox, "solid_waste": solid_waste}
    s = sum(t[k].weight * t[k].coefficient * _f(v) / denominators[t[k].denominator]
            for k, v in loads.items())  # fmt: skip
    return _out(s, area if isinstance(area, pd.Series) else cod)


def ecological_status_index(biological_abundance: Any, vegetation_cover: Any, water_network_density: Any,
                            land_stress: Any, pollution_load: Any, *, edition: str = "HJ 192-2015") -> Any:  # fmt: skip
    """生态环境状况指数 EI of HJ 192-2015 §5 [-], **without** the environmental restriction index (not found).

    EI = 0.35 BA + 0.25 VC + 0.15 WN + 0.15 (100 − LS) + 0.10 (100 − PL) (weights secondary). Unrounded; round
    with GB/T 8170 to one decimal before classing (as published values are)."""
    t = _terms("ei", edition)
    w = {k: term.weight for k, term in t.items()}
    ei = (w["biological_abundance"] * _f(biological_abundance) + w["vegetation_cover"] * _f(vegetation_cover)
          + w["water_network_density"] * _f(water_network_density) + w["land_stress"] * (100 - _f(land_stress))
          + w["pollution_load"] * (100 - _f(pollution_load)))  # fmt: skip
    return _out(ei, biological_abundance)


def _class_of(value: Any, kind: str, lang: str) -> Any:
    t = _classes()
    t = t[t["kind"] == kind]
    v = np.asarray(value, dtype="float64")
    conds = []
    for r in t.to_dict("records"):  # the few class rows of the table, not data rows
        lo, hi = float(r["lower"]), float(r["upper"])
        above = np.ones_like(v, dtype=bool) if np.isnan(lo) else (v >= lo if r["lower_inclusive"] else v > lo)
        below = np.ones_like(v, dtype=bool) if np.isnan(hi) else (v <= hi if r["upper_inclusive"] else v < hi)
        conds.append(above & below & ~np.isnan(v))
    labels = list(t["label_zh"] if lang == "zh" else t["label_en"])
    out = select_obj(conds, labels, None)
    if isinstance(value, pd.Series):
        return pd.Series(out, index=value.index, dtype=object)
    return out.item() if out.ndim == 0 else out


def ei_class(ei: Any, *, lang: str = "zh") -> Any:
    """EI class 优/良/一般/较差/差 (HJ 192-2015 §5 grading as the national bulletins state it; faithful):
    优 EI ≥ 75, 良 55 ≤ EI < 75, 一般 35 ≤ EI < 55, 较差 20 ≤ EI < 35, 差 EI < 20. ``None`` for NaN. The
    environmental restriction index, which can lower the class, is not applied (not found)."""
    return _class_of(ei, "ei", lang)


def ei_change(before: Any, after: Any) -> Any:
    """ΔEI = EI(after) − EI(before) [-], both taken at one decimal (GB/T 8170) and the difference rounded to one
    decimal, so that a published pair such as 66.4 → 66.2 gives exactly −0.2."""
    d = round_half_even(_f(after), 1) - round_half_even(_f(before), 1)
    return _out(round_half_even(d, 1), after)


def ei_change_class(delta: Any, *, lang: str = "zh") -> Any:
    """Class of |ΔEI| (faithful): 无明显变化 |ΔEI| < 1, 略微变化 1 ≤ |ΔEI| < 3, 明显变化 3 ≤ |ΔEI| < 8,
    显著变化 |ΔEI| ≥ 8."""
    d = _f(delta)
    return _class_of(
        pd.Series(np.abs(d), index=d.index) if isinstance(d, pd.Series) else np.abs(d), "change", lang
    )


def ei_change_direction(delta: Any, *, lang: str = "zh") -> Any:
    """变好 (ΔEI ≥ 1), 变差 (ΔEI ≤ −1) or 无明显变化 (|ΔEI| < 1) — the sign of a change the class calls at
    least slight (the signed classes of the third-party code agree with these bounds; secondary)."""
    d = np.asarray(delta, dtype="float64")
    zh = ("变好", "变差", "无明显变化") if lang == "zh" else ("better", "worse", "no obvious change")
    out = select_obj([d >= 1, d <= -1, np.abs(d) < 1], list(zh), None)
    if isinstance(delta, pd.Series):
        return pd.Series(out, index=delta.index, dtype=object)
    return out.item() if out.ndim == 0 else out
