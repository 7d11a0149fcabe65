"""Surface-water quality: GB 3838-2002, the 2011 evaluation method, CWQI (2017), TLI (2001), statistics (2020).

Documents implemented (full citations in ``docs/standards/water.md`` and ``standards/data/SOURCES.md``):

* GB 3838-2002 《地表水环境质量标准》 Table 1 (24 basic items) and Table 2 (supplementary items of
  drinking-water sources, values from memory only).
* 《地表水环境质量评价办法（试行）》 环办〔2011〕22号 ("the 2011 method"): evaluation items, single-factor
  section class, class → status, river/basin status by section shares, main pollutants, trend.
* 《城市地表水环境质量排名技术规定（试行）》 环办监测〔2017〕51号: CWQI.
* 《湖泊（水库）富营养化评价方法及分级技术规定》 总站生字〔2001〕090号: TLI.
* 《地表水环境质量监测数据统计技术规定（试行）》 环办监测函〔2020〕82号 ("the 2020 rule"): pH mean through
  H⁺, decimals of evaluation data, half the detection limit for values below it.

Glossary (column names and units used by every function here):

=====================  =====================================================================
``section``            section or lake/reservoir point identifier (text)
``waterbody_type``     ``river`` | ``lake`` | ``reservoir`` (reservoirs use the lake limits)
``time``               sampling time, China Standard Time
``parameter``          parameter code of :data:`PARAMETERS` (``nh3_n``, ``tp`` …)
``value``              concentration in the canonical unit (mg/L; pH dimensionless; fecal coliform
                       个/L; chlorophyll a mg/m³; transparency m; water temperature ℃)
``below_detection``    True when the laboratory reported "below the detection limit"; ``value`` then
                       holds the detection limit itself
``water_class``        1..6 meaning I, II, III, IV, V, 劣V (:data:`CLASS_LABELS`)
=====================  =====================================================================

Functions take a scalar, a numpy array, a pandas Series or an Ibis column and return the same kind; table
functions take and return Ibis tables (run them on DuckDB or PySpark).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from pioneer.errors import InputError
from pioneer.standards.common import read_table, round_half_even, select_obj

__all__ = [
    "CLASS_LABELS",
    "EVALUATION_ITEMS_2011",
    "PARAMETERS",
    "class_label",
    "cwqi_by_division",
    "cwqi_item",
    "cwqi_sections",
    "division_status",
    "drinking_source_compliance",
    "exceedance_multiple",
    "item_classes",
    "parameter_code",
    "parse_reported_values",
    "period_values",
    "read_samples",
    "sample_classes",
    "section_results",
    "share_change",
    "status_change",
    "status_from_class",
    "status_from_shares",
    "tli",
    "tli_sections",
    "trophic_state",
    "water_quality_class",
]

CLASS_LABELS: tuple[str, ...] = ("I", "II", "III", "IV", "V", "劣V")
"""Class labels by class code 1..6 (GB 3838-2002 §4; 劣V = worse than class V)."""

WATERBODY_TYPES = ("river", "lake", "reservoir")

#: The 2011 method's 21 evaluation items: GB 3838-2002 Table 1 without water temperature, TN and fecal
#: coliform (环办〔2011〕22号 §2; the 2020 rule lists the same 21 items).
EVALUATION_ITEMS_2011: tuple[str, ...] = (
    "ph", "do", "codmn", "cod", "bod5", "nh3_n", "tp", "cu", "zn", "fluoride", "se", "as", "hg", "cd",
    "cr6", "pb", "cyanide", "volatile_phenol", "petroleum", "las", "sulfide",
)  # fmt: skip

#: Items for which the 2011 method computes no exceedance multiple (memory of the method's text).
NO_MULTIPLE_ITEMS = ("water_temp", "ph", "do")

#: Items classed on their unrounded period mean (GB/T 8170-2008 §4.3, 全数值比较法) rather than on the mean
#: rounded to the 2020 evaluation decimals: pH is rounded to an integer for reporting, which would turn a mean
#: of 9.4 or 5.5 into 9 or 6 and so into class I. Project rule (assumed), ``docs/standards/water.md``.
FULL_VALUE_ITEMS = ("ph",)


@cache
def _priority_items() -> tuple[str, ...]:
    return tuple(read_table("water_priority_pollutants_2011.csv")["code"])


#: Cyanide and heavy metals: when they exceed class III they come first among a section's main pollutants
#: (环办〔2011〕22号 §2(4)1, from memory; which metals count: ``water_priority_pollutants_2011.csv``).
PRIORITY_POLLUTANTS_2011: tuple[str, ...] = _priority_items()

#: At most this many main pollutants are named (2011 method §2(4), from memory: "前三项").
N_MAIN_POLLUTANTS = 3

STATUS_EN = {"优": "excellent", "良好": "good", "轻度污染": "slightly polluted", "中度污染": "moderately polluted",
             "重度污染": "heavily polluted"}  # fmt: skip


@cache
def _limits_table() -> pd.DataFrame:
    t = read_table("water_gb3838_table1.csv")
    for c in ("class_I", "class_II", "class_III", "class_IV", "class_V", "range_low", "range_high"):
        t[c] = pd.to_numeric(t[c].replace("", np.nan))
    t["decimals_2020"] = t["decimals_2020"].astype(int)
    return t


#: GB 3838-2002 Table 1 as loaded from ``water_gb3838_table1.csv``: one row per item × waterbody
#: (``river``/``lake``), limits ``class_I``..``class_V`` [mg/L], comparator ``<=``/``>=``/``range``.
GB3838_TABLE1: pd.DataFrame = _limits_table()


@cache
def _parameters() -> dict[str, dict[str, str]]:
    a = read_table("water_parameter_aliases.csv")
    return {
        str(c): {"unit": str(u), "aliases": str(al)}
        for c, u, al in zip(a["code"], a["canonical_unit"], a["aliases"], strict=True)
    }


#: Parameter code → canonical unit and aliases (``water_parameter_aliases.csv``).
PARAMETERS: dict[str, dict[str, str]] = _parameters()

_ALIASES: dict[str, str] = {}
for _code, _info in PARAMETERS.items():
    for _alias in [_code, *_info["aliases"].split("|")]:
        _ALIASES[_alias.strip().lower()] = _code
for _code, _cn in zip(GB3838_TABLE1["code"], GB3838_TABLE1["item_cn"], strict=True):
    _ALIASES[_cn.lower()] = _code

#: Unit spelling (lower-case, spaces removed) → factor to the canonical unit, by canonical unit.
UNIT_FACTORS: dict[str, dict[str, float]] = {
    "mg/L": {"mg/l": 1.0, "mg/dm3": 1.0, "ppm": 1.0, "µg/l": 1e-3, "μg/l": 1e-3, "ug/l": 1e-3, "ppb": 1e-3,
             "ng/l": 1e-6, "g/l": 1e3},
    "个/L": {"个/l": 1.0, "mpn/l": 1.0, "cfu/l": 1.0, "个/100ml": 10.0, "mpn/100ml": 10.0, "cfu/100ml": 10.0,
             "个/ml": 1e3},
    "dimensionless": {"": 1.0, "无量纲": 1.0, "dimensionless": 1.0, "-": 1.0, "ph": 1.0, "无": 1.0},
    "℃": {"℃": 1.0, "°c": 1.0, "c": 1.0, "degc": 1.0},
    "mg/m3": {"mg/m3": 1.0, "mg/m³": 1.0, "µg/l": 1.0, "μg/l": 1.0, "ug/l": 1.0, "mg/l": 1e3},
    "m": {"m": 1.0, "cm": 1e-2, "mm": 1e-3},
}  # fmt: skip


def parameter_code(name: str) -> str:
    """Parameter code for a Chinese name, symbol or alias (``氨氮``, ``NH3-N`` → ``nh3_n``).

    Raises
    ------
    KeyError
        naming ``water_parameter_aliases.csv`` when the name is unknown.
    """
    code = _ALIASES.get(str(name).strip().lower())
    if code is None:
        raise KeyError(f"unknown water parameter {name!r} (not in water_parameter_aliases.csv)")
    return code


# rounding (GB/T 8170 as required by the 2020 rule): the exact rule of pioneer.standards.common, under the name
# this module's callers use
_round_half_even = round_half_even


# --------------------------------------------------------------------------------------------------------
# reading and validating samples (vectorised pandas; raises located InputError)
# --------------------------------------------------------------------------------------------------------
_BDL = re.compile(
    r"^\s*(?:<\s*(?P<lt>[0-9.eE+-]+)|(?P<l>[0-9.eE+-]+)\s*[lL]|nd|未检出|n\.d\.)\s*$", re.IGNORECASE
)


def parse_reported_values(raw: pd.Series, detection_limit: pd.Series | None = None) -> pd.DataFrame:
    """Parse laboratory values, keeping below-detection-limit reports as such.

    Accepted forms: a number; ``<0.01`` and ``0.01L`` (below the detection limit 0.01, HJ 630/HJ 91.2
    reporting convention); ``ND``/``未检出`` (below a detection limit given in ``detection_limit``).

    Returns
    -------
    DataFrame with ``value`` [float; the detection limit for below-limit reports], ``below_detection``
    [bool] and ``ok`` [bool, False where the text could not be parsed or an ND has no detection limit],
    on the index of ``raw``.
    """
    s = raw.astype("string").str.strip()
    num = pd.to_numeric(s, errors="coerce")
    m = s.str.extract(_BDL)
    is_bdl = s.str.match(_BDL).fillna(False).astype(bool)
    dl = pd.to_numeric(m["lt"].fillna(m["l"]), errors="coerce")
    if detection_limit is not None:
        dl = dl.fillna(pd.to_numeric(detection_limit, errors="coerce"))
    value = num.where(~is_bdl, dl)
    ok = value.notna() | s.isna() | (s == "")
    return pd.DataFrame({"value": value.astype(float), "below_detection": is_bdl, "ok": ok}, index=raw.index)


def _first_bad(mask: pd.Series) -> int | None:
    bad = np.flatnonzero(mask.to_numpy(dtype=bool))
    return int(bad[0]) if bad.size else None


def read_samples(df: pd.DataFrame, *, file: str | None = None) -> pd.DataFrame:
    """Validate and normalise a water-sample table (long or wide layout) to the glossary columns.

    Long layout: ``section, [waterbody_type,] time, parameter|item, value, [unit,] [detection_limit]``.
    Wide layout: ``section, [waterbody_type,] time, <parameter>…`` (canonical units). Extra columns such
    as ``city`` or ``province`` are carried through. ``waterbody_type`` defaults to ``river``.

    Raises
    ------
    InputError
        located at file/row/column for: missing column, unknown parameter or unit, unparseable value or
        time, negative value, pH outside 0–14, unknown waterbody type, duplicate sample with different
        values. Row numbers count the header as row 1.
    """
    df = df.copy()
    df.columns = [str(c).strip() for c in df.columns]
    df["_row"] = np.arange(len(df)) + 2
    if "item" in df.columns and "parameter" not in df.columns:
        df = df.rename(columns={"item": "parameter"})
    for col in ("section", "time"):
        if col not in df.columns:
            raise InputError(
                f"缺少必需列 “{col}”", f"required column '{col}' is missing", file=file, column=col
            )
    extra = {"section", "time", "waterbody_type", "_row", "unit", "detection_limit", "city", "province",
             "division", "basin", "river", "drinking_source"}  # fmt: skip
    if "parameter" not in df.columns:  # wide layout
        items = [c for c in df.columns if c not in extra]
        if not items or "value" in df.columns:
            raise InputError("缺少 “parameter”/“item” 列", "column 'parameter' (or 'item') is missing",
                             file=file, column="parameter")  # fmt: skip
        keep = [c for c in df.columns if c in extra]
        df = df.melt(id_vars=keep, value_vars=items, var_name="parameter", value_name="value")
        df = df[df["value"].astype("string").str.strip().fillna("") != ""]
    if "value" not in df.columns:
        raise InputError(
            "缺少必需列 “value”", "required column 'value' is missing", file=file, column="value"
        )
    if "waterbody_type" not in df.columns:
        df["waterbody_type"] = "river"
    wb = df["waterbody_type"].astype("string").str.strip().str.lower()
    wb = wb.replace({"河流": "river", "湖泊": "lake", "水库": "reservoir", "": "river"}).fillna("river")
    i = _first_bad(~wb.isin(WATERBODY_TYPES))
    if i is not None:
        raise InputError("水体类型应为 river/lake/reservoir", "waterbody type must be river, lake or reservoir",
                         file=file, row=int(df["_row"].iloc[i]), column="waterbody_type",
                         value=df["waterbody_type"].iloc[i])  # fmt: skip
    df["waterbody_type"] = wb
    i = _first_bad(df["section"].astype("string").str.strip().fillna("") == "")
    if i is not None:
        raise InputError(
            "断面名称为空", "section is empty", file=file, row=int(df["_row"].iloc[i]), column="section"
        )
    df["section"] = df["section"].astype(str).str.strip()
    code = df["parameter"].astype("string").str.strip().str.lower().map(_ALIASES)
    i = _first_bad(code.isna())
    if i is not None:
        raise InputError("未知的监测项目", "unknown parameter", file=file, row=int(df["_row"].iloc[i]),
                         column="parameter", value=df["parameter"].iloc[i])  # fmt: skip
    df["parameter"] = code.astype(str)
    canonical = df["parameter"].map(lambda c: PARAMETERS[c]["unit"])
    if "unit" in df.columns:
        u = df["unit"].astype("string").fillna("").str.strip().str.lower().str.replace(" ", "", regex=False)
        pairs = pd.DataFrame({"canonical": canonical, "unit": u})
        factor = pd.Series(_unit_factor_vectorised(pairs), index=df.index, dtype=float)
        i = _first_bad(factor.isna())
        if i is not None:
            raise InputError(
                f"未知单位（该项目应为 {canonical.iloc[i]} 或可换算的单位）",
                f"unknown unit (expected {canonical.iloc[i]} or a convertible unit)",
                file=file, row=int(df["_row"].iloc[i]), column="unit", value=df["unit"].iloc[i],
            )  # fmt: skip
    else:
        factor = pd.Series(1.0, index=df.index)
    parsed = parse_reported_values(df["value"], df.get("detection_limit"))
    i = _first_bad(~parsed["ok"] | parsed["value"].isna())
    if i is not None:
        raise InputError("无法解析的监测值（未检出须给出检出限）",
                         "value cannot be parsed (ND needs a detection limit)",
                         file=file, row=int(df["_row"].iloc[i]), column="value", value=df["value"].iloc[i])  # fmt: skip
    df["value"] = parsed["value"] * factor
    df["below_detection"] = parsed["below_detection"]
    i = _first_bad(df["value"] < 0)
    if i is not None:
        raise InputError("监测值不能为负", "value must not be negative", file=file,
                         row=int(df["_row"].iloc[i]), column="value", value=df["value"].iloc[i])  # fmt: skip
    i = _first_bad((df["parameter"] == "ph") & (df["value"] > 14))
    if i is not None:
        raise InputError("pH 应在 0～14 之间", "pH must lie between 0 and 14", file=file,
                         row=int(df["_row"].iloc[i]), column="value", value=df["value"].iloc[i])  # fmt: skip
    t = df["time"].astype("string").str.strip()
    tt = pd.to_datetime(t, errors="coerce", format="mixed")
    i = _first_bad(tt.isna())
    if i is not None:
        raise InputError("无法解析的时间", "time cannot be parsed", file=file,
                         row=int(df["_row"].iloc[i]), column="time", value=df["time"].iloc[i])  # fmt: skip
    df["time"] = tt.astype("datetime64[us]")
    key = ["section", "time", "parameter"]
    dup = df.duplicated(key, keep=False)
    if dup.any():
        d = df[dup]
        varies = d.groupby(key)["value"].transform("nunique") > 1
        if varies.any():
            j = d.index[varies.to_numpy()][1] if varies.sum() > 1 else d.index[varies.to_numpy()][0]
            raise InputError("同一断面、时间、项目有不同的重复值", "duplicate sample with different values",
                             file=file, row=int(df.loc[j, "_row"]), column="value", value=df.loc[j, "value"])  # fmt: skip
        df = df.drop_duplicates(key)
    df = df.drop(columns=[c for c in ("unit", "detection_limit") if c in df.columns])
    return df.reset_index(drop=True)


def _unit_factor_vectorised(pairs: pd.DataFrame) -> np.ndarray:
    lut = pd.DataFrame([(c, u, f) for c, d in UNIT_FACTORS.items() for u, f in d.items()],
                       columns=["canonical", "unit", "factor"])  # fmt: skip
    return pairs.merge(lut, how="left", on=["canonical", "unit"])["factor"].to_numpy()


# --------------------------------------------------------------------------------------------------------
# class of one value (GB 3838-2002 §4, Table 1)
# --------------------------------------------------------------------------------------------------------
def _limits(parameter: str, waterbody: str) -> pd.Series:
    kind = "river" if waterbody == "river" else "lake"
    rows = GB3838_TABLE1[(GB3838_TABLE1.code == parameter) & (GB3838_TABLE1.waterbody == kind)]
    if rows.empty:
        raise KeyError(f"parameter {parameter!r} is not in GB3838_TABLE1 (water_gb3838_table1.csv)")
    return rows.iloc[0]


def water_quality_class(value: Any, parameter: str, *, waterbody: str = "river") -> Any:
    """Class (1..6 = I..劣V) of a value of one parameter of GB 3838-2002 Table 1.

    Parameters
    ----------
    value : numeric or Ibis numeric column
        concentration [mg/L; pH dimensionless; fecal coliform 个/L].
    parameter : str
        parameter code or alias (``nh3_n``, ``氨氮``).
    waterbody : {"river", "lake", "reservoir"}
        lakes and reservoirs use the lake/reservoir TP limits and have TN limits.

    Notes
    -----
    GB 3838-2002 §4 and Table 1: limits are inclusive ("≤", DO "≥"); a value is given the best class whose
    limit it meets, so a value on a limit shared by several classes (COD 15 for I and II) is in the best
    of them (2011 method, single-factor). Missing class V → 6 (劣V). pH within 6–9 → class I, outside → 劣V.
    Returns NaN (Ibis NULL) for a missing value or an item without class limits (water temperature, TN of
    rivers).
    """
    lim = _limits(parameter_code(parameter), waterbody)
    comp = lim["comparator"]
    ls = [lim[f"class_{c}"] for c in ("I", "II", "III", "IV", "V")]
    if isinstance(value, ir.Value):
        if comp == "range":
            return ibis.cases((value.isnull(), ibis.null("int8")),
                              ((value >= lim["range_low"]) & (value <= lim["range_high"]), 1), else_=6)  # fmt: skip
        if pd.isna(ls[0]):
            return ibis.null("int8")
        op = (lambda v, x: v >= x) if comp == ">=" else (lambda v, x: v <= x)
        branches = [(op(value, x), k) for k, x in enumerate(ls, start=1)]
        return ibis.cases((value.isnull(), ibis.null("int8")), *branches, else_=6)
    v = np.asarray(value, dtype=float)
    if comp == "range":
        out = np.where((v >= lim["range_low"]) & (v <= lim["range_high"]), 1.0, 6.0)
    elif pd.isna(ls[0]):
        out = np.full(v.shape, np.nan)
    else:
        conds = [(v >= x) if comp == ">=" else (v <= x) for x in ls]
        out = np.select(conds, [1.0, 2.0, 3.0, 4.0, 5.0], 6.0)
    out = np.where(np.isnan(v), np.nan, out)
    return _like(value, out)


def _like(value: Any, out: np.ndarray) -> Any:
    if isinstance(value, pd.Series):
        return pd.Series(out, index=value.index, name=value.name)
    if np.ndim(value) == 0:
        x = float(out)
        return x if np.isnan(x) else int(x)
    return out


def class_label(water_class: Any) -> Any:
    """Label ``I``..``V``/``劣V`` of class codes 1..6 (GB 3838-2002 §4)."""
    labels = np.array(("", *CLASS_LABELS), dtype=object)
    if isinstance(water_class, ir.Value):
        return water_class.cases(*[(k, lab) for k, lab in enumerate(CLASS_LABELS, start=1)], else_=None)
    c = np.asarray(water_class, dtype=float)
    out = np.where(np.isnan(c), None, labels[np.nan_to_num(c, nan=0).astype(int)])
    if isinstance(water_class, pd.Series):
        return pd.Series(out, index=water_class.index, name=water_class.name)
    return np.asarray(out).item() if np.ndim(water_class) == 0 else out


@cache
def _status_table() -> pd.DataFrame:
    s = read_table("water_class_status.csv")
    s["colour_en"] = s["colour"].str.extract(r"^(\w+)")[0]
    s["colour_cn"] = s["colour"].str.extract(r"（(.+)）|\((.+)\)").bfill(axis=1)[0]
    return s


def status_from_class(water_class: Any) -> Any:
    """Status 优/良好/轻度污染/中度污染/重度污染 of a section class (2011 method, Table 1).

    I–II 优, III 良好, IV 轻度污染, V 中度污染, 劣V 重度污染 (confirmed-by-secondary-source).
    """
    status = ("优", "优", "良好", "轻度污染", "中度污染", "重度污染")
    if isinstance(water_class, ir.Value):
        return water_class.cases(*[(k, st) for k, st in enumerate(status, start=1)], else_=None)
    c = np.asarray(water_class, dtype=float)
    out = np.where(
        np.isnan(c), None, np.array(("", *status), dtype=object)[np.nan_to_num(c, nan=0).astype(int)]
    )
    if isinstance(water_class, pd.Series):
        return pd.Series(out, index=water_class.index, name=water_class.name)
    return np.asarray(out).item() if np.ndim(water_class) == 0 else out


#: Status → colour (2011 method Table 1; the colours are from memory only, see water_class_status.csv).
STATUS_COLOURS: dict[str, str] = {"优": "蓝色 blue", "良好": "绿色 green", "轻度污染": "黄色 yellow",
                                  "中度污染": "橙色 orange", "重度污染": "红色 red"}  # fmt: skip


def exceedance_multiple(value: Any, class_iii_limit: Any) -> Any:
    """Exceedance multiple versus class III: (C − C_III)/C_III (2011 method §3.3).

    Only for items worse than class III; the method computes none for water temperature, pH and DO (memory).
    """
    return (value - class_iii_limit) / class_iii_limit


# --------------------------------------------------------------------------------------------------------
# Ibis chain: samples → item classes → section class; period values; divisions
# --------------------------------------------------------------------------------------------------------
@cache
def _limits_memtable_df() -> pd.DataFrame:
    t = GB3838_TABLE1
    return pd.DataFrame(
        {
            "lim_code": t["code"],
            "lim_kind": t["waterbody"],
            "comparator": t["comparator"],
            "l1": t["class_I"],
            "l2": t["class_II"],
            "l3": t["class_III"],
            "l4": t["class_IV"],
            "l5": t["class_V"],
            "lo": t["range_low"],
            "hi": t["range_high"],
            "eval_2011": t["eval_2011"] == "Y",
            "cwqi_2017": t["cwqi_2017"] == "Y",
            "decimals": t["decimals_2020"].astype("int64"),
            "item_cn": t["item_cn"],
        }
    )


def _with_limits(t: ir.Table) -> ir.Table:
    lim = ibis.memtable(_limits_memtable_df())
    kind = ibis.ifelse(t.waterbody_type == "river", "river", "lake")
    t = t.mutate(_kind=kind)
    j = t.join(lim, [t.parameter == lim.lim_code, t._kind == lim.lim_kind], how="left")
    return j.drop("lim_code", "lim_kind", "_kind")


def _class_expr(v: ir.NumericValue, t: ir.Table) -> ir.IntegerValue:
    ge = t.comparator == ">="
    return ibis.cases(
        (v.isnull() | t.comparator.isnull(), ibis.null("int8")),
        (t.comparator == "range", ibis.ifelse((v >= t.lo) & (v <= t.hi), 1, 6)),
        (t.l1.isnull(), ibis.null("int8")),
        (ge & (v >= t.l1), 1), (ge & (v >= t.l2), 2), (ge & (v >= t.l3), 3), (ge & (v >= t.l4), 4),
        (ge & (v >= t.l5), 5), (ge, 6),
        (v <= t.l1, 1), (v <= t.l2, 2), (v <= t.l3, 3), (v <= t.l4, 4), (v <= t.l5, 5),
        else_=6,
    )  # fmt: skip


def item_classes(t: ir.Table, *, value: str = "value") -> ir.Table:
    """Add the GB 3838-2002 Table 1 class of each row (``water_class``) and the exceedance multiple.

    ``t`` has the glossary columns ``waterbody_type``, ``parameter`` and ``value`` (and, for period values,
    ``value_exact``: the unrounded mean, used for :data:`FULL_VALUE_ITEMS`). Adds ``water_class``
    (1..6, NULL without limits), ``eval_2011`` (item used for the section class by the 2011 method),
    ``multiple`` (versus class III, only for evaluation items worse than class III, not pH/DO; rounded to
    2 decimals), ``item_cn`` and the limit columns ``l1``..``l5``.
    """
    j = _with_limits(t)
    v = j[value]
    if "value_exact" in j.columns:  # period values: FULL_VALUE_ITEMS are classed on the unrounded mean
        v = ibis.ifelse(j.parameter.isin(FULL_VALUE_ITEMS), j.value_exact, v)
    cls = _class_expr(v, j)
    j = j.mutate(water_class=cls)
    mult = ibis.ifelse(
        (j.water_class > 3) & ~j.parameter.isin(NO_MULTIPLE_ITEMS),
        _round_half_even(exceedance_multiple(j[value], j.l3), 2),
        ibis.null("float64"),
    )
    return j.mutate(multiple=mult)


def _joined_labels(agg: ir.Table, prefix: str, m: int) -> ir.StringValue:
    """Comma-joined non-null ``{prefix}0``..``{prefix}{m-1}`` columns in rank order (engine-neutral: one
    conditional max per rank position, as PySpark has no order-sensitive string aggregate)."""
    s: ir.StringValue = ibis.literal("")
    for k in range(m):
        x = agg[f"{prefix}{k}"]
        s = s.concat(ibis.ifelse(x.isnull(), "", ibis.literal(",").concat(x)))
    return s.re_replace("^,", "")


def _section_summary(items: ir.Table, keys: list[str], *, value: str = "value") -> ir.Table:
    """Worst evaluation-item class per key (2011 method §3.1) with exceeding items and main pollutants.

    ``exceeding_items``: every evaluation item worse than class III, worst class first, then the larger
    exceedance multiple. ``main_pollutants``: the first :data:`N_MAIN_POLLUTANTS` of the same list, except
    that cyanide and heavy metals (:data:`PRIORITY_POLLUTANTS_2011`) exceeding class III come first
    (环办〔2011〕22号 §2(4)1: "当氰化物或铅、铬等重金属超标时，优先作为主要污染指标", from memory).
    """
    ev = items.filter(items.eval_2011 & items.water_class.notnull())
    order = [ibis.desc(ev.water_class), ibis.desc(ev.multiple.fill_null(-1)), ev.parameter]
    prio = ibis.ifelse(ev.parameter.isin(PRIORITY_POLLUTANTS_2011), 0, 1)
    ev = ev.mutate(
        _rank=ibis.row_number().over(ibis.window(group_by=keys, order_by=order)),  # 0-based
        _prank=ibis.row_number().over(ibis.window(group_by=keys, order_by=[prio, *order])),
    )
    exceeding = ev.water_class > 3
    label = ibis.ifelse(
        ev.multiple.isnull(),
        ev.item_cn,
        ev.item_cn.concat("(", ev.multiple.cast("decimal(18,2)").cast("string"), ")"),
    )
    n = len(EVALUATION_ITEMS_2011)
    parts = {f"_e{k}": label.max(where=exceeding & (ev._rank == k)) for k in range(n)}
    main = {f"_m{k}": label.max(where=exceeding & (ev._prank == k)) for k in range(N_MAIN_POLLUTANTS)}
    agg = ev.group_by(keys).aggregate(
        water_class=ev.water_class.max(), n_items=ev.parameter.count(), **parts, **main
    )
    agg = agg.mutate(
        exceeding_items=_joined_labels(agg, "_e", n),
        main_pollutants=_joined_labels(agg, "_m", N_MAIN_POLLUTANTS),
    ).drop(*parts, *main)
    return agg.mutate(
        class_label=class_label(agg.water_class),
        status=status_from_class(agg.water_class),
    )


def sample_classes(t: ir.Table) -> tuple[ir.Table, ir.Table]:
    """Classify samples: per-item class and per section × time class (GB 3838-2002 §4; 2011 method §3).

    Below-detection values are classed by the detection limit itself (the true value is below it, so the
    class of the limit is the class the sample certainly meets). Returns ``(items, sections)``; ``sections``
    has ``section, waterbody_type, time, water_class, class_label, status, exceeding_items,
    main_pollutants, n_items``.
    """
    items = item_classes(t)
    sections = _section_summary(items, ["section", "waterbody_type", "time"])
    return items, sections


def period_values(t: ir.Table, *, period: str, keys: tuple[str, ...] = ()) -> ir.Table:
    """Monthly or annual section values of each parameter (2011 method §4; 2020 rule points 5–7).

    Parameters
    ----------
    t : Ibis table with glossary columns and ``below_detection``.
    period : ``"YYYY"`` (annual) or ``"YYYY-MM"`` (monthly).
    keys : extra grouping columns carried with each section (``city``, ``province`` …).

    Notes
    -----
    * Below-detection values enter means as half the detection limit (2020 rule point 7).
    * pH means are computed through the hydrogen-ion concentration: −log10(mean(10^−pH)) (2020 rule).
    * Monthly value = mean of the month's samples; annual value = mean of the monthly values (2011 method,
      temporal statistics, from memory).
    * Results are rounded half-to-even to the item's evaluation decimals (2020 rule; GB/T 8170) in
      ``value``; ``value_exact`` keeps the unrounded mean, on which :data:`FULL_VALUE_ITEMS` (pH) are classed.
    """
    year, _, month = period.partition("-")
    if not year.isdigit() or (month and not (month.isdigit() and 1 <= int(month) <= 12)):
        raise ValueError(f"period must be YYYY or YYYY-MM, got {period!r}")
    t = t.filter(t.time.year() == int(year))
    if month:
        t = t.filter(t.time.month() == int(month))
    group = ["section", "waterbody_type", *keys, "parameter"]
    v = ibis.ifelse(t.below_detection, t.value * 0.5, t.value)
    t = t.mutate(_v=v, _h=(ibis.literal(10.0) ** (-v)), _m=t.time.month())
    mon = t.group_by([*group, "_m"]).aggregate(_mean=t._v.mean(), _hmean=t._h.mean(), _n=t._v.count())
    mon = mon.mutate(_val=ibis.ifelse(mon.parameter == "ph", -(mon._hmean.log10()), mon._mean))
    mon = mon.mutate(_h2=ibis.literal(10.0) ** (-mon._val))
    per = mon.group_by(group).aggregate(
        _mean=mon._val.mean(), _hmean=mon._h2.mean(), n_months=mon._m.nunique(), n_samples=mon._n.sum()
    )
    per = per.mutate(value=ibis.ifelse(per.parameter == "ph", -(per._hmean.log10()), per._mean))
    per = _with_limits(per.drop("_mean", "_hmean"))
    per = per.mutate(value_exact=per.value, value=_round_half_even(per.value, per.decimals.fill_null(3)))
    return per.select(*group, "value", "value_exact", "n_months", "n_samples")


def section_results(values: ir.Table, *, keys: tuple[str, ...] = ()) -> tuple[ir.Table, ir.Table]:
    """Item classes and section class, status, exceeding items for period values (2011 method §3).

    Returns ``(items, sections)`` like :func:`sample_classes`, keyed by section (and ``keys``).
    """
    items = item_classes(values)
    sections = _section_summary(items, ["section", "waterbody_type", *keys])
    return items, sections


def status_from_shares(n_sections: Any, n_good: Any, n_worse_v: Any) -> Any:
    """River/basin status from the shares of sections by class (2011 method §3.2, ≥ 5 sections).

    I–III share ≥ 90 % 优; 75 % ≤ share < 90 % 良好; share < 75 % and 劣V share < 20 % 轻度污染;
    20 % ≤ 劣V < 40 % 中度污染; 劣V ≥ 40 % 重度污染. Computed on counts, so no rounding enters.
    """
    n, g, d = n_sections, n_good, n_worse_v
    if isinstance(n, ir.Value):
        return ibis.cases(
            (g * 100 >= n * 90, "优"), (g * 100 >= n * 75, "良好"), (d * 100 < n * 20, "轻度污染"),
            (d * 100 < n * 40, "中度污染"), else_="重度污染",
        )  # fmt: skip
    n, g, d = (np.asarray(x, dtype=float) for x in (n, g, d))
    out = np.select(
        [g * 100 >= n * 90, g * 100 >= n * 75, d * 100 < n * 20, d * 100 < n * 40],
        ["优", "良好", "轻度污染", "中度污染"],
        "重度污染",
    ).astype(object)
    return out.item() if out.ndim == 0 else out


def division_status(values: ir.Table, sections: ir.Table, *, by: str, min_sections: int = 5) -> ir.Table:
    """Status of a river, basin or region (``by`` column) from its sections (2011 method §3.2).

    * ``min_sections`` (5) or more sections: share method (:func:`status_from_shares`).
    * fewer: mean of each indicator over the sections (pH via H⁺), then the single-factor method; the
      limits are those of rivers when the division has a river section, else of lakes.

    Returns one row per division: ``n_sections, n_good, n_worse_v, good_share, worse_v_share`` [%, 1
    decimal], ``class_counts`` per class, ``method`` (``share``/``mean``), ``water_class`` (mean method
    only), ``status``, ``colour`` and ``main_pollutants``: share method only, the evaluation items with the
    highest section exceedance rate (断面超标率 = sections worse than class III for the item / all sections),
    at most :data:`N_MAIN_POLLUTANTS`, each with its rate in % — 环办〔2011〕22号 §2(4)2 (from memory). With
    fewer sections the method names main pollutants per section (see :func:`section_results`), so the
    division's column is empty.
    """
    s = sections
    counts = s.group_by(by).aggregate(
        n_sections=s.section.count(),
        n_good=(s.water_class <= 3).sum(),
        n_worse_v=(s.water_class == 6).sum(),
        n_river=(s.waterbody_type == "river").sum(),
        **{f"n_class_{lab}": (s.water_class == k).sum() for k, lab in enumerate(CLASS_LABELS, start=1)},
    )
    exact = values.value_exact if "value_exact" in values.columns else values.value
    v = values.mutate(_h=ibis.literal(10.0) ** (-exact))
    m = v.group_by([by, "parameter"]).aggregate(_mean=v.value.mean(), _hmean=v._h.mean())
    m = m.mutate(value=ibis.ifelse(m.parameter == "ph", -(m._hmean.log10()), m._mean))
    m = m.join(counts.select(by, "n_river", "n_sections"), by)
    m = m.mutate(waterbody_type=ibis.ifelse(m.n_river > 0, "river", "lake"), section=m[by].cast("string"))
    m = m.filter(m.n_sections < min_sections)
    m = _with_limits(m.drop("_mean", "_hmean"))
    m = m.mutate(value_exact=m.value, value=_round_half_even(m.value, m.decimals.fill_null(3)))
    mitems = item_classes(m.select(by, "section", "waterbody_type", "parameter", "value", "value_exact"))
    mclass = _section_summary(mitems, [by]).select(by, mean_class=lambda x: x.water_class)
    r = counts.join(mclass, by, how="left").drop(f"{by}_right")
    r = r.join(_exceedance_rate_pollutants(values, counts, by=by), by, how="left").drop(f"{by}_right")
    share = status_from_shares(r.n_sections, r.n_good, r.n_worse_v)
    use_share = r.n_sections >= min_sections
    status = ibis.ifelse(use_share, share, status_from_class(r.mean_class))
    r = r.mutate(
        method=ibis.ifelse(use_share, "share", "mean"),
        water_class=ibis.ifelse(use_share, ibis.null("int8"), r.mean_class),
        good_share=_round_half_even(r.n_good * 100.0 / r.n_sections, 1),
        worse_v_share=_round_half_even(r.n_worse_v * 100.0 / r.n_sections, 1),
        status=status,
        main_pollutants=ibis.ifelse(use_share, r.main_by_rate.fill_null(""), ibis.null("string")),
    )
    r = r.mutate(
        class_label=class_label(r.water_class),
        colour=status.cases(*STATUS_COLOURS.items(), else_=None),
    )
    return r.drop("mean_class", "n_river", "main_by_rate")


def _exceedance_rate_pollutants(values: ir.Table, counts: ir.Table, *, by: str) -> ir.Table:
    """Per division: the evaluation items ranked by section exceedance rate (2011 method §2(4)2), the first
    :data:`N_MAIN_POLLUTANTS` with a rate > 0 as ``item(rate%)`` in ``main_by_rate``; ties in Table 1 order."""
    items = item_classes(values)
    ev = items.filter(items.eval_2011 & items.water_class.notnull())
    per = ev.group_by([by, "parameter", "item_cn"]).aggregate(n_exceed=(ev.water_class > 3).sum())
    per = per.join(counts.select(by, "n_sections"), by)
    per = per.mutate(rate=_round_half_even(per.n_exceed * 100.0 / per.n_sections, 1))
    no = ibis.memtable(
        GB3838_TABLE1[["code", "no"]].drop_duplicates("code").assign(no=lambda d: d["no"].astype(int))
    )
    per = per.join(no, per.parameter == no.code, how="left").drop("code")
    per = per.mutate(
        _rank=ibis.row_number().over(
            ibis.window(group_by=[by], order_by=[ibis.desc(per.n_exceed), per["no"]])
        )
    )
    label = per.item_cn.concat("(", per.rate.cast("decimal(18,1)").cast("string"), "%)")
    parts = {
        f"_m{k}": label.max(where=(per.n_exceed > 0) & (per._rank == k)) for k in range(N_MAIN_POLLUTANTS)
    }
    agg = per.group_by(by).aggregate(**parts)
    return agg.select(by, main_by_rate=_joined_labels(agg, "_m", N_MAIN_POLLUTANTS))


_STATUS_ORDER = {"优": 1, "良好": 2, "轻度污染": 3, "中度污染": 4, "重度污染": 5}


def status_change(before: Any, after: Any) -> Any:
    """Trend between two periods by status level (2011 method §5).

    Same level 无明显变化; one level 有所好转/有所变差; two or more 明显好转/明显变差.
    """
    b = pd.Series(np.atleast_1d(np.asarray(before, dtype=object))).map(_STATUS_ORDER)
    a = pd.Series(np.atleast_1d(np.asarray(after, dtype=object))).map(_STATUS_ORDER)
    d = (a - b).to_numpy(dtype=float)
    out = select_obj(
        [np.isnan(d), d == 0, d == -1, d == 1, d <= -2, d >= 2],
        [None, "无明显变化", "有所好转", "有所变差", "明显好转", "明显变差"],
        None,
    ).astype(object)
    return out.item() if np.ndim(before) == 0 else out


def share_change(good_before: Any, worse_v_before: Any, good_after: Any, worse_v_after: Any) -> Any:
    """Trend by class shares (2011 method §5): Δ = ΔG − ΔD in percentage points.

    ΔG is the change of the I–III share, ΔD of the 劣V share. |Δ| ≤ 10 无明显变化; 10 < |Δ| ≤ 20 有所好转/
    变差; |Δ| > 20 明显好转/变差 (sign rule confirmed-by-secondary-source; thresholds from memory only).
    """
    delta = (np.asarray(good_after, float) - np.asarray(good_before, float)) - (
        np.asarray(worse_v_after, float) - np.asarray(worse_v_before, float)
    )
    out = select_obj(
        [np.isnan(delta), np.abs(delta) <= 10, (delta > 10) & (delta <= 20), (delta < -10) & (delta >= -20),
         delta > 20],
        [None, "无明显变化", "有所好转", "有所变差", "明显好转"],
        "明显变差",
    ).astype(object)  # fmt: skip
    return out.item() if out.ndim == 0 else out


# --------------------------------------------------------------------------------------------------------
# CWQI (环办监测〔2017〕51号)
# --------------------------------------------------------------------------------------------------------
def cwqi_item(value: Any, parameter: str, *, waterbody: str = "river") -> Any:
    """CWQI index of one item (城市地表水环境质量排名技术规定（试行） 2017, §3).

    CWQI(i) = C(i)/Cs(i) with Cs the GB 3838 class III limit (lake/reservoir TP 0.05); DO: Cs/C with Cs = 5;
    pH: (7 − pH)/(7 − 6) for pH ≤ 7, (pH − 7)/(9 − 7) above (confirmed-by-secondary-source).
    """
    code = parameter_code(parameter)
    if code == "ph":
        if isinstance(value, ir.Value):
            return ibis.ifelse(value <= 7, (7.0 - value) / 1.0, (value - 7.0) / 2.0)
        v = np.asarray(value, dtype=float)
        return _like_f(value, np.where(v <= 7, (7.0 - v) / 1.0, (v - 7.0) / 2.0))
    cs = _limits(code, waterbody)["class_III"]
    if code == "do":
        return cs / value if isinstance(value, ir.Value) else _like_f(value, cs / np.asarray(value, float))
    return value / cs if isinstance(value, ir.Value) else _like_f(value, np.asarray(value, float) / cs)


def _like_f(value: Any, out: np.ndarray) -> Any:
    if isinstance(value, pd.Series):
        return pd.Series(out, index=value.index, name=value.name)
    return float(out) if np.ndim(value) == 0 else out


def _cwqi_expr(t: ir.Table) -> ir.NumericValue:
    return ibis.cases(
        (t.parameter == "ph", ibis.ifelse(t.value <= 7, 7.0 - t.value, (t.value - 7.0) / 2.0)),
        (t.parameter == "do", t.l3 / t.value),
        else_=t.value / t.l3,
    )


def cwqi_sections(values: ir.Table, *, keys: tuple[str, ...] = ()) -> ir.Table:
    """Section CWQI = Σ of the 21 item indices (2017 ranking rule §3), river or lake TP limit as applicable.

    Items missing at a section are left out of its sum; ``n_cwqi_items`` says how many entered.
    """
    j = _with_limits(values)
    j = j.filter(j.cwqi_2017 & j.value.notnull())
    j = j.mutate(_i=_cwqi_expr(j))
    return j.group_by(["section", "waterbody_type", *keys]).aggregate(
        cwqi=j._i.sum(), n_cwqi_items=j._i.count()
    )


def cwqi_by_division(values: ir.Table, *, by: str) -> ir.Table:
    """City (division) CWQI (2017 ranking rule; the aggregation is from memory only).

    River index from the mean concentration of each item over the division's river sections, lake index
    likewise over its lake/reservoir points; CWQI_city = (CWQI_river·M + CWQI_lake·N)/(M + N).
    """
    v = values.mutate(_k=ibis.ifelse(values.waterbody_type == "river", "river", "lake"))
    v = v.mutate(_h=ibis.literal(10.0) ** (-v.value))
    n = v.group_by([by, "_k"]).aggregate(_n=v.section.nunique())
    m = v.group_by([by, "_k", "parameter"]).aggregate(_mean=v.value.mean(), _hmean=v._h.mean())
    m = m.mutate(
        value=ibis.ifelse(m.parameter == "ph", -(m._hmean.log10()), m._mean),
        waterbody_type=m._k,
        section=m._k,
    )
    c = cwqi_sections(m.select(by, "_k", "section", "waterbody_type", "parameter", "value"), keys=(by, "_k"))
    c = c.join(n, [by, "_k"])
    return c.group_by(by).aggregate(
        cwqi=(c.cwqi * c._n).sum() / c._n.sum(),
        cwqi_river=c.cwqi.max(where=c._k == "river"),
        cwqi_lake=c.cwqi.max(where=c._k == "lake"),
        n_river_sections=c._n.max(where=c._k == "river").fill_null(0),
        n_lake_points=c._n.max(where=c._k == "lake").fill_null(0),
    )


# --------------------------------------------------------------------------------------------------------
# TLI (总站生字〔2001〕090号)
# --------------------------------------------------------------------------------------------------------
@cache
def _tli_parameters() -> pd.DataFrame:
    p = read_table("water_tli_parameters.csv")
    for c in ("r_ij_squared", "a", "b"):
        p[c] = p[c].astype(float)
    p["code"] = p["param"].str.lower()
    return p.set_index("code")


#: TLI coefficients: TLI(j) = 10(a + b·ln C_j), and r_ij² with chla (``water_tli_parameters.csv``).
TLI_PARAMETERS: pd.DataFrame = _tli_parameters()


def tli(chla: Any = None, tp: Any = None, tn: Any = None, sd: Any = None, codmn: Any = None) -> Any:
    """Trophic level index TLI(Σ) = Σ W_j·TLI(j), W_j = r_ij²/Σ r_ij² (总站生字〔2001〕090号).

    Parameters
    ----------
    chla : chlorophyll a [mg/m³]; tp, tn, codmn : [mg/L]; sd : transparency [m].

    Notes
    -----
    TLI(chla) = 10(2.5 + 1.086 ln chla); TLI(TP) = 10(9.436 + 1.624 ln TP); TLI(TN) = 10(5.453 + 1.694 ln TN);
    TLI(SD) = 10(5.118 − 1.94 ln SD); TLI(CODMn) = 10(0.109 + 2.661 ln CODMn). With all five, W_j =
    0.2663/0.1879/0.1790/0.1834/0.1834. When a parameter is missing (NaN/NULL) the weights are r_ij² over
    the sum of r_ij² of the parameters present, as the method's definition of W_j over m parameters implies.
    """
    given = {"chla": chla, "tp": tp, "tn": tn, "sd": sd, "codmn": codmn}
    present = {k: v for k, v in given.items() if v is not None}
    if any(isinstance(v, ir.Value) for v in present.values()):
        num: Any = ibis.literal(0.0)
        den: Any = ibis.literal(0.0)
        for k, v in present.items():
            p = TLI_PARAMETERS.loc[k]
            term = 10 * (p["a"] + p["b"] * v.ln())
            num = num + ibis.ifelse(v.isnull(), 0.0, p["r_ij_squared"] * term)
            den = den + ibis.ifelse(v.isnull(), 0.0, p["r_ij_squared"])
        return ibis.ifelse(den > 0, num / den, ibis.null("float64"))
    ref = next(iter(present.values()))
    num_a: Any = 0.0
    den_a: Any = 0.0
    for k, v in present.items():
        p = TLI_PARAMETERS.loc[k]
        x = np.asarray(v, dtype=float)
        ok = ~np.isnan(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            term = 10 * (p["a"] + p["b"] * np.log(np.where(ok, x, 1.0)))
        num_a = num_a + np.where(ok, p["r_ij_squared"] * term, 0.0)
        den_a = den_a + np.where(ok, p["r_ij_squared"], 0.0)
    with np.errstate(invalid="ignore"):
        out = np.where(
            np.asarray(den_a) > 0, np.asarray(num_a) / np.where(np.asarray(den_a) > 0, den_a, 1), np.nan
        )
    return _like_f(ref, np.asarray(out, dtype=float))


def trophic_state(tli_value: Any) -> Any:
    """Trophic state of a TLI value (总站生字〔2001〕090号).

    TLI < 30 贫营养; 30 ≤ TLI ≤ 50 中营养; 50 < TLI ≤ 60 轻度富营养; 60 < TLI ≤ 70 中度富营养; > 70 重度富营养
    (thresholds confirmed-by-secondary-source; inclusivity at 30, 50, 60, 70 from memory only).
    """
    if isinstance(tli_value, ir.Value):
        x = tli_value
        return ibis.cases(
            (x.isnull(), ibis.null("string")), (x < 30, "贫营养"), (x <= 50, "中营养"), (x <= 60, "轻度富营养"),
            (x <= 70, "中度富营养"), else_="重度富营养",
        )  # fmt: skip
    x = np.asarray(tli_value, dtype=float)
    out = select_obj(
        [np.isnan(x), x < 30, x <= 50, x <= 60, x <= 70], [None, "贫营养", "中营养", "轻度富营养", "中度富营养"],
        "重度富营养",
    ).astype(object)  # fmt: skip
    if isinstance(tli_value, pd.Series):
        return pd.Series(out, index=tli_value.index, name=tli_value.name)
    return out.item() if out.ndim == 0 else out


def tli_sections(values: ir.Table, *, keys: tuple[str, ...] = ()) -> ir.Table:
    """TLI and trophic state of each lake/reservoir point from its period values (2011 method §3.4)."""
    v = values.filter(values.waterbody_type != "river")
    g = ["section", "waterbody_type", *keys]
    w = v.group_by(g).aggregate(
        **{k: v.value.max(where=v.parameter == k) for k in ("chla", "tp", "tn", "sd", "codmn")}
    )
    w = w.mutate(tli=_round_half_even(tli(w.chla, w.tp, w.tn, w.sd, w.codmn), 1))
    return w.select(*g, "tli", trophic_state=trophic_state(w.tli))


# --------------------------------------------------------------------------------------------------------
# drinking-water sources
# --------------------------------------------------------------------------------------------------------
@cache
def _supplementary() -> pd.DataFrame:
    s = read_table("water_gb3838_table2_supplementary.csv")
    s["limit"] = s["limit"].astype(float)
    return s


def drinking_source_compliance(values: ir.Table, *, by: str | None = None) -> ir.Table:
    """Compliance of centralised drinking-water sources (集中式饮用水水源地水质达标率), by count of sources.

    A surface source complies when every 2011 evaluation item meets class III (GB 3838-2002 Table 1) and
    every supplementary item present meets GB 3838-2002 Table 2 (Table 2 values from memory only). The
    rate is compliant sources / sources × 100 %. The volume-weighted rate (取水量达标率) and the specific
    items of Table 3 are not implemented.
    """
    items = item_classes(values)
    ev = items.filter(items.eval_2011 & items.water_class.notnull())
    keys = ["section", *([by] if by else [])]
    s1 = ev.group_by(keys).aggregate(worst=ev.water_class.max())
    sup = ibis.memtable(
        _supplementary()[["code", "limit"]].rename(columns={"code": "s_code", "limit": "s_limit"})
    )
    j = values.join(sup, values.parameter == sup.s_code)
    s2 = j.group_by(keys).aggregate(n_sup_fail=(j.value > j.s_limit).sum())
    r = s1.join(s2, keys, how="left")
    r = r.select(*keys, compliant=(r.worst <= 3) & (r.n_sup_fail.fill_null(0) == 0))
    if by is None:
        return r
    agg = r.group_by(by).aggregate(n_sources=r.section.count(), n_compliant=r.compliant.sum())
    return agg.mutate(compliance_rate=_round_half_even(agg.n_compliant * 100.0 / agg.n_sources, 1))
