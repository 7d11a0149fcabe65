"""``pioneer air …`` — the air-quality calculator for users' own tables (HJ 633, HJ 663, GB 3095).

Contract (also used by acceptance checks): see each command's ``--help``. Times are China Standard Time; hourly
rows are labelled by the hour they end (CNEMC), so ``…T00:00`` belongs to the previous day. Units µg/m³, CO mg/m³.
On any input error the command prints every located problem (file, row, column, value, reason — 中文 / English),
exits with status 1 and writes no output file.
"""

from __future__ import annotations

import atexit
import datetime as dt
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import ibis
import ibis.expr.types as ir
import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from pioneer.commands._io import copy_csv_atomic, err, print_errors
from pioneer.commands.air_input import (
    DAILY,
    HOURLY,
    HOURLY_WITH_CITY,
    read_hourly_fast,
    read_table,
)
from pioneer.config import settings
from pioneer.errors import InputErrors
from pioneer.standards.air import annual_statistics, daily_values, editions, report, sites_hourly
from pioneer.standards.air.evaluation import DAILY_COLUMNS, daily_report
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
    if edition not in editions.KEYS:
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
        for ed, part in editions.by_date(t, edition, when):
            if method == "literal" and ed == "2012" and report_kind == "hourly":
                for c in ("so2_24h", "pm10_24h", "pm2_5_24h", "o3_8h"):
                    if c not in part.columns:
                        part = part.mutate(**{c: ibis.null("float64")})
            parts.append(report(part, kind=report_kind, edition=ed, method=method))  # type: ignore[arg-type]
        step("写出 / writing")
        rows = _write_report(con, input, parts, output)
    err.print(f"{rows} 行已写出 / rows written → {output}")


def _write_report(con: ibis.BaseBackend, input: Path, parts: list[ir.Table], output: Path) -> int:
    """Write the input rows as given (their text) followed by the computed columns, in input order, as CSV
    (``_copy_csv``). The computed columns are those of the reports in the order they first appear (the editions
    differ: 2012's daily report has ``iaqi_o3_1h_max``)."""
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
    out = raw.inner_join(computed, raw._row == computed.row)
    out = out.select(*given, *types, "_row")
    return copy_csv_atomic(con, out, output, order_by="_row", drop="_row")


def _at_reporting_precision(t: ir.Table, columns: list[str]) -> ir.Table:
    """Concentrations at their reporting precision: µg/m³ items as integers, CO with one decimal."""
    return t.mutate(
        **{c: t[c].round(DECIMALS["co"]) if c.startswith("co") else t[c].round() for c in columns}
    )


def _daily_values(hourly: ir.Table, con: ibis.BaseBackend) -> ir.Table:
    """Station and city daily values (GB 3095 Table 4, HJ 663), computed once into a temporary table."""
    return con.create_table("daily", daily_values(sites_hourly(hourly)), temp=True)


EngineOpt = Annotated[
    str | None,
    typer.Option(
        "--engine",
        help="计算引擎 duckdb|spark（默认 PIONEER_ENGINE）；spark 读数据湖 / engine (default PIONEER_ENGINE); "
        "spark reads the lake",
    ),
]


def _spark(engine: str | None, input: Path | None) -> Any:
    """The Spark backend when ``--engine spark`` or ``PIONEER_ENGINE=spark`` (the lake only), else None."""
    from pioneer.errors import PioneerError
    from pioneer.lake.query import engine as lake_engine

    if input is not None:  # a file is computed here; PIONEER_ENGINE applies to the lake
        if engine == "spark":
            err.print("Spark 只读取数据湖（省略输入文件）/ Spark reads the lake: omit the input file")
            raise typer.Exit(2)
        return None
    name = engine or settings().engine
    if name == "duckdb":
        return None
    try:
        return lake_engine(name)
    except PioneerError as exc:
        err.print(str(exc))
        raise typer.Exit(2) from None


def _lake_days(con: ibis.BaseBackend, first: dt.date, last: dt.date) -> ir.Table:
    """Station and city daily values of the lake (``lake.stationdays.site_days``) into a temporary table."""
    from pioneer.lake.stationdays import site_days

    return con.create_table("daily", site_days(start=first, end=last, con=con), temp=True, overwrite=True)


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
        daily = _daily_values(hourly, con)
        result = daily_report(daily, edition_key=edition).rename(aqi_level="level").rename(level="site_level")
        result = _at_reporting_precision(result, list(DAILY_COLUMNS))
        step("写出 / writing")
        rows = copy_csv_atomic(con, result, output, order_by=["level", "id", "date"])
    err.print(f"{rows} 行已写出 / rows written → {output}")


