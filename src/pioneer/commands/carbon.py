"""``pioneer carbon …`` — energy-activity CO2 accounts, dual control and product carbon footprints.

Methods, factor sources and what is unconfirmed: ``docs/standards/carbon.md``. Inputs are CSV or Excel (.xlsx);
a bad input gets a located bilingual error and no output file. Results are CSV, or Excel when ``-o`` ends in
.xlsx. The work itself is :mod:`pioneer.carbon.service` (shared with the API); this module reads the files and
writes the results atomically.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import ibis
import pandas as pd
import typer

from pioneer.carbon import service
from pioneer.commands._io import atomic_file, copy_csv_atomic, fail
from pioneer.errors import InputError, PioneerError
from pioneer.standards.carbon.editions import EDITIONS

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


def upload(path: Path) -> service.Upload:
    """The content and name of an input file; a located error when it does not exist."""
    if not path.is_file():
        raise InputError("找不到输入文件", "input file not found", file=str(path))
    return path.read_bytes(), str(path)


def _write(frames: dict[str, pd.DataFrame], path: Path) -> None:
    """CSV (the first frame) or an .xlsx workbook with one sheet per frame, atomically, formula-neutral cells."""
    if path.suffix.lower() == ".xlsx":
        data = service.to_xlsx(frames)
        with atomic_file(path) as tmp:
            Path(tmp).write_bytes(data)
    else:  # the project's streamed DuckDB writer (formula-neutral cells), in the frame's order
        frame = next(iter(frames.values())).copy()
        for c in frame.columns[
            frame.isna().all().to_numpy()
        ]:  # DuckDB refuses NULL-typed (all-empty) columns
            frame[c] = frame[c].astype("string")
        con = ibis.duckdb.connect()
        t = con.create_table("result", frame.assign(_order=range(len(frame))))
        copy_csv_atomic(con, t, path, order_by="_order", drop="_order")


def factor_lines(rows: pd.DataFrame) -> str:
    """One line per account row: the quantity, the factor it used (key, origin, confidence) and its CO2
    (vectorised text, the rows' order)."""
    energy_basis = rows["basis"] == "energy"
    co2 = pd.Series("tCO2", index=rows.index).where(rows["scope"] != "process", "tCO2e")  # processes: × GWP
    unit = (co2 + "/" + rows["quantity_unit"].astype(str)).where(~energy_basis, "tCO2/GJ")
    ef = rows["co2_factor"].where(~energy_basis, rows["co2_per_gj"])

    def g(x: pd.Series) -> pd.Series:
        return x.map("{:.6g}".format)

    row = rows["row"].astype(str)
    text = ("第 " + row + " 行 row " + row + ": " + rows["division_code"].astype(str) + " " + rows["year"].astype(str)
            + " " + rows["sector"].astype(str) + " " + rows["fuel"].astype(str) + " " + g(rows["quantity"]) + " "
            + rows["quantity_unit"].astype(str) + " × " + g(ef) + " " + unit + " [" + rows["factor_key"].astype(str)
            + "; " + rows["factor_origin"].astype(str) + "; " + rows["factor_confidence"].astype(str) + "] = "
            + g(rows["co2_t"]) + " " + co2)  # fmt: skip
    if "ch4_t" in rows.columns:  # CH4 and N2O of combustion (IPCC 2006 Tier 1), apart from the CO2
        has = rows["ch4_t"].notna()
        extra = ("; CH4 " + g(rows["ch4_t"]) + " t, N2O " + g(rows["n2o_t"]) + " t = " + g(rows["nonco2_co2e_t"])
                 + " tCO2e [" + rows["nonco2_key"].astype(str) + "]")  # fmt: skip
        text = text + extra.where(has, "")
    return "\n".join(text)


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
    store: Annotated[
        bool, typer.Option(help="保存分部门、分燃料合计（先行区页面）/ store the totals")
    ] = False,
) -> None:
    """能源活动二氧化碳排放核算（按燃料、部门）/ energy-activity CO2 by fuel and sector.

    输入列 / input: division_code, year, sector, fuel, amount, unit [, flow]; or the energy balance table
    layout (division_code, year, fuel, unit, one column per sector). Prints the factor used for every row.
    Output records: row (each input row with its factor), by_sector, by_fuel, total [tCO2].
    """
    try:
        data = upload(input_file)
        frames = service.account(data, edition=edition.value,
                                 local=upload(local_factors) if local_factors else None, grid=grid.value,
                                 grid_kind=grid_kind.value, grid_year=grid_year)  # fmt: skip
        _write(frames, output)
        if store:
            import hashlib

            from pioneer.commands._actor import cli_session

            with cli_session() as s:
                n = service.store_account(s, frames, source_file=str(input_file), edition=edition.value,
                                          sha256=hashlib.sha256(data[0]).hexdigest(),
                                          grid=service.grid_label(grid.value, grid_kind.value, grid_year))  # fmt: skip
            typer.echo(f"{n} 个合计已保存 / totals stored", err=True)
    except PioneerError as exc:
        fail(exc, code=2)
    rows = frames["account"]
    if not quiet:  # the factor of every input row, as the command promises
        typer.echo(factor_lines(rows[rows["record"] == "row"]))
    tot = rows[rows["record"] == "total"]
    co2e = f", {tot['co2e_t'].sum():.6g} tCO2e incl. CH4/N2O" if "co2e_t" in tot.columns else ""
    typer.echo(
        f"{len(tot)} 个地区-年份 / division-years, {tot['co2_t'].sum():.6g} tCO2{co2e} → {output}", err=True
    )


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
    try:
        acc = None
        uploads = {"series": upload(series)}
        if emissions is not None:
            uploads["emissions"] = upload(emissions)
            _name, acc = service.read_table(uploads["emissions"])
        r = service.dual_control(upload(series), base_year=base_year,
                                 targets=upload(targets) if targets else None, emissions=acc)  # fmt: skip
        values = None
        if store:  # computed before anything is written
            inputs = {"series": str(series), "emissions_account": str(emissions) if emissions else None}
            values = service.indicator_values(r["table"], r["versus_base"], inputs=inputs)
        _write({"dual_control": r["dual_control"], "progress": r["progress"]}, output)
        if values is not None:
            from pioneer.commands._actor import cli_session

            with cli_session() as s:
                n = service.store_values(s, values, uploads=uploads)
            typer.echo(f"{n} 个指标值已写入 / indicator values stored", err=True)
    except PioneerError as exc:
        fail(exc, code=2)
    typer.echo(f"{len(r['table'])} 个地区-年份 / division-years → {output}", err=True)


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
        result = service.footprint_result(upload(bom), library=upload(factors) if factors else None,
                                          edition=edition.value, units_produced=units_produced)  # fmt: skip
        out = service.footprint_frame(result, functional_unit=functional_unit)
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


