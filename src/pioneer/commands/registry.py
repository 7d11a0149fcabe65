"""``pioneer db|divisions|zones|stations …`` — the app database and the registry."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer

from pioneer.commands._actor import ROLE, SCOPE, USER, cli_actor, cli_session
from pioneer.commands._io import exit_on_error

db_app = typer.Typer(help="应用数据库 / the app database (SQLite or PostgreSQL).", no_args_is_help=True)
divisions_app = typer.Typer(help="行政区划（GB/T 2260）/ administrative divisions.", no_args_is_help=True)
zones_app = typer.Typer(help="先行区及其生命周期 / pioneer zones and their lifecycle.", no_args_is_help=True)
stations_app = typer.Typer(help="监测站点 / monitoring stations.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the registry's sub-commands to the ``pioneer`` command."""
    app.add_typer(db_app, name="db")
    app.add_typer(divisions_app, name="divisions")
    app.add_typer(zones_app, name="zones")
    app.add_typer(stations_app, name="stations")


def _division_line(d) -> str:
    years = f"{d.start_year}–{d.end_year or ''}"
    return f"{d.code}  {d.name}  [{d.level}/{d.kind}]  {years}  parent={d.parent_code or '-'}"


# ---- db -------------------------------------------------------------------------------------------------------
@db_app.command("upgrade")
@exit_on_error
def db_upgrade(
    url: str = typer.Option(None, help="database URL (default: PIONEER_DATABASE_URL or SQLite)"),
) -> None:
    """升级数据库到最新版本 / migrate the database to the newest revision."""
    from pioneer.db import upgrade

    typer.echo(f"database at revision {upgrade(url)}")


@db_app.command("init")
@exit_on_error
def db_init(url: str = typer.Option(None, help="database URL")) -> None:
    """创建（或升级）数据库并载入区划、区域战略、北京国控站 / create the database with its seed data."""
    db_upgrade(url)


@db_app.command("current")
@exit_on_error
def db_current(url: str = typer.Option(None, help="database URL")) -> None:
    """当前数据库版本 / the revision the database is at."""
    from pioneer.db import current_revision, head_revision

    typer.echo(f"current={current_revision(url)} head={head_revision()}")


# ---- divisions ------------------------------------------------------------------------------------------------
@divisions_app.command("find")
@exit_on_error
def divisions_find(
    name: str, year: int = typer.Option(None, help="only codes in force in this year")
) -> None:
    """按中文名称查找 / find divisions by Chinese name."""
    from pioneer.registry.divisions import service

    with cli_session(migrate=False) as s:
        for d in service.find_divisions(s, name, year=year):
            typer.echo(_division_line(d))


@divisions_app.command("show")
@exit_on_error
def divisions_show(
    code: str, date: str = typer.Option(None, help="YYYY-MM-DD or YYYY: the record in force then")
) -> None:
    """显示区划及其上级、继任代码 / show a division, its ancestors and successors."""
    from pioneer.registry.divisions import service

    at = int(date) if date and len(date) == 4 else (dt.date.fromisoformat(date) if date else None)
    with cli_session(migrate=False) as s:
        d = service.division(s, code, at=at)
        typer.echo(_division_line(d))
        year = d.end_year - 1 if d.end_year else None
        for a in service.ancestors(s, code, year=year):
            typer.echo(f"  ↑ {_division_line(a)}")
        if d.end_year:
            result = service.recode(s, code, year=d.start_year)
            typer.echo("  → " + ", ".join(f"{r.code} {r.name}" for r in result.resolved))


@divisions_app.command("tree")
@exit_on_error
def divisions_tree(code: str, year: int = typer.Option(None, help="year (default: latest)")) -> None:
    """显示下级区划 / print the subtree of a division."""
    from pioneer.registry.divisions import service

    indent = {"province": 0, "prefecture": 2, "county": 4}
    with cli_session(migrate=False) as s:
        for d in service.subtree(s, code, year=year):
            typer.echo(" " * indent[d.level] + _division_line(d))


@divisions_app.command("recode")
@exit_on_error
def divisions_recode(
    code: str,
    year: int = typer.Option(None, help="the year the old code is listed in"),
    to_year: int = typer.Option(None, help="target year (default: latest)"),
) -> None:
    """旧代码换算为现行代码 / re-code an old code to the code(s) in force."""
    from pioneer.registry.divisions import service

    with cli_session(migrate=False) as s:
        result = service.recode(s, code, year=year, target_year=to_year)
    for step in result.steps:
        typer.echo(f"{step.year}: {step.from_code} {step.from_name} → {step.to_code} {step.to_name}")
    for d in result.resolved:
        typer.echo(f"= {d.code} {d.name}")
    if not result.resolved:
        typer.echo("无记录的继任代码 / no recorded successor")


# ---- zones ----------------------------------------------------------------------------------------------------


