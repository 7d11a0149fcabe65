"""Product carbon footprint (GB/T 24067-2024 / ISO 14067:2018) from a bill of materials, energy, transport and
end of life, per functional unit.

The method as implemented (the standard's requirements that a calculator can carry; the clause numbers follow
ISO 14067:2018, whose structure GB/T 24067-2024 adopts — not read in the Chinese text, see the docs):

* **Quantification** (ISO 14067 §6.4–6.5): every line contributes ``quantity × factor × allocation`` [kgCO2e]
  with the quantity converted to the factor's unit by the declared units only; transport lines are
  ``mass [t] × distance [km]`` in t·km times a t·km factor. The footprint is the sum per functional unit
  (``units_produced`` functional units per BOM).
* **System boundary** (§6.3.4): the life-cycle stages present decide the label — ``cradle-to-gate``
  (raw materials and production only: a *partial* CFP), ``cradle-to-grave`` (use and end of life present),
  otherwise ``partial`` with the stages listed.
* **Allocation** (§6.4.6): a line's ``allocation`` share (0–1] with its ``allocation_rule`` stated in words
  (e.g. "mass allocation between clinker and by-product"); a share below 1 without a stated rule is an error.
* **Data quality** (§6.3.5): each line's ``data_quality`` (``primary`` site-specific, ``secondary`` database,
  ``proxy`` estimate); the report gives each class's share of the footprint.
* **Uncertainty** (§6.3.5 asks for it to be assessed): *simple error propagation*, not a pedigree matrix:
  each line's relative standard uncertainty uᵢ (user-given), lines independent, so
  u(CFP) = √Σ (Eᵢ·uᵢ)² (GUM law of propagation for a sum of uncorrelated terms), expanded with k = 2. Lines
  without an uncertainty are reported as the unquantified share, never assumed zero silently.

Emission-factor library: the packaged fuel-combustion factors (CO2 only, combustion only — upstream extraction,
refining and transport are *excluded*, an under-estimate for a footprint) and the MEE + NBS grid factors, plus a
user library (``read_library``) whose rows carry their own source, recorded as user-supplied.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pioneer.errors import InputError
from pioneer.standards.carbon.checks import first_bad as _first
from pioneer.standards.carbon.factors import GRID_FACTORS, fuel_factors, unit_conversion
from pioneer.standards.common import read_table, select_obj

__all__ = ["STAGES", "boundary", "footprint", "library", "read_bom", "read_library", "summary", "uncertainty"]

STAGES = ("raw_materials", "production", "distribution", "use", "end_of_life")
"""Life-cycle stages (ISO 14067 §6.3.4; GB/T 24067: 原材料获取, 生产, 分销, 使用, 寿命末期)."""
STAGE_NAMES = {"raw_materials": "原材料获取", "production": "生产", "distribution": "分销", "use": "使用",
               "end_of_life": "寿命末期"}  # fmt: skip
_STAGE_ALIASES = {**{v: k for k, v in STAGE_NAMES.items()}, "原材料": "raw_materials", "运输": "distribution",
                  "废弃": "end_of_life", "废弃处置": "end_of_life"}  # fmt: skip
QUALITY = ("primary", "secondary", "proxy")
K_EXPANDED = 2.0
"""Coverage factor of the expanded uncertainty (≈ 95 % for a normal distribution)."""
LIBRARY_COLUMNS = ["key", "unit", "factor_kgco2e", "source", "year", "confidence", "origin", "note"]


def library(edition: str = "2011") -> pd.DataFrame:
    """The packaged emission-factor library [kgCO2e per unit]: fuel combustion ``combustion:<fuel>`` per t or
    10⁴ m³ of the ``edition``'s defaults, ``electricity:<year>:<region>`` per MWh (MEE + NBS average CO2
    factors), and the published footprint factors of ``carbon_footprint_factors.csv``: the MEE + NBS + NEA
    全国电力平均碳足迹因子 ``electricity_cfp:<year>:national`` (2023: 0.6205, 2024: 0.5777 kgCO2e/kWh) and
    generation types, and ``heat:default`` (GB/T 32150—2025). For a product footprint (GB/T 24067-2024 /
    ISO 14067:2018 count electricity's life-cycle emissions) ``electricity_cfp`` is the fitting factor; the
    ``electricity`` CO2 factors stay for comparison with the accounts."""
    f = fuel_factors(edition)
    fuels = pd.DataFrame({
        "key": "combustion:" + f["fuel"], "unit": f["physical_unit"], "factor_kgco2e": f["co2_factor"] * 1000.0,
        "source": f["source"], "year": f["year"], "confidence": f["confidence"], "origin": f"guideline {edition}",
        "note": "CO2 of combustion only (NCV × CC × OF × 44/12); upstream emissions excluded",
    })  # fmt: skip
    g = GRID_FACTORS[GRID_FACTORS["kind"] == "average"]
    grid = pd.DataFrame({
        "key": "electricity:" + g["year"].astype(str) + ":" + g["region"], "unit": "MWh",
        "factor_kgco2e": g["factor_tco2_per_mwh"] * 1000.0, "source": g["source"], "year": g["year"].astype(str),
        "confidence": g["confidence"], "origin": "MEE+NBS average grid factor",
        "note": "average CO2 factor of electricity consumption (statistical accounting factor)",
    })  # fmt: skip
    cfp = read_table("carbon_footprint_factors.csv")
    cfp = cfp.assign(factor_kgco2e=cfp["factor_kgco2e"].astype(float), origin="published footprint factor")
    return pd.concat([fuels, grid, cfp], ignore_index=True)[LIBRARY_COLUMNS]


LIBRARY_GROUPS = (("combustion:", "combustion"), ("electricity_cfp:", "electricity"),
                  ("electricity:", "electricity_co2"), ("heat:", "heat"), ("gbt51366:transport:", "transport"),
                  ("gbt51366:", "material"))  # fmt: skip
"""Key prefix → group of a library factor (first match wins): fuel combustion, life-cycle electricity
(footprint factor), electricity CO2 (accounts' factor), heat, freight transport (GB/T 51366-2019 附录E) and
materials (附录D). No end-of-life factor is packaged (none citable was found): a user library supplies them."""


def library_group(keys: pd.Series) -> pd.Series:
    """Group of each library key (:data:`LIBRARY_GROUPS`); ``other`` for a key none matches (a user's).

    >>> library_group(pd.Series(["gbt51366:transport:diesel_truck_8t", "gbt51366:glass_flat", "x"])).tolist()
    ['transport', 'material', 'other']
    """
    k = keys.astype(str)
    return pd.Series(select_obj([k.str.startswith(p) for p, _g in LIBRARY_GROUPS], [g for _p, g in LIBRARY_GROUPS],
                                "other"), index=keys.index)  # fmt: skip


def _text(df: pd.DataFrame, col: str) -> pd.Series:
    if col not in df.columns:
        return pd.Series("", index=df.index, dtype="object")
    return df[col].astype("string").fillna("").str.strip().astype(str)


def _number(df: pd.DataFrame, col: str, file: str | None) -> pd.Series:
    t = _text(df, col)
    v = pd.to_numeric(t.mask(t == ""), errors="coerce")
    _first(df, (t != "") & v.isna(), col, "不是数字", "not a number", file)
    return v.astype("float64")


def read_library(df: pd.DataFrame, *, file: str | None = None) -> pd.DataFrame:
    """A user emission-factor library: ``key, unit, factor_kgco2e, source`` (+ ``year, confidence, note``),
    recorded with ``origin = user``.

    Raises
    ------
    InputError
        Located: missing column, duplicate key, undeclared unit, factor not a number (negative factors —
        credits — are allowed only with a note), empty source.
    """
    df = df.copy()
    df.columns = [str(c).strip() for c in df.columns]
    df["_row"] = np.arange(len(df)) + 2
    for col in ("key", "unit", "factor_kgco2e", "source"):
        if col not in df.columns:
            raise InputError(
                f"缺少必需列 “{col}”", f"required column '{col}' is missing", file=file, column=col
            )
    key = _text(df, "key")
    _first(df, key == "", "key", "因子编号不能为空", "factor key must not be empty", file)
    _first(df, key.duplicated(), "key", "因子编号重复", "duplicate factor key", file)
    _first(df, unit_conversion(df["unit"])["to_base"].isna(), "unit", "未声明的单位（见 carbon_units.csv）",
           "unit not declared (see carbon_units.csv)", file)  # fmt: skip
    fac = _number(df, "factor_kgco2e", file)
    _first(df, fac.isna(), "factor_kgco2e", "缺少排放因子", "emission factor is missing", file)
    note = _text(df, "note")
    _first(df, (fac < 0) & (note == ""), "factor_kgco2e", "负因子（抵扣）须在 note 中说明",
           "a negative factor (credit) needs a note", file)  # fmt: skip
    src = _text(df, "source")
    _first(df, src == "", "source", "因子须注明来源", "a factor needs its source", file)
    conf = _text(df, "confidence").replace("", "user-supplied")
    return pd.DataFrame({"key": key, "unit": _text(df, "unit"), "factor_kgco2e": fac, "source": src,
                         "year": _text(df, "year"), "confidence": conf, "origin": "user", "note": note})  # fmt: skip


def read_bom(df: pd.DataFrame, lib: pd.DataFrame, *, file: str | None = None) -> pd.DataFrame:
    """Validate a bill of materials and attach each line's factor.

    Columns: ``stage`` (``STAGES`` or their Chinese names), ``item``, ``quantity`` (≥ 0), ``unit``, and either
    ``factor_key`` (a key of ``lib``) or ``factor`` [kgCO2e per ``factor_unit``] with ``factor_source``;
    optional ``distance_km`` (a transport line: quantity is the mass moved, the factor is per t·km),
    ``allocation`` (0–1], ``allocation_rule``, ``uncertainty`` (relative standard uncertainty, fraction) and
    ``data_quality`` (``primary|secondary|proxy``, default ``secondary``).

    Returns the lines with ``stage``, ``activity`` (in the factor's unit), ``factor_kgco2e``, ``factor_unit``,
    ``factor_source``, ``factor_confidence``, ``factor_origin``, ``allocation``, ``uncertainty``,
    ``data_quality``, ``_row``.

    Raises
    ------
    InputError
        Located at file/row/column: missing column, unknown stage, negative quantity, unknown factor key, a
        line with neither a key nor an inline factor and source, units not convertible to the factor's unit,
        transport mass not in a mass unit, allocation outside (0, 1] or below 1 without a rule, uncertainty
        negative, unknown data-quality class.
    """
    df = df.copy()
    df.columns = [str(c).strip() for c in df.columns]
    df["_row"] = np.arange(len(df)) + 2
    for col in ("stage", "item", "quantity", "unit"):
        if col not in df.columns:
            raise InputError(
                f"缺少必需列 “{col}”", f"required column '{col}' is missing", file=file, column=col
            )
    if df.empty:
        raise InputError("物料清单没有数据行", "the bill of materials has no lines", file=file)
    stage = _text(df, "stage").str.lower().map(lambda s: _STAGE_ALIASES.get(s, s))
    _first(df, ~stage.isin(STAGES), "stage", f"未知的生命周期阶段（{'、'.join(STAGE_NAMES.values())}）",
           f"unknown life-cycle stage (one of {', '.join(STAGES)})", file)  # fmt: skip
    _first(df, _text(df, "item") == "", "item", "物料/活动名称不能为空", "item must not be empty", file)
    qty = _number(df, "quantity", file)
    _first(df, qty.isna(), "quantity", "缺少数量", "quantity is missing", file)
    _first(df, qty < 0, "quantity", "数量不能为负", "quantity must not be negative", file)

    key = _text(df, "factor_key")
    inline = _number(df, "factor", file)
    lib_i = lib.set_index("key")
    known = key.isin(lib_i.index)
    _first(
        df,
        (key != "") & ~known,
        "factor_key",
        "排放因子库中没有该编号",
        "factor key not in the library",
        file,
    )
    fsrc = _text(df, "factor_source")
    _first(df, (key == "") & inline.isna(), "factor", "须给出 factor_key 或 factor（及 factor_unit、factor_source）",
           "give factor_key, or factor with factor_unit and factor_source", file)  # fmt: skip
    _first(df, (key == "") & (fsrc == ""), "factor_source", "自填因子须注明来源", "an inline factor needs its source",
           file)  # fmt: skip
    funit = pd.Series(np.where(key != "", key.map(lib_i["unit"]), _text(df, "factor_unit")), index=df.index)
    fval = pd.Series(
        np.where(key != "", key.map(lib_i["factor_kgco2e"]), inline), index=df.index, dtype="float64"
    )

    # transport: mass × distance in t·km; otherwise the quantity in the factor's unit (declared units only)
    dist = _number(df, "distance_km", file)
    transport = dist.notna()
    _first(df, dist < 0, "distance_km", "运输距离不能为负", "distance must not be negative", file)
    qconv, fconv = unit_conversion(df["unit"]), unit_conversion(funit)
    _first(df, qconv["to_base"].isna(), "unit", "未声明的单位（见 carbon_units.csv）",
           "unit not declared (see carbon_units.csv)", file)  # fmt: skip
    _first(
        df,
        fconv["to_base"].isna(),
        "factor_unit",
        "因子的单位未声明",
        "the factor's unit is not declared",
        file,
    )
    _first(df, transport & (qconv["dimension"] != "mass"), "unit", "运输行的数量应为质量单位（t、kg …）",
           "a transport line's quantity is the mass moved (t, kg …)", file)  # fmt: skip
    _first(df, transport & (fconv["dimension"] != "freight"), "factor_unit", "运输行的因子应按 t·km 计",
           "a transport line's factor is per t·km", file)  # fmt: skip
    _first(df, ~transport & (qconv["dimension"] != fconv["dimension"]), "unit", "数量单位不能换算为因子的单位",
           "the quantity's unit cannot be converted to the factor's unit", file)  # fmt: skip
    q_base = qty * qconv["to_base"].astype(float)
    activity = np.where(transport, q_base * dist, q_base) / fconv["to_base"].astype(float)

    alloc_t = _text(df, "allocation")
    alloc = _number(df, "allocation", file).where(alloc_t != "", 1.0)
    _first(df, ~((alloc > 0) & (alloc <= 1)), "allocation", "分配系数应在 (0, 1] 之间",
           "allocation share must lie in (0, 1]", file)  # fmt: skip
    rule = _text(df, "allocation_rule")
    _first(df, (alloc < 1) & (rule == ""), "allocation_rule", "分配系数小于 1 时须说明分配规则",
           "an allocation below 1 needs its rule stated", file)  # fmt: skip
    unc = _number(df, "uncertainty", file)
    _first(df, unc < 0, "uncertainty", "不确定度不能为负", "uncertainty must not be negative", file)
    dq = _text(df, "data_quality").str.lower().replace("", "secondary")
    _first(df, ~dq.isin(QUALITY), "data_quality", "数据质量应为 primary/secondary/proxy",
           "data quality must be primary, secondary or proxy", file)  # fmt: skip
    origin = np.where(key != "", key.map(lib_i["origin"]), "inline")
    return pd.DataFrame({
        "line": df["_row"] - 1, "stage": stage, "item": _text(df, "item"), "quantity": qty, "unit": _text(df, "unit"),
        "distance_km": dist, "activity": activity, "factor_key": key, "factor_kgco2e": fval,
        "factor_unit": np.where(transport, "t·km", fconv["base_unit"]),
        "factor_source": np.where(key != "", key.map(lib_i["source"]), fsrc),
        "factor_confidence": np.where(key != "", key.map(lib_i["confidence"]), "user-supplied"),
        "factor_origin": origin, "allocation": alloc, "allocation_rule": rule, "uncertainty": unc,
        "data_quality": dq, "_row": df["_row"],
    })  # fmt: skip


def footprint(lines: pd.DataFrame, *, units_produced: float = 1.0) -> pd.DataFrame:
    """Emissions of each BOM line [kgCO2e] and per functional unit (ISO 14067 §6.4).

    E = activity × factor × allocation; per FU = E / ``units_produced``; ``u_kgco2e`` = E × uᵢ (absolute
    standard uncertainty, null where the line has none).
    """
    if not units_produced > 0:
        raise ValueError("units_produced must be positive")
    out = lines.copy()
    out["kgco2e"] = out["activity"] * out["factor_kgco2e"] * out["allocation"]
    out["kgco2e_per_fu"] = out["kgco2e"] / float(units_produced)
    out["u_kgco2e_per_fu"] = out["kgco2e_per_fu"].abs() * out["uncertainty"]
    return out


def uncertainty(per_fu: pd.Series, u_per_fu: pd.Series) -> dict[str, float]:
    """Combined standard uncertainty of a sum of independent lines: u = √Σ uᵢ² (GUM, uncorrelated inputs), its
    relative value, the expanded uncertainty U = k·u (k = 2) and the share of |emissions| without an uncertainty.

    Examples
    --------
    Two lines of 30 and 40 kgCO2e with u = 3 and 4: u = √(9 + 16) = 5, relative 5/70.

    >>> r = uncertainty(pd.Series([30.0, 40.0]), pd.Series([3.0, 4.0]))
    >>> r["u"], round(r["relative"], 4), r["expanded"]
    (5.0, 0.0714, 10.0)
    """
    total = float(per_fu.sum())
    u = float(np.sqrt((u_per_fu.dropna() ** 2).sum()))
    absum = float(per_fu.abs().sum())
    missing = float(per_fu[u_per_fu.isna()].abs().sum())
    return {
        "total": total,
        "u": u,
        "relative": u / abs(total) if total else float("nan"),
        "expanded": K_EXPANDED * u,
        "k": K_EXPANDED,
        "unquantified_share": missing / absum if absum else 0.0,
    }


def boundary(stages: pd.Series) -> str:
    """System-boundary label from the stages present (ISO 14067 §6.3.4): ``cradle-to-gate`` (raw materials and/or
    production only), ``cradle-to-grave`` (raw materials, production, use and end of life present), else
    ``partial:<stages>``."""
    present = [s for s in STAGES if s in set(stages)]
    if set(present) <= {"raw_materials", "production"}:
        return "cradle-to-gate"
    if {"raw_materials", "production", "use", "end_of_life"} <= set(present):
        return "cradle-to-grave"
    return "partial:" + "+".join(present)


def summary(result: pd.DataFrame) -> pd.DataFrame:
    """Per-stage and per-data-quality subtotals per functional unit, with shares of the total [%]."""
    total = result["kgco2e_per_fu"].sum()
    st = result.groupby("stage", sort=False)["kgco2e_per_fu"].sum()
    st = st.reindex([s for s in STAGES if s in st.index])
    dq = result.groupby("data_quality", sort=False)["kgco2e_per_fu"].sum()
    rows = [("stage", k, v) for k, v in st.items()] + [("data_quality", k, v) for k, v in dq.items()]
    out = pd.DataFrame(rows, columns=["group", "key", "kgco2e_per_fu"])
    out["share_pct"] = 100.0 * out["kgco2e_per_fu"] / total if total else np.nan
    return out
