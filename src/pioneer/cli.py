"""The ``pioneer`` command: assembles the sub-commands of each area (see ``pioneer.commands``)."""

from __future__ import annotations

import typer

from pioneer.commands import air

app = typer.Typer(
    help="Pioneer 美丽中国先行区建设管理与评估平台 — Beautiful China pioneer-zone platform.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(air.app, name="air")


def main() -> None:
    app()
