"""``pioneer air …`` — the air-quality calculator for users' own tables (HJ 633, HJ 663, GB 3095).

Contract (also used by acceptance checks): see each command's ``--help``. Times are China Standard Time; hourly
rows are labelled by the hour they end (CNEMC), so ``…T00:00`` belongs to the previous day. Units µg/m³, CO mg/m³.
On any input error the command prints every located problem (file, row, column, value, reason — 中文 / English),
exits with status 1 and writes no output file.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import ibis
import ibis.expr.types as ir
import pandas as pd
import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from pioneer.commands._io import err, print_errors, write_csv_atomic
from pioneer.commands.air_input import (
    DAILY,
    HOURLY,
    HOURLY_WITH_CITY,
    InputErrors,
    read_hourly_fast,
    read_table,
)
from pioneer.config import settings
from pioneer.standards.air import annual_statistics, daily_values, report, sites_hourly
from pioneer.standards.air.editions import SWITCH_DATE
from pioneer.standards.air.evaluation import daily_report
from pioneer.standards.air.exact import DECIMALS

app = typer.Typer(
    help="空气质量计算（HJ 633、HJ 663、GB 3095）/ air-quality calculator (HJ 633, HJ 663, GB 3095).",
    no_args_is_help=True,
)

EditionOpt = Annotated[
    str,
    typer.Option(
        "--edition",
        help="标准版本：auto 按数据日期（2026-03-01 起为 2026 版）、2012、2026 / edition: auto (by date; 2026 from "
        "2026-03-01), 2012 (HJ 633-2012, HJ 663-2013, GB 3095-2012) or 2026 (HJ 633-2026, HJ 663-2026, GB 3095-2026).",
    ),
]
OutOpt = Annotated[Path, typer.Option("-o", "--output", help="输出CSV文件 / output CSV file")]


def _connect() -> ibis.BaseBackend:
    """An in-process DuckDB bounded by ``PIONEER_DUCKDB_MEMORY_LIMIT`` (spilling to the system temp folder)."""
    # a folder of this process's own: DuckDB's spill file names are not unique across processes
    spill = tempfile.mkdtemp(prefix="pioneer-duckdb-")
    atexit.register(shutil.rmtree, spill, ignore_errors=True)
    return ibis.duckdb.connect(memory_limit=settings().duckdb_memory_limit, temp_directory=spill)


def _check_edition(edition: str) -> str:
    if edition not in ("auto", "2012", "2026"):
        err.print(f"未知版本 / unknown edition: {edition!r} (auto|2012|2026)")
        raise typer.Exit(2)
    return edition


@contextmanager
def _steps(total_label: str) -> Any:
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err,
                  transient=True, disable=not err.is_terminal) as progress:  # fmt: skip
        task = progress.add_task(total_label)

        def step(label: str) -> None:
            progress.update(task, description=f"{total_label} · {label}")

        yield step


def _fail(exc: InputErrors) -> NoReturn:
    print_errors(exc)
    err.print(f"共 {len(exc.errors)} 处错误，未写出任何文件 / {len(exc.errors)} error(s); no file written.")
    raise typer.Exit(1)


def _format_concentrations(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Show concentrations at their reporting precision (µg/m³ integers, CO one decimal); empty when invalid."""
    for c in columns:
        if c.startswith("co"):
            df[c] = df[c].round(DECIMALS["co"])
        else:
            df[c] = df[c].round().astype("Int64")
    return df


def _by_edition(t: ir.Table, edition: str, when: ir.Value) -> list[tuple[str, ir.Table]]:
    if edition != "auto":
        return [(edition, t)]
    return [("2012", t.filter(when < SWITCH_DATE)), ("2026", t.filter(when >= SWITCH_DATE))]


