"""``pioneer report …``, ``pioneer projects …`` and ``pioneer plans …`` — reports, major projects, plans.

Every command exits non-zero on an error (message in Chinese and English, file/sheet/row/column for Excel
input) and writes no partial output file. Writes take the same role/scope check as the web app (``--as-role``,
``--as-user``, ``--scope``) and are written to the same audit log (username ``(system)``, the CLI user in the note).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pioneer.commands._actor import ROLE, SCOPE, USER, cli_actor, cli_record, cli_session
from pioneer.commands._io import exit_on_error

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
report_app = typer.Typer(
    help="自评估报告与全国进展报告 / self-assessment and national reports.", no_args_is_help=True
)
projects_app = typer.Typer(
    help="重大工程项目与项目储备库 / major projects and the pipeline.", no_args_is_help=True
)
plans_app = typer.Typer(help="实施方案 / implementation plans.", no_args_is_help=True)

FormatOpt = Annotated[str | None, typer.Option("--format", "-f", help="docx | pdf | html（默认取文件后缀）")]
LangOpt = Annotated[str, typer.Option("--lang", help="zh（默认）| en")]
OutOpt = Annotated[Path, typer.Option("-o", "--out", help="输出文件 / output file")]


def register(app: typer.Typer) -> None:
    """Add the sub-commands of plans and reports to the ``pioneer`` command."""
    app.add_typer(report_app, name="report")
    app.add_typer(projects_app, name="projects")
    app.add_typer(plans_app, name="plans")


def _check_format(fmt: str | None, path: Path) -> str:
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in ("docx", "pdf", "html"):
        raise typer.BadParameter("--format 须为 docx、pdf 或 html / must be docx, pdf or html")
    return fmt


@report_app.command("self-assessment")
@exit_on_error
def self_assessment(
    zone: str,
    year: Annotated[int, typer.Option("--year", help="评估年份 / assessment year")],
    out_file: OutOpt,
    fmt: FormatOpt = None,
    lang: LangOpt = "zh",
    baseline: Annotated[int | None, typer.Option("--baseline", help="基准年（默认最早有数据年份）")] = None,
) -> None:
    """生成先行区自评估报告 / the zone's self-assessment report (DOCX or PDF, Chinese by default)."""
    from pioneer.reports import render
    from pioneer.reports import self_assessment as sa

    kind = _check_format(fmt, out_file)
    with cli_session() as s:
        rep = sa.build(s, zone, year, baseline_year=baseline, lang=lang)
    render.write(rep, out_file, kind)
    err.print(f"已生成 / written: {out_file}")


@report_app.command("national")
@exit_on_error
def national(
    year: Annotated[int, typer.Option("--year", help="报告年份 / year")],
    out_file: OutOpt,
    fmt: FormatOpt = None,
    lang: LangOpt = "zh",
) -> None:
    """生成全国进展报告 / the national progress report for the programme office."""
    from pioneer.reports import national as nat
    from pioneer.reports import render

    kind = _check_format(fmt, out_file)
    with cli_session() as s:
        rep = nat.build(s, year, lang=lang)
    render.write(rep, out_file, kind)
    err.print(f"已生成 / written: {out_file}")


@projects_app.command("template")
@exit_on_error
def template(out_file: OutOpt) -> None:
    """写出空白项目填报模板 / write the empty Excel template."""
    from pioneer.plans import excel

    excel.write_template(out_file)
    err.print(f"已生成 / written: {out_file}")


@projects_app.command("import")
@exit_on_error
def import_(file: Path, as_role: str = ROLE, as_user: str = USER, scope: list[str] = SCOPE) -> None:
    """导入填好的项目模板（全部校验通过才写入）/ import a filled template, all or nothing."""
    from pioneer.plans import excel

    actor = cli_actor(as_user, as_role, scope)
    with cli_session() as s:
        saved = excel.import_projects(s, file, actor=actor, record=cli_record(s, actor))
        n = len(saved)
    err.print(f"已导入 {n} 个项目 / imported {n} projects")


@projects_app.command("export")
@exit_on_error
def export(out_file: OutOpt, zone: Annotated[str | None, typer.Option("--zone")] = None) -> None:
    """导出项目（模板格式，可修改后再导入）/ export projects in the template's layout."""
    from pioneer.plans import excel

    with cli_session() as s:
        n = excel.export_projects(s, out_file, zone_code=zone)
    err.print(f"已导出 {n} 个项目 / exported {n} projects: {out_file}")


@projects_app.command("pipeline")
@exit_on_error
def pipeline(
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD（默认今天）")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """全国项目储备库汇总 / pipeline totals by tier, province, category, funding source; projects behind schedule."""
    from pioneer.plans import service
    from pioneer.plans.choices import name

    day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    with cli_session() as s:
        pipe = service.pipeline(s, as_of=day)
    if as_json:
        out.print_json(json.dumps(pipe, ensure_ascii=False, default=str))
        return
    tot = pipe["total"]
    out.print(f"项目 / projects: {tot['projects']}  总投资 / investment: {tot['total_investment']} 万元")
    for key, col in (("by_tier", "tier"), ("by_region", "region"), ("by_category", "category")):
        t = Table(col, "projects", "万元")
        for r in pipe[key]:
            t.add_row(
                name(r[col]) if col == "category" else r[col],
                str(r["projects"]),
                f"{r['total_investment']:.2f}",
            )
        out.print(t)
    t = Table("source", "projects", "万元")
    for r in pipe["by_funding_source"]:
        t.add_row(name(r["source"]), str(r["projects"]), f"{r['amount']:.2f}")
    out.print(t)
    for r in pipe["behind_schedule"]:
        out.print(f"[yellow]滞后 / behind[/yellow] {r['code']} {r['name']}: {', '.join(r['reasons'])}")


@plans_app.command("list")
@exit_on_error
def list_plans(zone: str) -> None:
    """列出先行区的实施方案 / list a zone's plans."""
    from pioneer.plans import service

    with cli_session() as s:
        for p in service.list_plans(s, zone):
            out.print(f"{p.id}  {p.title}  {p.start_year}–{p.end_year}  {p.status}  "
                      f"goals={len(p.goals)} tasks={len(p.tasks)}")  # fmt: skip


@plans_app.command("show")
@exit_on_error
def show_plan(plan_id: int) -> None:
    """显示实施方案（JSON）/ show a plan as JSON."""
    from pioneer.plans import service

    with cli_session() as s:
        out.print_json(json.dumps(service.plan_snapshot(service.plan(s, plan_id)), ensure_ascii=False))


@plans_app.command("create")
@exit_on_error
def create_plan(file: Path, as_role: str = ROLE, as_user: str = USER, scope: list[str] = SCOPE) -> None:
    """由 JSON 文件创建实施方案（字段同 API 的 PlanCreate）/ create a plan from a JSON file (the API's PlanCreate)."""
    from pydantic import ValidationError

    from pioneer.errors import InputError
    from pioneer.plans import service
    from pioneer.plans.schemas import PlanCreate

    try:
        data = PlanCreate.model_validate_json(file.read_bytes())
    except ValidationError as exc:
        e = exc.errors()[0]
        raise InputError(
            f"字段有误：{e['msg']}", e["msg"], file=file.name, column=".".join(map(str, e["loc"]))
        ) from None
    actor = cli_actor(as_user, as_role, scope)
    with cli_session() as s:
        p = service.create_plan(s, data, actor=actor, record=cli_record(s, actor))
        pid = p.id
    err.print(f"已创建实施方案 / plan created: {pid}")
