"""Carbon accounts, dual control and footprints from uploaded files — the one route shared by ``pioneer carbon``
(:mod:`pioneer.commands.carbon`) and the API (:mod:`pioneer.web.api.carbon`).

Files arrive as bytes with their name: CSV (UTF-8 or GB18030, decoded by :func:`pioneer.lake.readers.decode_csv`)
or an .xlsx workbook (one table per sheet; sheets named 说明/notes are skipped). Every function raises a located
:class:`~pioneer.errors.InputError` on bad input and returns frames; nothing here writes files or the database
except :func:`store_values` (the caller's transaction).
"""

from __future__ import annotations

import io
from typing import Any

import ibis
import pandas as pd

from pioneer.carbon.indicators import INDICATOR_MAP as INDICATOR_MAP  # re-exports: the binding's home
from pioneer.carbon.indicators import indicator_values as indicator_values
from pioneer.carbon.indicators import store_values as store_values
from pioneer.errors import InputError, PioneerError
from pioneer.lake.readers import decode_csv
from pioneer.standards.carbon import balance, energy, footprint, nonco2
from pioneer.standards.carbon import dual_control as dc
from pioneer.standards.carbon import factors as cf
from pioneer.standards.carbon.editions import EDITIONS
from pioneer.standards.carbon.factors import FUEL_FACTORS, PROCESS_FACTORS

Upload = tuple[bytes, str]
"""(content, file name) of an input file."""


