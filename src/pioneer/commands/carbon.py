"""``pioneer carbon …`` — energy-activity CO2 accounts, dual control and product carbon footprints.

Methods, factor sources and what is unconfirmed: ``docs/standards/carbon.md``. Inputs are CSV or Excel (.xlsx);
a bad input gets a located bilingual error and no output file. Results are CSV, or Excel when ``-o`` ends in
.xlsx.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import ibis
import pandas as pd
import typer

from pioneer.commands._io import atomic_file, fail, write_csv_atomic
from pioneer.commands.water import read_csv
from pioneer.errors import InputError, PioneerError
from pioneer.guard.cells import neutral_frame
from pioneer.standards.carbon import balance, energy, footprint
from pioneer.standards.carbon import dual_control as dc
from pioneer.standards.carbon.editions import EDITIONS
from pioneer.standards.carbon.factors import FUEL_FACTORS, GRID_FACTORS, fuel_factors

app = typer.Typer(
    help="碳排放核算、双控与产品碳足迹 / carbon accounts, dual control and product carbon footprints.",
    no_args_is_help=True,
)


class Edition(StrEnum):
    e2011 = "2011"
    e2025 = "2025"


class Grid(StrEnum):
    national = "national"
    regional = "regional"
    provincial = "provincial"


class GridKind(StrEnum):
    average = "average"
    excl_market_nonfossil = "excl_market_nonfossil"
    fossil = "fossil"


_OUT = Annotated[Path, typer.Option("--output", "-o", help="输出 CSV 或 .xlsx / output CSV or .xlsx")]
_EDITION = Annotated[
    Edition, typer.Option(help="省级清单指南版本 / inventory-guideline edition (2011 试行 | 2025)")
]


def read_table_file(path: Path) -> list[tuple[str, pd.DataFrame]]:
    """A CSV (one table) or an .xlsx workbook (one table per sheet, named ``file:sheet`` in errors), as text."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        if not path.is_file():
            raise InputError("找不到输入文件", "input file not found", file=str(path))
        try:
            sheets = pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False, engine="openpyxl")
        except Exception as exc:  # openpyxl raises several types for a damaged workbook
            raise InputError(
                "无法读取 Excel 文件", f"cannot read the Excel file ({exc})", file=str(path)
            ) from exc
        tables = [
            (f"{path}:{name}", df)
            for name, df in sheets.items()
            if not str(name).startswith(("说明", "notes"))
        ]
        return [(n, d) for n, d in tables if len(d.columns)]
    return [(str(path), read_csv(path))]


def read_activity_file(path: Path) -> pd.DataFrame:
    """Long or wide (energy balance table) activity rows of every table in ``path``, validated."""
    parts = []
    for name, df in read_table_file(path):
        long = balance.to_long(df, file=name) if balance.is_wide(df) else balance.normalise_headers(df)
        parts.append(energy.read_activity(long, file=name).assign(_file=name))
    return pd.concat(parts, ignore_index=True)


def _write(frames: dict[str, pd.DataFrame], path: Path) -> None:
    """CSV (the first frame) or an .xlsx workbook with one sheet per frame, atomically, formula-neutral cells."""
    if path.suffix.lower() == ".xlsx":
        with atomic_file(path) as tmp, open(tmp, "wb") as fh, pd.ExcelWriter(fh, engine="openpyxl") as xw:
            for sheet, f in frames.items():
                neutral_frame(f).to_excel(xw, sheet_name=sheet[:31], index=False)
    else:
        write_csv_atomic(next(iter(frames.values())), path)


ROW_COLUMNS = ["record", "row", "division_code", "year", "sector", "fuel", "fuel_input", "flow", "amount", "unit",
               "quantity", "quantity_unit", "basis", "scope", "factor_key", "edition", "ncv_gj_per_unit",
               "carbon_content_tc_per_tj", "oxidation", "co2_factor", "co2_per_gj", "factor_year", "factor_source",
               "factor_confidence", "factor_origin", "energy_gj", "co2_t"]  # fmt: skip


