"""CH4 and N2O of fuel combustion (stationary and road transport), IPCC 2006 Tier 1 defaults by source category.

Method: the 2011 provincial guideline's energy chapter (and its 2025 revision) accounts the non-CO2 gases of fuel
combustion by sector and technology; where no national factor is given it points to the IPCC defaults. Pioneer
uses the 2006 IPCC Guidelines Vol. 2 Tier 1 equation 2.1 (stationary) / 3.2.1 (road):

    E_gas [t] = fuel heat [TJ] × EF_gas [kg/TJ, net calorific basis] × 10⁻³

with EF from Table 2.2 (energy industries), Table 2.3 (manufacturing industries and construction) and Table 3.2.2
(road transport), ``carbon_nonco2_factors.csv``; CO2e = E_CH4 × GWP_CH4 + E_N2O × GWP_N2O with the edition's GWP set
(AR2 for 2011: 21 / 310; AR5 for 2025: 28 / 265). Fuel heat is the row's ``energy_gj`` (quantity × NCV of the
edition, or the quantity given in energy units). The non-CO2 CO2e is reported **apart** from CO2: dual control and
every CO2 total stay CO2-only.

Source category of a row: the optional activity column ``combustion_category`` (``energy_industries``,
``manufacturing``, ``commercial``, ``residential``, ``road_transport``) or, when it is empty, the sector name by the
keywords of :data:`SECTOR_KEYWORDS` (first match wins; an **assumed** mapping of the energy balance table's
sectors, stated in ``docs/standards/carbon.md`` §1). Rows whose category and fuel have no factor in the table
(commercial and residential Tables 2.4/2.5 were not read in a citable text; coke, crude oil, gases …) get no
CH4/N2O value — never a zero — and are counted as ``nonco2_missing_rows`` in the totals.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import numpy as np
import pandas as pd

from pioneer.standards.common import read_table, select_obj

__all__ = [
    "CATEGORIES",
    "NONCO2_FACTORS",
    "SECTOR_KEYWORDS",
    "attach",
    "category_of",
    "factor_records",
    "factor_table",
]

CATEGORIES = ("energy_industries", "manufacturing", "commercial", "residential", "road_transport")
"""IPCC source categories of fuel combustion (1.A.1, 1.A.2, 1.A.4.a, 1.A.4.b/c, 1.A.3.b)."""

SECTOR_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("energy_industries", ("火力发电", "发电", "供热", "热电", "thermal power", "heat supply", "power plant",
                           "electricity generation", "energy industr")),
    ("road_transport", ("交通", "transport")),
    ("manufacturing", ("工业", "industry", "建筑", "construction", "manufactur")),
    ("commercial", ("批发", "零售", "住宿", "餐饮", "服务", "其他", "commerce", "commercial", "services", "other")),
    ("residential", ("居民", "household", "residential", "农", "agricultur")),
)  # fmt: skip
"""Sector name keyword → source category (case-insensitive, first match wins). Assumed: the energy balance
table's transport sector (rail, water and air included) takes the road defaults of Table 3.2.2; agriculture,
forestry and fishing go with households (IPCC Table 2.5 covers both)."""


@cache
def _factors() -> pd.DataFrame:
    t = read_table("carbon_nonco2_factors.csv")
    for c in ("ch4_kg_per_tj", "n2o_kg_per_tj"):
        t[c] = t[c].astype(float)
    return t


#: CH4 and N2O defaults [kg/TJ] per source category and fuel (``carbon_nonco2_factors.csv``).
NONCO2_FACTORS: pd.DataFrame = _factors()


def category_of(sector: pd.Series, given: pd.Series | None = None) -> pd.Series:
    """Source category of each row: ``given`` where it is not empty, else the first :data:`SECTOR_KEYWORDS`
    match of the sector name; null when nothing matches.

    >>> category_of(pd.Series(["火力发电 thermal power", "工业", "交通运输、仓储和邮政业", "居民生活", "?"])).tolist()
    ['energy_industries', 'manufacturing', 'road_transport', 'residential', None]
    """
    s = sector.astype(str).str.lower()
    conds = [s.str.contains("|".join(k.lower() for k in kws), regex=True) for _c, kws in SECTOR_KEYWORDS]
    by_name = pd.Series(select_obj(conds, [c for c, _k in SECTOR_KEYWORDS], None), index=sector.index)
    if given is None:
        return by_name
    g = given.fillna("").astype(str).str.strip()
    return g.where(g != "", by_name).where(lambda x: x != "", None)


def attach(activity: pd.DataFrame, gwp_ch4: float, gwp_n2o: float) -> pd.DataFrame:
    """``activity`` (resolved by :func:`pioneer.standards.carbon.energy.resolve_factors`) with the non-CO2 factor
    of each direct (fuel) row: ``combustion_category``, ``ch4_kg_per_tj``, ``n2o_kg_per_tj`` (NaN where none),
    ``nonco2_key`` (``ipcc2006:<table>:<fuel>`` or empty) and the edition's ``gwp_ch4``/``gwp_n2o``."""
    a = activity.copy()
    given = a["combustion_category"] if "combustion_category" in a.columns else None
    cat = category_of(a["sector"], given)
    direct = a["scope"] == "direct"
    a["combustion_category"] = cat.where(direct, None).fillna("").astype(str)
    f = NONCO2_FACTORS
    key = f["category"] + "|" + f["fuel"]
    rk = a["combustion_category"] + "|" + a["fuel"].astype(str)
    a["ch4_kg_per_tj"] = rk.map(dict(zip(key, f["ch4_kg_per_tj"], strict=True))).astype("float64")
    a["n2o_kg_per_tj"] = rk.map(dict(zip(key, f["n2o_kg_per_tj"], strict=True))).astype("float64")
    nkey = (
        "ipcc2006:"
        + rk.map(dict(zip(key, f["ipcc_table"], strict=True))).fillna("")
        + ":"
        + a["fuel"].astype(str)
    )
    a["nonco2_key"] = np.where(a["ch4_kg_per_tj"].notna(), nkey, "")
    a["gwp_ch4"] = float(gwp_ch4)
    a["gwp_n2o"] = float(gwp_n2o)
    return a