def read_tables(data: bytes, name: str) -> list[tuple[str, pd.DataFrame]]:
    """The tables of a CSV (one) or .xlsx workbook (one per sheet, labelled ``name:sheet``), all cells as text."""
    if name.lower().endswith((".xlsx", ".xlsm")):
        try:
            sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=str, keep_default_na=False,
                                   engine="openpyxl")  # fmt: skip
        except Exception as exc:  # openpyxl raises several types for a damaged workbook
            raise InputError("无法读取 Excel 文件", f"cannot read the Excel file ({exc})", file=name) from exc
        tables = [(f"{name}:{s}", df) for s, df in sheets.items() if not str(s).startswith(("说明", "notes"))]
        tables = [(n, d) for n, d in tables if len(d.columns)]
        if not tables:
            raise InputError("工作簿中没有数据表", "the workbook has no table", file=name)
        return tables
    utf8, _enc = decode_csv(data, file=name)
    try:
        df = pd.read_csv(io.BytesIO(utf8), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError("CSV 文件格式错误", f"malformed CSV ({exc})", file=name) from exc
    return [(name, df)]


def read_table(upload: Upload) -> tuple[str, pd.DataFrame]:
    """The first table of an upload (:func:`read_tables`)."""
    return read_tables(*upload)[0]


# ---- energy-activity accounts -----------------------------------------------------------------------------------
ROW_COLUMNS = ["record", "row", "division_code", "year", "sector", "fuel", "fuel_input", "flow", "amount", "unit",
               "quantity", "quantity_unit", "basis", "scope", "factor_key", "edition", "ncv_gj_per_unit",
               "carbon_content_tc_per_tj", "oxidation", "co2_factor", "co2_per_gj", "factor_year",
               "factor_confidence", "factor_origin", "gas", "gwp", "energy_gj", "co2_t", "combustion_category",
               "nonco2_key", "ch4_kg_per_tj", "n2o_kg_per_tj", "gwp_ch4", "gwp_n2o", "ch4_t", "n2o_t",
               "nonco2_co2e_t", "co2e_t"]  # fmt: skip
"""Columns of the ``row`` records of an account (each input row with the factor it used; the factor's source
text is in its ``factor`` record, once per factor, found by ``factor_key``; the CH4/N2O factors of a row by
``nonco2_key`` + ``:CH4``/``:N2O``)."""


TOTAL_RECORDS = ("by_sector", "by_fuel", "total")
"""Records of an account that are totals (the others: ``row`` and ``factor``)."""


def read_activity(upload: Upload) -> pd.DataFrame:
    """Validated activity rows of every table of an upload, long or energy-balance (wide) layout."""
    parts = []
    for name, df in read_tables(*upload):
        long = balance.to_long(df, file=name) if balance.is_wide(df) else balance.normalise_headers(df)
        parts.append(energy.read_activity(long, file=name).assign(_file=name))
    return pd.concat(parts, ignore_index=True)


def account(upload: Upload, *, edition: str = "2011", local: Upload | None = None, grid: str = "national",
            grid_kind: str = "average", grid_year: int | None = None) -> dict[str, pd.DataFrame]:  # fmt: skip
    """The account of an activity file (:func:`account_frames`), with optional local factors."""
    activity = read_activity(upload)
    local_factors = None
    if local is not None:
        name, lf = read_table(local)
        local_factors = energy.read_local_factors(lf, file=name)
    a, factors = energy.resolve_factors(activity, edition=edition, local=local_factors, grid=grid,
                                        grid_kind=grid_kind, grid_year=grid_year,
                                        file=str(activity["_file"].iloc[0]))  # fmt: skip
    return account_frames(a, factors)


def account_frames(activity: pd.DataFrame, factors: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """``account``: rows with their factors (record ``row``), totals ``by_sector``, ``by_fuel`` and ``total`` per
    division and year [tCO2; fuel heat GJ] and each factor used with its source (record ``factor``);
    ``balance_co2_t``: CO2 in the balance-table layout; ``factors``."""
    con = ibis.duckdb.connect()
    a = con.create_table(
        "activity", activity.drop(columns=["_file"], errors="ignore").rename(columns={"_row": "row"})
    )
    f = con.create_table("factors", factors)
    rows_t = con.create_table("rows", energy.emissions(a, f))  # computed once; the totals read it
    rows = con.to_pyarrow(rows_t.order_by("row")).to_pandas()
    rows.insert(0, "record", "row")
    keys = ["division_code", "year"]
    parts = [rows[ROW_COLUMNS]]
    for record, by in (("by_sector", [*keys, "sector"]), ("by_fuel", [*keys, "fuel"]), ("total", keys)):
        t = con.to_pyarrow(energy.totals(rows_t, by).order_by(by)).to_pandas()
        t.insert(0, "record", record)
        parts.append(t)
    parts.append(factors.assign(record="factor"))
    out = pd.concat(parts, ignore_index=True)
    out["row"] = out["row"].astype("Int64")
    out["year"] = out["year"].astype("Int64")  # factor records have none
    return {"account": out, "balance_co2_t": balance.to_wide(rows), "factors": factors}


# ---- dual control -----------------------------------------------------------------------------------------------


def with_account_co2(df: pd.DataFrame, account_rows: pd.DataFrame) -> pd.DataFrame:
    """The series with ``co2`` [t] taken from an account's ``total`` rows where the series has none: the
    energy-activity CO2 (direct + indirect; ``co2_process_t`` of industrial processes is left out)."""
    if "record" not in account_rows.columns or "co2_t" not in account_rows.columns:
        raise InputError("不是 `pioneer carbon account` 的输出", "not an output of `pioneer carbon account`")
    tot = account_rows[account_rows["record"] == "total"]
    key = (
        tot["division_code"].astype(str).str.strip()
        + ":"
        + pd.to_numeric(tot["year"]).astype(int).astype(str)
    )
    co2 = pd.to_numeric(tot["co2_t"])
    if "co2_process_t" in tot.columns:  # energy-activity CO2 only: industrial processes are not part of it
        co2 = co2 - pd.to_numeric(tot["co2_process_t"]).fillna(0)
    m = dict(zip(key, co2.astype(str), strict=True))
    d = df.copy()
    mine = d["division_code"].astype(str).str.strip() + ":" + d["year"].astype(str).str.strip()
    have = d["co2"].astype(str).str.strip() if "co2" in d.columns else pd.Series("", index=d.index)
    d["co2"] = have.where(have != "", mine.map(m).fillna(""))
    if "co2_unit" in d.columns:
        d["co2_unit"] = d["co2_unit"].where(have != "", "t")
    return d


def read_targets(upload: Upload) -> pd.DataFrame:
    """A division's own intensity targets (the columns of ``carbon_fyp_targets.csv``; ``scope`` = division code)."""
    name, df = read_table(upload)
    df = df.copy()
    df["_row"] = range(2, len(df) + 2)
    for col in ("scope", "indicator", "plan", "base_year", "target_year", "reduction_pct", "source"):
        if col not in df.columns:
            raise InputError(
                f"缺少必需列 “{col}”", f"required column '{col}' is missing", file=name, column=col
            )
    from pioneer.standards.carbon.checks import first_bad

    for col in ("base_year", "target_year", "reduction_pct"):
        v = pd.to_numeric(df[col], errors="coerce")
        first_bad(df, v.isna(), col, "不是数字", "not a number", name)
        df[col] = v.astype(int) if col != "reduction_pct" else v.astype(float)
    first_bad(df, ~df["indicator"].isin(["co2_intensity", "energy_intensity", "water_intensity"]), "indicator",
              "指标应为 co2_intensity/energy_intensity/water_intensity",
              "indicator must be co2_intensity, energy_intensity or water_intensity", name)  # fmt: skip
    first_bad(df, df["source"].astype(str).str.strip() == "", "source", "目标须注明来源", "a target needs its source",
              name)  # fmt: skip
    df["comparator"] = ">="
    df["confidence"] = df["confidence"] if "confidence" in df.columns else "user-supplied"
    return df.drop(columns="_row")


def dual_control(series: Upload, *, base_year: int = 2020, targets: Upload | None = None,
                 emissions: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:  # fmt: skip
    """Totals, intensities, annual reductions and change against ``base_year`` per division-year (``table``,
    ``versus_base``), progress to the plan targets and the 2027/2030 projections (``progress``), and both as one
    frame (``dual_control``: records ``year`` and ``progress``). ``emissions``: account rows whose totals fill
    the series' missing CO2."""
    from pioneer.assessment.carbon import progress

    name, df = read_table(series)
    if emissions is not None:
        df = with_account_co2(df, emissions)
    table = dc.intensity_table(dc.read_series(df, file=name))
    vb = dc.versus_base(table, base_year)
    own = read_targets(targets) if targets is not None else None
    prog = progress(table, dc.targets_for(table["division_code"], own))
    years = table.merge(vb.drop(columns=["price_base"]), on=["division_code", "year"], how="left")
    out = pd.concat([years.assign(record="year"), prog.assign(record="progress")], ignore_index=True)
    out = out[["record", *[c for c in out.columns if c != "record"]]]
    return {"dual_control": out, "progress": prog, "table": table, "versus_base": vb}


# ---- product footprint ------------------------------------------------------------------------------------------
def footprint_result(bom: Upload, *, library: Upload | None = None, edition: str = "2011",
                     units_produced: float = 1.0) -> pd.DataFrame:  # fmt: skip
    """Footprint lines of a BOM (:func:`pioneer.standards.carbon.footprint.footprint`) with the packaged library
    and, when given, a user library whose keys replace packaged ones."""
    if not units_produced > 0:
        raise InputError("功能单位数应为正数", "units produced must be positive", value=units_produced)
    lib = footprint.library(edition)
    if library is not None:
        lname, ldf = read_table(library)
        user = footprint.read_library(ldf, file=lname)
        lib = pd.concat([lib[~lib["key"].isin(user["key"])], user], ignore_index=True)
    name, df = read_table(bom)
    return footprint.footprint(footprint.read_bom(df, lib, file=name), units_produced=units_produced)


def footprint_frame(result: pd.DataFrame, *, functional_unit: str) -> pd.DataFrame:
    """Lines, stage and data-quality subtotals and the total (with its uncertainty) as one frame."""
    lines = result.drop(columns=["_row"]).assign(record="line")
    s = footprint.summary(result).rename(columns={"group": "record"})
    u = footprint.uncertainty(result["kgco2e_per_fu"], result["u_kgco2e_per_fu"])
    total = pd.DataFrame([{"record": "total", "key": functional_unit, "kgco2e_per_fu": u["total"],
                           "u_kgco2e_per_fu": u["u"], "relative_uncertainty": u["relative"],
                           "expanded_uncertainty_k2": u["expanded"], "unquantified_share": u["unquantified_share"],
                           "boundary": footprint.boundary(result["stage"])}])  # fmt: skip
    out = pd.concat([lines, s, total], ignore_index=True)
    out["line"] = out["line"].astype("Int64")
    return out[["record", *[c for c in out.columns if c != "record"]]]


# ---- factor tables ----------------------------------------------------------------------------------------------
FACTOR_TABLES: dict[str, tuple[str, str]] = {
    "fuels": ("燃料燃烧 CO2 缺省因子（低位发热量、单位热值含碳量、碳氧化率）",
              "fuel-combustion CO2 defaults (NCV, carbon content, oxidation rate)"),
    "nonco2": ("燃料燃烧 CH4/N2O 缺省因子（IPCC 2006 第一层级，kg/TJ）", "CH4/N2O of fuel combustion (IPCC 2006 Tier 1, kg/TJ)"),
    "processes": ("工业生产过程排放因子", "industrial-process factors"),
    "gwp": ("全球增温潜势（100 年）", "global warming potentials (100 years)"),
    "grid": ("电力平均 CO2 排放因子（生态环境部、国家统计局）", "average CO2 factors of electricity (MEE + NBS)"),
    "heat": ("调入热力缺省因子", "default factor of imported heat"),
    "footprint": ("产品碳足迹因子库（燃料、电力、热力、材料、运输）",
                  "product-footprint factor library (fuels, electricity, heat, materials, transport)"),
}  # fmt: skip
"""The factor tables ``GET /api/v1/carbon/factors?table=`` and ``pioneer carbon factors --table`` list: name →
(zh, en) title. ``all`` lists every one."""
FACTOR_TABLE_NOTES: dict[str, tuple[str, str]] = {
    "nonco2": ("无值的行（confidence = not-found）：该类别与燃料没有可引用的缺省因子，核算中这些行不计 CH4/N2O（不作 0），"
               "计入 nonco2_missing_rows。",
               "Rows without a value (confidence not-found): no citable default for the category and fuel; an "
               "account leaves their CH4/N2O empty (never 0) and counts them in nonco2_missing_rows."),
    "processes": ("无值的行须用本地因子（注明来源）。", "Rows without a value need a local factor with its source."),
    "footprint": ("材料与运输因子为 GB/T 51366-2019 附录D/E（二手引用）；寿命末期（废弃处置）因子未收录——未找到可引用的"
                  "公开因子库，请用模板 footprint-factors 提供并注明来源。",
                  "Materials and transport: GB/T 51366-2019 附录D/E (secondary quotations). No end-of-life factor "
                  "is packaged (no citable public library was found): supply them with the footprint-factors "
                  "template, each with its source."),
}  # fmt: skip
"""What a table lacks, said once with the table (zh, en)."""


def factor_tables(edition: str = "2011", table: str = "all") -> dict[str, pd.DataFrame]:
    """The default factor tables of a guideline ``edition`` (``FACTOR_TABLES``; ``table`` one name or ``all``),
    each row with its source and confidence: fuels (2011 guideline ch. 1 / its 2025 revision), CH4/N2O
    (:func:`pioneer.standards.carbon.nonco2.factor_table`, every category × the edition's fuels), processes with
    the edition's GWPs (2011 guideline ch. 2), the GWP set, MEE + NBS grid factors, the heat default (GB/T
    32150—2025) and the footprint library (:func:`pioneer.standards.carbon.footprint.library`, with its
    ``group``).

    Raises
    ------
    PioneerError
        An unknown ``table`` (bilingual, naming the tables).
    """
    if table != "all" and table not in FACTOR_TABLES:
        names = ", ".join(["all", *FACTOR_TABLES])
        raise PioneerError(
            f"未知的因子表 “{table}”；可选：{names}", f"unknown factor table '{table}'; one of: {names}"
        )
    e = EDITIONS[edition]
    build = {
        "fuels": lambda: cf.fuel_factors(edition),
        "nonco2": lambda: nonco2.factor_table(cf.fuel_factors(edition)["fuel"]),
        "processes": lambda: cf.process_factors(edition, e.gwp_set),
        "gwp": lambda: cf.GWP[cf.GWP["gwp_set"] == e.gwp_set].reset_index(drop=True),
        "grid": lambda: cf.GRID_FACTORS,
        "heat": lambda: cf.HEAT_FACTORS,
        "footprint": lambda: (lib := footprint.library(edition)).assign(group=footprint.library_group(lib["key"])),
    }  # fmt: skip
    return {name: build[name]() for name in FACTOR_TABLES if table in ("all", name)}


# ---- templates --------------------------------------------------------------------------------------------------
TEMPLATE_KINDS = ("balance", "series", "bom", "local-factors", "footprint-factors")


def template_frame(kind: str) -> pd.DataFrame:
    """An empty input template for ``kind`` (``TEMPLATE_KINDS``); the balance table lists every fuel."""
    if kind == "balance":
        fuels = FUEL_FACTORS.drop_duplicates("fuel")
        rows = [{"division_code": "", "year": "", "fuel": r.name_zh,
                 "unit": "万立方米" if r.physical_unit == "10^4 m3" else "万吨"} for r in fuels.itertuples()]  # fmt: skip
        rows += [{"division_code": "", "year": "", "fuel": "电力", "unit": "亿千瓦时"},
                 {"division_code": "", "year": "", "fuel": "热力", "unit": "万百万千焦"}]  # fmt: skip
        rows += [{"division_code": "", "year": "", "fuel": r.name_zh, "unit": "万吨"}
                 for r in PROCESS_FACTORS.drop_duplicates("process").itertuples()]  # fmt: skip
        t = pd.DataFrame(rows)
        for s in balance.DEFAULT_SECTORS:
            t[s] = ""
        return t.rename(
            columns={"division_code": "行政区划代码", "year": "年份", "fuel": "品种", "unit": "单位"}
        )
    if kind == "series":
        return pd.DataFrame([{"division_code": "", "year": "", "gdp": "", "gdp_unit": "亿元", "price_base": "2020",
                              "co2": "", "co2_unit": "万吨", "energy": "", "energy_unit": "万吨标准煤", "water": "",
                              "water_unit": "亿立方米"}])  # fmt: skip
    if kind == "bom":
        return pd.DataFrame(columns=["stage", "item", "quantity", "unit", "factor_key", "factor", "factor_unit",
                                     "factor_source", "distance_km", "allocation", "allocation_rule", "uncertainty",
                                     "data_quality"])  # fmt: skip
    if kind == "local-factors":
        return pd.DataFrame(columns=["fuel", "unit", "co2_factor", "ncv", "carbon_content", "oxidation", "source",
                                     "year", "gas"])  # fmt: skip
    if kind == "footprint-factors":  # materials, transport, end of life: no citable public library was found
        return pd.DataFrame(columns=["key", "unit", "factor_kgco2e", "source", "year", "confidence", "note"])
    raise ValueError(f"template kind must be one of {TEMPLATE_KINDS}, got {kind!r}")


def to_xlsx(frames: dict[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook with one sheet per frame, formula-neutral cells (:mod:`pioneer.guard.cells`)."""
    from pioneer.guard.cells import neutral_frame

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for sheet, f in frames.items():
            neutral_frame(f).to_excel(xw, sheet_name=sheet[:31], index=False)
    return buf.getvalue()


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV bytes with formula-neutral cells."""
    from pioneer.guard.cells import neutral_frame

    return neutral_frame(frame).to_csv(index=False).encode("utf-8")


# ---- stored account totals (zone page: emissions by sector and fuel) --------------------------------------------
def grid_label(grid: str, grid_kind: str, grid_year: int | None) -> str:
    """How the electricity factor was chosen, as stored with the totals (``national/average``, ``…/2023``)."""
    return f"{grid}/{grid_kind}" + (f"/{grid_year}" if grid_year else "")


def store_account(session: Any, frames: dict[str, pd.DataFrame], *, source_file: str, sha256: str, edition: str,
                  grid: str, stored_by: str | None = None) -> int:  # fmt: skip
    """Save an account's ``by_sector``, ``by_fuel`` and ``total`` records in the caller's transaction, replacing
    what was stored for the same divisions, years and edition. Returns the number of rows written."""
    from sqlalchemy import delete, insert, tuple_

    from pioneer.carbon.models import CarbonAccountTotal

    acc = frames["account"]
    t = acc[acc["record"].isin(TOTAL_RECORDS)].copy()
    t["key"] = t["sector"].where(t["record"] == "by_sector", t["fuel"].where(t["record"] == "by_fuel", ""))
    t["key"] = t["key"].fillna("").astype(str)
    keys = sorted({(str(d), int(y)) for d, y in zip(t["division_code"], t["year"], strict=True)})
    session.execute(delete(CarbonAccountTotal).where(
        tuple_(CarbonAccountTotal.division_code, CarbonAccountTotal.year).in_(keys),
        CarbonAccountTotal.edition == edition))  # fmt: skip
    rows = [
        {"division_code": str(r["division_code"]), "year": int(r["year"]), "edition": edition, "grid": grid,
         "record": r["record"], "key": r["key"], "co2_t": float(r["co2_t"]), "co2_direct_t": float(r["co2_direct_t"]),
         "co2_indirect_t": float(r["co2_indirect_t"]),
         "energy_gj": None if pd.isna(r["energy_gj"]) else float(r["energy_gj"]), "source_file": source_file[:255],
         "sha256": sha256, "stored_by": stored_by}
        for r in t.to_dict("records")
    ]  # fmt: skip
    session.execute(insert(CarbonAccountTotal), rows)
    return len(rows)


def read_account_totals(session: Any, division_codes: list[str]) -> pd.DataFrame:
    """Stored account totals of ``division_codes`` (all years and editions)."""
    from sqlalchemy import select

    from pioneer.carbon.models import CarbonAccountTotal as T

    cols = ["division_code", "year", "edition", "grid", "record", "key", "co2_t", "co2_direct_t", "co2_indirect_t",
            "energy_gj", "source_file"]  # fmt: skip
    q = select(*[getattr(T, c) for c in cols]).where(T.division_code.in_(division_codes))
    return pd.DataFrame(session.execute(q).all(), columns=cols)
