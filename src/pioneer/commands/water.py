"""``pioneer water …`` — surface-water calculator (GB 3838-2002, 2011 evaluation method, CWQI, TLI).

Input layouts are documented in ``docs/standards/water.md``. Every command reads one CSV, writes one CSV
atomically (temporary file + rename) and exits non-zero with a located Chinese/English message on bad
input, writing nothing.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import ibis
import pandas as pd
import typer

from pioneer.commands._io import fail, write_csv_atomic
from pioneer.errors import InputError, PioneerError
from pioneer.lake.checked import refuse_unchecked
from pioneer.lake.layouts import CALCULATOR, WATER_CARRIED
from pioneer.standards import water

app = typer.Typer(
    help="地表水水质计算 / surface-water calculator (GB 3838-2002, 环办〔2011〕22号, CWQI 2017, TLI).",
    no_args_is_help=True,
)


def read_csv(path: Path) -> pd.DataFrame:
    """Read a CSV as text (UTF-8, UTF-8 with BOM or GB18030); raise a located InputError otherwise."""
    if not path.is_file():
        raise InputError("找不到输入文件", "input file not found", file=str(path))
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=enc)
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise InputError("CSV 文件格式错误", f"malformed CSV ({exc})", file=str(path)) from exc
    raise InputError("无法识别的文件编码（应为 UTF-8 或 GB18030）", "unknown encoding (use UTF-8 or GB18030)",
                     file=str(path))  # fmt: skip


def read_checked(path: Path) -> pd.DataFrame:
    """The samples file as text (:func:`read_csv`) after the lake's checker passed it under the calculator layout
    ``water-samples-long`` (section, time, parameter or item, value [, unit]) or ``water-samples-wide`` (section,
    time and every column not in :data:`~pioneer.lake.layouts.WATER_CARRIED`): a finite number or a
    detection-limit notation, a readable time in 1970–2100, no repeated sample, at least one row — so the
    calculator accepts what the lake and the web upload accept. Raises ``InputErrors`` (located, every error);
    a missing section/time/parameter column is left to :func:`pioneer.standards.water.read_samples`."""
    df = read_csv(path)
    df.columns = [str(c).strip() for c in df.columns]
    item = next((c for c in ("parameter", "item") if c in df.columns), None)
    if not {"section", "time"} <= set(df.columns) or (item is None and "value" in df.columns):
        return df
    if item is not None:
        layout = CALCULATOR["water-samples-long"]
        layout = replace(layout, columns={**layout.columns, "item": item})
        cols = ["section", "time", item, "value", "unit"]
    else:
        layout = CALCULATOR["water-samples-wide"]
        cols = [c for c in df.columns if c not in WATER_CARRIED]
    refuse_unchecked(df, layout, file=str(path), columns=cols)
    return df


def _connect() -> ibis.BaseBackend:
    return ibis.duckdb.connect()


class By(StrEnum):
    section = "section"
    city = "city"
    province = "province"


_OUT = Annotated[Path, typer.Option("--output", "-o", help="输出 CSV / output CSV")]
_IN = Annotated[Path, typer.Argument(help="样品 CSV（长表或宽表）/ samples CSV (long or wide layout)")]


@app.command()
def classify(
    samples: _IN,
    output: _OUT,
    items: Annotated[
        bool, typer.Option("--items", help="另输出每个项目的类别 / also one row per parameter with its class")
    ] = False,
) -> None:
    """按样品评价断面水质类别 / class each sample (section × time).

    输入列 / input columns: section, time, parameter (or item), value; optional waterbody_type
    (river|lake|reservoir), unit, detection_limit, city, province.
    宽表 / wide layout: section, time, one column per parameter (canonical units).

    输出 / output: section, waterbody_type, time, class (I…劣V), status, exceeding_items (倍数 vs III类),
    main_pollutants; with --items also rows with parameter, value, below_detection and the item class.
    """
    try:
        df = water.read_samples(read_checked(samples), file=str(samples))
        con = _connect()
        t = con.create_table("samples", df.drop(columns=["_row"]))
        it, sec = water.sample_classes(t)
        out = con.to_pyarrow(sec).to_pandas()
        out = out.rename(columns={"class_label": "class"})
        cols = ["section", "waterbody_type", "time", "class", "status", "exceeding_items", "main_pollutants"]
        out = out[cols].assign(parameter="")
        if items:
            ii = con.to_pyarrow(
                it.select(
                    "section",
                    "waterbody_type",
                    "time",
                    "parameter",
                    "value",
                    "below_detection",
                    "water_class",
                )  # fmt: skip
            ).to_pandas()
            ii["class"] = water.class_label(ii["water_class"].astype(float))
            out = pd.concat([out, ii.drop(columns=["water_class"])], ignore_index=True)
        out = out.sort_values(["section", "time", "parameter"], kind="stable")
        out["time"] = pd.to_datetime(out["time"]).dt.strftime("%Y-%m-%d %H:%M")
        write_csv_atomic(out, output)
    except PioneerError as exc:
        fail(exc, code=2)
    typer.echo(f"{len(out)} rows → {output}", err=True)


def _check_period(period: str, option: str) -> None:
    ok = len(period) in (4, 7) and period[:4].isdigit()
    if ok and len(period) == 7:
        ok = period[4] == "-" and period[5:].isdigit() and 1 <= int(period[5:]) <= 12
    if not ok:
        raise InputError(
            "时段应为 YYYY 或 YYYY-MM", "period must be YYYY or YYYY-MM", column=option, value=period
        )


def _assess_period(
    con: ibis.BaseBackend, t: ibis.Table, period: str, by: By, min_sections: int, file: str
) -> pd.DataFrame:
    keys: tuple[str, ...] = () if by is By.section else (by.value,)
    pv = water.period_values(t, period=period, keys=keys)
    pvd = con.to_pyarrow(pv).to_pandas()
    if pvd.empty:
        raise InputError("该时段没有样品", "no samples in this period", file=file, value=period)
    items, sec = water.section_results(pv, keys=keys)
    if by is By.section:
        s = con.to_pyarrow(sec).to_pandas().rename(columns={"class_label": "class"})
        c = con.to_pyarrow(water.cwqi_sections(pv)).to_pandas()
        tl = con.to_pyarrow(water.tli_sections(pv)).to_pandas()
        wide = pvd.pivot_table(index="section", columns="parameter", values="value", aggfunc="first")
        wide.columns = [f"value_{x}" for x in wide.columns]
        out = (
            s[["section", "waterbody_type", "class", "status", "exceeding_items", "main_pollutants"]]
            .merge(c[["section", "cwqi", "n_cwqi_items"]], on="section", how="left")
            .merge(tl[["section", "tli", "trophic_state"]], on="section", how="left")
            .merge(_tn_classes(con, items), on="section", how="left")
            .merge(wide, left_on="section", right_index=True, how="left")
        )
        out["cwqi"] = water._round_half_even(out["cwqi"], 4)
        return out
    d = con.to_pyarrow(water.division_status(pv, sec, by=by.value, min_sections=min_sections)).to_pandas()
    c = con.to_pyarrow(water.cwqi_by_division(pv, by=by.value)).to_pandas()
    out = d.merge(c, on=by.value, how="left").rename(columns={"class_label": "class"})
    out = out.drop(columns=["water_class"])
    for col in ("cwqi", "cwqi_river", "cwqi_lake"):
        out[col] = water._round_half_even(out[col], 4)
    return out


def _tn_classes(con: ibis.BaseBackend, items: ibis.Table) -> pd.DataFrame:
    """Lake/reservoir total-nitrogen class (GB 3838-2002 Table 1; a reference item of the 2011 method, not in
    the section class): ``section, tn_class``; rivers have no TN limits and get none."""
    tn = items.filter((items.parameter == "tn") & items.water_class.notnull())
    tn = con.to_pyarrow(tn.select("section", "water_class")).to_pandas()
    return pd.DataFrame(
        {"section": tn["section"], "tn_class": water.class_label(tn["water_class"].to_numpy())}
    )


@app.command()
def assess(
    samples: _IN,
    output: _OUT,
    period: Annotated[str, typer.Option(help="评价时段 YYYY 或 YYYY-MM / period YYYY or YYYY-MM")],
    by: Annotated[By, typer.Option(help="评价单元 / unit: section | city | province")] = By.section,
    min_sections: Annotated[
        int, typer.Option(help="断面比例法最少断面数 / minimum sections for the share method (2011: 5)")
    ] = 5,
    compare: Annotated[
        str | None, typer.Option(help="对比基准时段 YYYY 或 YYYY-MM / base period for the change columns")
    ] = None,
) -> None:
    """时段评价：断面类别、状况、CWQI、湖库 TLI；或城市/省的类别比例与状况 / period assessment.

    --by section: one row per section with class, status, exceeding items, CWQI, TLI and TN class (lakes)
    and the period value of each parameter (value_<parameter>).
    --by city|province (input needs that column): sections per class, I–III and 劣V shares, status
    (share method from min-sections sections, else mean method), CWQI of the division.
    --compare BASE adds the base period's status (and shares), the change by status level, the change by
    shares (divisions) and the CWQI change in % (2011 method §5; 2017 ranking rule).
    """
    try:
        _check_period(period, "--period")
        if compare is not None:
            _check_period(compare, "--compare")
        df = water.read_samples(read_checked(samples), file=str(samples))
        if by is not By.section and by.value not in df.columns:
            raise InputError(f"按 {by.value} 评价需要 “{by.value}” 列", f"--by {by.value} needs a '{by.value}' column",
                             file=str(samples), column=by.value)  # fmt: skip
        con = _connect()
        t = con.create_table("samples", df.drop(columns=["_row"]))
        out = _assess_period(con, t, period, by, min_sections, str(samples))
        key = "section" if by is By.section else by.value
        if compare is not None:
            base = _assess_period(con, t, compare, by, min_sections, str(samples))
            cols = [
                key,
                "status",
                "cwqi",
                *(["class"] if by is By.section else ["good_share", "worse_v_share"]),
            ]
            out = out.merge(base[cols], on=key, how="left", suffixes=("", "_base"))
            out["change_by_status"] = water.status_change(
                out["status_base"].to_numpy(), out["status"].to_numpy()
            )
            if by is not By.section:
                out["change_by_shares"] = water.share_change(
                    out["good_share_base"], out["worse_v_share_base"], out["good_share"], out["worse_v_share"]
                )
            out["cwqi_change_pct"] = water._round_half_even(
                (out["cwqi"] - out["cwqi_base"]) / out["cwqi_base"] * 100.0, 2
            )
            out.insert(1, "base_period", compare)
        out.insert(0, "period", period)
        out = out.sort_values(key, kind="stable")
        write_csv_atomic(out, output)
    except PioneerError as exc:
        fail(exc, code=2)
    typer.echo(f"{len(out)} rows → {output}", err=True)


@app.command()
def editions() -> None:
    """列出已实现的标准与规定 / list the implemented standards and rules."""
    typer.echo(
        "GB 3838-2002; 地表水环境质量评价办法（试行）环办〔2011〕22号; 城市地表水环境质量排名技术规定（试行）"
        "环办监测〔2017〕51号; 总站生字〔2001〕090号 (TLI); 地表水环境质量监测数据统计技术规定（试行）2020"
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
