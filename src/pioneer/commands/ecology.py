"""``pioneer ecology …`` — HJ 192-2015 EI tables, the ecology registers (Excel in and out) and the indicators
computed from them.

Every command exits non-zero on an error (Chinese and English, file/sheet/row/column) and writes no partial
file. Writes take the same role/scope check as the web app (``--as-role``, ``--as-user``, ``--scope``) and go
to the same audit log (user ``(system)``, the CLI user in the note), like ``pioneer projects import``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console

from pioneer.commands._actor import ROLE, SCOPE, USER, cli_actor, cli_record, cli_session
from pioneer.commands._io import exit_on_error, write_csv_atomic

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
app = typer.Typer(
    help="生态状况指数与生态安全台账 / ecological status and security registers.", no_args_is_help=True
)
OutOpt = Annotated[Path, typer.Option("-o", "--out", help="输出文件 / output file")]
YearOpt = Annotated[int, typer.Option("--year", help="评价年份 / year")]
LevelOpt = Annotated[str, typer.Option("--level", help="province | city | county")]
DivisionOpt = Annotated[
    str | None, typer.Option("--division", help="只计算该行政区划内 / only within this division")
]
StoreOpt = Annotated[bool, typer.Option("--store/--no-store", help="写入指标库 / store the values")]


@app.command("ei")
@exit_on_error
def ei(
    file: Path,
    out_file: OutOpt,
    abundance_rule: Annotated[
        str, typer.Option("--abundance-rule", help="mean | habitat_only（标准条文未找到，须指定）")
    ],
    a_veg: Annotated[
        float | None, typer.Option("--a-veg", help="植被覆盖指数归一化系数（条文未找到，无默认值）")
    ] = None,
    store: StoreOpt = False,
    as_role: str = ROLE,
    as_user: str = USER,
    scope: list[str] = SCOPE,
) -> None:
    """HJ 192-2015 分指数、EI、等级与变化等级 / sub-indices, EI, class and change class from a CSV of inputs;
    ``--store``: the values are stored after the same division and scope checks as the web upload, audited."""
    from pioneer.ecology import indicators as ind
    from pioneer.errors import InputError

    try:
        frame = pd.read_csv(file, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError("无法读取 CSV 文件", f"cannot read the CSV file: {exc}", file=file.name) from None
    if store:
        actor = cli_actor(as_user, as_role, scope)
        with cli_session() as s:
            table = ind.save_ei(s, frame, abundance_rule=abundance_rule, a_veg=a_veg, actor=actor,
                                record=cli_record(s, actor), file=file.name)  # fmt: skip
    else:
        table = ind.ei_table(frame, abundance_rule=abundance_rule, a_veg=a_veg, file=file.name)
    write_csv_atomic(table, out_file)
    err.print(f"已写出 {len(table)} 行 / wrote {len(table)} rows: {out_file}")


@app.command("template")
@exit_on_error
def template(out_file: OutOpt) -> None:
    """写出空白台账模板（每个台账一个工作表）/ write the empty register workbook."""
    from pioneer.ecology import excel

    excel.write_template(out_file)
    err.print(f"已生成 / written: {out_file}")


@app.command("import")
@exit_on_error
def import_(file: Path, as_role: str = ROLE, as_user: str = USER, scope: list[str] = SCOPE) -> None:
    """导入填好的台账（全部校验通过才写入）/ import a filled workbook, all or nothing."""
    from pioneer.ecology import excel

    actor = cli_actor(as_user, as_role, scope)
    with cli_session() as s:
        saved = excel.import_workbook(s, file, actor=actor, record=cli_record(s, actor))
    err.print("已导入 / imported: " + ", ".join(f"{k} {v}" for k, v in saved.items()))


@app.command("export")
@exit_on_error
def export(out_file: OutOpt, division: DivisionOpt = None) -> None:
    """导出台账（模板格式，可修改后再导入）/ export the registers in the template's layout."""
    from pioneer.ecology import excel

    with cli_session() as s:
        n = excel.export_registers(s, out_file, division=division)
    err.print("已导出 / exported: " + ", ".join(f"{k} {v}" for k, v in n.items() if v))


@app.command("compute")
@exit_on_error
def compute(
    indicator: Annotated[str, typer.Argument(help="drinking | hazardous-waste | tailings | heavy-metals")],
    year: YearOpt,
    out_file: OutOpt,
    level: LevelOpt = "city",
    division: DivisionOpt = None,
    base_year: Annotated[
        int | None, typer.Option("--base-year", help="重金属基准年 / heavy-metal base year")
    ] = None,
    store: StoreOpt = False,
) -> None:
    """由台账计算指标（明细写入 -o，指标值打印）/ compute an indicator from the registers; details to -o."""
    from pioneer.ecology import indicators as ind
    from pioneer.errors import InputError

    with cli_session() as s:
        if indicator == "drinking":
            values, details = ind.drinking_source_compliance_from_lake(
                s, year, level=level, division=division
            )
        elif indicator == "hazardous-waste":
            values, details = ind.hazardous_waste_coverage(s, year, level=level, division=division)
        elif indicator == "tailings":
            values, details = ind.tailings_status(s, year, level=level, division=division)
        elif indicator == "heavy-metals":
            if base_year is None:
                raise InputError("须给出 --base-year", "--base-year is required", column="--base-year")
            values, details = ind.heavy_metal_change(s, year, base_year, level=level, division=division)
        else:
            raise InputError("未知指标（drinking、hazardous-waste、tailings、heavy-metals）",
                             "unknown indicator (drinking, hazardous-waste, tailings, heavy-metals)",
                             value=indicator)  # fmt: skip
        if store and len(values):
            from pioneer.indicators import store as istore

            istore.save_values(s, values, source_kind="computed")
    shown = details.copy()
    for c in shown.columns:
        if shown[c].map(lambda v: isinstance(v, list)).any():
            shown[c] = shown[c].map(lambda v: "; ".join(v) if isinstance(v, list) else v)
    write_csv_atomic(shown, out_file)
    for r in values.to_dict("records"):
        out.print(f"{r['division_code']}  {r['indicator']}  {r['year']}  {r['value']} {r['unit']}")
    err.print(json.dumps({"details": str(out_file), "rows": len(shown)}, ensure_ascii=False))
