"""``pioneer ingest``, ``pioneer lake status``, ``pioneer export`` — the measurement lake."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pioneer.errors import PioneerError
from pioneer.lake.export import FORMATS
from pioneer.lake.export import export as export_files
from pioneer.lake.ingest import ingest as ingest_files
from pioneer.lake.layouts import BUILTIN
from pioneer.lake.storage import Lake

app = typer.Typer(help="监测数据湖 / the measurement lake.", no_args_is_help=True)
console = Console(stderr=True)


def ingest(
    files: list[Path] = typer.Argument(..., help="CSV / Excel / Parquet files"),
    layout: str | None = typer.Option(None, "--layout", help=f"built-in layout: {', '.join(BUILTIN)}"),
    mapping: Path | None = typer.Option(None, "--mapping", help="YAML mapping file (see docs/lake.md)"),
    accept_valid: bool = typer.Option(False, "--accept-valid", help="write the valid rows and a reject file"),
    status: str | None = typer.Option(
        None, "--status", help="preliminary | validated (overrides the layout)"
    ),
    encoding: str | None = typer.Option(None, "--encoding", help="utf-8 | gb18030 | gbk (default: detected)"),
    sheet: str | None = typer.Option(None, "--sheet", help="Excel sheet (default: all sheets)"),
    report_dir: Path = typer.Option(Path("."), "--report-dir", help="where error reports are written"),
) -> None:
    """导入监测数据文件 / import monitoring-data files into the lake."""
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[stage]}"),
            TimeElapsedColumn(),
            console=console,
        ) as bar:
            results = []
            for f in files:
                task = bar.add_task(f.name, total=3, stage="")
                results += ingest_files(
                    [f],
                    layout=layout,
                    mapping=mapping,
                    accept_valid=accept_valid,
                    status=status,
                    encoding=encoding,
                    sheet=sheet,
                    progress=lambda stage, done, total, task=task: bar.update(
                        task, completed=done, stage=stage
                    ),
                )
    except PioneerError as exc:
        console.print(f"[red]{exc}")
        raise typer.Exit(2) from None
    failed = False
    for r in results:
        line = (
            f"{r.file}: {r.status} (import {r.import_id}; read {r.rows_read}, accepted {r.rows_accepted}, "
            f"rejected {r.rows_rejected})"
        )
        console.print(line)
        if r.errors.num_rows:
            stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
            csv_path, json_path = r.write_report(report_dir / f"{Path(r.file).stem}.errors-{stamp}")
            console.print(f"  错误报告 / error report: {csv_path}, {json_path} ({r.errors.num_rows} errors)")
            for e in r.errors.slice(0, 5).to_pylist():
                console.print(
                    f"  {e['sheet'] or ''}:{e['row']} [{e['column']}] {e['value']!r}: "
                    f"{e['reason_zh']} / {e['reason_en']}"
                )
        failed |= not r.ok
    if failed:
        raise typer.Exit(1)


@app.command()
def status() -> None:
    """数据湖状况：各次导入及其来源 / lake status: the imports and their provenance."""
    lake = Lake()
    table = Table("import_id", "file", "layout", "status", "read", "accepted", "rejected", "who")
    for r in lake.records():
        table.add_row(
            r["import_id"],
            r["file"],
            str(r["layout"]),
            r["status"],
            str(r["rows_read"]),
            str(r["rows_accepted"]),
            str(r["rows_rejected"]),
            r["who"],
        )
    Console().print(f"lake: {lake.url}")
    Console().print(table)


def export(
    output: Path = typer.Argument(..., help="output file (.csv, .parquet or .xlsx)"),
    medium: str = typer.Option(..., "--medium", help="air | water | noise"),
    division: str | None = typer.Option(
        None, "--division", help="6-digit division code (covers those beneath)"
    ),
    start: str | None = typer.Option(None, "--from", help="first time label, e.g. 2016-01-01T01:00"),
    end: str | None = typer.Option(None, "--to", help="last time label"),
    fmt: str = typer.Option("csv", "--format", help=" | ".join(FORMATS)),
) -> None:
    """导出开放数据（含数据字典与许可说明）/ export open data with a data dictionary and licence note."""
    if medium not in ("air", "water", "noise") or fmt not in FORMATS:
        console.print(
            "[red]--medium 须为 air|water|noise，--format 须为 csv|parquet|xlsx / bad --medium or --format"
        )
        raise typer.Exit(2)
    try:
        paths = export_files(output, medium=medium, fmt=fmt, division=division, start=start, end=end)
    except (PioneerError, ValueError) as exc:
        console.print(f"[red]{exc}")
        raise typer.Exit(2) from None
    for p in paths:
        console.print(str(p))


@app.command("backfill-sitedays")
def backfill_sitedays() -> None:
    """为旧导入补算站点日均值 / compute the site-days of older imports that have none (``lake.stationdays``)."""
    from pioneer.lake import stationdays

    lake = Lake()
    if not lake.is_local:
        console.print(
            "[red]对象存储上的数据湖不保存站点日均值（由小时数据计算）/ an object-store lake keeps no site-days "
            "(readers compute them from the hours)"
        )
        raise typer.Exit(2)
    try:
        done = stationdays.backfill(lake)
    except PioneerError as exc:
        console.print(f"[red]{exc}")
        raise typer.Exit(2) from None
    for import_id in done:
        console.print(f"{import_id}: 已补算站点日均值 / site-days written")
    console.print(
        f"补算 {len(done)} 次导入；数据湖{'已' if stationdays.present(lake) else '未'}全部具备站点日均值 / "
        f"{len(done)} imports backfilled; site-days {'present' if stationdays.present(lake) else 'not present'} "
        "for every air import"
    )
