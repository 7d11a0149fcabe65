"""``pioneer air …`` — the air-quality calculator (HJ 633, HJ 663, GB 3095)."""

from __future__ import annotations

import typer

app = typer.Typer(help="空气质量计算 / air-quality calculator (HJ 633, HJ 663, GB 3095).", no_args_is_help=True)


@app.command()
def editions() -> None:
    """列出已实现的标准版本 / list the implemented standard editions."""
    typer.echo("HJ 633-2012, HJ 633-2026")
