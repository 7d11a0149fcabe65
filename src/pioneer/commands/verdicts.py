"""``pioneer verdicts`` — 全国前列 / 改善幅度领先 for the divisions of a tier (from the app database) or for any ranked
set of divisions in a CSV (a national ranking, ``water assess --compare`` with CWQI …). Rules:
:mod:`pioneer.assessment.verdicts`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from pioneer.assessment.verdicts import VerdictRule
from pioneer.commands._io import exit_on_error, write_csv_atomic
from pioneer.errors import InputError, InputErrors

app = typer.Typer(help="全国前列与改善幅度领先 / front-rank and improvement verdicts", no_args_is_help=True)
out = Console(soft_wrap=True)

_RULE = Annotated[
    str | None,
    typer.Option(
        help="规则 top-share:比例 或 top-n:名次数（默认 PIONEER_VERDICT_RULE 或 top-share:0.1）/ rule"
    ),
]


class Better(StrEnum):
    higher = "higher"
    lower = "lower"


class Measure(StrEnum):
    rate = "rate"
    difference = "difference"


def _rule(text: str | None) -> VerdictRule:
    from pioneer.assessment.verdicts import default_rule

    return VerdictRule.parse(text) if text else default_rule()


@app.command("tier")
@exit_on_error
def tier(
    level: Annotated[str, typer.Option(help="province | city | county")],
    year: Annotated[int, typer.Option(help="评估年 / year")],
    baseline: Annotated[int | None, typer.Option(help="基准年（改善幅度）/ baseline year")] = None,
    rule: _RULE = None,
    output: Annotated[
        Path | None, typer.Option("--out", "-o", help="全部结果 CSV / every row to CSV")
    ] = None,
) -> None:
    """同级行政区的全国前列与改善幅度领先（指标、领域、总分）/ verdicts of every division of a level."""
    from pioneer.assessment.service import verdicts
    from pioneer.db import session_scope, upgrade

    if level not in ("province", "city", "county"):
        raise InputError("级别应为 province、city 或 county", "level must be province, city or county",
                         column="--level", value=level)  # fmt: skip
    r = _rule(rule)
    upgrade()
    with session_scope() as s:
        v = verdicts(s, year, level=level, baseline_year=baseline, rule=r)
    if output is not None:
        write_csv_atomic(v, output)
    t = Table("scope", "key", "n", "cut-off", "全国前列 / leading", "改善幅度领先 / improvement leading")
    for (scope, key), g in v.groupby(["scope", "key"], sort=False):
        lead = g[g["leading"].fillna(False).astype(bool)].sort_values("rank")["division_code"]
        imp = g[g["leads_improvement"].fillna(False).astype(bool)].sort_values("improvement_rank")[
            "division_code"
        ]
        t.add_row(str(scope), str(key), str(int(g["n_ranked"].max())), str(int(g["cutoff"].max())),
                  " ".join(map(str, lead)), " ".join(map(str, imp)) or "—")  # fmt: skip
    out.print(t)
    d = r.describe()
    out.print(f"规则 / rule: {d['rule']} — {d['zh']} / {d['en']}")


SET_HELP = """任意行政区集合的前列与改善幅度 / verdicts of any ranked set in a CSV (UTF-8, header row).

