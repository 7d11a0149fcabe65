"""``pioneer backup ARCHIVE`` and ``pioneer restore ARCHIVE``: the database, lake, uploads and evidence of
``PIONEER_HOME`` as one archive with sha256 sums (:mod:`pioneer.backup`)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from pioneer.backup import backup as make_backup
from pioneer.backup import restore as do_restore
from pioneer.commands._io import exit_on_error

out = Console(soft_wrap=True)


@exit_on_error
def backup(archive: Path = typer.Argument(..., help="备份文件（.tar）/ backup archive (.tar)")) -> None:
    """备份数据库、数据湖、上传与佐证文件 / back up the database, lake, uploads and evidence."""
    manifest = make_backup(archive)
    out.print(f"已备份 / backed up: {archive} ({manifest['database']}, revision {manifest['revision']}, "
              f"{len(manifest['files'])} files)")  # fmt: skip


@exit_on_error
def restore(archive: Path = typer.Argument(..., help="备份文件 / backup archive", exists=True)) -> None:
    """恢复到新的 PIONEER_HOME（校验 sha256）/ restore into a fresh PIONEER_HOME (sha256 checked)."""
    manifest = do_restore(archive)
    out.print(
        f"已恢复 / restored: {archive} (created {manifest['created_at']}, {len(manifest['files'])} files)"
    )
