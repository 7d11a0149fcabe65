"""What every command shares: domain errors printed in Chinese and English with a non-zero exit, and result
files written atomically (into a temporary file beside the destination, then renamed), so that a failed command
never leaves a partial file."""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd
import typer
from rich.console import Console

from pioneer.errors import PioneerError

err = Console(stderr=True, soft_wrap=True)


def print_errors(exc: PioneerError) -> None:
    """Print a domain error — or each error of a collection (``exc.errors``) — in Chinese and English."""
    for e in getattr(exc, "errors", None) or [exc]:
        err.print("[red]错误 / error:[/red]", end=" ")
        err.print(f"{e.message_zh}\n  {e.message_en}", markup=False, highlight=False)


def fail(exc: PioneerError, *, code: int = 1) -> NoReturn:
    """Print ``exc`` (``print_errors``) and exit with status ``code``."""
    print_errors(exc)
    raise typer.Exit(code)


def exit_on_error(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a command so that a ``PioneerError`` is printed (zh/en) and exits with status 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PioneerError as exc:
            fail(exc)

    return wrapper


def write_csv_atomic(df: pd.DataFrame, path: Path) -> None:
    """Write ``df`` as UTF-8 CSV to ``path`` through a temporary file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            df.to_csv(fh, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