Columns: the division code (--code), the value (--value) and, for the improvement, the baseline value
(--baseline); optional --group (ranked separately, e.g. indicator) and --exempt (true/false: left out of the
worsening list, e.g. cities meeting grade II for every pollutant). Writes the input rows with rank,
rank_from_worst, n_ranked, cutoff, leading, lagging and, with --baseline, change, change_rate, improvement,
improvement_rank, worsening_rank, leads_improvement, lags_improvement.
"""


@app.command("set", help=SET_HELP)
@exit_on_error
def ranked_set(
    source: Annotated[Path, typer.Argument(help="CSV")],
    value: Annotated[str, typer.Option(help="数值列 / value column")],
    output: Annotated[Path, typer.Option("--out", "-o", help="结果 CSV / result CSV")],
    better: Annotated[Better, typer.Option(help="数值方向 / better direction")] = Better.higher,
    code: Annotated[str, typer.Option(help="行政区代码列 / code column")] = "division_code",
    baseline: Annotated[str | None, typer.Option(help="基准值列 / baseline column")] = None,
    measure: Annotated[
        Measure, typer.Option(help="改善幅度：变化率 rate（%）或差值 difference")
    ] = Measure.rate,
    group: Annotated[str | None, typer.Option(help="分组列 / ranked separately by this column")] = None,
    exempt: Annotated[
        str | None, typer.Option(help="不参与恶化排名的标记列 / exempt-from-worsening column")
    ] = None,
    decimals: Annotated[
        int | None, typer.Option(help="比较精度（小数位）/ compare at these decimals")
    ] = None,
    rule: _RULE = None,
) -> None:
    from pioneer.assessment.verdicts import improvement_verdicts, standing_verdicts

    r = _rule(rule)
    frame = _read_set(source, code=code, value=value, baseline=baseline, group=group, exempt=exempt)
    groups = [group] if group else []
    v = standing_verdicts(frame, value=value, better=better.value, group=groups, rule=r, decimals=decimals)
    if baseline:
        imp = improvement_verdicts(frame.rename(columns={baseline: "_base"}), value=value, baseline="_base",
                                   better=better.value, measure=measure.value, group=groups, rule=r,
                                   exempt=exempt, decimals=decimals)  # fmt: skip
        for c in ("change", "change_rate", "improvement", "improvement_rank", "worsening_rank",
                  "leads_improvement", "lags_improvement"):  # fmt: skip
            if c in imp.columns:
                v[c] = imp[c]
    write_csv_atomic(v, output)
    typer.echo(f"{len(v)} rows → {output} ({r.text})", err=True)


def _read_set(path: Path, *, code: str, value: str, baseline: str | None, group: str | None,
              exempt: str | None) -> pd.DataFrame:  # fmt: skip
    """The CSV as text, checked: named columns present, codes present and unique per group, values and baselines
    numbers or empty, exempt flags true/false; every problem located (file, row, column), nothing written."""
    name = path.name
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError("无法读取 CSV 文件", f"cannot read the CSV file: {exc}", file=name) from None
    df.columns = [str(c).strip() for c in df.columns]
    need = [c for c in (code, value, baseline, group, exempt) if c]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise InputError(f"缺少列：{', '.join(missing)}", f"missing columns: {', '.join(missing)}", file=name,
                         column=missing[0])  # fmt: skip
    rows = np.arange(len(df)) + 2
    errors: list[InputError] = []

    def flag(mask: pd.Series, column: str, zh: str, en: str) -> None:
        for i in np.flatnonzero(mask.to_numpy(dtype=bool)):
            errors.append(
                InputError(zh, en, file=name, row=int(rows[i]), column=column, value=df[column].iloc[i])
            )

    text = df.map(lambda x: x.strip())
    flag(text[code] == "", code, "行政区代码为空", "division code is empty")
    keys = [code, group] if group else [code]
    flag(
        text.duplicated(keys, keep="first") & (text[code] != ""),
        code,
        "行政区代码重复",
        "duplicate division code",
    )
    for col in [c for c in (value, baseline) if c]:
        num = pd.to_numeric(text[col].where(text[col] != ""), errors="coerce")
        flag((text[col] != "") & num.isna(), col, "不是数字", "not a number")
        df[col] = num.astype("float64")
    if exempt:
        ok = text[exempt].str.lower().isin(["true", "false", "1", "0", "是", "否", ""])
        flag(~ok, exempt, "标记应为 true/false", "flag must be true or false")
        df[exempt] = text[exempt].str.lower().isin(["true", "1", "是"])
    if errors:
        raise InputErrors(errors) if len(errors) > 1 else errors[0]
    df[code] = text[code]
    return df
