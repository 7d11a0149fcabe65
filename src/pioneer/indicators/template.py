"""Excel template round trip for reported statistics: download a template for a division and year, fill it in,
upload it; every problem is reported with its row and column, and nothing is written unless all rows are valid.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.styles import Font, PatternFill

from pioneer.errors import InputError
from pioneer.guard.cells import neutral_row
from pioneer.guard.codes import DIVISION_CODE_PATTERN
from pioneer.guard.excel import check_workbook
from pioneer.indicators.catalogue import Catalogue, default_catalogue
from pioneer.indicators.choices import SourceKind

SHEET = "填报"
COLUMNS = ["division_code", "year", "indicator", "name_zh", "unit", "value", "source_document", "note"]
HEADERS_ZH = ["行政区划代码", "年份", "指标代码", "指标名称", "单位", "数值", "数据来源文件", "备注"]
REQUIRED = ["division_code", "year", "indicator", "unit", "value", "source_document"]
LEVEL_TIERS = {"province": "province", "city": "city", "county": "county"}


class TemplateErrors(InputError):
    """All located errors of one upload; ``errors`` lists them (the message shows the first and the count)."""

    def __init__(self, errors: list[InputError], file: str) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(f"共 {len(errors)} 处错误，首处：{first.message_zh}",
                         f"{len(errors)} error(s); first: {first.message_en}", file=file)  # fmt: skip


def write_template(path: str | Path, division_code: str, year: int, *, tier: str | None = None,
                   catalogue: Catalogue | None = None) -> int:  # fmt: skip
    """Write the template for ``division_code`` and ``year``: one row per reported indicator (of ``tier`` when
    given), with units pre-filled. Returns the number of rows."""
    cat = catalogue or default_catalogue()
    inds = [
        i
        for i in cat.indicators
        if i.source.kind == SourceKind.REPORTED and (tier is None or tier in i.tiers)
    ]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(COLUMNS)
    ws.append(HEADERS_ZH)
    for c in ws[1] + ws[2]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDEBF7")
    for i in inds:
        ws.append(neutral_row([division_code, year, i.code, i.name_zh, i.unit, None, None, None]))
    for col, width in zip("ABCDEFGH", (14, 8, 36, 40, 10, 12, 50, 30), strict=True):
        ws.column_dimensions[col].width = width
    info = wb.create_sheet("说明")
    for line in (
        "填写“数值”和“数据来源文件”（文件名称、文号、发布年份），不要改动前两行和“指标代码”。",
        "Fill in 'value' and 'source_document' (title, number, year of the document); keep the first two rows.",
        "单位须与“单位”列一致；比例类指标以百分数填写（例如 85.3 表示 85.3%），取值 0–100。",
        "Units must match the unit column; shares are percentages (85.3 means 85.3 %), 0–100.",
        "空白数值表示未填报：该指标记为缺失，不会被估算。/ A blank value is not uploaded: it stays missing, never estimated.",
    ):
        info.append([line])
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)
    return len(inds)


def read_template(path: str | Path, *, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Read and validate a filled template. Rows with a blank value are skipped (not reported, stays missing).

    Raises :class:`TemplateErrors` listing every problem with its Excel row and column: missing columns, bad
    division code or year, unknown or computed indicator, unit not the indicator's, value not a number or
    outside the indicator's range (a share above 100 %), missing source document, duplicate rows.
    Returns ``division_code, indicator, year, value, unit, source_document, note, row``.
    """
    cat = catalogue or default_catalogue()
    path = Path(path)
    name = path.name
    check_workbook(path)  # bounded: dimensions, cells, expansion, uncached formulas
    try:
        df = pd.read_excel(path, sheet_name=SHEET, dtype=object, header=0)
    except ValueError:
        raise InputError(f"找不到工作表 “{SHEET}”", f"sheet '{SHEET}' not found", file=name) from None
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise InputError("缺少必需列", "required column missing", file=name, column=missing[0])
    df = df.iloc[1:].copy()  # second row: Chinese headers
    df["row"] = np.arange(len(df)) + 3
    for c in ("note",):
        if c not in df.columns:
            df[c] = None
    blank = df["value"].isna() | (df["value"].astype(str).str.strip() == "")
    df = df[~blank].copy()
    errors: list[InputError] = []

    def flag(mask: pd.Series, column: str, zh: str | pd.Series, en: str) -> None:
        for i, r in df[mask].iterrows():
            reason = str(zh.loc[i]) if isinstance(zh, pd.Series) else zh
            errors.append(
                InputError(reason, en, file=name, row=int(r["row"]), column=column, value=r[column])
            )

    code = df["division_code"].astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
    flag(
        ~code.str.fullmatch(DIVISION_CODE_PATTERN),
        "division_code",
        "行政区划代码应为6位数字",
        "division code must be 6 digits",
    )
    year = pd.to_numeric(df["year"], errors="coerce")
    flag(year.isna() | (year % 1 != 0) | (year < 2000) | (year > 2100), "year", "年份无效", "invalid year")
    ind = df["indicator"].astype(str).str.strip()
    known = ind.isin(cat.codes)
    flag(~known, "indicator", "未知指标代码", "unknown indicator code")
    computed = {i.code for i in cat.indicators if i.source.kind == SourceKind.COMPUTED}
    flag(ind.isin(computed), "indicator", "该指标由监测数据计算，不接受填报",
         "this indicator is computed from monitoring data and cannot be reported")  # fmt: skip
    value = pd.to_numeric(df["value"], errors="coerce")
    flag(value.isna(), "value", "数值不是数字", "value is not a number")
    meta = pd.DataFrame([{"indicator": i.code, "_unit": i.unit, "_aliases": set(i.unit_aliases) | {i.unit},
                          "_min": i.range.min, "_max": i.range.max} for i in cat.indicators])  # fmt: skip
    m = pd.DataFrame({"indicator": ind.values}, index=df.index).merge(meta, on="indicator", how="left")
    m.index = df.index
    unit = df["unit"].astype(str).str.strip()
    unit_ok = pd.Series([u in a if isinstance(a, set) else True for u, a in zip(unit, m["_aliases"], strict=True)],
                        index=df.index)  # fmt: skip
    flag(known & ~unit_ok, "unit", "单位与指标不符（应为 " + m["_unit"].fillna("") + "）",
         "unit does not match the indicator's unit")  # fmt: skip
    out_of_range = known & value.notna() & ((value < m["_min"]) | (value > m["_max"]))
    pct = m["_unit"] == "%"
    flag(out_of_range & pct, "value", "比例超出取值范围（0–100%）", "share outside its range (0–100 %)")
    flag(out_of_range & ~pct, "value", "数值超出指标取值范围", "value outside the indicator's range")
    src = df["source_document"].astype(str).str.strip()
    flag(df["source_document"].isna() | (src == ""), "source_document", "缺少数据来源文件",
         "the source document is required")  # fmt: skip
    dup = pd.DataFrame({"c": code, "i": ind, "y": year}).duplicated(keep="first")
    flag(
        dup,
        "indicator",
        "同一区划、年份、指标重复填报",
        "duplicate row for the same division, year and indicator",
    )
    if errors:
        errors.sort(key=lambda e: (e.row or 0, e.column or ""))
        raise TemplateErrors(errors, name)
    units = m["_unit"]
    return pd.DataFrame({
        "division_code": code, "indicator": ind, "year": year.astype("int64"), "value": value.astype("float64"),
        "unit": units, "source_document": src, "note": df["note"], "row": df["row"],
    }).reset_index(drop=True)  # fmt: skip


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def reported_frame(rows: pd.DataFrame, *, import_id: str, file_name: str) -> pd.DataFrame:
    """Rows of :func:`read_template` as indicator values with lineage (document, import, Excel row)."""
    f = rows.copy()
    f["edition"] = ""
    f["method"] = "reported statistic (填报统计数据)"
    f["lineage"] = [
        {"source_kind": "reported", "source_document": r["source_document"], "import_id": import_id,
         "file": file_name, "row": int(r["row"]), "note": None if pd.isna(r["note"]) else str(r["note"])}
        for r in f.to_dict("records")
    ]  # fmt: skip
    return f
