"""``pioneer trends`` — trend significance of annual or monthly series in a CSV (Mann–Kendall with Hamed–Rao or
Yue–Wang correction, Theil–Sen slope with its 95 % interval, seasonal Kendall for months;
:mod:`pioneer.assessment.trends`)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from pioneer.commands._io import exit_on_error, write_csv_atomic
from pioneer.errors import InputError

app = typer.Typer(help="趋势显著性 / trend significance", no_args_is_help=True)


class Better(StrEnum):
    higher = "higher"
    lower = "lower"


class Method(StrEnum):
    hamed_rao = "hamed_rao"
    yue_wang = "yue_wang"
    original = "original"


@app.command("annual")
@exit_on_error
def annual(
    source: Annotated[Path, typer.Argument(help="CSV: division_code, indicator, year, value")],
    output: Annotated[Path, typer.Option("--out", "-o", help="结果 CSV / result CSV")],
    better: Annotated[Better, typer.Option(help="数值方向 / better direction")] = Better.higher,
    method: Annotated[
        Method, typer.Option(help="自相关修正 / autocorrelation correction")
    ] = Method.hamed_rao,
) -> None:
    """年序列趋势：是否显著、覆盖哪些年份 / annual series: significant or not, over which years."""
    from pioneer.assessment.trends import annual_trends

    v = _read(source, ["division_code", "indicator", "year", "value"], numeric=["year", "value"])
    write_csv_atomic(annual_trends(v.assign(direction=better.value), method=method.value), output)


@app.command("monthly")
@exit_on_error
def monthly(
    source: Annotated[Path, typer.Argument(help="CSV: division_code, indicator, month (YYYY-MM), value")],
    output: Annotated[Path, typer.Option("--out", "-o", help="结果 CSV / result CSV")],
    better: Annotated[Better, typer.Option(help="数值方向 / better direction")] = Better.higher,
) -> None:
    """月序列：季节 Kendall 检验与去季节 Theil–Sen 斜率 / seasonal Kendall and deseasonalised slope."""
    from pioneer.assessment.trends import seasonal_trend

    v = _read(source, ["division_code", "indicator", "month", "value"], numeric=["value"])
    month = pd.to_datetime(v["month"], format="%Y-%m", errors="coerce")
    if month.isna().any():
        i = int(month.isna().to_numpy().argmax())
        raise InputError("月份应为 YYYY-MM", "month must be YYYY-MM", file=source.name, row=i + 2, column="month",
                         value=v["month"].iloc[i])  # fmt: skip
    rows = [{"division_code": c, "indicator": k, **seasonal_trend(month[g.index], g["value"], better=better.value)}
            for (c, k), g in v.groupby(["division_code", "indicator"])]  # fmt: skip
    write_csv_atomic(pd.DataFrame(rows), output)


def _read(path: Path, columns: list[str], *, numeric: list[str]) -> pd.DataFrame:
    try:
        v = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError("无法读取 CSV 文件", f"cannot read the CSV file: {exc}", file=path.name) from None
    missing = [c for c in columns if c not in v.columns]
    if missing:
        raise InputError(f"缺少列：{', '.join(missing)}", f"missing columns: {', '.join(missing)}", file=path.name,
                         column=missing[0])  # fmt: skip
    for c in numeric:
        x = pd.to_numeric(v[c].str.strip().replace("", None), errors="coerce")
        bad = x.isna() & (v[c].str.strip() != "")
        if c == "year":
            bad = bad | x.isna() | (x % 1 != 0)
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise InputError(
                "不是数字", "not a number", file=path.name, row=i + 2, column=c, value=v[c].iloc[i]
            )
        v[c] = x.astype("float64") if c != "year" else x.astype("int64")
    if v.duplicated(["division_code", "indicator", columns[2]]).any():
        i = int(v.duplicated(["division_code", "indicator", columns[2]]).to_numpy().argmax())
        raise InputError("重复的行政区、指标和时间", "duplicate division, indicator and time", file=path.name,
                         row=i + 2, column=columns[2], value=v[columns[2]].iloc[i])  # fmt: skip
    return v
