"""``pioneer uploads prune``: remove the checked uploads never confirmed within ``PIONEER_UPLOAD_EXPIRY_HOURS``
(the server does the same every 15 minutes: ``pioneer.web.services.UploadPruner``)."""

from __future__ import annotations

import typer
from rich.console import Console

from pioneer.commands._io import exit_on_error

app = typer.Typer(help="未确认的上传 / unconfirmed uploads.", no_args_is_help=True)
out = Console(soft_wrap=True)


@app.command("prune")
@exit_on_error
def prune() -> None:
    """删除超过有效期仍未确认的上传 / remove the uploads not confirmed within the expiry."""
    from pioneer.config import settings
    from pioneer.web.services import prune_uploads

    gone = prune_uploads()
    out.print(f"已删除 / removed: {len(gone)} (有效期 / expiry {settings().upload_expiry_hours} h)")
    for name in gone:
        out.print(f"  {name}")