def account_frames(activity: pd.DataFrame, factors: pd.DataFrame, con: Any = None) -> dict[str, pd.DataFrame]:
    """The account of resolved activity rows: rows with their factors, totals by sector, by fuel and overall
    (each per division and year), and the CO2 balance table (fuel × sector). Shared by the command and the API."""
    con = con or ibis.duckdb.connect()
    a = con.create_table("activity", activity.drop(columns=["_file"], errors="ignore").rename(columns={"_row": "row"}),
                         overwrite=True)  # fmt: skip
    f = con.create_table("factors", factors, overwrite=True)
    rows_t = energy.emissions(a, f)
    rows = con.to_pyarrow(rows_t.order_by("row")).to_pandas()
    rows.insert(0, "record", "row")
    keys = ["division_code", "year"]
    parts = [rows[ROW_COLUMNS]]
    for record, by in (("by_sector", [*keys, "sector"]), ("by_fuel", [*keys, "fuel"]), ("total", keys)):
        t = con.to_pyarrow(energy.totals(rows_t, by).order_by(by)).to_pandas()
        t.insert(0, "record", record)
        parts.append(t)
    out = pd.concat(parts, ignore_index=True)
    out["row"] = out["row"].astype("Int64")
    return {"account": out, "balance_co2_t": balance.to_wide(rows), "factors": factors}


def _factor_line(r: Any) -> str:
    unit = "tCO2/GJ" if r.basis == "energy" else f"tCO2/{r.quantity_unit}"
    ef = r.co2_per_gj if r.basis == "energy" else r.co2_factor
    return (f"第 {r.row} 行 row {r.row}: {r.division_code} {r.year} {r.sector} {r.fuel} {r.quantity:.6g} {r.quantity_unit}"
            f" × {ef:.6g} {unit} [{r.factor_key}; {r.factor_origin}; {r.factor_confidence}] = {r.co2_t:.6g} tCO2")  # fmt: skip


@app.command()
def account(
    input_file: Annotated[
        Path, typer.Argument(metavar="INPUT", help="能源消费（长表或能源平衡表）CSV/.xlsx")
    ],
    output: _OUT,
    edition: _EDITION = Edition.e2011,
    local_factors: Annotated[
        Path | None, typer.Option(help="本地排放因子 CSV（须注明来源）/ local factors")
    ] = None,
    grid: Annotated[
        Grid, typer.Option(help="电力因子：全国/区域电网/本省 / national|regional|provincial")
    ] = Grid.national,
    grid_kind: Annotated[
        GridKind, typer.Option(help="电力因子口径 / factor kind (MEE+NBS)")
    ] = GridKind.average,
    grid_year: Annotated[int | None, typer.Option(help="电力因子年份（缺省为数据年份）/ factor year")] = None,
    quiet: Annotated[
        bool, typer.Option(help="不逐行打印因子 / do not print the factor of every row")
    ] = False,
) -> None:
    """能源活动二氧化碳排放核算（按燃料、部门）/ energy-activity CO2 by fuel and sector.

    输入列 / input: division_code, year, sector, fuel, amount, unit [, flow]; or the energy balance table
    layout (division_code, year, fuel, unit, one column per sector). Prints the factor used for every row.
    Output records: row (each input row with its factor), by_sector, by_fuel, total [tCO2].
    """
    try:
        activity = read_activity_file(input_file)
        local = None
        if local_factors is not None:
            (name, lf), *_ = read_table_file(local_factors)
            local = energy.read_local_factors(lf, file=name)
        a, factors = energy.resolve_factors(activity, edition=edition.value, local=local, grid=grid.value,
                                            grid_kind=grid_kind.value, grid_year=grid_year,
                                            file=str(activity["_file"].iloc[0]))  # fmt: skip
        frames = account_frames(a, factors)
        _write(frames, output)
    except PioneerError as exc:
        fail(exc, code=2)
    rows = frames["account"]
    if not quiet:
        for r in rows[
            rows["record"] == "row"
        ].itertuples():  # one line per input row, as the command promises
            typer.echo(_factor_line(r))
    tot = rows[rows["record"] == "total"]
    typer.echo(f"{len(tot)} 个地区-年份 / division-years, {tot['co2_t'].sum():.6g} tCO2 → {output}", err=True)


