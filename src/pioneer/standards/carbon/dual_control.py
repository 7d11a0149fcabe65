"""Dual control (双控) of totals and intensities: CO2, energy and water per 10⁴ yuan of GDP at comparable prices.

Definitions (the national statistical indicators; equations as the 14th five-year plan states its targets):

* intensity ``I = total / GDP`` with GDP in 10⁴ yuan at the comparable prices of one base year (the price base
  is carried with every value, e.g. ``2020`` = 2020年可比价; series at different price bases are never mixed);
* reduction against a reference year ``r = (1 − I_t / I_ref) × 100`` [%] — against the previous year this is
  单位地区生产总值二氧化碳排放降低率 (catalogue ``carbon_intensity_reduction``), against the plan's base year it
  is the cumulative reduction the plan targets (−18 % CO2 intensity, −13.5 % energy intensity, 2020 → 2025);
* a plan target ``I_target = I_base × (1 − r_target / 100)``.

Glossary of the series layout (one row per division and year):

=================  ===================================================================================
``division_code``  GB/T 2260 code
``year``           year; every year between a division's first and last must be present (a GDP series
                   missing a year is an error, never interpolated)
``gdp``            GDP at comparable prices, in ``gdp_unit`` (万元 default, 亿元)
``price_base``     the comparable-price base year of ``gdp`` (one per division)
``co2``            CO2 emissions in ``co2_unit`` (t default, 万吨) — optional when taken from an account
``energy``         energy consumption in ``energy_unit`` (tce default, 万吨标准煤) — optional
``water``          water use in ``water_unit`` (万立方米 default, 亿立方米, m3) — optional
=================  ===================================================================================
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pioneer.errors import InputError
from pioneer.guard.codes import DIVISION_CODE_PATTERN
from pioneer.standards.carbon.checks import first_bad as _first
from pioneer.standards.carbon.factors import FYP_TARGETS, GJ_PER_TCE, unit_conversion

__all__ = ["QUANTITIES", "intensity", "intensity_table", "read_series", "reduction_rate", "target_intensity",
           "targets_for", "versus_base"]  # fmt: skip

QUANTITIES = {
    # column: (default unit, dimension, output column, output unit, intensity column, intensity unit, scale)
    "co2": ("t", "mass", "co2_t", "t", "co2_intensity", "t/10^4 yuan", 1.0),
    "energy": ("tce", "energy", "energy_tce", "tce", "energy_intensity", "tce/10^4 yuan", 1.0 / GJ_PER_TCE),
    "water": ("万立方米", "volume", "water_1e4m3", "10^4 m3", "water_intensity", "m3/10^4 yuan", 1.0),
}
"""Totals of the dual control; ``scale`` turns the base unit of the dimension into the output unit (energy:
GJ → tce). Water intensity is stated in m³ per 10⁴ yuan (万元GDP用水量), hence × 10⁴ on 10⁴ m³."""
_WATER_M3_PER_BASE = 1e4


def intensity(total: Any, gdp: Any) -> Any:
    """Intensity per 10⁴ yuan of GDP: ``total / gdp`` [unit of total per 10⁴ yuan]; NaN where GDP ≤ 0 or missing.

    Parameters
    ----------
    total : numeric
        CO2 [t], energy [tce] or water [m³].
    gdp : numeric
        GDP at comparable prices [10⁴ yuan].
    """
    g = np.asarray(gdp, dtype=float)
    out = np.divide(np.asarray(total, dtype=float), g, out=np.full(np.broadcast(g, total).shape, np.nan),
                    where=g > 0)  # fmt: skip
    if isinstance(total, pd.Series):
        return pd.Series(out, index=total.index)
    return out.item() if out.ndim == 0 else out


def reduction_rate(current: Any, reference: Any) -> Any:
    """Reduction of an intensity against a reference value: ``(1 − current / reference) × 100`` [%].

    Positive = the intensity fell. Against the previous year this is the annual 降低率; against the plan's base
    year the cumulative reduction. NaN where the reference is missing or ≤ 0.

    Examples
    --------
    >>> round(reduction_rate(0.82, 1.0), 6)
    18.0
    """
    r = np.asarray(reference, dtype=float)
    c = np.asarray(current, dtype=float)
    ratio = np.divide(c, r, out=np.full(np.broadcast(c, r).shape, np.nan), where=r > 0)
    out = (1.0 - ratio) * 100.0
    if isinstance(current, pd.Series):
        return pd.Series(out, index=current.index)
    return out.item() if out.ndim == 0 else out


def target_intensity(base_intensity: Any, reduction_pct: Any) -> Any:
    """Target intensity of a plan: ``I_base × (1 − r / 100)`` (the plan states r as a cumulative reduction)."""
    return base_intensity * (1.0 - np.asarray(reduction_pct, dtype=float) / 100.0)


def _to_base(df: pd.DataFrame, col: str, default: str, dimension: str, file: str | None) -> pd.Series:
    """The values of ``col`` in the base unit of ``dimension``; units by ``<col>_unit`` (declared units only)."""
    unit = df[f"{col}_unit"] if f"{col}_unit" in df.columns else pd.Series(default, index=df.index)
    unit = unit.fillna("").astype(str).str.strip().replace("", default)
    conv = unit_conversion(unit)
    ucol = f"{col}_unit" if f"{col}_unit" in df.columns else col
    _first(df, conv["dimension"] != dimension, ucol, f"单位不能换算（{col} 应为{dimension}单位）",
           f"unit not convertible ({col} needs a {dimension} unit)", file)  # fmt: skip
    return df[col] * conv["to_base"].astype(float)


def read_series(df: pd.DataFrame, *, file: str | None = None) -> pd.DataFrame:
    """Validate the series layout (module glossary) → ``division_code, year, price_base, gdp_1e4yuan`` and the
    totals present (``co2_t``, ``energy_tce``, ``water_1e4m3``), sorted by division and year.

    Raises
    ------
    InputError
        Located: missing column, bad code or year, duplicate division-year, GDP not a positive number, unit not
        convertible, negative total, two price bases in one division, a year missing from a division's series.
    """
    df = df.copy()
    df.columns = [str(c).strip() for c in df.columns]
    df["_row"] = np.arange(len(df)) + 2
    for col in ("division_code", "year", "gdp", "price_base"):
        if col not in df.columns:
            raise InputError(
                f"缺少必需列 “{col}”", f"required column '{col}' is missing", file=file, column=col
            )
    code = df["division_code"].astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    _first(df, ~code.str.fullmatch(DIVISION_CODE_PATTERN).fillna(False), "division_code", "行政区划代码应为 6 位数字",
           "division code must be 6 digits", file)  # fmt: skip
    df["division_code"] = code.astype(str)
    year = pd.to_numeric(df["year"], errors="coerce")
    _first(df, year.isna() | (year % 1 != 0), "year", "年份应为整数", "year must be an integer", file)
    df["year"] = year.astype(int)
    _first(df, df.duplicated(["division_code", "year"]), "year", "同一地区、年份重复",
           "duplicate division and year", file)  # fmt: skip
    gdp = pd.to_numeric(df["gdp"], errors="coerce")
    _first(df, ~(gdp > 0), "gdp", "地区生产总值应为正数（可比价）", "GDP must be a positive number (comparable prices)",
           file)  # fmt: skip
    df["gdp"] = gdp
    base = df["price_base"].astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    _first(df, base.isna() | (base == ""), "price_base", "须注明可比价基年（如 2020）",
           "the comparable-price base year is required (e.g. 2020)", file)  # fmt: skip
    df["price_base"] = base.astype(str)
    mixed = df["price_base"] != df.groupby("division_code")["price_base"].transform("first")
    _first(df, mixed, "price_base", "同一地区的 GDP 序列使用了不同的可比价基年", "one division's GDP series mixes "
           "price bases", file)  # fmt: skip
    out = pd.DataFrame({"division_code": df["division_code"], "year": df["year"], "price_base": df["price_base"],
                        "gdp_1e4yuan": _to_base(df, "gdp", "万元", "money", file), "_row": df["_row"]})  # fmt: skip
    for col, (default, dim, name, *_rest) in QUANTITIES.items():
        if col not in df.columns:
            continue
        text = df[col].astype("string").fillna("").str.strip()
        v = pd.to_numeric(text.mask(text == ""), errors="coerce")
        _first(df, (text != "") & v.isna(), col, "不是数字", "not a number", file)
        _first(df, v < 0, col, "总量不能为负", "a total must not be negative", file)
        df[col] = v
        scale = QUANTITIES[col][6]
        out[name] = _to_base(df, col, default, dim, file) * scale
    out = out.sort_values(["division_code", "year"]).reset_index(drop=True)
    span = out.groupby("division_code")["year"].agg(["min", "max", "count"])
    gaps = span[span["max"] - span["min"] + 1 != span["count"]]
    if len(gaps):
        d = gaps.index[0]
        have = set(out.loc[out["division_code"] == d, "year"])
        missing = min(set(range(int(gaps.loc[d, "min"]), int(gaps.loc[d, "max"]) + 1)) - have)
        raise InputError(f"地区 {d} 的 GDP 序列缺少 {missing} 年", f"division {d}: the GDP series is missing year "
                         f"{missing}", file=file, column="gdp", value=missing)  # fmt: skip
    return out


def intensity_table(series: pd.DataFrame) -> pd.DataFrame:
    """Intensities and annual reductions of each division-year from :func:`read_series` output.

    Adds for every total present: ``<x>_intensity`` (CO2 [t], energy [tce], water [m³] per 10⁴ yuan) and
    ``<x>_intensity_reduction`` [%] against the previous year (null in a division's first year).
    """
    t = series.drop(columns=["_row"], errors="ignore").copy()
    for col, (_u, _d, name, _ou, iname, _iu, _s) in QUANTITIES.items():
        if name not in t.columns:
            continue
        total = t[name] * (_WATER_M3_PER_BASE if col == "water" else 1.0)
        t[iname] = intensity(total, t["gdp_1e4yuan"])
        prev = t.groupby("division_code")[iname].shift(1)
        prev_year = t.groupby("division_code")["year"].shift(1)
        t[f"{iname}_reduction"] = reduction_rate(t[iname], prev.where(prev_year == t["year"] - 1))
    return t


def targets_for(division_codes: pd.Series, extra: pd.DataFrame | None = None) -> pd.DataFrame:
    """Intensity targets that apply to each division: its own (``extra``: same columns as ``FYP_TARGETS`` with
    ``scope`` = the division code) where given, else the national ones. A division's own target replaces the
    national one for the same indicator and target year."""
    t = pd.concat([FYP_TARGETS, extra], ignore_index=True) if extra is not None else FYP_TARGETS.copy()
    codes = pd.DataFrame({"division_code": pd.Series(division_codes).drop_duplicates().astype(str)})
    own = codes.merge(t, left_on="division_code", right_on="scope")
    nat = codes.merge(t[t["scope"] == "national"], how="cross")
    both = pd.concat([own, nat], ignore_index=True)
    both["_own"] = both["scope"] != "national"
    both = both.sort_values("_own", ascending=False).drop_duplicates(
        ["division_code", "indicator", "target_year"]
    )
    return (
        both.drop(columns="_own")
        .sort_values(["division_code", "indicator", "target_year"])
        .reset_index(drop=True)
    )


def versus_base(table: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """Change of every total and intensity of :func:`intensity_table` against ``base_year``, per division-year.

    Totals: ``<total>_change_pct = (T_t / T_base − 1) × 100``; intensities: ``<x>_intensity_reduction_vs_base =
    (1 − I_t / I_base) × 100`` (positive = fell). Null where the division has no value for the base year.
    """
    cols = [c for c in table.columns if c in {q[2] for q in QUANTITIES.values()} or c.endswith("_intensity")]
    base = table[table["year"] == int(base_year)][["division_code", *cols]]
    m = table[["division_code", "year", "price_base", *cols]].merge(base, on="division_code", how="left",
                                                                    suffixes=("", "_base"))  # fmt: skip
    out = m[["division_code", "year", "price_base"]].copy()
    out["base_year"] = int(base_year)
    for c in cols:
        if c.endswith("_intensity"):
            out[f"{c}_reduction_vs_base"] = reduction_rate(m[c], m[f"{c}_base"])
        else:
            out[f"{c}_change_pct"] = 0.0 - reduction_rate(m[c], m[f"{c}_base"])  # 0 − r: no "−0"
    return out
