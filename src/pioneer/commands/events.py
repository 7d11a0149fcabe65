"""``pioneer events`` — exceptional-event day flags (sand and dust), statistics with and without the flagged days,
three-year moving averages (:mod:`pioneer.assessment.events`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from pioneer.clock import beijing_text
from pioneer.commands._actor import cli_session
from pioneer.commands._io import exit_on_error, write_csv_atomic
from pioneer.errors import InputError

app = typer.Typer(help="例外事件日标记（沙尘）与多年统计 / exceptional-event day flags and multi-year statistics",
                  no_args_is_help=True)  # fmt: skip
out = Console(soft_wrap=True)


@app.command("import")
@exit_on_error
def import_flags(
    source: Annotated[Path, typer.Argument(help="CSV: division_code, date, kind, source[, note]")],
    as_user: Annotated[
        str, typer.Option("--as-user", help="记录为设置人 / recorded as who set them")
    ] = "cli",
    as_role: Annotated[
        str, typer.Option("--as-role", help="programme_office | province")
    ] = "programme_office",
    scope: Annotated[list[str] | None, typer.Option("--scope", help="管辖范围代码 / scope code(s)")] = None,
) -> None:
    """导入例外事件日标记（同一城市、日期、类型者替换）/ import day flags (same city, date and kind replaced)."""
    from pioneer.assessment.events import read_flags, store_flags
    from pioneer.registry.permissions import Actor, Role

    flags = read_flags(source)
    actor = Actor(as_user, Role(as_role), tuple(scope or ()))
    with cli_session() as s:
        n = store_flags(s, flags, actor=actor)
    typer.echo(f"{n} 条标记 / flags stored (set by {as_user})", err=True)


@app.command("list")
@exit_on_error
def list_flags(
    year: Annotated[int | None, typer.Option(help="年份 / year")] = None,
    division: Annotated[
        list[str] | None, typer.Option("--division", help="行政区代码 / division code(s)")
    ] = None,
) -> None:
    """列出日标记及其来源和设置人 / list flags with their source and who set them (北京时间)."""
    from pioneer.assessment.events import stored_flags

    with cli_session() as s:
        f = stored_flags(s, divisions=division, year=year)
    t = Table("division", "date", "kind", "source", "set by", "set at (北京时间)")
    for r in f.itertuples():
        t.add_row(r.division_code, str(r.date), r.kind, r.source, r.set_by, beijing_text(r.set_at))
    out.print(t)


@app.command("stats")
@exit_on_error
def stats(
    daily: Annotated[Path, typer.Argument(help="城市日值 CSV（pioneer air daily 输出）/ daily values")],
    year: Annotated[int, typer.Option(help="年份 / year")],
    output: Annotated[Path, typer.Option("--out", "-o", help="结果 CSV / result CSV")],
    flags: Annotated[
        Path | None, typer.Option(help="标记 CSV（默认：数据库中的标记）/ flags CSV (default: stored)")
    ] = None,
) -> None:
    """含与不含标记日的统计（PM10、PM2.5 均值，优良与重度及以上天数比例；headline 按国家通行做法）/ statistics with
    and without the flagged days (headline: PM deducted, day ratios kept, as the national releases)."""
    from pioneer.assessment.events import read_flags, stored_flags, with_and_without

    try:
        d = pd.read_csv(daily, dtype={"id": str}, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError("无法读取 CSV 文件", f"cannot read the CSV file: {exc}", file=daily.name) from None
    if flags is not None:
        f = read_flags(flags)
    else:
        with cli_session() as s:
            f = stored_flags(s, year=year)
    r = with_and_without(d, f, year=year)
    write_csv_atomic(r, output)
    typer.echo(f"{len(r)} cities → {output}", err=True)


@app.command("period")
@exit_on_error
def period(
    daily: Annotated[Path, typer.Argument(help="城市日值 CSV（pioneer air daily 输出）/ daily values")],
    output: Annotated[Path, typer.Option("--out", "-o", help="结果 CSV / result CSV")],
    start: Annotated[str, typer.Option("--from", help="起始日期 / first day YYYY-MM-DD")],
    end: Annotated[str, typer.Option("--to", help="结束日期 / last day YYYY-MM-DD")],
    flags: Annotated[
        Path | None, typer.Option(help="标记 CSV（默认：数据库中的标记）/ flags CSV (default: stored)")
    ] = None,
    edition: Annotated[str, typer.Option(help="auto | 2012 | 2026")] = "auto",
) -> None:
    """HJ 663 评价时段统计（含综合指数、百分位数）含与不含标记日 / HJ 663 period statistics (composite index and
    percentiles included) with and without the flagged days; headline as the national releases."""
    import datetime as dt

    from pioneer.assessment.events import period_with_and_without, read_flags, stored_flags

    try:
        first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    except ValueError:
        raise InputError("--from/--to 应为 YYYY-MM-DD", "--from and --to must be YYYY-MM-DD dates",
                         column="--from", value=f"{start} {end}") from None  # fmt: skip
    if last < first:
        raise InputError("--to 早于 --from", "--to is before --from", column="--to", value=end)
    if edition not in ("auto", "2012", "2026"):
        raise InputError("版本应为 auto、2012 或 2026", "edition must be auto, 2012 or 2026", column="--edition",
                         value=edition)  # fmt: skip
    try:
        d = pd.read_csv(daily, dtype={"id": str}, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError("无法读取 CSV 文件", f"cannot read the CSV file: {exc}", file=daily.name) from None
    if flags is not None:
        f = read_flags(flags)
    else:
        with cli_session() as s:
            f = stored_flags(s)
    r = period_with_and_without(d, f, start=first, end=last, edition_key=edition)
    write_csv_atomic(r, output)
    typer.echo(f"{len(r)} cities → {output}", err=True)


@app.command("moving-average")
@exit_on_error
def moving_average(
    values: Annotated[Path, typer.Argument(help="CSV: division_code, indicator, year, value")],
    output: Annotated[Path, typer.Option("--out", "-o", help="结果 CSV / result CSV")],
    decimals: Annotated[int | None, typer.Option(help="修约小数位 / decimals")] = None,
) -> None:
    """年统计值的三年滑动平均（t−2…t 三年齐全时）/ three-year moving averages of annual values."""
    from pioneer.assessment.events import moving_average_3y

    v = pd.read_csv(values, dtype={"division_code": str}, encoding="utf-8-sig")
    missing = [c for c in ("division_code", "indicator", "year", "value") if c not in v.columns]
    if missing:
        raise InputError(f"缺少列：{', '.join(missing)}", f"missing columns: {', '.join(missing)}",
                         file=values.name, column=missing[0])  # fmt: skip
    num = pd.to_numeric(v["value"], errors="coerce")
    yr = pd.to_numeric(v["year"], errors="coerce")
    bad = (num.isna() & v["value"].notna()) | yr.isna()
    if bad.any():
        i = int(bad.to_numpy().argmax())
        col = "year" if yr.isna().iloc[i] else "value"
        raise InputError(
            "不是数字", "not a number", file=values.name, row=i + 2, column=col, value=v[col].iloc[i]
        )
    write_csv_atomic(moving_average_3y(v.assign(value=num, year=yr), decimals=decimals), output)