def factor_records(activity: pd.DataFrame) -> pd.DataFrame:
    """The non-CO2 factors ``activity`` used, one row per ``nonco2_key`` and gas (``factor_key`` =
    ``<nonco2_key>:CH4``/``:N2O``, ``co2_factor`` = the factor in **t gas per TJ**, ``physical_unit`` = TJ, ``gwp``
    of the edition), in the shape of the account's ``factor`` records."""
    used = activity.loc[activity["nonco2_key"] != "", ["nonco2_key", "combustion_category", "fuel", "gwp_ch4",
                                                       "gwp_n2o"]].drop_duplicates("nonco2_key")  # fmt: skip
    f = NONCO2_FACTORS.assign(
        nonco2_key="ipcc2006:" + NONCO2_FACTORS["ipcc_table"] + ":" + NONCO2_FACTORS["fuel"]
    )
    f = f.merge(used[["nonco2_key", "combustion_category", "gwp_ch4", "gwp_n2o"]],
                left_on=["nonco2_key", "category"], right_on=["nonco2_key", "combustion_category"])  # fmt: skip
    parts = []
    for gas in ("CH4", "N2O"):
        col = f"{gas.lower()}_kg_per_tj"
        parts.append(pd.DataFrame({
            "factor_key": f["nonco2_key"] + ":" + gas, "fuel": f["fuel"], "edition": "IPCC 2006 Table " + f["ipcc_table"],
            "physical_unit": "TJ", "ncv_gj_per_unit": np.nan, "carbon_content_tc_per_tj": np.nan, "oxidation": np.nan,
            "co2_factor": f[col] / 1000.0, "co2_per_gj": np.nan, "factor_year": "2006",
            "factor_source": f["source"] + (" — " + f["note"]).where(f["note"] != "", ""),
            "factor_confidence": f["confidence"], "factor_origin": "default", "gas": gas,
            "gwp": f[f"gwp_{gas.lower()}"].astype(float),
        }))  # fmt: skip
    return pd.concat(parts, ignore_index=True)


NOT_READ_CATEGORIES = {"commercial": "2.4", "residential": "2.5"}
"""Source categories whose IPCC 2006 Vol. 2 table (2.4 commercial/institutional, 2.5 residential and agriculture,
forestry, fishing) was not read in a citable text, so ``carbon_nonco2_factors.csv`` has no row of them."""


def factor_table(fuels: Iterable[str]) -> pd.DataFrame:
    """Every source category × fuel pair of ``fuels`` (a guideline edition's fuel set) with its IPCC 2006 Tier 1
    default (2006 IPCC Guidelines Vol. 2, eq. 2.1 / 3.2.1; Tables 2.2, 2.3, 3.2.2) [kg/TJ, net calorific basis],
    or **no value**: ``has_value`` false, ``confidence`` ``not-found`` and the reason in ``source`` — such rows
    of an account get no CH4/N2O (never a zero) and are counted in ``nonco2_missing_rows`` (:func:`attach`).

    Columns: ``category, fuel, ch4_kg_per_tj, n2o_kg_per_tj, ipcc_table, has_value, year, confidence, source,
    note``.

    >>> t = factor_table(["raw_coal", "coke"])
    >>> t.loc[t["has_value"], ["category", "fuel", "ch4_kg_per_tj", "n2o_kg_per_tj"]].values.tolist()
    [['energy_industries', 'raw_coal', 1.0, 1.5]]
    >>> t.loc[t["category"] == "residential", "confidence"].tolist()
    ['not-found', 'not-found']
    """
    pairs = pd.MultiIndex.from_product([CATEGORIES, list(dict.fromkeys(fuels))], names=["category", "fuel"])
    t = pairs.to_frame(index=False).merge(NONCO2_FACTORS, on=["category", "fuel"], how="left")
    has = t["ch4_kg_per_tj"].notna()
    table = t["category"].map(NOT_READ_CATEGORIES)
    not_read = (
        "IPCC 2006 Vol. 2 Table " + table.fillna("") + " was not read in a citable text: no default stored"
    )
    no_row = "no IPCC 2006 Tier 1 default stored for this fuel in this source category"
    reason = not_read.where(table.notna(), no_row) + (
        "; an account leaves CH4/N2O of such rows empty (nonco2_missing_rows)"
    )
    t["has_value"] = has
    t["ipcc_table"] = t["ipcc_table"].where(has, table)
    t["year"] = np.where(has, "2006", "")
    t["confidence"] = t["confidence"].where(has, "not-found")
    t["source"] = t["source"].where(has, reason)
    t["note"] = t["note"].where(has, "")
    return t[["category", "fuel", "ch4_kg_per_tj", "n2o_kg_per_tj", "ipcc_table", "has_value", "year",
              "confidence", "source", "note"]]  # fmt: skip