@app.command()
def factors(
    edition: _EDITION = Edition.e2011,
    table: Annotated[
        str, typer.Option(help="因子表 / table: all | " + " | ".join(service.FACTOR_TABLES))
    ] = "all",
) -> None:
    """列出缺省排放因子（含来源与置信度）/ list the default factors with source and confidence — the tables of
    ``GET /api/v1/carbon/factors`` (:func:`pioneer.carbon.service.factor_tables`)."""
    try:
        frames = service.factor_tables(edition.value, table)
    except PioneerError as exc:
        fail(exc, code=2)
    e = EDITIONS[edition.value]
    typer.echo(f"{e.guideline_zh} / {e.guideline_en}")
    for name, f in frames.items():  # ≤ 7 tables; each prints its rows (tens)
        zh, en = service.FACTOR_TABLES[name]
        typer.echo(f"# {name}: {zh} / {en}")
        note = service.FACTOR_TABLE_NOTES.get(name)
        if note:
            typer.echo(f"#   {note[0]} / {note[1]}")
        for r in f.itertuples():
            typer.echo(_factor_line(name, r, e.gwp_set))


def _factor_line(table: str, r: Any, gwp_set: str) -> str:
    """One printed row of a factor table, with its confidence."""
    if table == "fuels":
        return (f"{r.fuel}\t{r.name_zh}\tNCV {r.ncv_gj_per_unit:g} GJ/{r.physical_unit}\tCC "
                f"{r.carbon_content_tc_per_tj:g} tC/TJ\tOF {r.oxidation:g}\tEF {r.co2_factor:.4f} "
                f"tCO2/{r.physical_unit}\t[{r.confidence}]")  # fmt: skip
    if table == "nonco2":
        value = (f"CH4 {r.ch4_kg_per_tj:g} / N2O {r.n2o_kg_per_tj:g} kg/TJ (GWP {gwp_set})" if r.has_value
                 else "— (无值 no value)")  # fmt: skip
        return f"ch4/n2o {r.category} {r.fuel}\tIPCC 2006 Table {r.ipcc_table if isinstance(r.ipcc_table, str) else '—'}\t{value}\t[{r.confidence}]"
    if table == "processes":
        ef = (
            f"{r.co2_factor:.5g} tCO2e/t ({r.gas}, GWP {gwp_set})"
            if r.co2_factor == r.co2_factor
            else "— (本地因子 local)"
        )
        return f"process {r.process}\t{r.name_zh}\tEF {ef}\t[{r.confidence}]"
    if table == "gwp":
        return f"gwp {r.gwp_set} {r.gas}\t{r.gwp_100:g}\t[{r.confidence}]"
    if table == "grid":
        return (f"electricity {r.year} {r.region}\t{r.region_zh}\t{r.kind}\t{r.factor_tco2_per_mwh:g} tCO2/MWh"
                f"\t[{r.confidence}]")  # fmt: skip
    if table == "heat":
        return f"heat {r.key}\t{r.factor_tco2_per_gj:g} tCO2/GJ\t[{r.confidence}]"
    return f"footprint {r.key}\t{r.group}\t{r.factor_kgco2e:g} kgCO2e/{r.unit}\t{r.year}\t[{r.confidence}]"


class TemplateKind(StrEnum):
    balance = "balance"
    series = "series"
    bom = "bom"
    local_factors = "local-factors"
    footprint_factors = "footprint-factors"


@app.command()
def template(
    output: Annotated[Path, typer.Argument(help="模板文件 .xlsx 或 .csv / template file")],
    kind: Annotated[
        TemplateKind,
        typer.Option(help="balance（能源平衡表）| series | bom | local-factors | footprint-factors"),
    ] = TemplateKind.balance,
) -> None:
    """写出空白填报模板 / write an empty input template."""
    _write({kind.value: service.template_frame(kind.value)}, output)
    typer.echo(f"→ {output}", err=True)
