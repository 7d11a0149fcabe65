"""What every command shares: domain errors printed in Chinese and English with a non-zero exit, and result
files written atomically (into a temporary file beside the destination, then renamed), so that a failed command
never leaves a partial file."""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import ibis
import ibis.expr.types as ir
import pandas as pd
import typer
from rich.console import Console

from pioneer.errors import PioneerError
from pioneer.guard.cells import neutral_frame, neutral_ibis

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


@contextmanager
def atomic_file(path: Path) -> Iterator[str]:
    """Yield a temporary file name beside ``path``; when the block succeeds it is renamed to ``path``, otherwise
    removed — readers see the old file or the whole new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_csv_atomic(df: pd.DataFrame, path: Path) -> None:
    """Write ``df`` as UTF-8 CSV to ``path`` atomically (``atomic_file``); text a spreadsheet would take for a
    formula gets a leading ``'`` (``pioneer.guard.cells``)."""
    with atomic_file(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        neutral_frame(df).to_csv(fh, index=False)


def _as_text(t: ir.Table) -> ir.Table:
    """CSV cells as Pioneer writes them: flags ``True``/``False``, empty text and missing values empty, text a
    spreadsheet would take for a formula with a leading ``'`` (``pioneer.guard.cells``)."""

    def cell(c: str) -> ir.Value:
        v, dtype = t[c], t.schema()[c]
        if dtype.is_boolean():
            return ibis.cases((v.isnull(), ibis.null("string")), (v, "True"), else_="False")
        return neutral_ibis(v.nullif("")) if dtype.is_string() else v

    return t.select(**{c: cell(c) for c in t.columns})


def copy_csv_atomic(con: ibis.BaseBackend, t: ir.Table, path: Path, *, order_by: str | list[str],
                    drop: str | None = None) -> int:  # fmt: skip
    """Write the DuckDB table expression ``t`` as UTF-8 CSV (header, ``,``) in ``order_by`` order, streamed by
    DuckDB (memory bounded) and atomically (``atomic_file``); ``drop``: a column used only for ordering.
    Cells as ``write_csv_atomic`` writes them (``_as_text``). Returns the row count."""
    keys = [order_by] if isinstance(order_by, str) else order_by
    sql = ibis.to_sql(_as_text(t), dialect="duckdb")
    exclude = f" EXCLUDE ({drop})" if drop else ""
    ordered = f"SELECT *{exclude} FROM ({sql}) ORDER BY {', '.join(keys)}"  # the outermost query orders
    with atomic_file(path) as tmp:
        target = tmp.replace("'", "''")
        (rows,) = con.raw_sql(f"COPY ({ordered}) TO '{target}' (HEADER, DELIMITER ',')").fetchone()
    return int(rows)
