"""``pioneer gep …`` — gross ecosystem product accounts (GB/T 46869-2025; NDRC 2022 试行 spec) from an input table of
physical quantities per county: values per item, per county and per city, GEP/GDP and the "两山" indicators.

Bad input gets a located bilingual error (file, row, column) and no output file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from pioneer.commands._actor import ROLE, SCOPE, USER
from pioneer.commands._io import exit_on_error
from pioneer.errors import InputError

out = Console(soft_wrap=True)
app = typer.Typer(help="生态产品总值（GEP）核算 / gross ecosystem product accounts.", no_args_is_help=True)
EDITION = typer.Option("GB/T 46869-2025", "--edition", help="GB/T 46869-2025 | NDRC-2022")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="gep")


def _read(path: Path) -> pd.DataFrame:
    try:
        if path.suffix.lower() in (".xlsx", ".xls"):
            return pd.read_excel(path, dtype=str)
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError("无法读取文件", f"cannot read the file: {exc}", file=path.name) from None


def _atomic_csv(frame: pd.DataFrame, path: Path) -> None:
    from pioneer.commands._io import atomic_file
    from pioneer.guard.cells import neutral_frame

    with atomic_file(path) as tmp:
        neutral_frame(frame).to_csv(tmp, index=False, encoding="utf-8")  # no formula injection


def _check_options(edition: str, prices: str | None) -> None:
    """Located bilingual errors for an unknown edition or price set (before any file is read)."""
    from pioneer.standards import gep

    known = list(gep.editions()["edition"])
    if edition not in known:
        raise InputError(f"未知的 GEP 核算版本（可选：{'、'.join(known)}）", f"unknown GEP edition (choose from "
                         f"{', '.join(known)})", column="--edition", value=edition)  # fmt: skip
    if prices is not None and prices not in gep.PRICE_SETS:
        raise InputError(f"未知的价格集（可选：{'、'.join(gep.PRICE_SETS)}）", f"unknown price set (choose from "
                         f"{', '.join(gep.PRICE_SETS)})", column="--prices", value=prices)  # fmt: skip


@app.command("editions")
def editions() -> None:
    """版本与核算指标 / editions and their components (with source and confidence)."""
    from pioneer.standards import gep

    t = Table("edition", "title", "document", "confidence", "item list")
    for r in gep.editions().itertuples(index=False):
        t.add_row(r.edition, r.title, r.document_no, r.confidence, r.item_list_confidence)
    out.print(t)


@app.command("template")
@exit_on_error
def template(
    out_path: Annotated[Path, typer.Option("-o", "--out")],
    edition: str = EDITION,
    kind: Annotated[str, typer.Option("--kind", help="quantities | overrides | gdp")] = "quantities",
) -> None:
    """写出输入模板：每个核算指标一行及其单位 / write the input template (one row per component, with units)."""
    from pioneer.compensation.gep_store import TEMPLATES, template_frame

    _check_options(edition, None)
    if kind not in TEMPLATES:
        raise InputError(f"未知的模板类型（可选：{'、'.join(TEMPLATES)}）", f"unknown template kind (choose from "
                         f"{', '.join(TEMPLATES)})", column="--kind", value=kind)  # fmt: skip
    _atomic_csv(template_frame(edition, kind), out_path)
    out.print(f"已写出 / written: {out_path}")


@app.command("account")
@exit_on_error
def account(
    input_path: Annotated[Path, typer.Argument(help="实物量输入表 CSV/Excel / quantities")],
    out_path: Annotated[Path, typer.Option("-o", "--out", help="各区划核算结果 CSV / accounts per division")],
    edition: str = EDITION,
    prices: Annotated[str | None, typer.Option("--prices", help="价格集 / price set (garze-2010)")] = None,
    overrides: Annotated[
        Path | None, typer.Option("--overrides", help="省级参数 / provincial prices CSV")
    ] = None,
    gdp: Annotated[Path | None, typer.Option("--gdp", help="GDP CSV: division_code, year, gdp [元]")] = None,
    items_path: Annotated[Path | None, typer.Option("--items", help="逐项价值 CSV / item values CSV")] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="报告 docx | pdf | html（构成与趋势图）")
    ] = None,
    store: Annotated[
        bool, typer.Option("--store", help="保存核算结果（留痕，供网页展示）/ store the run")
    ] = False,
    note: Annotated[str, typer.Option("--note", help="保存说明 / why")] = "",
    as_role: str = ROLE,
    as_user: str = USER,
    scope: list[str] | None = SCOPE,
) -> None:
    """核算 GEP：逐项 实物量×价格，按县（输入区划）和市汇总 / GEP per county and city."""
    from pioneer.standards import gep

    _check_options(edition, prices)
    q = gep.read_quantities(_read(input_path), edition=edition, file=input_path.name)
    ov = gep.read_overrides(_read(overrides), edition=edition, file=overrides.name) if overrides else None
    values = gep.item_values(q, edition=edition, prices=prices, overrides=ov)
    g = gep.read_gdp(_read(gdp), file=gdp.name) if gdp is not None else None
    res = gep.accounts_by_level(values, edition=edition, gdp=g)
    if report is not None:
        from pioneer.reports.gep import gep_report
        from pioneer.reports.render import write

        write(gep_report(res, values, edition=edition), report)
    if store:
        from pioneer.commands._actor import cli_actor, cli_record, cli_session
        from pioneer.compensation import gep_store

        actor = cli_actor(as_user, as_role, scope)
        with cli_session() as s:
            run = gep_store.store_account(s, values, res, edition=edition, actor=actor, prices=prices,
                                          overrides=overrides.name if overrides else None,
                                          source_file=input_path.name, record=cli_record(s, actor), note=note)  # fmt: skip
            out.print(f"已保存核算第 {run.id} 号 / stored run {run.id}")
    if items_path is not None:
        _atomic_csv(values, items_path)
    _atomic_csv(res, out_path)
    t = Table("level", "division", "year", "GEP (亿元)", "物质/调节/文化 (亿元)")
    for r in res.itertuples(index=False):
        t.add_row(r.level, r.division_code, str(r.year), f"{r.gep / 1e8:.4f}",
                  f"{r.material / 1e8:.4f} / {r.regulating / 1e8:.4f} / {r.cultural / 1e8:.4f}")  # fmt: skip
    out.print(t)
    out.print(f"已写出 / written: {out_path}")
