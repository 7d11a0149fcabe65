"""CO2 emissions of energy activities for provinces, cities and counties, by fuel and sector.

Method: 《省级温室气体清单编制指南（试行）》 (2011), energy activities, fuel combustion by the sectoral approach —
emissions of each fuel and sector are activity × CO2 factor, the factor being NCV × carbon content × oxidation
rate × 44/12 (:func:`pioneer.standards.carbon.factors.co2_emission_factor`). The 2025 revision keeps the same
equation; only its default factors differ (``edition``). Electricity (and heat) bought from outside the
division is accounted as *indirect* emissions with the MEE + NBS average grid factor of the year
(statistical accounting, not the carbon-market reporting factor); see ``docs/standards/carbon.md``.

Glossary (input columns, long layout; the fuel × sector Excel layout is read by
:mod:`pioneer.standards.carbon.balance`):

=================  =====================================================================================
``division_code``  GB/T 2260 code of the province, city or county (6 digits)
``year``           accounting year
``sector``         sector of the energy balance table (text as the user's table names it)
``fuel``           fuel code (``raw_coal`` …), its Chinese or English name, ``electricity``/电力 or ``heat``/热力,
                   or an industrial process of the 2011 guideline's ch. 2 (``cement_clinker``/水泥熟料, ``lime``/石灰,
                   ``steel_flux_limestone`` …; ``amount`` = t of product or material; ``carbon_process_factors.csv``)
``amount``         quantity consumed, ≥ 0, in ``unit``
``unit``           a unit declared in ``carbon_units.csv``: mass (t, 万吨 …) or volume (万立方米 …) for fuels as
                   their factor is stated, energy (GJ, tce, 万吨标准煤 …) for any fuel, electricity (kWh,
                   万千瓦时, 亿千瓦时 …) for electricity, energy for heat
``flow``           optional: ``consumption`` (default) or ``export`` — electricity/heat sent out of the
                   division, entered as a positive amount and deducted (the guideline's net-import rule)
=================  =====================================================================================
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from pioneer.errors import InputError
from pioneer.guard.codes import DIVISION_CODE_PATTERN
from pioneer.standards.carbon import nonco2
from pioneer.standards.carbon.checks import first_bad as _bad
from pioneer.standards.carbon.editions import DEFAULT_EDITION
from pioneer.standards.carbon.editions import edition as edition_of
from pioneer.standards.carbon.factors import (
    DIMENSION_OF_PHYSICAL_UNIT,
    FUEL_FACTORS,
    GRID_FACTORS,
    HEAT_FACTORS,
    PROCESS_FACTORS,
    co2_emission_factor,
    co2_per_gj,
    fuel_factors,
    grid_region,
    gwp,
    process_factors,
    unit_conversion,
)
from pioneer.standards.divisions import rollup

__all__ = [
    "ACTIVITY_COLUMNS",
    "CARRIERS",
    "FACTOR_COLUMNS",
    "GRID_CHOICES",
    "emissions",
    "read_activity",
    "read_local_factors",
    "resolve_factors",
    "totals",
]

ACTIVITY_COLUMNS = ("division_code", "year", "sector", "fuel", "amount", "unit")
CARRIERS = {"electricity": ("电力", "MWh", "electricity"), "heat": ("热力", "GJ", "energy")}
"""Secondary energy accounted as indirect emissions: code → (name_zh, factor unit, unit dimension)."""
_CARRIER_ALIASES = {"electricity": "electricity", "电力": "electricity", "电": "electricity",
                    "heat": "heat", "热力": "heat"}  # fmt: skip
GRID_CHOICES = ("national", "regional", "provincial")
GRID_KINDS = ("average", "excl_market_nonfossil", "fossil")
FACTOR_COLUMNS = ["factor_key", "fuel", "edition", "physical_unit", "ncv_gj_per_unit", "carbon_content_tc_per_tj",
                  "oxidation", "co2_factor", "co2_per_gj", "factor_year", "factor_source", "factor_confidence",
                  "factor_origin", "gas", "gwp"]  # fmt: skip


def read_activity(df: pd.DataFrame, *, file: str | None = None) -> pd.DataFrame:
    """Validate the long activity layout (module glossary); returns the rows with ``_row`` (file row, header
    = 1), ``amount`` as float, ``year`` as int and ``flow``.

    Raises
    ------
    InputError
        Located at file/row/column: missing column, division code not 6 digits, year not an integer, empty
        sector or fuel, amount not a number, negative amount (消费量为负), unknown flow.
    """
    df = df.copy()
    df.columns = [str(c).strip() for c in df.columns]
    if "_row" not in df.columns:
        df["_row"] = np.arange(len(df)) + 2
    for col in ACTIVITY_COLUMNS:
        if col not in df.columns:
            raise InputError(
                f"缺少必需列 “{col}”", f"required column '{col}' is missing", file=file, column=col
            )
    if df.empty:
        raise InputError("没有数据行", "no data rows", file=file)
    code = df["division_code"].astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    _bad(df, ~code.str.fullmatch(DIVISION_CODE_PATTERN).fillna(False), "division_code",
         "行政区划代码应为 6 位数字（GB/T 2260）", "division code must be 6 digits (GB/T 2260)", file)  # fmt: skip
    df["division_code"] = code.astype(str)
    year = pd.to_numeric(df["year"], errors="coerce")
    _bad(df, year.isna() | (year % 1 != 0) | (year < 1949) | (year > 2100), "year",
         "年份应为 1949–2100 之间的整数", "year must be an integer between 1949 and 2100", file)  # fmt: skip
    df["year"] = year.astype(int)
    for col in ("sector", "fuel"):
        s = df[col].astype("string").str.strip()
        _bad(df, s.isna() | (s == ""), col, "不能为空", "must not be empty", file)
        df[col] = s.astype(str)
    amount = pd.to_numeric(df["amount"], errors="coerce")
    _bad(df, amount.isna(), "amount", "消费量不是数字", "amount is not a number", file)
    _bad(df, amount < 0, "amount", "消费量不能为负（调出电力请用 flow=export 并填正数）",
         "consumption must not be negative (enter electricity sent out as a positive amount with flow=export)",
         file)  # fmt: skip
    df["amount"] = amount.astype(float)
    flow = df["flow"] if "flow" in df.columns else pd.Series("", index=df.index)
    flow = flow.fillna("").astype(str).str.strip().str.lower().replace({"": "consumption", "调出": "export",
                                                                         "消费": "consumption"})  # fmt: skip
    df["flow"] = flow
    _bad(df, ~flow.isin(["consumption", "export"]), "flow", "flow 应为 consumption 或 export",
         "flow must be consumption or export", file)  # fmt: skip
    df["unit"] = df["unit"].fillna("").astype(str).str.strip()
    return df.reset_index(drop=True)


def read_local_factors(df: pd.DataFrame, *, file: str | None = None) -> pd.DataFrame:
    """User-supplied local factors, recorded as such (``factor_origin = local``), in the shape of ``FACTOR_COLUMNS``.

    Columns: ``fuel`` (a code or name; a new code adds a fuel; a process code gives that process's factor, in
    tCO2e per unit, its GWP stated in the source), ``unit`` (the unit the factor is stated per: a
    declared mass/volume unit for fuels, an electricity unit for ``electricity``, an energy unit for ``heat``),
    either ``co2_factor`` [tCO2 per unit] or all of ``ncv`` [GJ per unit], ``carbon_content`` [tC/TJ] and
    ``oxidation`` [fraction], and ``source`` (required: where the local value comes from); optional ``year``.

    Raises
    ------
    InputError
        Located: missing column, empty source, unit not declared or not fitting the fuel, factor not a
        positive number, oxidation outside 0–1, neither a CO2 factor nor all three components, duplicate fuel.
    """
    df = df.copy()
    df.columns = [str(c).strip() for c in df.columns]
    df["_row"] = np.arange(len(df)) + 2
    for col in ("fuel", "unit", "source"):
        if col not in df.columns:
            raise InputError(
                f"缺少必需列 “{col}”", f"required column '{col}' is missing", file=file, column=col
            )
    for col in ("co2_factor", "ncv", "carbon_content", "oxidation", "year", "gas"):
        if col not in df.columns:
            df[col] = np.nan
    src = df["source"].astype("string").str.strip()
    _bad(
        df, src.isna() | (src == ""), "source", "本地因子须注明来源", "a local factor needs its source", file
    )
    df["fuel"] = _canonical_fuel(df["fuel"].astype(str).str.strip(), extra=())
    _bad(
        df,
        df["fuel"].duplicated(),
        "fuel",
        "同一燃料有两条本地因子",
        "two local factors for the same fuel",
        file,
    )
    conv = unit_conversion(df["unit"])
    dim = conv["dimension"]
    carrier_dim = df["fuel"].map({k: v[2] for k, v in CARRIERS.items()})
    ok_dim = np.where(carrier_dim.notna(), dim == carrier_dim, dim.isin(["mass", "volume"]))
    _bad(df, conv["to_base"].isna(), "unit", "未声明的单位（见 carbon_units.csv）",
         "unit not declared (see carbon_units.csv)", file)  # fmt: skip
    _bad(
        df,
        ~ok_dim,
        "unit",
        "该单位不适用于此燃料的因子",
        "this unit does not fit a factor of this fuel",
        file,
    )
    num = {
        c: pd.to_numeric(df[c], errors="coerce") for c in ("co2_factor", "ncv", "carbon_content", "oxidation")
    }
    given = {c: df[c].astype("string").fillna("").str.strip() != "" for c in num}
    for c in num:
        _bad(df, given[c] & ~(num[c] > 0), c, "应为正数", "must be a positive number", file)
    _bad(df, given["oxidation"] & (num["oxidation"] > 1), "oxidation", "碳氧化率应在 0–1 之间",
         "oxidation rate must lie within 0–1", file)  # fmt: skip
    parts = given["ncv"] & given["carbon_content"] & given["oxidation"]
    _bad(df, ~given["co2_factor"] & ~parts, "co2_factor",
         "须给出 co2_factor，或 ncv、carbon_content、oxidation 三项", "give co2_factor, or all of ncv, carbon_content "
         "and oxidation", file)  # fmt: skip
    is_carrier = carrier_dim.notna()
    _bad(df, is_carrier & ~given["co2_factor"], "co2_factor", "电力、热力的本地因子须直接给出 co2_factor",
         "a local electricity or heat factor is given as co2_factor", file)  # fmt: skip
    to_base = conv["to_base"].astype(float)
    ncv = num["ncv"] / to_base
    from_parts = co2_emission_factor(ncv, num["carbon_content"], num["oxidation"])
    cf = pd.Series(np.where(given["co2_factor"], num["co2_factor"] / to_base, from_parts), index=df.index)
    out = pd.DataFrame({
        "factor_key": "local:" + df["fuel"], "fuel": df["fuel"], "edition": "local", "physical_unit": conv["base_unit"],
        "ncv_gj_per_unit": ncv.where(parts), "carbon_content_tc_per_tj": num["carbon_content"].where(parts),
        "oxidation": num["oxidation"].where(parts), "co2_factor": cf,
        "co2_per_gj": co2_per_gj(num["carbon_content"], num["oxidation"]).where(parts & ~is_carrier),
        "factor_year": df["year"].astype("string").fillna(""), "factor_source": src.astype(str),
        "factor_confidence": "local", "factor_origin": "local",
        "gas": df["gas"].astype("string").fillna("").str.strip().replace("", "CO2").astype(str), "gwp": np.nan,
    })  # fmt: skip
    return out[FACTOR_COLUMNS]


def _alias_map() -> dict[str, str]:
    m: dict[str, str] = {}
    for r in FUEL_FACTORS.itertuples():  # the factor table (≈ 20 rows), not data rows
        for name in (r.fuel, r.name_zh, r.name_en):
            m[str(name).strip().lower()] = str(r.fuel)
    for r in PROCESS_FACTORS.itertuples():  # the process table (≈ 10 rows)
        for name in (r.process, r.name_zh, r.name_en):
            m[str(name).strip().lower()] = str(r.process)
    m.update(_CARRIER_ALIASES)
    return m


def _canonical_fuel(fuel: pd.Series, *, extra: tuple[str, ...]) -> pd.Series:
    """Fuel codes for codes or names (Chinese, English, case-insensitive); unknown names are kept as given."""
    m = _alias_map()
    m.update({e.lower(): e for e in extra})
    key = fuel.astype(str).str.strip().str.lower()
    return key.map(m).fillna(fuel.astype(str).str.strip())


def resolve_factors(
    activity: pd.DataFrame,
    *,
    edition: str = DEFAULT_EDITION,
    local: pd.DataFrame | None = None,
    grid: str = "national",
    grid_kind: str = "average",
    grid_year: int | None = None,
    file: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Choose the factor of every activity row and convert its amount to the factor's unit.

    Fuels take the default factor of ``edition`` (2011 guideline or its 2025 revision) unless ``local`` has one
    for the fuel (a local factor always wins and is recorded as ``local``). Electricity takes the MEE + NBS
    ``grid_kind`` factor of the row's year (or of ``grid_year`` when given) for the ``grid`` level: the
    national grid, the division's regional grid or its province; net imported heat takes the default 0.11 tCO2/GJ
    of GB/T 32150—2025 (``carbon_heat_factors.csv``, secondary) unless ``local`` has one. Industrial processes
    (2011 guideline ch. 2) take ``carbon_process_factors.csv``: t of product or material × factor × GWP of the
    edition (AR2 for 2011), ``scope = process``; a process without a default in any citable text needs a local
    factor.

    Amounts are converted only by the declared units (``carbon_units.csv``): a fuel's mass or volume to the
    unit its factor is stated per (``basis = physical``), or energy units to GJ (``basis = energy``, CO2 =
    GJ × CC × OF × 44/12, no NCV involved); electricity to MWh, heat to GJ.

    Returns
    -------
    (activity, factors)
        ``activity`` with ``fuel`` (code), ``fuel_input``, ``quantity``, ``quantity_unit``, ``basis``, ``scope``
        (direct|indirect), ``sign`` (−1 for exports) and ``factor_key``; ``factors`` with ``FACTOR_COLUMNS``,
        one row per key used.

    Raises
    ------
    InputError
        Located at the first offending row: unknown fuel, a fuel the edition's set lacks, unit not declared or
        not convertible for the fuel, export of a fuel, no grid factor for the year and region, heat without a
        local factor.
    """
    edition_of(edition)
    if grid not in GRID_CHOICES:
        raise ValueError(f"grid must be one of {GRID_CHOICES}, got {grid!r}")
    if grid_kind not in GRID_KINDS:
        raise ValueError(f"grid_kind must be one of {GRID_KINDS}, got {grid_kind!r}")
    a = activity.copy()
    loc = local if local is not None else pd.DataFrame(columns=FACTOR_COLUMNS)
    a["fuel_input"] = a["fuel"]
    a["fuel"] = _canonical_fuel(a["fuel"], extra=tuple(loc["fuel"]))
    ed = fuel_factors(edition)
    pf = process_factors(edition, edition_of(edition).gwp_set)
    is_carrier = a["fuel"].isin(list(CARRIERS))
    is_process = a["fuel"].isin(list(PROCESS_FACTORS["process"]))
    in_local = a["fuel"].isin(list(loc["fuel"]))
    with_default = pf.loc[pf["co2_factor"].notna(), "process"]
    in_edition = a["fuel"].isin(list(ed["fuel"])) | a["fuel"].isin(list(with_default))
    known_any = a["fuel"].isin(list(FUEL_FACTORS["fuel"])) | is_process
    _bad(a, ~(is_carrier | in_local | known_any), "fuel",
         "未知的能源品种（可用本地因子文件补充）", "unknown fuel (a local factor file can add it)", file,
         value_col="fuel_input")  # fmt: skip
    no_text = a["fuel"].isin(list(pf.loc[pf["co2_factor"].isna(), "process"]))
    _bad(a, no_text & ~in_local, "fuel",
         f"{edition} 版指南的该工业过程缺省因子未在可引用的文本中找到，请在本地因子文件中给出（注明来源）",
         f"no default factor of this industrial process ({edition} guideline) was found in a citable text; give a "
         "local factor (with its source)", file, value_col="fuel_input")  # fmt: skip
    _bad(a, ~(is_carrier | in_local | in_edition), "fuel",
         f"{edition} 版指南的缺省因子中没有该燃料（请改用其他版本或提供本地因子）",
         f"the {edition} guideline's default set has no factor for this fuel (choose another edition or give a "
         "local factor)", file, value_col="fuel_input")  # fmt: skip
    _bad(a, (a["flow"] == "export") & ~is_carrier, "flow", "只有电力、热力可填调出（export）",
         "only electricity and heat can be exported (flow=export)", file)  # fmt: skip

    # the unit each row's factor is stated per, and the dimension that unit has
    phys = pd.Series(np.nan, index=a.index, dtype="object")
    ed_unit = dict(zip(ed["fuel"], ed["physical_unit"], strict=True))
    ed_unit.update(dict(zip(pf["process"], pf["physical_unit"], strict=True)))
    phys = phys.fillna(a["fuel"].map(ed_unit))
    phys = a["fuel"].map(dict(zip(loc["fuel"], loc["physical_unit"], strict=True))).fillna(phys)
    phys = phys.fillna(a["fuel"].map({k: v[1] for k, v in CARRIERS.items()}))
    phys_dim = phys.map(DIMENSION_OF_PHYSICAL_UNIT)
    conv = unit_conversion(a["unit"])
    _bad(a, conv["to_base"].isna(), "unit", "未声明的单位（见 carbon_units.csv）",
         "unit not declared (see carbon_units.csv)", file)  # fmt: skip
    as_energy = (conv["dimension"] == "energy") & ~is_carrier & ~is_process
    fits = (conv["dimension"] == phys_dim) | as_energy
    _bad(
        a,
        ~fits,
        "unit",
        "该单位不能换算为此能源品种的计量单位",
        "this unit cannot be converted for this fuel",
        file,
    )
    has_parts = a["fuel"].map(dict(zip(loc["fuel"], loc["co2_per_gj"].notna(), strict=True))).fillna(True)
    _bad(a, as_energy & in_local & ~has_parts.astype(bool), "unit",
         "本地因子只给了实物量因子，不能按热量单位计算", "the local factor is per physical unit; energy units need its "
         "carbon content and oxidation rate", file)  # fmt: skip
    a["quantity"] = a["amount"] * conv["to_base"].astype(float)
    a["quantity_unit"] = np.where(as_energy, "GJ", phys)
    a["basis"] = np.where(as_energy, "energy", "physical")
    a["scope"] = np.where(is_carrier, "indirect", np.where(is_process, "process", "direct"))
    a["sign"] = np.where(a["flow"] == "export", -1.0, 1.0)

    # factor keys: local first, then the edition's defaults, then the grid
    key = pd.Series(np.where(in_local, "local:" + a["fuel"], f"{edition}:" + a["fuel"]), index=a.index)
    elec = (a["fuel"] == "electricity") & ~in_local
    gy = pd.Series(grid_year if grid_year is not None else a["year"], index=a.index).astype(int)
    if grid == "national":
        region = pd.Series("national", index=a.index)
    else:
        province = rollup(a["division_code"], "province")
        region = grid_region(province) if grid == "regional" else province
    gkey = "grid:" + gy.astype(str) + ":" + region.fillna("?").astype(str) + ":" + grid_kind
    key = pd.Series(np.where(elec, gkey, key), index=a.index)
    heat = (a["fuel"] == "heat") & ~in_local  # net imported heat: the GB/T 32150—2025 default
    key = pd.Series(np.where(heat, "heat:default", key), index=a.index)
    a["factor_key"] = key
    gf = GRID_FACTORS[GRID_FACTORS["kind"] == grid_kind]
    gf_keys = "grid:" + gf["year"].astype(str) + ":" + gf["region"] + ":" + gf["kind"]
    _bad(a, elec & ~key.isin(list(gf_keys)), "year",
         f"没有该年份/区域的电力排放因子（{grid}，{grid_kind}；已发布 {sorted(set(gf['year']))} 年），可指定 --grid-year "
         "或提供本地因子", f"no published {grid_kind} electricity factor for this year and {grid} grid (published: "
         f"{sorted(set(gf['year']))}); choose --grid-year or give a local factor", file)  # fmt: skip

    fuels = ed.assign(
        factor_key=f"{edition}:" + ed["fuel"], factor_year=ed["year"], factor_source=ed["source"],
        factor_confidence=ed["confidence"], factor_origin="default", gas="CO2", gwp=1.0,
    )  # fmt: skip
    procs = pd.DataFrame({
        "factor_key": f"{edition}:" + pf["process"], "fuel": pf["process"], "edition": str(edition),
        "physical_unit": pf["physical_unit"], "ncv_gj_per_unit": np.nan, "carbon_content_tc_per_tj": np.nan,
        "oxidation": np.nan, "co2_factor": pf["co2_factor"], "co2_per_gj": np.nan, "factor_year": str(edition),
        "factor_source": pf["source"] + " (GWP " + edition_of(edition).gwp_set + ")",
        "factor_confidence": pf["confidence"], "factor_origin": "default", "gas": pf["gas"], "gwp": pf["gwp"],
    })  # fmt: skip
    heats = pd.DataFrame({
        "factor_key": HEAT_FACTORS["key"], "fuel": "heat", "edition": "GB/T 32150-2025", "physical_unit": "GJ",
        "ncv_gj_per_unit": np.nan, "carbon_content_tc_per_tj": np.nan, "oxidation": np.nan,
        "co2_factor": HEAT_FACTORS["factor_tco2_per_gj"], "co2_per_gj": np.nan, "factor_year": HEAT_FACTORS["year"],
        "factor_source": HEAT_FACTORS["source"], "factor_confidence": HEAT_FACTORS["confidence"],
        "factor_origin": "default", "gas": "CO2", "gwp": 1.0,
    })  # fmt: skip
    grids = pd.DataFrame({
        "factor_key": gf_keys, "fuel": "electricity", "edition": "MEE+NBS " + gf["year"].astype(str),
        "physical_unit": "MWh", "ncv_gj_per_unit": np.nan, "carbon_content_tc_per_tj": np.nan, "oxidation": np.nan,
        "co2_factor": gf["factor_tco2_per_mwh"], "co2_per_gj": np.nan, "factor_year": gf["year"].astype(str),
        "factor_source": gf["source"], "factor_confidence": gf["confidence"], "factor_origin": "default",
        "gas": "CO2", "gwp": 1.0,
    })  # fmt: skip
    factors = pd.concat(
        [fuels[FACTOR_COLUMNS], procs[FACTOR_COLUMNS], heats[FACTOR_COLUMNS], grids[FACTOR_COLUMNS],
         loc[FACTOR_COLUMNS]], ignore_index=True,
    )  # fmt: skip
    factors = factors[factors["factor_key"].isin(set(a["factor_key"]))].reset_index(drop=True)
    factors["factor_year"] = factors["factor_year"].astype(str)
    for c in ("ncv_gj_per_unit", "carbon_content_tc_per_tj", "oxidation", "co2_factor", "co2_per_gj", "gwp"):
        factors[c] = pd.to_numeric(factors[c]).astype("float64")
    factors["gas"] = factors["gas"].astype(str)
    gwp_set = edition_of(
        edition
    ).gwp_set  # CH4 and N2O of combustion (IPCC 2006 Tier 1), reported apart from CO2
    a = nonco2.attach(a, gwp("CH4", gwp_set), gwp("N2O", gwp_set))
    nf = nonco2.factor_records(a)
    if not nf.empty:
        factors = pd.concat([factors, nf[FACTOR_COLUMNS]], ignore_index=True)
    return a, factors