@app.command("aqi")
def aqi_command(
    input: Annotated[Path, typer.Argument(help="输入CSV / input CSV")],
    output: OutOpt,
    report_kind: Annotated[str, typer.Option("--report", help="hourly（实时报）| daily（日报）")] = "hourly",
    edition: EditionOpt = "auto",
    method: Annotated[
        str,
        typer.Option(help="2012 实时报：published（CNEMC 发布做法，默认）| literal（HJ 633-2012 表4 字面）"),
    ] = "published",
) -> None:
    """计算 AQI（HJ 633）/ compute the AQI (HJ 633).

    \b
    输入列 / input columns:
      hourly: station, time (小时结束时刻 / hour-end label, e.g. 2026-03-02T09:00), so2, no2, co, o3, pm10, pm2_5
              (1小时值 / 1-h values; --method literal 另需 / also needs pm10_24h, pm2_5_24h, o3_8h, so2_24h)
      daily:  station, time (日期 / date), so2, no2, co, pm10, pm2_5, o3_8h_max [, o3_1h_max (2012 版)]
    单位 µg/m³，CO 为 mg/m³；缺测：空、NA、/、— / units µg/m³, CO mg/m³; missing: empty, NA, /, —.
    输出 / output: 输入列 + iaqi_<item>, aqi, primary_pollutant, level (1-6), category, colour,
    exceeding_pollutants (2012), missing_items, aqi_withheld (HJ 633-2026 §5.3.1), beyond_table, edition.
    """
    edition = _check_edition(edition)
    if report_kind not in ("hourly", "daily"):
        err.print("--report 应为 hourly 或 daily / --report must be hourly or daily")
        raise typer.Exit(2)
    con = _connect()
    with _steps("AQI") as step:
        step("读取与校验 / reading and validating")
        try:
            t = read_table(input, DAILY if report_kind == "daily" else HOURLY, con=con)
        except InputErrors as exc:
            _fail(exc)
        if report_kind == "daily" and "o3_1h_max" not in t.columns:
            t = t.mutate(o3_1h_max=ibis.null("float64"))
        when = t.time if report_kind == "daily" else (t.time - ibis.interval(hours=1)).date()
        step("计算 / computing")
        parts = []
        for ed, part in _by_edition(t, edition, when):
            if method == "literal" and ed == "2012" and report_kind == "hourly":
                for c in ("so2_24h", "pm10_24h", "pm2_5_24h", "o3_8h"):
                    if c not in part.columns:
                        part = part.mutate(**{c: ibis.null("float64")})
            parts.append(report(part, kind=report_kind, edition=ed, method=method))  # type: ignore[arg-type]
        step("写出 / writing")
        rows = _write_report(con, input, parts, output)
    err.print(f"{rows} 行已写出 / rows written → {output}")


def _write_report(con: ibis.BaseBackend, input: Path, parts: list[ir.Table], output: Path) -> int:
    """Write the input rows as given (their text) followed by the computed columns, in input order, as CSV.

    DuckDB streams it to a temporary file beside ``output`` that is renamed at the end (nothing half-written);
    memory stays bounded for national-size files. The computed columns are those of the reports in the order
    they first appear (the editions differ: 2012's daily report has ``iaqi_o3_1h_max``); in the CSV empty text
    and missing values are empty cells and flags are ``True``/``False``.
    """
    raw = con.read_csv(str(input), all_varchar=True, header=True)
    given = list(raw.columns)
    raw = raw.mutate(_row=ibis.row_number() + 2)  # the file row, numbered as read_table numbers it
    types: dict[str, Any] = {}
    for part in parts:
        for c, dtype in part.schema().items():
            if c not in given and c != "row":
                types.setdefault(c, dtype)
    aligned = [p.select("row", **{c: p[c] if c in p.columns else ibis.null(dtype) for c, dtype in types.items()})
               for p in parts]  # fmt: skip
    computed = ibis.union(*aligned) if len(aligned) > 1 else aligned[0]

    def text(c: str, dtype: Any) -> ir.Value:
        v = computed[c]
        if dtype.is_boolean():
            return ibis.ifelse(v, "True", "False")
        return v.nullif("") if dtype.is_string() else v

    out = raw.inner_join(computed, raw._row == computed.row)
    out = out.select(*given, "_row", **{c: text(c, dtype) for c, dtype in types.items()})
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    os.close(fd)
    try:
        sql = ibis.to_sql(out, dialect="duckdb")
        ordered = f"SELECT * EXCLUDE (_row) FROM ({sql}) ORDER BY _row"  # the outermost query orders the rows
        (rows,) = con.raw_sql(f"COPY ({ordered}) TO '{_sql_path(tmp)}' (HEADER, DELIMITER ',')").fetchone()
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return int(rows)


def _sql_path(path: str) -> str:
    return path.replace("'", "''")


def _read_hourly_with_city(input: Path, con: ibis.BaseBackend) -> ir.Table:
    """The hourly input, validated: the fast typed read for clean files, else the row-located checks."""
    fast = read_hourly_fast(input, HOURLY_WITH_CITY, con=con)
    if fast is not None:
        return fast
    try:
        return read_table(input, HOURLY_WITH_CITY, con=con)
    except InputErrors as exc:
        _fail(exc)