@app.command("dual-control")
def dual_control(
    series: Annotated[Path, typer.Argument(help="地区年度序列 CSV/.xlsx：GDP（可比价）、CO2、能耗、用水")],
    output: _OUT,
    base_year: Annotated[int, typer.Option(help="基年 / base year")] = 2020,
    targets: Annotated[Path | None, typer.Option(help="地区目标 CSV（同 carbon_fyp_targets.csv 列）")] = None,
    emissions: Annotated[
        Path | None, typer.Option(help="`carbon account` 的输出，取其 total 行的 CO2")
    ] = None,
    store: Annotated[
        bool, typer.Option(help="写入指标库（碳强度降低率等）/ store the indicator values")
    ] = False,
) -> None:
    """碳排放、能耗、用水总量和强度双控 / dual control of totals and intensities, progress to targets.

    输入列 / input: division_code, year, gdp (+gdp_unit), price_base, and any of co2 (+co2_unit), energy
    (+energy_unit), water (+water_unit). Output records: year (totals, intensities, annual reductions, change
    against --base-year), progress (each target and the 2027/2030 projections, with the assessment classes).
    """
    from pioneer.assessment.carbon import progress

    try:
        (name, df), *_ = read_table_file(series)
        if emissions is not None:
            df = _with_account_co2(df, emissions, file=name)
        s = dc.read_series(df, file=name)
        table = dc.intensity_table(s)
        vb = dc.versus_base(table, base_year)
        own = _read_targets(targets) if targets is not None else None
        prog = progress(table, dc.targets_for(table["division_code"], own))
        years = table.merge(vb.drop(columns=["price_base"]), on=["division_code", "year"], how="left")
        years.insert(0, "record", "year")
        prog.insert(0, "record", "progress")
        out = pd.concat([years, prog], ignore_index=True)
        _write({"dual_control": out, "progress": prog}, output)
        if store:
            _store(indicator_values(table, vb, source=str(series)))
    except PioneerError as exc:
        fail(exc, code=2)
    typer.echo(f"{len(table)} 个地区-年份 / division-years → {output}", err=True)


def _with_account_co2(df: pd.DataFrame, path: Path, *, file: str) -> pd.DataFrame:
    """The series with ``co2`` [t] from an account's total rows where the series has none."""
    acc = read_csv(path)
    if "record" not in acc.columns or "co2_t" not in acc.columns:
        raise InputError("不是 `pioneer carbon account` 的输出", "not an output of `pioneer carbon account`",
                         file=str(path))  # fmt: skip
    tot = acc[acc["record"] == "total"][["division_code", "year", "co2_t"]]
    tot = tot.assign(year=pd.to_numeric(tot["year"]).astype(int).astype(str))
    d = df.copy()
    d["_key"] = d["division_code"].astype(str).str.strip() + ":" + d["year"].astype(str).str.strip()
    m = dict(zip(tot["division_code"].astype(str) + ":" + tot["year"], tot["co2_t"], strict=True))
    have = d["co2"].astype(str).str.strip() if "co2" in d.columns else pd.Series("", index=d.index)
    d["co2"] = have.where(have != "", d["_key"].map(m).fillna(""))
    if "co2_unit" in d.columns:
        d["co2_unit"] = d["co2_unit"].where(have != "", "t")
    return d.drop(columns="_key")


def _read_targets(path: Path) -> pd.DataFrame:
    (name, df), *_ = read_table_file(path)
    df = df.copy()
    df["_row"] = range(2, len(df) + 2)
    need = ("scope", "indicator", "plan", "base_year", "target_year", "reduction_pct", "source")
    for col in need:
        if col not in df.columns:
            raise InputError(
                f"缺少必需列 “{col}”", f"required column '{col}' is missing", file=name, column=col
            )
    for col in ("base_year", "target_year", "reduction_pct"):
        v = pd.to_numeric(df[col], errors="coerce")
        bad = v.isna()
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise InputError("不是数字", "not a number", file=name, row=int(df["_row"].iloc[i]), column=col,
                             value=df[col].iloc[i])  # fmt: skip
        df[col] = v.astype(int) if col != "reduction_pct" else v.astype(float)
    ok = df["indicator"].isin(["co2_intensity", "energy_intensity", "water_intensity"])
    if not ok.all():
        i = int((~ok).to_numpy().nonzero()[0][0])
        raise InputError("指标应为 co2_intensity/energy_intensity/water_intensity", "indicator must be co2_intensity, "
                         "energy_intensity or water_intensity", file=name, row=int(df["_row"].iloc[i]),
                         column="indicator", value=df["indicator"].iloc[i])  # fmt: skip
    df["comparator"] = ">="
    df["confidence"] = df["confidence"] if "confidence" in df.columns else "user-supplied"
    return df.drop(columns="_row")


