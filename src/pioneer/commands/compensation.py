"""``pioneer compensation …`` — horizontal eco-compensation agreements and their yearly statements.

Every command exits non-zero on an error (Chinese and English, located: file, field or section and item) and
writes nothing partial. Writes take the same role/scope check as the web app (``--as-role``, ``--as-user``,
``--scope``) and go to the same audit log (username ``(system)``, the CLI user in the note).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pioneer.commands._actor import ROLE, SCOPE, USER, cli_actor, cli_record, cli_session
from pioneer.commands._io import exit_on_error

out = Console(soft_wrap=True)
app = typer.Typer(help="流域横向生态保护补偿协议与年度结算 / eco-compensation agreements and statements.",
                  no_args_is_help=True)  # fmt: skip


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="compensation")


@app.command("template")
@exit_on_error
def template(
    out_path: Annotated[Path, typer.Option("-o", "--out", help="输出 YAML / output YAML")],
    example: Annotated[
        str, typer.Option("--example", help="示例 / example name")
    ] = "yellow-river-henan-shandong-2021",
) -> None:
    """写出协议模板（YAML 附来源说明，或 .xlsx 工作簿）/ write an agreement template (YAML with notes, or .xlsx)."""
    from pioneer.compensation.template import example_text, parse_agreement

    text = example_text(example)
    if out_path.suffix.lower() == ".xlsx":
        from pioneer.compensation.excel import write_workbook

        write_workbook(parse_agreement(text), out_path)
    else:
        tmp = out_path.with_name(out_path.name + ".part")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out_path)
    out.print(f"已写出 / written: {out_path}")


@app.command("import")
@exit_on_error
def import_agreement(
    path: Path,
    new_version: Annotated[
        bool, typer.Option("--new-version", help="已有协议：写入新版本 / existing agreement")
    ] = False,
    note: Annotated[str, typer.Option("--note", help="版本说明 / why")] = "",
    as_role: str = ROLE,
    as_user: str = USER,
    scope: list[str] | None = SCOPE,
) -> None:
    """录入协议（YAML 或 .xlsx），全部校验通过才写入 / enter an agreement from YAML or .xlsx (all or nothing)."""
    from pioneer.compensation import service
    from pioneer.compensation.excel import read_workbook
    from pioneer.compensation.template import read_agreement

    data = read_workbook(path) if path.suffix.lower() == ".xlsx" else read_agreement(path)
    actor = cli_actor(as_user, as_role, scope)
    with cli_session() as s:
        if new_version:
            a = service.update_agreement(s, data.code, data, actor=actor, record=cli_record(s, actor), note=note,
                                         file=path.name)  # fmt: skip
        else:
            a = service.create_agreement(
                s, data, actor=actor, record=cli_record(s, actor), note=note, file=path.name
            )
        out.print(f"协议 {a.code} 第 {a.version} 版已写入 / agreement {a.code} version {a.version} saved")


@app.command("list")
@exit_on_error
def list_(
    division: Annotated[str | None, typer.Option("--division", help="行政区划代码 / division")] = None,
) -> None:
    """列出协议 / list agreements (optionally of a division)."""
    from pioneer.compensation import service

    with cli_session() as s:
        t = Table("code", "name", "upstream", "downstream", "period", "version")
        for a in service.list_agreements(s, division_code=division):
            t.add_row(a.code, a.name, a.upstream_division_code, a.downstream_division_code,
                      f"{a.start_year}–{a.end_year}", str(a.version))  # fmt: skip
        out.print(t)


@app.command("show")
@exit_on_error
def show(code: str, version: Annotated[int | None, typer.Option("--version")] = None) -> None:
    """显示协议某一版本（JSON）/ show a version of an agreement as JSON."""
    from pioneer.compensation import service

    with cli_session() as s:
        v, data = service.version_data(s, code, version)
        out.print_json(json.dumps({"version": v, **data}, ensure_ascii=False))


@app.command("statement")
@exit_on_error
def statement(
    code: str,
    year: Annotated[int, typer.Option("--year", help="结算年份 / year")],
    out_path: Annotated[Path, typer.Option("-o", "--out", help="docx | pdf | html | json")],
    version: Annotated[int | None, typer.Option("--version", help="协议版本（默认当前）/ version")] = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="docx | pdf | html | json")] = None,
    save: Annotated[
        bool, typer.Option("--save", help="保存为新的结算单记录（留痕）/ store as a new statement")
    ] = False,
    note: Annotated[str, typer.Option("--note", help="保存说明 / why")] = "",
    as_role: str = ROLE,
    as_user: str = USER,
    scope: list[str] | None = SCOPE,
) -> None:
    """计算某年的补偿结算单（--save 保存并留痕）/ compute the statement of a year (``--save`` stores it)."""
    from pioneer.compensation import settlement, stored
    from pioneer.compensation import statement as doc

    chosen = _format(fmt, out_path)
    with cli_session() as s:
        if save:
            actor = cli_actor(as_user, as_role, scope)
            row = stored.save_statement(s, code, year, version=version, actor=actor, record=cli_record(s, actor),
                                        note=note)  # fmt: skip
            st = row.data
            out.print(f"已保存第 {row.number} 份结算单 / stored statement no. {row.number}")
        else:
            st = settlement.statement(s, code, year, version=version)
    doc.write(st, out_path, chosen)
    out.print(f"{st['net']['text_zh']} / {st['net']['text_en']}")
    out.print(f"已写出 / written: {out_path}")


def _format(fmt: str | None, out_path: Path) -> str:
    chosen = (fmt or out_path.suffix.lstrip(".")).lower()
    if chosen not in ("docx", "pdf", "html", "json"):
        raise typer.BadParameter("--format 须为 docx、pdf、html 或 json / must be docx, pdf, html or json")
    return chosen


@app.command("statements")
@exit_on_error
def statements(
    code: Annotated[str | None, typer.Option("--agreement", help="协议编号 / agreement")] = None,
    division: Annotated[str | None, typer.Option("--division", help="行政区划代码 / division")] = None,
    basin: Annotated[str | None, typer.Option("--basin", help="流域 / basin")] = None,
) -> None:
    """列出已保存的结算单 / list stored statements."""
    from pioneer.clock import beijing_text
    from pioneer.compensation import stored

    with cli_session() as s:
        t = Table("agreement", "year", "no.", "version", "net", "payer → payee", "computed", "by")
        for r in stored.statements(s, code=code, division_code=division, basin=basin):
            t.add_row(r.agreement_code, str(r.year), str(r.number), str(r.agreement_version),
                      f"{r.net_transfer:g} {r.unit}", f"{r.payer or '—'} → {r.payee or '—'}",
                      beijing_text(r.computed_at), r.computed_by)  # fmt: skip
        out.print(t)


@app.command("stored")
@exit_on_error
def stored_doc(
    code: str,
    year: Annotated[int, typer.Option("--year", help="结算年份 / year")],
    out_path: Annotated[Path, typer.Option("-o", "--out", help="docx | pdf | html | json")],
    number: Annotated[int | None, typer.Option("--number", help="第几份（默认最新）/ which")] = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="docx | pdf | html | json")] = None,
) -> None:
    """写出已保存的结算单（不重新计算）/ write a stored statement as it was computed."""
    from pioneer.compensation import statement as doc
    from pioneer.compensation import stored

    chosen = _format(fmt, out_path)
    with cli_session() as s:
        st = stored.stored_statement(s, code, year, number).data
    doc.write(st, out_path, chosen)
    out.print(f"已写出 / written: {out_path}")


@app.command("fund")
@exit_on_error
def fund(
    path: Annotated[Path | None, typer.Argument(help="资金条款 YAML / fund terms")] = None,
    example: Annotated[str | None, typer.Option("--example", help="示例 / example (chishui-2018)")] = None,
    compliance: Annotated[
        list[str] | None, typer.Option("--compliance", help="断面=达标比例 0–1 / section=share (repeatable)")
    ] = None,
    out_path: Annotated[Path | None, typer.Option("-o", "--out", help="JSON 结果 / result")] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="按数据湖水质计算达标比例 / compliance from the lake")
    ] = None,
) -> None:
    """多方共同出资的补偿资金（如赤水河 云贵川）：各方出资、分配、扣减与净额 / an N-party pooled fund's year."""
    from pioneer.compensation import fund as funds
    from pioneer.errors import InputError

    if (path is None) == (example is None):
        raise InputError("须给出资金条款文件或 --example 之一", "give a fund file or --example (one of them)")
    terms = funds.read_fund(path) if path else funds.parse_fund(funds.example_text(example), file=example)
    given: dict[str, float] = {}
    for c in compliance or []:
        name, _, v = c.partition("=")
        try:
            given[name.strip()] = float(v)
        except ValueError:
            raise InputError(
                "须写成 断面=比例", "write section=share", column="--compliance", value=c
            ) from None
    if year is not None:  # compliance of the sections not given from the lake's water data
        with cli_session() as s:
            lake = funds.compliance_from_lake(s, terms, year)
        for name, f in lake["compliance"].items():
            given.setdefault(name, f)
            parts = ", ".join(f"{d['item']} {d['value']:g} {d['class']}{'✓' if d['met'] else '✗'}"
                              for d in lake["details"][name])  # fmt: skip
            out.print(f"{name}: {f:.4f} ({parts})")
    res = funds.settle(terms, given)
    t = Table("party", "contribution", "allocation", "forfeited", "received", "net")
    for p, v in res["parties"].items():
        t.add_row(f"{v['name']}（{p}）", *(f"{v[k]:.4f}" for k in ("contribution", "allocation", "forfeited",
                                                                   "received", "net")))  # fmt: skip
    out.print(t)
    out.print(f"未分配 / unallocated: {res['unallocated']:.4f} {res['unit']}")
    if out_path is not None:
        tmp = out_path.with_name(out_path.name + ".part")
        tmp.write_text(json.dumps(res, ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(out_path)
        out.print(f"已写出 / written: {out_path}")