@app.command("daily")
def daily_command(input: Annotated[Path, typer.Argument(help="小时数据CSV / hourly CSV")], output: OutOpt,
                  edition: EditionOpt = "auto") -> None:  # fmt: skip
    """由小时数据计算日评价值和日 AQI（站点与城市）/ daily values and daily AQI per station and city.

    \b
    输入 / input: station, city (6位行政区划代码 / 6-digit division code), time (小时结束时刻 / hour-end label;
      …T00:00 属于前一天 / belongs to the previous day), so2, no2, co, o3, pm10, pm2_5 (1-h, µg/m³, CO mg/m³).
    输出 / output (one row per station-day and city-day): level (station|city), id, date, so2, no2, co, pm10,
      pm2_5, o3_8h_max, o3_1h_max (空 = 无效 / empty = invalid, GB 3095 表4 / Table 4 and HJ 663 §6),
      <item>_hours, o3_8h_windows, iaqi_*, aqi, aqi_level, primary_pollutant, category, edition.
    城市值为各站点小时浓度的算术平均 / city values: mean of the stations' hourly values.
    """
    edition = _check_edition(edition)
    con = _connect()
    with _steps("日评价 / daily") as step:
        step("读取与校验 / reading and validating")
        hourly = _read_hourly_with_city(input, con)
        step("计算 / computing")
        daily = con.create_table("daily", daily_values(sites_hourly(hourly)), temp=True)
        result = con.execute(daily_report(daily, edition_key=edition).order_by(["site_level", "id", "date"]))
        step("写出 / writing")
        result = result.rename(columns={"level": "aqi_level"}).rename(columns={"site_level": "level"})
        result["date"] = pd.to_datetime(result["date"]).dt.strftime("%Y-%m-%d")
        result = _format_concentrations(
            result, ["so2", "no2", "co", "pm10", "pm2_5", "o3_8h_max", "o3_1h_max"]
        )
        for c in [c for c in result.columns if c.startswith("iaqi_")] + ["aqi", "aqi_level"]:
            result[c] = result[c].astype("Int64")
        write_csv_atomic(result, output)
    err.print(f"{len(result)} 行已写出 / rows written → {output}")


@app.command("annual")
def annual_command(
    input: Annotated[Path, typer.Argument(help="小时数据CSV / hourly CSV")],
    output: OutOpt,
    year: Annotated[int, typer.Option(help="评价年份 / year evaluated")],
    edition: EditionOpt = "auto",
    limit_class: Annotated[int, typer.Option("--class", help="达标评价用的功能区类别 1|2 / limit class")] = 2,
) -> None:
    """年评价（HJ 663）：年均值、百分位数、达标、综合指数、优良天数比例 / annual evaluation (HJ 663).

    \b
    输入同 daily / input as for `daily`. 输出 / output: one row per station and city:
      level, id, year, edition, limits, <item>_annual_mean and <item>_valid_days (so2, no2, pm10, pm2_5, co),
      so2_p98, no2_p98, pm10_p95, pm2_5_p95, co_p95, o3_8h_p90 (HJ 663 附录A / Appendix A percentile),
      <item>_compliant, compliant, composite_index, aqi_valid_days, good_day_ratio (%), days_<类别 / category>.
    有效性 / validity: ≥324 天/年且每月 ≥27 天（2月 ≥25）/ ≥324 days a year, ≥27 per month (February ≥25);
    auto 版本取年末有效的版本 / auto uses the edition in force at the end of the year.
    """
    edition = _check_edition(edition)
    con = _connect()
    with _steps("年评价 / annual") as step:
        step("读取与校验 / reading and validating")
        hourly = _read_hourly_with_city(input, con)
        step("计算 / computing")
        daily = con.create_table("daily", daily_values(sites_hourly(hourly)), temp=True)
        result = con.execute(
            annual_statistics(daily, year=year, edition_key=edition, limit_class=limit_class).order_by(
                ["site_level", "id"]
            )
        )
        step("写出 / writing")
        result = result.rename(columns={"site_level": "level"})
        first = ["level", "id", "year", "edition", "limits"]
        result = result[first + [c for c in result.columns if c not in first]]
        conc = [c for c in result.columns if c.endswith("_annual_mean") or "_p9" in c]
        result = _format_concentrations(result, conc)
        for c in [c for c in result.columns if c.endswith("_days") or c.startswith("days_")]:
            result[c] = result[c].astype("Int64")
        write_csv_atomic(result, output)
    err.print(f"{len(result)} 行已写出 / rows written → {output}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
