"""Files checked as the lake checks them, without writing to the lake (for calculators that read a folder).

Each file is read (``readers.read_file``), given its time from the name where the layout says so
(``layouts.with_name_time``), validated and normalised (``validate.check``) exactly as ``ingest`` does; the rows
of every file are returned together with one table of located errors (file, row, column, value, code, reason).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from pioneer.errors import InputError, InputErrors
from pioneer.lake.ingest import _one_error, _repeat, _report_table, _with_place
from pioneer.lake.layouts import Layout, with_name_time
from pioneer.lake.readers import read_file
from pioneer.lake.validate import check


def folder_files(
    path: Path, *, pattern: str = "*.csv", exclude: Sequence[str] = ("stations.csv",)
) -> list[Path]:
    """The data files of ``path``: the file itself, or every ``pattern`` file in the folder and its sub-folders
    (sorted by path), without the ``exclude`` names (a station list kept beside the data)."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob(pattern) if p.is_file() and p.name not in exclude)


def checked_rows(paths: Sequence[Path], layout: Layout) -> tuple[pa.Table, pa.Table]:
    """(normalised rows of every file with ``file`` and ``row`` (the source row, header = 1) columns, located
    errors of every file)."""
    rows: list[pa.Table] = []
    errors: list[pa.Table] = []
    for path in paths:
        name = path.name
        try:
            read = read_file(name, path.read_bytes(), encoding=layout.encoding, sheet=layout.sheet)
        except OSError as exc:
            errors.append(
                _one_error(InputError("文件无法读取", f"file cannot be read: {exc.strerror}"), name)
            )
            continue
        except InputError as exc:
            errors.append(_one_error(exc, name))
            continue
        for sh in read.sheets:
            try:
                table = with_name_time(sh.table, layout, name)
            except InputError as exc:
                errors.append(_one_error(exc, name, sh.name))
                continue
            result = check(table, layout, bad_rows=sh.bad_rows)
            if result.errors.num_rows:
                errors.append(_with_place(result.errors, name, sh.name))
            if result.rows.num_rows:
                got = result.rows.rename_columns(
                    ["row" if c == "_row" else c for c in result.rows.column_names]
                )
                rows.append(got.append_column("file", _repeat(name, got.num_rows)))
    table = pa.concat_tables(rows, promote_options="default") if rows else pa.table({})
    return table, _report_table(errors)


def refuse_unchecked(
    df: pd.DataFrame, layout: Layout, *, file: str, columns: Sequence[str], max_errors: int = 200
) -> None:
    """Run the lake's checker (:func:`pioneer.lake.validate.check`) over ``columns`` of a calculator's input
    ``df`` (the file as text, row ``i`` of ``df`` = file row ``i + 2``) under one of ``layouts.CALCULATOR``;
    raise ``InputErrors`` (every located error: file, row, column, value, zh and en) if it refuses any row, so a
    calculator accepts what the lake and the web upload accept. A column of ``columns`` that ``df`` lacks is
    left to the checker's ``schema`` rule."""
    present = [c for c in columns if c in df.columns]
    src = pa.table({c: pa.array(df[c].astype("string").fillna("").tolist(), pa.string()) for c in present})
    src = src.append_column("_row", pa.array(range(2, len(df) + 2), pa.int64()))
    errors = check(src, layout).errors
    if errors.num_rows:
        raise InputErrors(
            [
                InputError(
                    e["reason_zh"],
                    e["reason_en"],
                    file=file,
                    row=e["row"],
                    column=e["column"] or None,
                    value=e["value"],
                )  # fmt: skip
                for e in errors.sort_by([("row", "ascending")]).slice(0, max_errors).to_pylist()
            ]
        )
