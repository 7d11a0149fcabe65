"""Factor tables of the carbon accounts, loaded from CSV package data (``pioneer/standards/data/carbon_*.csv``).

Every row keeps ``source``, ``year`` and ``confidence``; see ``docs/standards/carbon.md`` for what each label
means and what could not be confirmed. Tables:

===========================  ==================================================================================
``FUEL_FACTORS``             default NCV, carbon content and oxidation rate per fuel and guideline edition
``GRID_FACTORS``             MEE + NBS average CO2 emission factors of electricity by year, region and kind
                             (the *statistical-accounting* factors; the carbon-market reporting factor
                             0.5703 tCO2/MWh is deliberately absent)
``GRID_REGIONS``             province → regional grid (assumed membership)
``UNITS``                    declared unit conversions: unit → dimension, factor to the base unit
``FYP_TARGETS``              national intensity targets (14th five-year plan, NDC 2030)
``PROCESS_FACTORS``          industrial-process factors per t of product or material (2011 guideline ch. 2;
                             cement clinker, lime, steel fluxes; the other processes listed without a value)
``GWP``                      100-year global warming potentials (IPCC SAR for the 2011 edition, AR5 for 2025)
``HEAT_FACTORS``             default CO2 factor of net imported heat (0.11 tCO2/GJ, GB/T 32150—2025)
===========================  ==================================================================================
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pandas as pd

from pioneer.standards.common import read_table

CARBON_PER_CO2 = 44.0 / 12.0
"""Molar-mass ratio CO2/C = 44/12 (2011 guideline, energy chapter: CO2 = C × 44/12)."""


@cache
def _fuels() -> pd.DataFrame:
    t = read_table("carbon_fuel_factors.csv")
    for c in ("ncv_gj_per_unit", "carbon_content_tc_per_tj", "oxidation"):
        t[c] = t[c].astype(float)
    return t


@cache
def _grid() -> pd.DataFrame:
    t = read_table("carbon_grid_factors.csv")
    t["year"] = t["year"].astype(int)
    t["factor_tco2_per_mwh"] = t["factor_tco2_per_mwh"].astype(float)
    return t


@cache
def _units() -> pd.DataFrame:
    t = read_table("carbon_units.csv")
    t["to_base"] = t["to_base"].astype(float)
    return t


@cache
def _targets() -> pd.DataFrame:
    t = read_table("carbon_fyp_targets.csv")
    for c in ("base_year", "target_year"):
        t[c] = t[c].astype(int)
    t["reduction_pct"] = t["reduction_pct"].astype(float)
    return t


@cache
def _process() -> pd.DataFrame:
    t = read_table("carbon_process_factors.csv")
    t["factor_t_per_t"] = pd.to_numeric(t["factor_t_per_t"].replace("", None), errors="coerce").astype(float)
    return t


@cache
def _gwp() -> pd.DataFrame:
    t = read_table("carbon_gwp.csv")
    t["gwp_100"] = t["gwp_100"].astype(float)
    return t


@cache
def _heat() -> pd.DataFrame:
    t = read_table("carbon_heat_factors.csv")
    t["factor_tco2_per_gj"] = t["factor_tco2_per_gj"].astype(float)
    return t


#: Default fuel factors (``carbon_fuel_factors.csv``): edition, fuel, names, physical unit, NCV [GJ/unit],
#: carbon content [tC/TJ], oxidation rate [-], year, confidence, source.
FUEL_FACTORS: pd.DataFrame = _fuels()
#: Average CO2 factors of electricity [tCO2/MWh] (``carbon_grid_factors.csv``), MEE + NBS, by year and region.
GRID_FACTORS: pd.DataFrame = _grid()
#: Province code → regional grid (``carbon_grid_regions.csv``, confidence *assumed*).
GRID_REGIONS: pd.DataFrame = read_table("carbon_grid_regions.csv")
#: Declared unit conversions (``carbon_units.csv``): unit, dimension, to_base, base_unit.
UNITS: pd.DataFrame = _units()
#: National five-year-plan and NDC intensity targets (``carbon_fyp_targets.csv``).
FYP_TARGETS: pd.DataFrame = _targets()

#: Industrial-process factors (``carbon_process_factors.csv``): edition, process, names, unit, gas, factor [t gas
#: per t of activity] (empty where no default was found), confidence, source.
PROCESS_FACTORS: pd.DataFrame = _process()
#: 100-year GWPs (``carbon_gwp.csv``): gwp_set (AR2, AR5), gas, gwp_100.
GWP: pd.DataFrame = _gwp()
#: Default factor of net imported heat (``carbon_heat_factors.csv``) [tCO2/GJ].
HEAT_FACTORS: pd.DataFrame = _heat()

GJ_PER_TCE = float(UNITS.loc[UNITS["unit"] == "tce", "to_base"].iloc[0])
"""1 tce = 29.3076 GJ (GB/T 2589, 1 kgce = 29 307.6 kJ), read from ``UNITS``."""

DIMENSION_OF_PHYSICAL_UNIT = {"t": "mass", "10^4 m3": "volume", "MWh": "electricity", "GJ": "energy"}
"""The dimension of each base unit a factor is stated per."""


def co2_emission_factor(ncv: Any, carbon_content: Any, oxidation: Any) -> Any:
    """CO2 emission factor of a fuel [tCO2 per physical unit] (2011 guideline, ch. 1 energy activities).

    EF = NCV × CC × 10⁻³ × OF × 44/12

    Parameters
    ----------
    ncv : numeric
        Net (low) calorific value [GJ/t, or GJ/10⁴ m³ for gases].
    carbon_content : numeric
        Carbon content per unit of heat [tC/TJ] (单位热值含碳量).
    oxidation : numeric
        Carbon oxidation rate [fraction, 0–1] (碳氧化率).

    Returns
    -------
    numeric
        [tCO2/t] or [tCO2/10⁴ m³]; the kind it was given (scalar, array, Series or Ibis column).

    Examples
    --------
    Raw coal with the 2011 defaults: 20.908 × 26.37 × 10⁻³ × 0.94 × 44/12 = 1.9003 tCO2/t.

    >>> round(co2_emission_factor(20.908, 26.37, 0.94), 4)
    1.9003
    """
    return ncv * carbon_content * 1e-3 * oxidation * CARBON_PER_CO2


def co2_per_gj(carbon_content: Any, oxidation: Any) -> Any:
    """CO2 per unit of heat [tCO2/GJ] = CC × 10⁻³ × OF × 44/12 (the same method, for activity stated as energy).

    Parameters
    ----------
    carbon_content : numeric [tC/TJ]
    oxidation : numeric [fraction]
    """
    return carbon_content * 1e-3 * oxidation * CARBON_PER_CO2


def fuel_factors(edition: str = "2011") -> pd.DataFrame:
    """The default factor set of one guideline edition, with ``co2_factor`` [tCO2/unit] and ``co2_per_gj``.

    Raises
    ------
    KeyError
        Naming the table when the edition has no rows.
    """
    t = FUEL_FACTORS[FUEL_FACTORS["edition"] == str(edition)].copy()
    if t.empty:
        raise KeyError(f"carbon_fuel_factors.csv has no rows for edition {edition!r}")
    t["co2_factor"] = co2_emission_factor(t["ncv_gj_per_unit"], t["carbon_content_tc_per_tj"], t["oxidation"])
    t["co2_per_gj"] = co2_per_gj(t["carbon_content_tc_per_tj"], t["oxidation"])
    return t.reset_index(drop=True)


def grid_factor(year: int, region: str = "national", kind: str = "average") -> float:
    """Average CO2 emission factor of electricity [tCO2/MWh] published by MEE and NBS for ``year``.

    ``region``: ``national``, a regional grid (``north``, ``northeast``, ``east``, ``central``, ``northwest``,
    ``south``, ``southwest``) or a province code; ``kind``: ``average`` (全国电力平均二氧化碳排放因子),
    ``excl_market_nonfossil`` (不包括市场化交易的非化石能源电量) or ``fossil`` (全国化石能源电力二氧化碳排放因子).

    Raises
    ------
    KeyError
        Naming the table when no factor is published for the combination.
    """
    g = GRID_FACTORS
    m = g[(g["year"] == int(year)) & (g["region"] == str(region)) & (g["kind"] == kind)]
    if m.empty:
        raise KeyError(f"carbon_grid_factors.csv has no {kind} factor for {region} in {year}")
    return float(m["factor_tco2_per_mwh"].iloc[0])


def grid_region(province: pd.Series) -> pd.Series:
    """Regional grid of each province code (``GRID_REGIONS``); null where the table has none."""
    m = dict(zip(GRID_REGIONS["province"], GRID_REGIONS["region"], strict=True))
    return pd.Series(province, dtype="object").map(m)


def unit_conversion(units: pd.Series) -> pd.DataFrame:
    """Dimension, factor to the base unit and base unit of each declared unit (``UNITS``); unknown units give
    null rows. Matching ignores surrounding blanks, and ``³``/``m3`` spellings are the same."""
    key = pd.Series(units, dtype="object").fillna("").astype(str).str.strip().str.replace("³", "3")
    u = UNITS.set_index("unit")
    return pd.DataFrame(
        {
            "dimension": key.map(u["dimension"]),
            "to_base": key.map(u["to_base"]),
            "base_unit": key.map(u["base_unit"]),
        },
        index=key.index,
    )


def gwp(gas: str, gwp_set: str) -> float:
    """100-year GWP of ``gas`` in ``gwp_set`` (``AR2``: IPCC SAR 1995, the 2011 guideline's basis; ``AR5``: IPCC
    AR5 2013, assumed for the 2025 edition). A combined gas such as ``CF4+C2F6`` has no single GWP (KeyError).

    >>> gwp("N2O", "AR2"), gwp("N2O", "AR5")
    (310.0, 265.0)
    """
    m = GWP[(GWP["gas"] == gas) & (GWP["gwp_set"] == gwp_set)]
    if m.empty:
        raise KeyError(f"carbon_gwp.csv has no {gwp_set} GWP for {gas}")
    return float(m["gwp_100"].iloc[0])


def process_factors(edition: str = "2011", gwp_set: str = "AR2") -> pd.DataFrame:
    """Industrial-process factors of one guideline edition (2011 guideline, ch. 2 工业生产过程: emissions =
    activity [t of product or material] × factor [t gas/t] × GWP), with ``co2_factor`` [tCO2e/t] = factor × GWP
    of ``gwp_set``. Rows without a default keep ``co2_factor`` null (a local factor is needed). An edition with
    no process rows gives an empty frame."""
    t = PROCESS_FACTORS[PROCESS_FACTORS["edition"] == str(edition)].copy()
    g = GWP[GWP["gwp_set"] == gwp_set].set_index("gas")["gwp_100"]
    t["gwp"] = t["gas"].map(g).astype(float)
    t["co2_factor"] = t["factor_t_per_t"] * t["gwp"]
    return t.reset_index(drop=True)


def heat_factor(key: str = "heat:default") -> float:
    """CO2 factor of net imported heat [tCO2/GJ]: the default 0.11 tCO2/GJ of GB/T 32150—2025 §7.5.6–7.5.7
    (secondary; see ``carbon_heat_factors.csv``)."""
    m = HEAT_FACTORS[HEAT_FACTORS["key"] == key]
    if m.empty:
        raise KeyError(f"carbon_heat_factors.csv has no {key}")
    return float(m["factor_tco2_per_gj"].iloc[0])
