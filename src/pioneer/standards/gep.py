"""Gross ecosystem product (GEP, 生态产品总值): value of each item = physical quantity × price, by edition.

Editions (``gep_editions.csv``): **GB/T 46869-2025** 《生态系统评估 陆域生态产品总值核算技术指南》 (issued and in force
2025-12-31; faithful: standards-catalogue record) and **NDRC-2022** 《生态产品总值核算规范（试行）》 发改基础〔2022〕481号
(secondary). The official item lists of **neither** edition were read: both carry the same secondary list of
``gep_components.csv`` (material supply, regulating and cultural services of the Ouyang-group accounts, 白玛卓嘎、肖燚、
欧阳志云、王莉雁, 《甘孜藏族自治州生态系统生产总值核算研究》, 生态学报 2017, 37(19): 6302–6312, Tables 2–3).

Prices are never assumed: each component's price comes, in this order, from the input row (``price``), from a
provincial override (``read_overrides``; e.g. a DB33/T 2274-2020 value, recorded as such), or from a named price
set (``garze-2010``: the 2010 prices of the Garzê account, secondary, a regional example — not an edition's
value). A component without a price is an error. Components measured in 元 (market products, recreation by the
travel-cost method) are values entered directly (price 1).

Glossary: ``division_code`` (GB/T 2260, 6 digits), ``year``, ``component`` (``gep_components.csv``), ``quantity``
[the component's ``quantity_unit``], ``price`` [元 per unit], ``value`` [元].
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from pioneer.errors import InputError
from pioneer.guard.codes import DIVISION_CODE_PATTERN
from pioneer.standards import divisions
from pioneer.standards.common import read_table

__all__ = [
    "CATEGORIES",
    "PRICE_SETS",
    "account",
    "accounts_by_level",
    "components",
    "editions",
    "item_values",
    "nutrient_retained",
    "price_set",
    "read_gdp",
    "read_overrides",
    "read_quantities",
    "reservoir_flood_capacity",
    "sand_fixation_area",
    "silt_volume",
    "two_mountains_indicators",
    "water_conservation_quantity",
]

CATEGORIES = {"material": ("物质供给", "material supply"), "regulating": ("调节服务", "regulating services"),
              "cultural": ("文化服务", "cultural services")}  # fmt: skip
PRICE_SETS = {"garze-2010": "gep_prices_garze_2010.csv"}
VALUE_UNIT = "元"
_CODE = re.compile(DIVISION_CODE_PATTERN)


@cache
def editions() -> pd.DataFrame:
    """The editions table (``gep_editions.csv``): edition, title, issued, document number, confidence."""
    return read_table("gep_editions.csv")


def _edition_key(edition: str) -> str:
    e = editions()
    if edition not in set(e["edition"]):
        raise KeyError(f"unknown GEP edition {edition!r} (gep_editions.csv has {', '.join(e['edition'])})")
    return edition


def components(edition: str) -> pd.DataFrame:
    """Components (核算指标) of ``edition``: category, item, component, quantity unit, pricing method, confidence."""
    _edition_key(edition)
    c = read_table("gep_components.csv")
    return c[(c["edition"] == "*") | (c["edition"] == edition)].reset_index(drop=True)


def price_set(name: str) -> pd.DataFrame:
    """A named price set (component, price [元/unit], price_year, region, source, confidence)."""
    if name not in PRICE_SETS:
        raise KeyError(f"unknown GEP price set {name!r} (known: {', '.join(PRICE_SETS)})")
    p = read_table(PRICE_SETS[name])
    p["price"] = pd.to_numeric(p["price"])
    return p


# ---- physical quantities (secondary: the Garzê account's equations) ------------------------------------------
def water_conservation_quantity(
    precipitation: Any, storm_runoff: Any, evapotranspiration: Any, area: Any
) -> float:
    """Water conservation Q = Σᵢ (Pᵢ − Rᵢ − ETᵢ) · Aᵢ [m³/a] (water balance; 白玛卓嘎 et al. 2017 Eq. 2).

    Parameters
    ----------
    precipitation, storm_runoff, evapotranspiration : array_like
        per ecosystem type [mm/a].
    area : array_like
        area of each ecosystem type [m²].
    """
    p, r, et, a = (
        np.asarray(x, dtype=float) for x in (precipitation, storm_runoff, evapotranspiration, area)
    )
    return float(((p - r - et) / 1000.0 * a).sum())


def silt_volume(soil_retained: Any, *, siltation_ratio: float, bulk_density: float) -> Any:
    """Avoided reservoir siltation λ · A_s / ρ [m³/a] (Eq. 4): soil retained A_s [t/a], λ [-], ρ [t/m³]."""
    return np.asarray(soil_retained, dtype=float) * siltation_ratio / bulk_density


def nutrient_retained(soil_retained: Any, content: float) -> Any:
    """Nitrogen or phosphorus kept out of runoff A_s · C [t/a] (Eq. 5): C the nutrient mass fraction [-]."""
    return np.asarray(soil_retained, dtype=float) * content


def sand_fixation_area(sand_fixed: Any, *, bulk_density: float, depth: float) -> Any:
    """Area kept from sand cover Q_f / (ρ · h) [m²/a] (Eq. 6): Q_f [t/a], ρ [t/m³], h standard cover depth [m]."""
    return np.asarray(sand_fixed, dtype=float) / (bulk_density * depth)


def reservoir_flood_capacity(total_capacity: Any) -> Any:
    """Flood storage of reservoirs C_r = 0.35 · C_t (Eq. 8, after 饶恩明 et al. 2014), same unit as C_t."""
    return np.asarray(total_capacity, dtype=float) * 0.35


# ---- input tables --------------------------------------------------------------------------------------------
def _bad(mask: pd.Series) -> int | None:
    idx = np.flatnonzero(mask.to_numpy(dtype=bool))
    return int(idx[0]) if idx.size else None


def _require(df: pd.DataFrame, cols: tuple[str, ...], file: str | None) -> None:
    for col in cols:
        if col not in df.columns:
            raise InputError(
                f"缺少必需列 “{col}”", f"required column '{col}' is missing", file=file, column=col
            )


def _numbers(df: pd.DataFrame, col: str, file: str | None, *, positive: bool = False) -> pd.Series:
    text = df[col].astype("string").str.strip()
    num = pd.to_numeric(text, errors="coerce")
    bad = num.isna() | (num <= 0 if positive else num < 0)
    i = _bad(bad)
    if i is not None:
        zh, en = (
            ("须为正数", "must be a positive number") if positive else ("须为非负数", "must be a number ≥ 0")
        )
        raise InputError(zh, en, file=file, row=i + 2, column=col, value=df[col].iloc[i])
    return num.astype(float)


def read_quantities(df: pd.DataFrame, *, edition: str, file: str | None = None) -> pd.DataFrame:
    """Validate the input template: ``division_code, year, component, quantity[, unit][, price, price_source]``.

    Raises
    ------
    InputError
        located (file, row with the header as row 1, column) for a missing column, a division code that is not
        6 digits, a bad year, a component unknown to ``edition``, a unit other than the component's, a
        negative or non-numeric quantity or price, or a repeated division × year × component.
    """
    df = df.copy()
    df.columns = [str(c).strip() for c in df.columns]
    _require(df, ("division_code", "year", "component", "quantity"), file)
    comp = components(edition).set_index("component")
    code = df["division_code"].astype("string").str.strip()
    i = _bad(~code.fillna("").str.match(_CODE))
    if i is not None:
        raise InputError("行政区划代码须为 6 位数字", "division code must be 6 digits", file=file, row=i + 2,
                         column="division_code", value=df["division_code"].iloc[i])  # fmt: skip
    year = pd.to_numeric(df["year"].astype("string").str.strip(), errors="coerce")
    i = _bad(year.isna() | (year % 1 != 0) | (year < 1949) | (year > 2100))
    if i is not None:
        raise InputError(
            "年份无效", "invalid year", file=file, row=i + 2, column="year", value=df["year"].iloc[i]
        )
    name = df["component"].astype("string").str.strip()
    i = _bad(~name.isin(comp.index))
    if i is not None:
        raise InputError(f"{edition} 中没有该核算指标（见 gep_components.csv）",
                         f"component not in edition {edition} (see gep_components.csv)", file=file, row=i + 2,
                         column="component", value=df["component"].iloc[i])  # fmt: skip
    qty = _numbers(df, "quantity", file)
    out = pd.DataFrame({"division_code": code.astype(str), "year": year.astype("int64"),
                        "component": name.astype(str), "quantity": qty})  # fmt: skip
    expected = out["component"].map(comp["quantity_unit"])
    if "unit" in df.columns:
        unit = df["unit"].astype("string").fillna("").str.strip().str.replace("³", "3").str.replace("²", "2")
        i = _bad((unit != "") & (unit != expected))
        if i is not None:
            raise InputError(f"单位应为 {expected.iloc[i]}", f"unit must be {expected.iloc[i]}", file=file,
                             row=i + 2, column="unit", value=df["unit"].iloc[i])  # fmt: skip
    out["price"] = np.nan
    if "price" in df.columns:
        text = df["price"].astype("string").fillna("").str.strip()
        num = pd.to_numeric(text, errors="coerce")
        i = _bad((text != "") & (num.isna() | (num < 0)))
        if i is not None:
            raise InputError("价格须为非负数", "price must be a number ≥ 0", file=file, row=i + 2, column="price",
                             value=df["price"].iloc[i])  # fmt: skip
        out["price"] = num.astype(float)
    out["price_source"] = df["price_source"].astype("string").fillna("").str.strip() if "price_source" in df \
        else ""  # fmt: skip
    dup = out.duplicated(["division_code", "year", "component"], keep="first")
    i = _bad(dup)
    if i is not None:
        raise InputError("同一区划、年份、核算指标重复", "repeated division, year and component", file=file,
                         row=i + 2, column="component", value=out["component"].iloc[i])  # fmt: skip
    return out


def read_overrides(df: pd.DataFrame, *, edition: str, file: str | None = None) -> pd.DataFrame:
    """Provincial price overrides: ``scope_code, component, price, document[, confidence]``.

    ``scope_code`` is the province (``xx0000``) or city/county whose technical specification sets the price; it
    applies to every division whose code lies under it (GB/T 2260 prefixes). ``document`` names the specification
    (e.g. ``DB33/T 2274-2020``) and is recorded with every value priced by it.
    """
    df = df.copy()
    df.columns = [str(c).strip() for c in df.columns]
    _require(df, ("scope_code", "component", "price", "document"), file)
    comp = set(components(edition)["component"])
    scope = df["scope_code"].astype("string").str.strip()
    i = _bad(~scope.fillna("").str.match(_CODE))
    if i is not None:
        raise InputError("范围代码须为 6 位数字", "scope code must be 6 digits", file=file, row=i + 2,
                         column="scope_code", value=df["scope_code"].iloc[i])  # fmt: skip
    name = df["component"].astype("string").str.strip()
    i = _bad(~name.isin(comp))
    if i is not None:
        raise InputError("未知的核算指标", "unknown component", file=file, row=i + 2, column="component",
                         value=df["component"].iloc[i])  # fmt: skip
    doc = df["document"].astype("string").fillna("").str.strip()
    i = _bad(doc == "")
    if i is not None:
        raise InputError("须注明依据的技术规范", "the specification (document) must be named", file=file,
                         row=i + 2, column="document")  # fmt: skip
    conf = df["confidence"].astype("string").fillna("").str.strip() if "confidence" in df else ""
    return pd.DataFrame({"scope_code": scope.astype(str), "component": name.astype(str),
                         "price": _numbers(df, "price", file), "document": doc.astype(str), "confidence": conf})  # fmt: skip


# ---- values and accounts -------------------------------------------------------------------------------------
def item_values(quantities: pd.DataFrame, *, edition: str, prices: str | None = None,
                overrides: pd.DataFrame | None = None) -> pd.DataFrame:  # fmt: skip
    """Value of each input row: ``value = quantity × price`` [元], with the price and where it came from.

    Price order: the row's own price; the most specific override whose scope contains the division (a county's
    over its province's; containment by :func:`pioneer.standards.divisions.within`); the named price set ``prices``; components in 元 take price 1. Adds ``category, item,
    item_cn, component_cn, quantity_unit, method_cn, price, price_source, confidence, value``.

    Raises
    ------
    InputError
        naming the first component without a price (row numbers of the validated table, header = row 1).
    """
    comp = components(edition).set_index("component")
    q = quantities.reset_index(drop=True).copy()
    for col in ("category", "item", "item_cn", "component_cn", "quantity_unit", "method_cn", "confidence"):
        q[col] = q["component"].map(comp[col])
    price = q["price"].astype(float)
    src: Any = pd.Series(
        np.where(price.notna(), "input: " + q["price_source"].astype(str), ""), index=q.index
    )
    conf: Any = pd.Series(np.where(price.notna(), "as entered", ""), index=q.index, dtype=object)
    if overrides is not None and len(overrides):
        o = overrides.assign(width=[len(divisions.prefix(str(c))) for c in overrides["scope_code"]])
        o = o.sort_values("width", ascending=False, kind="stable")  # the most specific scope first
        for r in o.itertuples(index=False):  # a handful of specification rows, not data rows
            scope = str(r.scope_code)
            hit = (
                price.isna() & (q["component"] == r.component) & divisions.within(q["division_code"], [scope])
            )
            price = price.where(~hit, float(str(r.price)))
            src = src.where(~hit, f"provincial override: {r.document} (scope {r.scope_code})")
            conf = conf.where(~hit, r.confidence or "as entered")
    if prices is not None:
        ps = price_set(prices).set_index("component")
        from_set = price.isna() & q["component"].isin(ps.index)
        price = price.where(~from_set, q["component"].map(ps["price"]))
        src = src.where(~from_set, f"price set {prices}: " + q["component"].map(ps["source"]).fillna(""))
        conf = conf.where(~from_set, q["component"].map(ps["confidence"]))
    direct = price.isna() & (q["quantity_unit"] == VALUE_UNIT)
    price = price.where(~direct, 1.0)
    src = src.where(~direct, "value entered directly (元)")
    conf = conf.where(~direct, "as entered")
    i = _bad(price.isna())
    if i is not None:
        raise InputError("该核算指标没有价格：请在输入中给出 price，或提供省级参数（--overrides），或选择价格集（--prices）",
                         "no price for this component: give a price in the input, provincial overrides "
                         "(--overrides) or a price set (--prices)", row=i + 2, column="component",
                         value=q["component"].iloc[i])  # fmt: skip
    q["price"], q["price_source"], q["price_confidence"] = price, src, conf
    q["value"] = q["quantity"] * q["price"]
    return q


def account(values: pd.DataFrame, *, by: str = "division_code") -> pd.DataFrame:
    """GEP by ``by`` and year: the three categories and their sum [元], with the number of components summed."""
    v = values.assign(_cat=values["category"])
    wide = v.pivot_table(index=[by, "year"], columns="_cat", values="value", aggfunc="sum", fill_value=0.0)
    for c in CATEGORIES:
        if c not in wide.columns:
            wide[c] = 0.0
    wide = wide[list(CATEGORIES)]
    wide["gep"] = wide.sum(axis=1)
    wide["n_components"] = v.groupby([by, "year"])["component"].count()
    return wide.reset_index().rename_axis(columns=None)


def two_mountains_indicators(acc: pd.DataFrame, gdp: pd.Series | None = None) -> pd.DataFrame:
    """GEP/GDP and the "两山" conversion indicators of an :func:`account` table.

    * ``gep_gdp_ratio`` = GEP / GDP [-] (``gdp`` in 元, indexed like ``acc`` by its first column and ``year``).
    * ``conversion_value`` = material supply + cultural services [元]: the value realised through markets
      (陈梅 et al. 2021, 生态学报 41(14), "以生态产品价值和生态文化价值之和评估两山转化成效"; secondary).
    * ``conversion_rate`` = conversion_value / GEP × 100 [%] (assumed form).
    """
    out = acc.copy()
    out["conversion_value"] = out["material"] + out["cultural"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["conversion_rate"] = np.where(
            out["gep"] > 0, out["conversion_value"] / out["gep"] * 100.0, np.nan
        )
    if gdp is not None:
        key = [out.columns[0], "year"]
        g = out.set_index(key).index.map(lambda k: gdp.get(k, np.nan))
        out["gdp"] = np.asarray(g, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["gep_gdp_ratio"] = np.where(out["gdp"] > 0, out["gep"] / out["gdp"], np.nan)
    return out


def read_gdp(df: pd.DataFrame, *, file: str | None = None) -> pd.Series:
    """GDP by division and year [元] from ``division_code, year, gdp``; located errors for bad rows."""
    df = df.copy()
    df.columns = [str(c).strip() for c in df.columns]
    _require(df, ("division_code", "year", "gdp"), file)
    code = df["division_code"].astype("string").str.strip()
    i = _bad(~code.fillna("").str.match(_CODE))
    if i is not None:
        raise InputError("行政区划代码须为 6 位数字", "division code must be 6 digits", file=file, row=i + 2,
                         column="division_code", value=df["division_code"].iloc[i])  # fmt: skip
    year = pd.to_numeric(df["year"].astype("string").str.strip(), errors="coerce")
    i = _bad(year.isna() | (year % 1 != 0))
    if i is not None:
        raise InputError(
            "年份无效", "invalid year", file=file, row=i + 2, column="year", value=df["year"].iloc[i]
        )
    gdp = _numbers(df, "gdp", file, positive=True)
    return pd.Series(
        gdp.to_numpy(), index=pd.MultiIndex.from_arrays([code.astype(str), year.astype("int64")])
    )


def accounts_by_level(values: pd.DataFrame, *, edition: str, gdp: pd.Series | None = None) -> pd.DataFrame:
    """:func:`account` and :func:`two_mountains_indicators` for the input divisions (``level = input``) and
    their cities (``level = city``, :func:`pioneer.standards.divisions.rollup`)."""
    county = account(values).assign(level="input")
    city = account(values.assign(division_code=divisions.rollup(values["division_code"], "city")))
    out = pd.concat([two_mountains_indicators(county, gdp), two_mountains_indicators(city.assign(level="city"), gdp)],
                    ignore_index=True)  # fmt: skip
    return out.assign(edition=edition, unit=VALUE_UNIT)
