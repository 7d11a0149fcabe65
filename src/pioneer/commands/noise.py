"""``pioneer noise …`` — environmental-noise calculator (GB 3096-2008, HJ 640-2012).

Input layouts are documented in ``docs/standards/noise.md``; same conventions as ``pioneer water``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import ibis
import pandas as pd
import typer

from pioneer.commands._io import fail, write_csv_atomic
from pioneer.commands.water import read_csv
from pioneer.errors import InputError, PioneerError
from pioneer.lake.checked import refuse_unchecked
from pioneer.lake.layouts import CALCULATOR, NOISE_PERIODS
from pioneer.standards import noise

app = typer.Typer(
    help="声环境计算 / environmental-noise calculator (GB 3096-2008, HJ 640-2012).", no_args_is_help=True
)


class HourLabel(StrEnum):
    end = "end"
    start = "start"


class Kind(StrEnum):
    regional = "regional"
    traffic = "traffic"


_OUT = Annotated[Path, typer.Option("--output", "-o", help="输出 CSV / output CSV")]


@app.command()
def assess(
    points: Annotated[Path, typer.Argument(help="功能区点位小时值 CSV / functional-zone hourly L_Aeq CSV")],
    output: _OUT,
    year: Annotated[int, typer.Option(help="评价年份 / year")],
    by: Annotated[
        str | None,
        typer.Option(help="达标率分组列（如 division）/ column grouping the rates (e.g. division)"),
    ] = None,
    hour_label: Annotated[
        HourLabel,
        typer.Option(help="小时值时间标记：时段结束(end)或开始(start) / hour labelled by its end|start"),
    ] = HourLabel.end,
) -> None:
    """功能区声环境质量：各点次昼夜等效声级、达标情况及昼间/夜间达标率 / point results and compliance rates.

    输入列 / input: point, zone_class (0|1|2|3|4a|4b), time, leq [dB(A), hourly] (+ the --by column);
    optional lmax [dB(A)] (夜间突发噪声 GB 3096-2008 §5.4) and existing_railway 是/否 (4b 既有铁路 §5.3).

    输出 / output: record=point rows (point, zone_class, date, ld, ln, limits, day_ok, night_ok, hours) and
    record=rate rows (per --by group and zone class, plus zone_class=all: point-times and rates in %).
    """
    try:
        df = noise.read_points(lake_checked(read_csv(points), points), file=str(points))
        keys: tuple[str, ...] = ()
        if by:
            if by not in df.columns:
                raise InputError(f"缺少分组列 “{by}”", f"grouping column '{by}' is missing", file=str(points),
                                 column=by)  # fmt: skip
            keys = (by,)
        con = ibis.duckdb.connect()
        t = con.create_table("points", df.drop(columns=["_row"]))
        lv = noise.point_period_levels(t, hour_label=hour_label.value, keys=keys)
        lv = lv.filter(lv.date.year() == year)
        pc = noise.point_compliance(lv)
        pts = con.to_pyarrow(pc).to_pandas()
        if pts.empty:
            raise InputError(
                "该年份没有监测数据", "no measurements in this year", file=str(points), value=year
            )
        rates = con.to_pyarrow(noise.compliance_rates(pc, by=keys)).to_pandas()
        pts.insert(0, "record", "point")
        rates.insert(0, "record", "rate")
        out = pd.concat([pts, rates], ignore_index=True)
        out.insert(1, "year", year)
        write_csv_atomic(out, output)
    except PioneerError as exc:
        fail(exc, code=2)
    typer.echo(f"{len(out)} rows → {output}", err=True)


@app.command()
def grade(
    measurements: Annotated[Path, typer.Argument(help="网格或道路测点 CSV / grid or road points CSV")],
    output: _OUT,
    kind: Annotated[Kind, typer.Option(help="regional（区域）| traffic（道路交通）")],
    by: Annotated[str | None, typer.Option(help="分组列 / grouping column")] = None,
) -> None:
    """HJ 640-2012 区域/道路交通声环境等级 / regional or road-traffic noise level (一级…五级).

    输入列 / input: point, period (day|night|昼间|夜间), leq [dB(A)]; traffic also length (road section length).
    """
    try:
        df = read_csv(measurements)
        df.columns = [str(c).strip() for c in df.columns]
        need = [
            "point",
            "period",
            "leq",
            *(["length"] if kind is Kind.traffic else []),
            *([by] if by else []),
        ]
        for col in need:
            if col not in df.columns:
                raise InputError(f"缺少必需列 “{col}”", f"required column '{col}' is missing",
                                 file=str(measurements), column=col)  # fmt: skip
        # point, period (day|night) and Leq (a finite number within the lake's screen), one value per point and
        # period: the lake's checker under the calculator layout ``noise-periods``
        refuse_unchecked(
            df, CALCULATOR["noise-periods"], file=str(measurements), columns=["point", "period", "leq"]
        )
        df["_row"] = range(2, len(df) + 2)
        df["period"] = df["period"].str.strip().str.lower().map(NOISE_PERIODS)
        df["leq"] = pd.to_numeric(df["leq"].str.strip()).astype(float)
        if (
            kind is Kind.traffic
        ):  # the road-section length weighs the mean (HJ 640-2012): the grade's own rule
            x = pd.to_numeric(df["length"], errors="coerce")
            _check(
                x.isna() | (x < 0), df, "length", "应为非负数", "must be a non-negative number", measurements
            )
            df["length"] = x.astype(float)
        con = ibis.duckdb.connect()
        t = con.create_table("m", df.drop(columns=["_row"]))
        keys = (by,) if by else ()
        expr = noise.regional_mean(t, by=keys) if kind is Kind.regional else noise.traffic_mean(t, by=keys)
        out = con.to_pyarrow(expr).to_pandas()
        out.insert(0, "kind", kind.value)
        write_csv_atomic(out, output)
    except PioneerError as exc:
        fail(exc, code=2)
    typer.echo(f"{len(out)} rows → {output}", err=True)


def lake_checked(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    """``df`` (the points file as text) after the lake's checker passed its point, zone class, time and Leq
    columns (:func:`pioneer.lake.validate.check` under the calculator layout ``noise-hourly``: Leq a finite number
    within the plausible range, zone class of GB 3096-2008 §4, a readable time on the whole hour — L_d and L_n are
    energy means of hourly L_Aeq, GB 3096-2008 §3.5–3.7 and HJ 640-2012 —, no repeated point-time, at least one
    row), so the calculator accepts what the lake and the web upload accept. Raises ``InputErrors`` (located, every
    error); a missing column is left to :func:`pioneer.standards.noise.read_points`, which names it."""
    df = df.rename(columns=lambda c: str(c).strip())
    cols = ["point", "zone_class", "time", "leq"]
    if set(cols) <= set(df.columns):
        refuse_unchecked(df, CALCULATOR["noise-hourly"], file=str(path), columns=cols)
    return df


def _check(mask: pd.Series, df: pd.DataFrame, col: str, zh: str, en: str, file: Path) -> None:
    bad = mask.to_numpy().nonzero()[0]
    if bad.size:
        i = int(bad[0])
        raise InputError(
            zh, en, file=str(file), row=int(df["_row"].iloc[i]), column=col, value=df[col].iloc[i]
        )


@app.command()
def limits() -> None:
    """列出 GB 3096-2008 各类功能区限值 / list the GB 3096-2008 limits."""
    for z, r in noise.GB3096_LIMITS.iterrows():
        typer.echo(f"{z}\t昼间 day {r['day_LAeq_dBA']:g}\t夜间 night {r['night_LAeq_dBA']:g} dB(A)")