def emissions(activity: ir.Table, factors: ir.Table) -> ir.Table:
    """CO2 of every activity row [t] (2011 guideline, energy activities and industrial processes; the 2025
    revision alike).

    CO2 = sign × quantity × EF, with EF = ``co2_factor`` [tCO2/unit] when the quantity is physical (t, 10⁴ m³,
    MWh, GJ of heat) and ``co2_per_gj`` [tCO2/GJ] when it is energy. Process rows are CO2-equivalent (factor × GWP
    of the edition, ``gas`` and ``gwp`` on the row's factor). ``energy_gj`` is the heat content of fuel rows
    (quantity × NCV, or the quantity itself when given as energy); null for electricity and heat.

    CH4 and N2O of fuel rows (:mod:`pioneer.standards.carbon.nonco2`, IPCC 2006 Vol. 2 Tier 1): ``ch4_t`` /
    ``n2o_t`` = heat [TJ] × EF [kg/TJ] × 10⁻³, null where the row's source category and fuel have no default;
    ``nonco2_co2e_t`` = CH4 × GWP_CH4 + N2O × GWP_N2O of the edition; ``co2e_t`` = ``co2_t`` + ``nonco2_co2e_t``
    (``co2_t`` stays CO2 only).

    Parameters
    ----------
    activity : Ibis table
        Output of :func:`resolve_factors` (``factor_key, quantity, basis, sign`` + carried columns).
    factors : Ibis table
        ``FACTOR_COLUMNS``.
    """
    j = activity.inner_join(factors.drop("fuel"), "factor_key")
    ef = ibis.ifelse(j.basis == "energy", j.co2_per_gj, j.co2_factor)
    # explicit null for electricity and heat: a NaN NCV would be NULL to DuckDB but NaN to Spark (NaN poisons sums)
    energy = ibis.cases(
        (j.scope != "direct", ibis.null("float64")), (j.basis == "energy", j.quantity),
        (j.ncv_gj_per_unit.isnull() | j.ncv_gj_per_unit.isnan(), ibis.null("float64")),
        else_=j.quantity * j.ncv_gj_per_unit,
    )  # fmt: skip
    heat_tj = j.sign * energy * 1e-3
    ch4 = ibis.ifelse(
        j.ch4_kg_per_tj.isnull() | j.ch4_kg_per_tj.isnan(), ibis.null("float64"), j.ch4_kg_per_tj
    )
    n2o = ibis.ifelse(
        j.n2o_kg_per_tj.isnull() | j.n2o_kg_per_tj.isnan(), ibis.null("float64"), j.n2o_kg_per_tj
    )
    ch4_t = heat_tj * ch4 * 1e-3
    n2o_t = heat_tj * n2o * 1e-3
    nonco2 = ch4_t * j.gwp_ch4 + n2o_t * j.gwp_n2o
    co2 = j.sign * j.quantity * ef
    return j.mutate(co2_t=co2, energy_gj=j.sign * energy, ch4_t=ch4_t, n2o_t=n2o_t, nonco2_co2e_t=nonco2,
                    co2e_t=co2 + nonco2.fill_null(0))  # fmt: skip