@app.command("annual")
def annual_command(
    input: Annotated[
        Path | None, typer.Argument(help="小时数据CSV；省略则读数据湖 / hourly CSV; omitted: the lake")
    ] = None,
    output: OutOpt = Path("annual.csv"),
    year: Annotated[int, typer.Option(help="评价年份 / year evaluated")] = 0,
    edition: EditionOpt = "auto",
    limit_class: Annotated[int, typer.Option("--class", help="达标评价用的功能区类别 1|2 / limit class")] = 2,
    engine: EngineOpt = None,
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
    if not year:
        err.print("需要 --year / --year is required")
        raise typer.Exit(2)
    con = _connect()
    with _steps("年评价 / annual") as step:
        step("读取与校验 / reading and validating")
        spark = _spark(engine, input)
        if spark is not None:  # the same expressions on the Spark session; the result written here
            from pioneer.lake.stationdays import site_days

            days = site_days(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), con=spark)
            step("计算 / computing (Spark)")
            stats = annual_statistics(days, year=year, edition_key=edition, limit_class=limit_class)
            result = con.create_table("annual_spark", spark.to_pyarrow(stats), temp=True)
        else:
            if input is None:  # the lake's site-days (kept at ingest; else computed from its hours)
                daily = _lake_days(con, dt.date(year, 1, 1), dt.date(year, 12, 31))
            else:
                hourly = _read_hourly_with_city(input, con)
                step("计算 / computing")
                daily = _daily_values(hourly, con)
            result = annual_statistics(daily, year=year, edition_key=edition, limit_class=limit_class)
        result = result.rename(level="site_level")
        first = ["level", "id", "year", "edition", "limits"]
        result = result.select(*first, *[c for c in result.columns if c not in first])
        conc = [c for c in result.columns if c.endswith("_annual_mean") or "_p9" in c]
        result = _at_reporting_precision(result, conc)
        step("写出 / writing")
        rows = copy_csv_atomic(con, result, output, order_by=["level", "id"])
    err.print(f"{rows} 行已写出 / rows written → {output}")


PERIOD_FIRST = ["level", "id", "name", "from", "to", "year", "edition", "limits"]