INDICATOR_MAP = {
    # catalogue code: (column of the dual-control table, unit, scale to the catalogue unit, method)
    "carbon_intensity_reduction": ("co2_intensity_reduction", "%", 1.0,
                                   "(1 − I_t / I_{t−1}) × 100, I = CO2 / GDP at comparable prices"),
    "co2_emissions_energy": ("co2_t", "10^4 t", 1e-4, "energy-activity CO2 (provincial inventory guideline)"),
    "co2_intensity": ("co2_intensity", "t/10^4 yuan", 1.0, "CO2 / GDP at comparable prices"),
    "co2_intensity_reduction_vs_2020": ("co2_intensity_reduction_vs_base", "%", 1.0, "(1 − I_t / I_2020) × 100"),
    "energy_consumption_total": ("energy_tce", "10^4 tce", 1e-4, "energy consumption (as reported)"),
    "energy_intensity": ("energy_intensity", "tce/10^4 yuan", 1.0, "energy / GDP at comparable prices"),
    "energy_intensity_reduction_vs_2020": ("energy_intensity_reduction_vs_base", "%", 1.0, "(1 − I_t / I_2020) × 100"),
    "water_use_total": ("water_1e4m3", "10^8 m3", 1e-4, "water use (as reported)"),
    "water_intensity": ("water_intensity", "m3/10^4 yuan", 1.0, "water use / GDP at comparable prices"),
}  # fmt: skip
"""Dual-control columns stored as catalogue indicators (``indicators/data/catalogue.yaml``)."""


def indicator_values(table: pd.DataFrame, vb: pd.DataFrame, *, source: str) -> pd.DataFrame:
    """The dual-control table as indicator values (``division_code, indicator, year, value, unit, edition, method,
    lineage``) for :func:`pioneer.indicators.store.save_values`; the price base is the edition (values at
    different price bases are never compared with each other)."""
    t = table.merge(vb.drop(columns=["price_base"]), on=["division_code", "year"], how="left")
    if (t["base_year"] != 2020).any():
        t = t.drop(columns=[c for c in t.columns if c.endswith("_vs_base")])
    parts = []
    for code, (col, unit, scale, method) in INDICATOR_MAP.items():
        if col not in t.columns:
            continue
        f = pd.DataFrame({"division_code": t["division_code"], "indicator": code, "year": t["year"],
                          "value": t[col] * scale, "unit": unit, "edition": "price-base " + t["price_base"],
                          "method": method})  # fmt: skip
        f = f[f["value"].notna()]
        f["lineage"] = [{"binding": f"carbon.{col}", "inputs": {"file": source}, "formula": method,
                         "price_base": pb, "command": "pioneer carbon dual-control"}
                        for pb in t.loc[f.index, "price_base"]]  # fmt: skip
        parts.append(f)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _store(values: pd.DataFrame) -> None:
    from pioneer.commands.assess import _session
    from pioneer.indicators import store

    with _session() as s:
        n = store.save_values(s, values, source_kind="computed")
    typer.echo(f"{n} 个指标值已写入 / indicator values stored", err=True)


@app.command("footprint")
def footprint_cmd(
    bom: Annotated[Path, typer.Argument(metavar="BOM", help="物料清单 CSV/.xlsx / bill of materials")],
    output: _OUT,
    factors: Annotated[
        Path | None, typer.Option(help="用户排放因子库 CSV（须注明来源）/ user factor library")
    ] = None,
    edition: _EDITION = Edition.e2011,
    functional_unit: Annotated[str, typer.Option(help="功能单位 / functional unit")] = "1 件产品 / 1 unit",
    units_produced: Annotated[
        float, typer.Option(help="清单对应的功能单位数 / functional units in the BOM")
    ] = 1.0,
    product: Annotated[str, typer.Option(help="产品名称 / product name")] = "产品 / product",
    report: Annotated[Path | None, typer.Option(help="碳足迹报告 .docx/.pdf / footprint report")] = None,
    lang: Annotated[str, typer.Option(help="报告语言 zh|en / report language")] = "zh",
) -> None:
    """产品碳足迹（GB/T 24067-2024 / ISO 14067）/ product carbon footprint from a bill of materials.

    输入列 / input: stage, item, quantity, unit, factor_key | factor+factor_unit+factor_source
    [, distance_km, allocation, allocation_rule, uncertainty, data_quality]. Output records: line, stage,
    data_quality, total (kgCO2e per functional unit, with u and U = 2u).
    """
    from pioneer.reports import render
    from pioneer.reports.footprint import Study, footprint_report

    try:
        if units_produced <= 0:
            raise InputError("功能单位数应为正数", "units produced must be positive", value=units_produced)
        lib = footprint.library(edition.value)
        if factors is not None:
            (fname, fdf), *_ = read_table_file(factors)
            user = footprint.read_library(fdf, file=fname)
            lib = pd.concat([lib[~lib["key"].isin(user["key"])], user], ignore_index=True)
        (name, df), *_ = read_table_file(bom)
        result = footprint.footprint(footprint.read_bom(df, lib, file=name), units_produced=units_produced)
        out = footprint_frame(result, functional_unit=functional_unit)
        document = None
        if report is not None:  # rendered before anything is written: a failure leaves no file
            fmt = report.suffix.lstrip(".").lower()
            if fmt not in ("docx", "pdf"):
                raise InputError(
                    "报告格式须为 .docx 或 .pdf", "the report must be .docx or .pdf", value=str(report)
                )
            rep = footprint_report(result, Study(product, functional_unit, units_produced), lang=lang)
            document = render.FORMATS[fmt](rep)
        _write({"footprint": out}, output)
        if report is not None and document is not None:
            with atomic_file(report) as tmp:
                Path(tmp).write_bytes(document)
    except PioneerError as exc:
        fail(exc, code=2)
    tot = out[out["record"] == "total"].iloc[0]
    typer.echo(
        f"{tot['kgco2e_per_fu']:.6g} kgCO2e / {functional_unit} ({tot['boundary']}) → {output}", err=True
    )