def totals(rows: ir.Table, by: list[str]) -> ir.Table:
    """Sum of CO2 [t] (direct = fuel combustion, indirect = net imported electricity and heat, process =
    industrial processes [tCO2e], total) and fuel heat [GJ] of :func:`emissions` rows per ``by``; apart from
    them CH4 and N2O of combustion [t], their CO2e, ``co2e_t`` (CO2 + CH4 + N2O) and ``nonco2_missing_rows``
    (fuel rows without a CH4/N2O default, whose non-CO2 gases are therefore not in ``co2e_t``)."""
    return rows.group_by(by).aggregate(
        co2_direct_t=rows.co2_t.sum(where=rows.scope == "direct").fill_null(0),
        co2_indirect_t=rows.co2_t.sum(where=rows.scope == "indirect").fill_null(0),
        co2_process_t=rows.co2_t.sum(where=rows.scope == "process").fill_null(0),
        co2_t=rows.co2_t.sum(),
        energy_gj=rows.energy_gj.sum(),
        ch4_t=rows.ch4_t.sum().fill_null(0),
        n2o_t=rows.n2o_t.sum().fill_null(0),
        nonco2_co2e_t=rows.nonco2_co2e_t.sum().fill_null(0),
        co2e_t=rows.co2e_t.sum(),
        nonco2_missing_rows=(rows.scope == "direct").ifelse(rows.ch4_t.isnull().ifelse(1, 0), 0).sum(),
        n_rows=rows.count(),
    )
