"""The energy-balance-table layout (能源平衡表: fuels in rows, sectors in columns) in and out.

A wide table has the columns ``division_code``, ``year``, ``fuel``, ``unit`` (Chinese headers 行政区划代码, 年份,
品种, 单位 are accepted too) and one column per sector holding the quantity that sector consumed. A sector column
named ``调出 export`` (or ``export``/``调出``) holds electricity or heat sent out of the division (positive
amounts, deducted). Empty cells mean "not consumed". :func:`to_long` melts it into the long layout of
:mod:`pioneer.standards.carbon.energy`, keeping each cell's sheet row for located errors.

Which cells to fill for a provincial inventory (2011 guideline): every fuel burnt in the division, power
plants and heating plants included (their own columns), and electricity *only* as the net import from outside
(column ``净调入 net import``) and the export column — electricity consumed in end-use sectors would count the
province's own power plants twice. City and county accounts that follow a consumption view may instead fill
electricity by sector; the account states which rows are indirect.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pioneer.errors import InputError

HEADER_ALIASES = {"行政区划代码": "division_code", "年份": "year", "品种": "fuel", "能源品种": "fuel", "单位": "unit",
                  "计量单位": "unit"}  # fmt: skip
ID_COLUMNS = ("division_code", "year", "fuel", "unit")
EXPORT_COLUMNS = ("export", "调出", "调出 export")
DEFAULT_SECTORS = (
    "农林牧渔业 agriculture", "工业 industry", "建筑业 construction", "交通运输、仓储和邮政业 transport",
    "批发零售和住宿餐饮业 commerce", "其他 other services", "居民生活 households", "火力发电 thermal power",
    "供热 heat supply", "净调入 net import", "调出 export", "工业生产过程 industrial processes",
)  # fmt: skip
"""Sector columns of the template: the final-consumption sectors of the national energy balance table, the two
transformation sectors that burn fuel, the net-import and export columns for electricity and heat, and the
industrial-process column (products and materials of the 2011 guideline's ch. 2 in t, e.g. 水泥熟料)."""


def normalise_headers(df: pd.DataFrame) -> pd.DataFrame:
    """Strip headers and map the Chinese identifier headers to the glossary names (``HEADER_ALIASES``)."""
    out = df.copy()
    out.columns = [HEADER_ALIASES.get(str(c).strip(), str(c).strip()) for c in out.columns]
    return out


def is_wide(df: pd.DataFrame) -> bool:
    """A wide (fuel × sector) table has ``fuel`` and ``unit`` but neither ``sector`` nor ``amount``."""
    cols = set(normalise_headers(df.head(0)).columns)
    return {"fuel", "unit"} <= cols and not ({"sector", "amount"} & cols)


def to_long(df: pd.DataFrame, *, file: str | None = None, first_row: int = 2) -> pd.DataFrame:
    """Melt a wide energy balance table into the long activity layout (``division_code, year, sector, fuel,
    amount, unit, flow, _row``); empty cells are dropped.

    Raises
    ------
    InputError
        Located at the sheet row and the sector column: missing identifier column, no sector column, a cell
        that is not a number, a negative cell.
    """
    w = normalise_headers(df)
    for col in ID_COLUMNS:
        if col not in w.columns:
            raise InputError(
                f"缺少必需列 “{col}”", f"required column '{col}' is missing", file=file, column=col
            )
    sectors = [
        c
        for c in w.columns
        if c not in ID_COLUMNS and c not in ("note", "备注") and not c.startswith("Unnamed")
    ]
    if not sectors:
        raise InputError("没有部门列", "no sector columns", file=file)
    w["_row"] = np.arange(len(w)) + first_row
    cells = w[list(sectors)].astype("string").apply(lambda s: s.str.strip()).replace("", pd.NA)
    nums = cells.apply(pd.to_numeric, errors="coerce")
    for mask, zh, en in (
        (cells.notna() & nums.isna(), "不是数字", "not a number"),
        (nums < 0, "消费量不能为负", "consumption must not be negative"),
    ):
        hit = mask.fillna(False).to_numpy(dtype=bool)
        if hit.any():
            i, j = (int(x[0]) for x in np.nonzero(hit))
            raise InputError(zh, en, file=file, row=int(w["_row"].iloc[i]), column=sectors[j],
                             value=cells.iat[i, j])  # fmt: skip
    long = (
        w[[*ID_COLUMNS, "_row"]]
        .join(nums)
        .melt(id_vars=[*ID_COLUMNS, "_row"], value_vars=list(sectors), var_name="sector", value_name="amount")
    )
    long = long[long["amount"].notna()].copy()
    long["flow"] = np.where(
        long["sector"].str.strip().str.lower().isin(EXPORT_COLUMNS), "export", "consumption"
    )
    return long.sort_values(["_row", "sector"], kind="stable").reset_index(drop=True)


def to_wide(rows: pd.DataFrame, value: str = "co2_t") -> pd.DataFrame:
    """Account rows back in the balance-table layout: one row per division, year and fuel, one column per sector
    holding ``value`` (e.g. CO2 [t]), plus a ``合计 total`` column."""
    t = rows.pivot_table(index=["division_code", "year", "fuel"], columns="sector", values=value, aggfunc="sum",
                         sort=False)  # fmt: skip
    t["合计 total"] = t.sum(axis=1)
    return t.reset_index()
