"""Entry of the one-pass route (:mod:`pioneer.lake.onepass`) for a UTF-8 or GB18030 CSV in a wide air layout, and
:func:`recheck`, the general rules on just the rows it flagged.

The general path (:mod:`pioneer.lake.readers` + :mod:`pioneer.lake.validate`) reads every cell as text and checks
it in SQL; that is exact for any input but slow on national files. :func:`try_fast` takes the header and the
layout, lets the one-pass route read, check and stage the file, and returns ``None`` whenever it cannot be *sure*
the general path would store the same (an open quote, neither UTF-8 nor GB18030, a cell pyarrow cannot read as a
number, a wrong field count, an extra or unknown column, a flagged row the general rules accept); the caller then runs the general
path, which yields the located error report. So every error message, row number and rule outcome stays the one
of :mod:`pioneer.lake.validate`.

Issue 12: the DuckDB route that used to sit between the two (a typed DuckDB read staged as LZ4 Parquet, then
set-based checks) is gone; a file the one-pass route leaves goes straight to the general path.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pioneer.errors import InputError
from pioneer.lake import onepass
from pioneer.lake.layouts import (
    Layout,
    sniff_layout,
    with_options,
)
from pioneer.lake.readers import ENCODINGS, _header
from pioneer.lake.validate import check

#: At most this many doubtful rows are re-read as text and checked by the general rules (beyond: general path).
MAX_RECHECK = 1_000_000


@dataclass
class FastResult:
    """What the fast route found and wrote: ``files`` maps partition year → staged Parquet path (local);
    with ``errors`` and without ``accept_valid`` nothing is written."""

    layout: Layout
    encoding: str
    rows: int
    files: dict[int, Path]
    errors: pa.Table | None = None  # located errors (general-path rules and messages), None when none
    accepted: int = 0


def applicable_encoding(encoding: str | None) -> bool:
    """Whether the one-pass route can read a file in ``encoding`` (``None``: detected as the general reader does):
    UTF-8 (with or without BOM) and GB18030 (its pieces are decoded to UTF-8 before parsing)."""
    return encoding is None or _encoding(encoding) in ("utf-8", "utf-8-sig", "gb18030")


def _encoding(encoding: str | None) -> str | None:
    return None if encoding is None else ENCODINGS.get(encoding.lower().replace("_", "-"))


def try_fast(
    path: Path,
    *,
    layout: Layout | None,
    stage: Path,
    import_id: Callable[[], str | None],
    status: str | None = None,
    known_stations: Mapping[str, str] | None = None,
    accept_valid: bool = False,
    import_ready: Callable[[], bool] | None = None,
    encoding: str | None = None,
) -> FastResult | None:
    """Ingest ``path`` by the DuckDB-native route into ``stage`` (see module docstring); ``None`` = not sure,
    use the general path (nothing usable is left in ``stage`` then).

    ``import_id`` is called once the rows are known to be valid, just before the Parquet files are written
    (the caller hashes the file meanwhile); it returns ``None`` to stop (e.g. the file was already imported).
    """
    head = _first_line(path, _encoding(encoding))
    if head is None:
        return None
    bom, raw, line, enc_known = head
    try:
        header = _header(line, str(path))
    except InputError:
        return None
    lay = layout or sniff_layout(header)
    if lay is None or lay.medium != "air" or lay.shape != "wide":
        return None
    if status:
        lay = with_options(lay, status=status)
    present = {g: g for g in lay.optional if g in header and g not in lay.columns}
    if present:  # as the checker: optional glossary columns the file carries
        lay = replace(lay, columns={**lay.columns, **present})
    if lay.closed and not set(header) <= lay.known_columns() - set(lay.extras):
        return None  # an unknown column (refused) or an extra one (checked, not stored): the general path
    items = {g: s for g, s in lay.item_columns().items() if s in header}
    needed = [s for g, s in lay.columns.items() if g not in lay.constants and g not in lay.item_columns()]
    if lay.time.parts:
        needed += list(lay.time.parts.values())
    if lay.name != "wide":  # the general path requires every item column unless the layout is ``wide``
        needed += list(lay.item_columns().values())
    if not items or any(s not in header for s in needed):
        return None  # schema problems: the general path reports them
    stage.mkdir(parents=True, exist_ok=True)
    done = onepass.one_pass(
        path,
        lay=lay,
        header=header,
        items=items,
        data_start=(3 if bom else 0) + len(raw) + 1,
        stage=stage,
        import_id=import_id,
        known=known_stations,
        ready=import_ready,
        accept_valid=accept_valid,
        encoding=enc_known,
    )
    if done is onepass.STOP:
        return None
    if isinstance(done, onepass.Done):
        enc = "utf-8-sig" if bom else done.encoding
        if done.recheck is None:
            return FastResult(lay, enc, done.rows, done.files, None, done.rows)
        assert done.doubtful is not None
        errors = recheck(
            path,
            header,
            lay,
            known_stations,
            done.rows,
            done.recheck,
            done.doubtful,
            done.pieces,
            encoding=done.encoding,
        )
        if errors is not None and not accept_valid:
            return FastResult(lay, enc, done.rows, {}, errors, 0)
        if errors is not None:  # the stored rows: all but the rejected ones (doubtful rows were never staged)
            bad = pc.unique(errors["row"])
            files = onepass.drop_rows(done.files, bad)
            return FastResult(lay, enc, done.rows, files, errors, done.rows - len(bad))
        for f in done.files.values():  # not sure: the general path decides (from nothing staged)
            f.unlink(missing_ok=True)
    return None


def _first_line(path: Path, forced: str | None = None) -> tuple[bool, bytes, bytes, str | None] | None:
    """(has a UTF-8 BOM, first line as in the file, first line as UTF-8 bytes, the encoding when the line decides
    it — ``None`` for an ASCII line without BOM —) or None when the start is neither UTF-8 nor GB18030 (as the
    general reader decodes it, :func:`pioneer.lake.readers.decode_csv`; ``forced`` as given) or the file is
    empty."""
    with path.open("rb") as f:
        start = f.read(1 << 16)
    if start[:4] == b"PAR1" or start[:2] == b"PK" or path.name.lower().endswith((".xlsx", ".xlsm")):
        return None
    bom = start.startswith(codecs.BOM_UTF8) and forced != "gb18030"  # (the reader drops a UTF-8 BOM)
    if bom:
        start = start[3:]
    if b"\n" not in start:
        return None
    line = start.split(b"\n", 1)[0]
    if forced == "gb18030" or (
        not bom and forced is None and not line.isascii() and not _decodes(line, "utf-8")
    ):
        if not _decodes(line, "gb18030") or line.decode("gb18030").startswith("\ufeff"):
            return None
        return False, line, line.decode("gb18030").encode("utf-8"), "gb18030"
    if not _decodes(line, "utf-8"):
        return None
    return bom, line, line, ("utf-8" if bom or forced or not line.isascii() else None)


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def recheck(
    path: Path,
    header: list[str],
    lay: Layout,
    known: Mapping[str, str] | None,
    n: int,
    rows: pa.Array,
    doubtful: pa.Array,
    pieces: list[tuple[int, int, int, int]],
    *,
    encoding: str = "utf-8",
) -> pa.Table | None:
    """The general path's located errors of the whole file, from the source rows ``rows`` only.

    ``rows`` (ascending) must hold every row that may break a rule: the rows of ``doubtful`` (a row-level rule
    flagged them) and every row of a station-hour that occurs more than once. Every other row is known to pass
    every rule, and the general rules are row-local except ``duplicate``, whose groups are then wholly inside
    ``rows`` — so the general rules on these rows, read again as text as the general reader reads them, give
    exactly the general path's report (messages, rows, order). ``None`` (not sure: let the next route decide)
    when there are too many rows, the text read disagrees, no error is found, or a ``doubtful`` row passes.
    ``pieces``: the (byte offset, byte length, first row index, rows) of each piece of whole records of the
    one-pass route; only the pieces holding a wanted row are read, in the file's ``encoding``.
    """
    if not len(rows) or len(rows) > MAX_RECHECK:
        return None
    subset = _text_rows(path, header, rows, n, pieces, encoding=encoding)
    if subset is None:
        return None
    errors = check(subset, lay, known_stations=known).errors
    if (
        not errors.num_rows
        or not pc.all(pc.is_in(doubtful, value_set=pc.unique(errors["row"])), min_count=0).as_py()
    ):
        return None  # a doubtful row the general rules accept: let the next route handle the whole file
    return errors


def _text_rows(
    path: Path,
    header: list[str],
    rows: pa.Array,
    n: int,
    pieces: list[tuple[int, int, int, int]],
    *,
    encoding: str = "utf-8",
) -> pa.Table | None:
    """The source rows numbered ``rows`` as text columns plus ``_row``, read as the general path reads them
    (:func:`pioneer.lake.readers.read_csv`): only the pieces (whole records, see :func:`recheck`) holding a
    wanted row are read, each as its own CSV text with the same options (a record cannot cross a piece border),
    and only the wanted rows are kept in memory."""
    enc = "utf8" if encoding.startswith("utf-8") else encoding  # (pieces start after any BOM)
    read_piece = pacsv.ReadOptions(use_threads=True, block_size=1 << 22, column_names=header, encoding=enc)
    parse = pacsv.ParseOptions(newlines_in_values=True)
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(header, pa.string()),
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    parts = []

    def keep(batch: pa.RecordBatch, start: int) -> None:
        nums = pa.array(np.arange(start, start + batch.num_rows, dtype=np.int64))
        want = pc.is_in(nums, value_set=rows)
        if pc.any(want).as_py():
            parts.append(pa.Table.from_batches([batch]).append_column("_row", nums).filter(want))

    nums = rows.to_numpy(zero_copy_only=False) - 2
    firsts = np.array([p[2] for p in pieces], dtype=np.int64)
    hit = np.unique(np.searchsorted(firsts, nums, side="right") - 1)
    if sum(p[3] for p in pieces) != n:
        return None
    try:
        with path.open("rb") as f:
            for k in hit.tolist():  # pieces (≈ 16 MB each) holding a wanted row, not data rows
                pos, size, first, count = pieces[k]
                f.seek(pos)
                data = f.read(size)
                got = pacsv.read_csv(pa.py_buffer(data), read_piece, parse, convert)
                if got.num_rows != count:
                    return None
                for batch in got.to_batches():
                    keep(batch, first + 2)
                    first += batch.num_rows
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowKeyError, OSError):
        return None
    if not parts:
        return None
    return pa.concat_tables(parts)
