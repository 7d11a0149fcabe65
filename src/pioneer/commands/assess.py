"""``pioneer indicators|compute|assess|rank|explain`` — the indicator catalogue and the assessment.

Every command exits non-zero on an error (message in Chinese and English, with file/row/column where the input
was a file) and writes no partial output file. Exports are CSV or Excel by the file extension of ``--out``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from pioneer.commands._actor import cli_session
from pioneer.errors import PioneerError
from pioneer.guard.cells import neutral_frame

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
indicators_app = typer.Typer(
    help="指标目录与填报模板 / indicator catalogue and reporting templates", no_args_is_help=True
)


def _fail(exc: Exception) -> None:
    errors = getattr(exc, "errors", None) or [exc]
    for e in errors:
        err.print(f"[red]错误 / error:[/red] {e}")
    raise typer.Exit(1)


def _write(frame: pd.DataFrame, path: Path) -> None:
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".csv"):
        raise typer.BadParameter("--out must end in .csv or .xlsx")
    tmp = path.with_name(path.name + ".part")
    try:
        frame = neutral_frame(frame)  # no formula injection (pioneer.guard.cells)
        if path.suffix.lower() == ".csv":
            frame.to_csv(tmp, index=False, encoding="utf-8-sig")
        else:
            frame.to_excel(tmp, index=False, engine="openpyxl")
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a failed write leaves nothing behind
        raise


@indicators_app.command("list")
def list_indicators(
    domain: Annotated[str | None, typer.Option(help="只列出该领域 / only this domain")] = None,
) -> None:
    """列出目录中的指标 / list the catalogue's indicators."""
    from pioneer.indicators.catalogue import default_catalogue

    t = Table("code", "名称", "domain", "unit", "dir", "source", "confidence")
    for i in default_catalogue().indicators:
        if domain and i.domain != domain:
            continue
        conf = str(i.confidence) + (" · needs source" if i.needs_source else "")
        t.add_row(i.code, i.name_zh, str(i.domain), i.unit, str(i.direction), str(i.source.kind), conf)
    out.print(t)


@indicators_app.command("show")
def show_indicator(code: str) -> None:
    """显示一个指标的完整定义 / show one indicator's definition (JSON)."""
    from pioneer.indicators.catalogue import default_catalogue

    ind = default_catalogue().get(code)
    if ind is None:
        err.print(f"[red]错误 / error:[/red] 未知指标 {code} / unknown indicator {code}")
        raise typer.Exit(1)
    out.print_json(
        json.dumps({**ind.model_dump(mode="json"), "needs_source": ind.needs_source}, ensure_ascii=False)
    )


@indicators_app.command("template")
def template_cmd(
    division: Annotated[str, typer.Option(help="6位行政区划代码 / division code")],
    year: Annotated[int, typer.Option()],
    out_path: Annotated[Path, typer.Option("--out", help=".xlsx")],
    tier: Annotated[str | None, typer.Option(help="province|city|county")] = None,
) -> None:
    """下载填报模板 / write the reported-statistics template for a division and year."""
    from pioneer.indicators.template import write_template

    n = write_template(out_path, division, year, tier=tier)
    out.print(f"{out_path}: {n} 个指标 / indicators")


@indicators_app.command("upload")
def upload_cmd(path: Path, submitted_by: Annotated[str | None, typer.Option()] = None) -> None:
    """上传已填写的模板（全部有效才写入）/ upload a filled template (all rows valid or nothing written)."""
    from pioneer.indicators.service import upload_reported

    try:
        with cli_session() as s:
            f = upload_reported(s, path, submitted_by=submitted_by)
    except PioneerError as exc:
        _fail(exc)
    out.print(f"写入 {len(f)} 个填报值 / stored {len(f)} reported values")


