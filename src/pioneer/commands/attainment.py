"""``pioneer attainment`` — city air-quality attainment planning (城市空气质量达标管理): gaps to every GB 3095
limit phase, the required average annual reduction and the year of attainment at the observed trend
(:mod:`pioneer.assessment.attainment`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from pioneer.commands._io import exit_on_error, write_csv_atomic
from pioneer.errors import InputError

app = typer.Typer(help="城市空气质量达标管理 / city air-quality attainment planning", no_args_is_help=True)
out = Console(soft_wrap=True)


@app.command("plan")
@exit_on_error
def plan(
    source: Annotated[
        Path, typer.Argument(help="年评价结果 CSV（pioneer air annual 输出，可多年）/ annual statistics")
    ],
    year: Annotated[int, typer.Option(help="评价年 / assessed year")],
    target_year: Annotated[int, typer.Option(help="达标目标年 / year to attain by")],
    output: Annotated[Path, typer.Option("--out", "-o", help="结果 CSV / result CSV")],
    city: Annotated[str | None, typer.Option(help="只评价该城市 / only this city code")] = None,
) -> None:
    """各城市各统计量对 GB 3095 各阶段限值的差距、到目标年所需年均降幅、按现有趋势的达标年份 / attainment plan.

    Input: rows of `pioneer air annual` (level, id, year, <statistic> columns), several years stacked for the
    trend. Output: one row per city × statistic × limit phase (GB3095-2012, GB3095-2026-transitional,
    GB3095-2026-final) with in_force, value, limit, gap, gap_pct, required_rate_pct (compound %/year),
    required_decrease (unit/year), Theil–Sen trend (slope, 95 % interval, p, years) and
    attainment_year_at_trend / attainment_status.
    """
    from pioneer.assessment.attainment import attainment_plan, city_summary

    try:
        stats = pd.read_csv(source, dtype={"id": str}, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError("无法读取 CSV 文件", f"cannot read the CSV file: {exc}", file=source.name) from None
    for col in ("id", "year"):
        if col not in stats.columns:
            raise InputError(f"缺少列：{col}", f"missing column: {col}", file=source.name, column=col)
    years = pd.to_numeric(stats["year"], errors="coerce")
    if years.isna().any():
        row = int(years.isna().to_numpy().argmax()) + 2
        raise InputError("年份不是整数", "year is not an integer", file=source.name, row=row, column="year",
                         value=stats["year"].iloc[row - 2])  # fmt: skip
    p = attainment_plan(stats, year=year, target_year=target_year, city=city)
    write_csv_atomic(p, output)
    s = city_summary(p)
    s = s[s["in_force"]]
    t = Table(
        "city",
        "phase in force",
        "达标 / attained",
        "未达标统计量 / not attained",
        "按趋势达标年 / year at trend",
    )
    for r in s.itertuples():
        t.add_row(str(r.id), str(r.phase), "是 / yes" if r.attained else "否 / no", str(r.not_attained or "—"),
                  "—" if r.attainment_year_at_trend is None else str(r.attainment_year_at_trend))  # fmt: skip
    out.print(t)
    typer.echo(f"{len(p)} rows → {output}", err=True)


@app.command("city")
@exit_on_error
def city_plan(
    division: Annotated[str, typer.Argument(help="城市代码 / city code")],
    year: Annotated[int, typer.Option(help="评价年 / assessed year")],
    target_year: Annotated[int, typer.Option(help="达标目标年 / year to attain by")],
) -> None:
    """按已存储的 PM2.5、PM10、O3 年统计值给出一个城市的达标规划（JSON）/ one city's plan from stored values."""
    from pioneer.assessment.attainment import division_plan
    from pioneer.db import session_scope, upgrade

    if target_year <= year:
        raise InputError("达标年份应晚于评价年份", "the target year must come after the assessed year",
                         column="--target-year", value=target_year)  # fmt: skip
    upgrade()
    with session_scope() as s:
        d = division_plan(s, division, year=year, target_year=target_year)
    sys.stdout.write(json.dumps(d, ensure_ascii=False, indent=1, default=str) + "\n")
