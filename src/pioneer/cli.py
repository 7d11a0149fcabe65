"""The ``pioneer`` command: assembles the sub-commands of each area (see ``pioneer.commands``)."""

from __future__ import annotations

import typer

from pioneer.commands import air, carbon, noise, water
from pioneer.commands import assess as assess_commands
from pioneer.commands import attainment as attainment_commands
from pioneer.commands import backup as backup_commands
from pioneer.commands import compensation as compensation_commands
from pioneer.commands import ecology as ecology_commands
from pioneer.commands import events as events_commands
from pioneer.commands import gep as gep_commands
from pioneer.commands import lake as lake_commands
from pioneer.commands import plans as plans_commands
from pioneer.commands import registry as registry_commands
from pioneer.commands import trends as trends_commands
from pioneer.commands import uploads as uploads_commands
from pioneer.commands import verdicts as verdicts_commands
from pioneer.commands import web as web_commands

app = typer.Typer(
    help="Pioneer 美丽中国先行区建设管理与评估平台 — Beautiful China pioneer-zone platform.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(air.app, name="air")
app.add_typer(lake_commands.app, name="lake")
app.add_typer(water.app, name="water")
app.add_typer(noise.app, name="noise")
app.add_typer(ecology_commands.app, name="ecology")
app.add_typer(carbon.app, name="carbon")
app.add_typer(verdicts_commands.app, name="verdicts")
app.add_typer(attainment_commands.app, name="attainment")
app.add_typer(events_commands.app, name="events")
app.add_typer(trends_commands.app, name="trends")
app.command("ingest")(lake_commands.ingest)
app.command("export")(lake_commands.export)
app.command("backup")(backup_commands.backup)
app.command("restore")(backup_commands.restore)
registry_commands.register(app)
assess_commands.register(app)
plans_commands.register(app)
compensation_commands.register(app)
gep_commands.register(app)
app.command("serve")(web_commands.serve)
app.command("demo")(web_commands.demo)
app.add_typer(web_commands.users_app, name="users")
app.add_typer(web_commands.jobs_app, name="jobs")
app.add_typer(uploads_commands.app, name="uploads")


def main() -> None:
    app()