@app.command("period")
def period_command(
    input: Annotated[
        Path | None,
        typer.Argument(
            help="小时数据CSV，或一个/一批站点日数据文件（文件夹）；省略则读数据湖 / hourly CSV, or station-day "
            "file(s) (a folder); omitted: the lake"
        ),  # fmt: skip
    ] = None,
    output: OutOpt = Path("period.csv"),
    start: Annotated[str, typer.Option("--from", help="起始日期 / first day YYYY-MM-DD")] = "",
    end: Annotated[str, typer.Option("--to", help="结束日期 / last day YYYY-MM-DD")] = "",
    layout: Annotated[
        str, typer.Option(help="输入格式：hourly（默认）| cnemc-daily / input layout")
    ] = "hourly",
    stations: Annotated[
        Path | None,
        typer.Option(help="cnemc-daily 的站点表（默认为文件夹或上级文件夹中的 stations.csv）/ station list"),
    ] = None,
    edition: EditionOpt = "auto",
    limit_class: Annotated[int, typer.Option("--class", help="达标评价用的功能区类别 1|2 / limit class")] = 2,
    engine: EngineOpt = None,
) -> None:
    """时段评价（HJ 663 评价时段：月、季、半年、年或任意日期范围）/ evaluation of any period (HJ 663).

    \b
    输入 / input: --layout hourly: as `daily` (station, city, time, 1-h values);
      --layout cnemc-daily: CNEMC T00 files YYYY-MM-DDT00.csv (a file or a folder; the values of the previous
      day: *_24h daily means, o3_8h = O3 daily max 8-h) with stations.csv (area → GB/T 2260 city code);
      no INPUT: the station-day values in the lake (PIONEER_HOME); a lake of hourly values only: the
      station and city daily values kept at ingest (or computed from its hours).
    输出 / output: the columns of `annual` plus level, id, name (city's Chinese name), from, to, and
      pm2_5_mean_1dp, primary_days_<item>, over_days_<item>, heavy_day_ratio (cnemc-daily / lake).
    有效性 / validity: every month in the period ≥27 daily values (February ≥25; part months: the same number of
      missing days), a calendar year also ≥324 (GB 3095 Table 4); edition: the one in force on the last day.
    """
    from pioneer.assessment.national import (
        division_names,
        period_table,
        station_days_of_files,
        station_days_of_lake,
    )
    from pioneer.standards.air.period import period_limits_phase, period_statistics

    edition = _check_edition(edition)
    try:
        first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    except ValueError:
        err.print("--from/--to 应为 YYYY-MM-DD / --from and --to must be YYYY-MM-DD dates")
        raise typer.Exit(2) from None
    if last < first:
        err.print("--to 早于 --from / --to is before --from")
        raise typer.Exit(2)
    if layout not in ("hourly", "cnemc-daily"):
        err.print(f"未知格式 / unknown layout: {layout!r} (hourly|cnemc-daily)")
        raise typer.Exit(2)
    con = _connect()
    with _steps("时段评价 / period") as step:
        step("读取与校验 / reading and validating")
        spark = _spark(engine, input)
        if input is None and layout == "hourly" and not _published_days(first, last):
            if spark is not None:  # the lake's site-days and the period chain on the Spark session
                from pioneer.lake.stationdays import site_days

                daily = site_days(start=first, end=last, con=spark)
            else:
                daily = _lake_days(con, first, last)
            step("计算 / computing")
            ed, _ = period_limits_phase(last, edition)
            stats = period_statistics(daily, start=first, end=last, edition_key=ed, limit_class=limit_class,
                                      reported=daily_report(daily, edition_key=ed))  # fmt: skip
            if spark is not None:
                stats = con.create_table("period_spark", spark.to_pyarrow(stats), temp=True)
            result = con.execute(stats).rename(columns={"site_level": "level"})
            result.insert(
                2, "name", result["id"].where(result["level"] == "city", "").map(division_names()).fillna("")
            )
        elif input is None or layout == "cnemc-daily":
            try:
                days = (station_days_of_lake(start=first, end=last, con=con) if input is None
                        else station_days_of_files(input, stations=stations))  # fmt: skip
            except InputErrors as exc:
                _fail(exc)
            step("计算 / computing")
            result = period_table(
                days, start=first, end=last, edition_key=edition, limit_class=limit_class, con=con
            )
        else:
            hourly = _read_hourly_with_city(input, con)
            step("计算 / computing")
            daily = _daily_values(hourly, con)
            ed, _ = period_limits_phase(last, edition)
            stats = period_statistics(daily, start=first, end=last, edition_key=ed, limit_class=limit_class,
                                      reported=daily_report(daily, edition_key=ed))  # fmt: skip
            result = con.execute(stats).rename(columns={"site_level": "level"})
            cities = con.execute(hourly.select("station", "city").distinct())
            city = result["id"].where(result["level"] == "city", result["id"].map(dict(zip(cities["station"],
                                                                                             cities["city"], strict=True))))  # fmt: skip
            result.insert(2, "name", city.map(division_names()).fillna(""))
        result = result.rename(columns={"period_start": "from", "period_end": "to"})
        result = result.assign(year=first.year, **{"from": first.isoformat(), "to": last.isoformat()})
        counts = [c for c in result.columns if c.endswith("_days") or c.startswith("days_")]
        result[counts] = result[counts].astype("Int64")
        result = result.drop(columns=["city"], errors="ignore")
        result = result[[*PERIOD_FIRST, *[c for c in result.columns if c not in PERIOD_FIRST]]]
        step("写出 / writing")
        empty = [c for c in result.columns if result[c].dtype == object and result[c].isna().all()]
        result[empty] = result[empty].astype("float64")  # an all-empty column still needs a type for DuckDB
        table = con.create_table("period_result", result, temp=True)
        rows = copy_csv_atomic(con, _at_reporting_precision(table, _concentrations(result)), output,
                               order_by=["level", "id"])  # fmt: skip
    err.print(f"{rows} 行已写出 / rows written → {output}")


def _published_days(first: dt.date, last: dt.date) -> bool:
    """The lake holds published station-day values (layout ``cnemc-daily``) in ``first … last``."""
    from pioneer.lake.query import air_station_days

    return bool(air_station_days(start=first, end=last).count().to_pyarrow().as_py())


def _concentrations(frame: Any) -> list[str]:
    return [c for c in frame.columns if c.endswith("_annual_mean") or "_p9" in c]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