@zones_app.command("add")
@exit_on_error
def zones_add(
    code: str,
    name_zh: str = typer.Option(..., "--name"),
    tier: str = typer.Option(..., help="region | province | city | county"),
    division: list[str] = typer.Option(..., "--division", help="division code (repeatable)"),
    theme: str = typer.Option("", help="特色 / theme"),
    section: list[str] = typer.Option(None, "--section", help="seed section(s) it leads on"),
    strategy: str = typer.Option(None, help="regional strategy code (jjj, yrd, gba, yreb, yrb)"),
    as_role: str = ROLE,
    as_user: str = USER,
    scope: list[str] = SCOPE,
) -> None:
    """申报先行区 / register a pioneer zone (state: draft)."""
    from pioneer.registry.zones import service
    from pioneer.registry.zones.schemas import ZoneCreate

    data = ZoneCreate(
        code=code,
        name_zh=name_zh,
        tier=tier,
        division_codes=division,
        theme=theme,
        seed_sections=section or [],
        strategy_code=strategy,
    )
    with cli_session(migrate=False) as s:
        result = service.create_zone(s, data, actor=cli_actor(as_user, as_role, scope))
    typer.echo(f"{result.zone.code} {result.zone.state}")
    for w in result.warnings:
        typer.echo(f"提示 / warning: {w.message_zh} / {w.message_en}", err=True)


@zones_app.command("list")
@exit_on_error
def zones_list(
    tier: str = typer.Option(None), state: str = typer.Option(None), within: str = typer.Option(None)
) -> None:
    """列出先行区 / list zones."""
    from pioneer.registry.zones import service

    with cli_session(migrate=False) as s:
        for z in service.list_zones(s, tier=tier, state=state, within=within):
            typer.echo(f"{z.code}  {z.name_zh}  {z.tier}  {z.state}  {','.join(z.division_codes)}")
        for w in service.quota_warnings(s):
            typer.echo(f"提示 / warning: {w.message_zh} / {w.message_en}", err=True)


@zones_app.command("show")
@exit_on_error
def zones_show(code: str) -> None:
    """显示先行区 / show a zone (JSON)."""
    from pioneer.registry.zones import service

    with cli_session(migrate=False) as s:
        typer.echo(
            json.dumps(
                service.public(service.zone(s, code)).model_dump(mode="json"), ensure_ascii=False, indent=2
            )
        )


@zones_app.command("transition")
@exit_on_error
def zones_transition(
    code: str,
    target: str,
    reason: str = typer.Option(""),
    document_number: str = typer.Option(
        "", "--document-number", help="批复文号 / the reply's document number (required to approve)"
    ),
    as_role: str = ROLE,
    as_user: str = USER,
    scope: list[str] = SCOPE,
) -> None:
    """变更先行区状态 / move a zone to another lifecycle state (approved: with --document-number)."""
    from pioneer.registry.zones import service

    with cli_session(migrate=False) as s:
        result = service.transition(s, code, target, actor=cli_actor(as_user, as_role, scope), reason=reason,
                                    document_number=document_number)  # fmt: skip
    typer.echo(f"{result.zone.code} {result.zone.state}")
    for w in result.warnings:
        typer.echo(f"提示 / warning: {w.message_zh} / {w.message_en}", err=True)


@zones_app.command("history")
@exit_on_error
def zones_history(code: str) -> None:
    """先行区状态变更记录 / the zone's lifecycle history."""
    from pioneer.registry.zones import service

    with cli_session(migrate=False) as s:
        for t in service.history(s, code):
            typer.echo(
                f"{t.seq}  {t.at:%Y-%m-%d %H:%M}  {t.from_state or '-'} → {t.to_state}  "
                f"{t.actor_username} ({t.actor_role})  {t.reason}"
            )


# ---- stations -------------------------------------------------------------------------------------------------
@stations_app.command("import")
@exit_on_error
def stations_import(file: Path, as_role: str = ROLE, as_user: str = USER, scope: list[str] = SCOPE) -> None:
    """从 CSV/Excel 批量导入站点（全部成功或全部不写入）/ import stations from CSV or Excel, all or nothing."""
    from pioneer.registry.stations import service

    with cli_session(migrate=False) as s:
        report = service.import_stations(s, file, actor=cli_actor(as_user, as_role, scope))
    typer.echo(f"{report.rows} stations imported from {report.file}")


@stations_app.command("list")
@exit_on_error
def stations_list(medium: str = typer.Option(None), within: str = typer.Option(None)) -> None:
    """列出站点 / list stations."""
    from pioneer.registry.stations import service

    with cli_session(migrate=False) as s:
        for st in service.list_stations(s, medium=medium, within=within):
            typer.echo(
                f"{st.code}  {st.name}  {st.medium}  {st.division_code}  "
                f"{st.longitude:.4f},{st.latitude:.4f} ({st.datum})"
            )