def compute(
    year: Annotated[list[int], typer.Option(help="年份，可重复 / year (repeatable)")],
    division: Annotated[
        str | None, typer.Option(help="行政区划代码（含下级）/ division code (and below)")
    ] = None,
    medium: Annotated[
        list[str] | None,
        typer.Option(help="air|water|noise，可重复；默认全部 / medium (repeatable; default all)"),
    ] = None,
    level: Annotated[
        str,
        typer.Option(help="水、声指标的汇总级别 province|city|county / level of the water and noise values"),
    ] = "city",
    edition: Annotated[
        str, typer.Option(help="auto|2012|2026：按指定版本重算空气 / recompute air under an edition")
    ] = "auto",
    out_path: Annotated[Path | None, typer.Option("--out", help=".csv/.xlsx")] = None,
) -> None:
    """由数据湖计算指标并保存（含溯源）/ compute indicators from the lake and store them with lineage.

    空气按城市；水（I–III类、劣V类断面比例）与声（功能区昼/夜达标率）按 --level 汇总，断面水体类型与测点功能区
    类别取自登记簿站点 / air per city; water and noise per division of --level, with section waterbody types and
    point zone classes from the registry's stations."""
    from pioneer.indicators.service import MEDIA, compute_from_lake

    media = medium or list(MEDIA)
    bad = [m for m in media if m not in MEDIA] + (
        [level] if level not in ("province", "city", "county") else []
    )
    if bad:
        _fail(ValueError(f"未知的介质或级别 / unknown medium or level: {', '.join(bad)}"))
    try:
        with cli_session() as s:
            values = compute_from_lake(s, division=division, years=year, media=media, edition_key=edition,
                                       level=level)  # fmt: skip
    except (PioneerError, ValueError) as exc:
        _fail(exc)
    if values.empty:
        out.print(
            "数据湖中没有可计算的数据 / no lake data to compute from (pioneer ingest …; pioneer stations import …)"
        )
        return
    if out_path is not None:
        _write(values.drop(columns=["lineage"]), out_path)
    out.print(values.drop(columns=["lineage", "method"]).to_string(index=False))


def _is_division(code: str) -> bool:
    return len(code) == 6 and code.isdigit()


def _zone_reported(path: Path | None) -> pd.DataFrame | None:
    if path is None:
        return None
    from pioneer.assessment.zones import read_zone_reported

    return read_zone_reported(path)