def footprint_frame(result: pd.DataFrame, *, functional_unit: str) -> pd.DataFrame:
    """Lines, stage and data-quality subtotals and the total (with its uncertainty) as one frame."""
    lines = result.drop(columns=["_row"]).assign(record="line")
    s = footprint.summary(result).rename(columns={"group": "record"})
    u = footprint.uncertainty(result["kgco2e_per_fu"], result["u_kgco2e_per_fu"])
    total = pd.DataFrame([{"record": "total", "key": functional_unit, "kgco2e_per_fu": u["total"],
                           "u_kgco2e_per_fu": u["u"], "relative_uncertainty": u["relative"],
                           "expanded_uncertainty_k2": u["expanded"], "unquantified_share": u["unquantified_share"],
                           "boundary": footprint.boundary(result["stage"])}])  # fmt: skip
    return pd.concat([lines, s, total], ignore_index=True)


@app.command()
def factors(edition: _EDITION = Edition.e2011) -> None:
    """列出缺省排放因子（含来源与置信度）/ list the default factors with source and confidence."""
    f = fuel_factors(edition.value)
    typer.echo(f"{EDITIONS[edition.value].guideline_zh} / {EDITIONS[edition.value].guideline_en}")
    for r in f.itertuples():
        typer.echo(f"{r.fuel}\t{r.name_zh}\tNCV {r.ncv_gj_per_unit:g} GJ/{r.physical_unit}\tCC {r.carbon_content_tc_per_tj:g}"
                   f" tC/TJ\tOF {r.oxidation:g}\tEF {r.co2_factor:.4f} tCO2/{r.physical_unit}\t[{r.confidence}]")  # fmt: skip
    for r in GRID_FACTORS.itertuples():
        typer.echo(f"electricity {r.year} {r.region}\t{r.region_zh}\t{r.kind}\t{r.factor_tco2_per_mwh:g} tCO2/MWh"
                   f"\t[{r.confidence}]")  # fmt: skip


class TemplateKind(StrEnum):
    balance = "balance"
    series = "series"
    bom = "bom"
    local_factors = "local-factors"


def template_frame(kind: str) -> pd.DataFrame:
    """An empty input template (with one worked example row where it helps) for ``kind``."""
    if kind == "balance":
        fuels = FUEL_FACTORS.drop_duplicates("fuel")
        rows = [{"division_code": "", "year": "", "fuel": r.name_zh, "unit": "万立方米" if r.physical_unit == "10^4 m3"
                 else "万吨"} for r in fuels.itertuples()]  # fmt: skip
        rows += [{"division_code": "", "year": "", "fuel": "电力", "unit": "亿千瓦时"},
                 {"division_code": "", "year": "", "fuel": "热力", "unit": "万百万千焦"}]  # fmt: skip
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
    return pd.DataFrame(
        columns=["fuel", "unit", "co2_factor", "ncv", "carbon_content", "oxidation", "source", "year"]
    )


@app.command()
def template(
    output: Annotated[Path, typer.Argument(help="模板文件 .xlsx 或 .csv / template file")],
    kind: Annotated[
        TemplateKind, typer.Option(help="balance（能源平衡表）| series | bom | local-factors")
    ] = TemplateKind.balance,
) -> None:
    """写出空白填报模板 / write an empty input template."""
    _write({kind.value: template_frame(kind.value)}, output)
    typer.echo(f"→ {output}", err=True)