def assess(
    division: Annotated[
        str, typer.Argument(help="行政区划代码或先行区编码 / division code, or a registered zone's code")
    ],
    year: Annotated[int, typer.Option()],
    baseline: Annotated[int | None, typer.Option(help="基准年 / baseline year")] = None,
    horizon: Annotated[int, typer.Option(help="目标年 / target year")] = 2027,
    hide_ranks: Annotated[bool | None, typer.Option("--hide-ranks/--show-ranks")] = None,
    out_path: Annotated[Path | None, typer.Option("--out", help=".csv/.xlsx/.json")] = None,
    zone_reported: Annotated[
        Path | None,
        typer.Option(
            help="为先行区本身填报的统计值 CSV（zone_code,indicator,year,value,unit）/ statistics "
            "reported for multi-division zones themselves"
        ),
    ] = None,
) -> None:
    """先行区评估记分卡 / a zone's scorecard: values, targets, scores, standing, improvement, trajectory.

    参数为6位代码时评估该行政区（与同级行政区比较）；否则为登记簿中的先行区（与同级先行区比较）/ a 6-digit code
    assesses that division among its level; any other code is a registered zone, compared with its tier."""
    from pioneer.assessment.service import zone_scorecard
    from pioneer.assessment.zones import zone_scorecard as registered_zone_scorecard

    try:
        with cli_session() as s:
            if _is_division(division):
                card = zone_scorecard(
                    s, division, year, baseline_year=baseline, horizon=horizon, hide_ranks=hide_ranks
                )
            else:
                card = registered_zone_scorecard(s, division, year, baseline_year=baseline, horizon=horizon,
                                                 hide_ranks=hide_ranks,
                                                 zone_reported=_zone_reported(zone_reported))  # fmt: skip
    except (PioneerError, ValueError) as exc:
        _fail(exc)
    if "zone_code" in card:
        out.print(f"先行区 / zone {card['zone_code']} {card['zone_name_zh']} ({card['tier']}): "
                  f"{', '.join(card['divisions'])}")  # fmt: skip
    rows = pd.DataFrame(card["indicators"])
    if out_path is not None:
        if out_path.suffix.lower() == ".json":
            tmp = out_path.with_name(out_path.name + ".part")
            tmp.write_text(json.dumps(card, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
            tmp.replace(out_path)
        else:
            _write(rows, out_path)
    cols = [c for c in ("indicator", "value", "unit", "target", "attained", "score", "rank", "percentile",
                        "change", "trajectory", "combination", "data_status") if c in rows.columns]  # fmt: skip
    out.print(rows[cols].to_string(index=False))
    for d in card["domains"]:
        out.print(f"{d['name_zh']} / {d['name_en']}: {d['domain_score']} ({d['domain_status']}, "
                  f"{d['n_scored']}/{d['n_indicators']})")  # fmt: skip
    out.print(f"overall: {card['overall'].get('overall_score')} ({card['overall'].get('overall_status')})")
    for n in card["notes"]:
        out.print(f"注 / note: {n['zh']} / {n['en']}")


def rank(
    indicator: Annotated[str, typer.Option()],
    year: Annotated[int, typer.Option()],
    level: Annotated[str, typer.Option(help="province|city|county")] = "city",
    tier: Annotated[
        str | None,
        typer.Option(help="比较先行区而非行政区：region|province|city|county / rank the zones of a tier"),
    ] = None,
    hide_ranks: Annotated[bool | None, typer.Option("--hide-ranks/--show-ranks")] = None,
    out_path: Annotated[Path | None, typer.Option("--out", help=".csv/.xlsx")] = None,
) -> None:
    """同级行政区（或同级先行区）比较 / compare all divisions of a level (or the zones of a tier) on one indicator."""
    from sqlalchemy import func, select

    from pioneer.assessment.service import ranking
    from pioneer.assessment.standing import RANKS_NOTE_EN, RANKS_NOTE_ZH
    from pioneer.assessment.zones import zone_ranking
    from pioneer.indicators.catalogue import default_catalogue
    from pioneer.indicators.models import IndicatorValue

    if default_catalogue().get(indicator) is None:
        _fail(ValueError(f"未知指标 {indicator} / unknown indicator {indicator} (pioneer indicators list)"))
    try:
        with cli_session() as s:
            n_stored = s.scalar(select(func.count()).select_from(IndicatorValue)) or 0
            if tier is not None:
                r = zone_ranking(s, indicator, tier, year, hide_ranks=hide_ranks)
            else:
                r = ranking(s, indicator, level, year, hide_ranks=hide_ranks)
    except (PioneerError, ValueError) as exc:
        _fail(exc)
    if n_stored == 0:
        out.print("数据库中还没有任何指标数值，无可排名 / the database holds no indicator values yet, nothing to "
                  "rank — 先计算或上传 / first run `pioneer compute --year Y` or `pioneer indicators upload FILE`")  # fmt: skip
        return
    if r.empty or r["value"].isna().all():
        who = (
            f"{tier} 级先行区 / {tier}-tier zones" if tier else f"{level} 级行政区 / {level}-level divisions"
        )
        out.print(
            f"没有 {indicator} {year} 年的数值（{who}）/ no values of {indicator} for {year} among {who}"
        )
        return
    if out_path is not None:
        _write(r, out_path)
    out.print(r.to_string(index=False))
    out.print(f"注 / note: {RANKS_NOTE_ZH} / {RANKS_NOTE_EN}")


def explain(
    division: str,
    indicator: str,
    year: int,
    baseline: Annotated[int | None, typer.Option(help="基准年 / baseline year")] = None,
) -> None:
    """解释一个数值的来龙去脉 / print the chain of a number down to its data (JSON)."""
    from pioneer.assessment.service import explain_indicator

    try:
        with cli_session() as s:
            chain: dict[str, Any] = explain_indicator(s, division, indicator, year, baseline_year=baseline)
    except KeyError:
        err.print(f"[red]错误 / error:[/red] 没有 {division} {indicator} {year} 的数值 / no stored value")
        raise typer.Exit(1) from None
    sys.stdout.write(json.dumps(chain, ensure_ascii=False, indent=1, default=str) + "\n")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the ``pioneer`` application."""
    app.add_typer(indicators_app, name="indicators")
    app.command("compute")(compute)
    app.command("assess")(assess)
    app.command("rank")(rank)
    app.command("explain")(explain)
