"""Readers: bytes of a CSV, Excel or Parquet file → Arrow tables of text columns with their source row numbers.

Every cell is read as text (``_row`` = the row a spreadsheet user sees, header = row 1; ``_sheet`` = the Excel
sheet or ``""``); parsing and validation happen afterwards, vectorised, in :mod:`pioneer.lake.validate`.
CSV encodings: UTF-8, UTF-8 with BOM, GB18030 (a superset of GBK and GB2312) — detected, or forced with
``encoding=``. Undecodable bytes give a located :class:`~pioneer.errors.InputError`.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pioneer.errors import InputError

ENCODINGS = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "gb18030": "gb18030",
    "cp936": "gb18030",
}


@dataclass
class Sheet:
    """One table read from a file: text columns plus ``_row`` (int64) and the sheet name."""

    name: str
    table: pa.Table
    bad_rows: list[tuple[int, str, str]]  # (row, text, reason) of rows with a wrong number of fields


@dataclass
class ReadResult:
    kind: str  # csv | xlsx | parquet
    encoding: str | None
    sheets: list[Sheet]


def file_kind(name: str, data: bytes) -> str:
    """``xlsx``, ``parquet`` or ``csv`` from the magic bytes (then the name)."""
    if data[:4] == b"PAR1":
        return "parquet"
    if data[:2] == b"PK" or name.lower().endswith((".xlsx", ".xlsm")):
        return "xlsx"
    return "csv"


def _line_of(data: bytes, pos: int) -> int:
    return data.count(b"\n", 0, pos) + 1


def decode_csv(data: bytes, *, file: str, encoding: str | None = None) -> tuple[bytes, str]:
    """UTF-8 bytes of a CSV file and the encoding detected (or the one forced).

    Detection: a UTF-8 BOM means UTF-8; otherwise strict UTF-8, then strict GB18030. If neither decodes, the
    error is reported for the encoding that read furthest, at the line of the first bad byte.
    """
    if encoding is not None:
        enc = ENCODINGS.get(encoding.lower().replace("_", "-"))
        if enc is None:
            raise InputError("不支持的字符编码", "unsupported encoding", file=file, value=encoding)
        candidates = [enc]
    elif data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    else:
        candidates = ["utf-8", "gb18030"]
    if candidates[0] == "utf-8" and data.isascii():
        return data, "utf-8"  # ASCII is valid UTF-8: no need to decode the whole file to know it
    failures: list[tuple[int, str, UnicodeDecodeError]] = []
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            failures.append((exc.start, enc, exc))
            continue
        if enc == "utf-8":
            return data, enc
        return text.encode("utf-8"), enc
    pos, enc, exc = max(failures, key=lambda f: f[0])
    raise InputError(
        f"字符编码错误：按 {enc} 无法解码",
        f"encoding error: bytes not valid {enc}",
        file=file,
        row=_line_of(data, pos),
        value=exc.object[exc.start : exc.end].hex(" "),
    )


def read_csv(data: bytes, *, file: str, encoding: str | None = None) -> ReadResult:
    """Read CSV bytes (see module docstring); rows with a wrong number of fields are listed in ``bad_rows``."""
    utf8, enc = decode_csv(data, file=file, encoding=encoding)
    if utf8.startswith(codecs.BOM_UTF8):
        utf8 = utf8[3:]
    if not utf8.strip():
        raise InputError("文件为空", "file is empty", file=file)
    header = _header(utf8, file)
    bad: list[tuple[int | None, str, str]] = []

    def handler(row: pacsv.InvalidRow) -> str:
        bad.append((row.number, row.text, f"{row.actual_columns}/{row.expected_columns}"))
        return "skip"

    def read(threads: bool) -> pa.Table:
        return pacsv.read_csv(
            pa.BufferReader(utf8),  # zero-copy view of the bytes
            read_options=pacsv.ReadOptions(
                use_threads=threads, block_size=1 << 24, column_names=header, skip_rows=1
            ),
            parse_options=pacsv.ParseOptions(invalid_row_handler=handler, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    try:
        table = read(True)
        if bad:
            bad.clear()
            table = read(False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowKeyError) as exc:
        raise InputError("CSV 结构错误", f"malformed CSV: {exc}", file=file) from None
    n_bad = len(bad)
    if n_bad:
        bad_numbers = np.array([b[0] for b in bad], dtype=np.int64)
        all_numbers = np.arange(2, table.num_rows + n_bad + 2, dtype=np.int64)
        rows = np.setdiff1d(all_numbers, bad_numbers, assume_unique=True)[: table.num_rows]
    else:
        rows = np.arange(2, table.num_rows + 2, dtype=np.int64)
    table = table.append_column("_row", pa.array(rows))
    bad_rows = [(int(n or 0), t, f"fields {c}") for n, t, c in bad]
    return ReadResult("csv", enc, [Sheet("", table, bad_rows)])


def _header(utf8: bytes, file: str) -> list[str]:
    first_line = utf8.split(b"\n", 1)[0].rstrip(b"\r") + b"\n"
    try:
        names = pacsv.read_csv(
            io.BytesIO(first_line), read_options=pacsv.ReadOptions(use_threads=False)
        ).column_names
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise InputError("CSV 表头无法读取", f"CSV header unreadable: {exc}", file=file, row=1) from None
    names = [n.strip() for n in names]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise InputError(
            "表头有重复列名", "duplicate column names in header", file=file, row=1, value=", ".join(dup)
        )
    if any(not n for n in names):
        raise InputError("表头有空列名", "empty column name in header", file=file, row=1)
    return names


def read_xlsx(data: bytes, *, file: str, sheet: str | None = None) -> ReadResult:
    """Read an Excel workbook: the named sheet, or every sheet (each becomes its own table)."""
    from pioneer.guard.excel import open_workbook

    try:
        wb = open_workbook(data, file=file)  # bounded: dimensions, cells, expansion, uncached formulas
    except InputError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError, IndexError) as exc:
        raise InputError(
            "不是有效的 Excel (.xlsx) 文件", f"not a valid Excel (.xlsx) file: {exc}", file=file
        ) from None
    except Exception as exc:  # openpyxl raises many kinds on mangled archives
        raise InputError(
            "不是有效的 Excel (.xlsx) 文件", f"not a valid Excel (.xlsx) file: {exc}", file=file
        ) from None
    names = wb.sheetnames
    if sheet is not None and sheet not in names:
        raise InputError("工作簿中没有该工作表", "no such sheet in the workbook", file=file, value=sheet)
    sheets = []
    try:
        for name in [sheet] if sheet is not None else names:
            ws = wb[name]
            # openpyxl yields rows; columns are transposed once into Arrow arrays (values are not inspected here)
            rows = list(ws.iter_rows(values_only=True))
            rows = [r for r in rows if r is not None and any(c is not None and str(c).strip() for c in r)]
            if not rows:
                continue
            header = [("" if c is None else str(c)).strip() for c in rows[0]]
            while header and header[-1] == "":
                header.pop()
            if not header or any(h == "" for h in header) or len(set(header)) != len(header):
                raise InputError(
                    "工作表表头缺失、为空或重复",
                    "sheet header missing, empty or duplicated",
                    file=f"{file}[{name}]",
                    row=1,
                )
            width = len(header)
            body = [tuple(r[:width]) + (None,) * (width - len(r)) for r in rows[1:]]
            cols = list(zip(*body, strict=True)) if body else [() for _ in header]
            arrays = [pa.array([_cell_text(v) for v in col], pa.string()) for col in cols]
            table = pa.Table.from_arrays(arrays, names=header)
            table = table.append_column("_row", pa.array(np.arange(2, len(body) + 2, dtype=np.int64)))
            sheets.append(Sheet(name, table, []))
    except InputError:
        raise
    except Exception as exc:
        raise InputError("Excel 工作表无法读取", f"Excel sheet unreadable: {exc}", file=file) from None
    finally:
        wb.close()
    if not sheets:
        raise InputError("工作簿没有数据", "workbook has no data", file=file)
    return ReadResult("xlsx", None, sheets)


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if hasattr(v, "isoformat"):
        return v.isoformat(sep=" ") if hasattr(v, "hour") else v.isoformat()  # type: ignore[union-attr,call-arg]
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return repr(v)
    return str(v)


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A Parquet column as the text the validation reads. Timestamps are written in a time format the layouts
    accept: ``YYYY-MM-DD HH:MM:SS`` (zone-less, taken as written) or ``YYYY-MM-DDTHH:MM:SSZ`` (with a zone,
    converted to UTC). Arrow's own cast gives ``2013-03-01 01:00:00.000000``, which no format matches; values
    with a fraction of a second keep that form and are rejected, located, rather than silently truncated."""
    t = column.type
    if pa.types.is_timestamp(t):
        try:
            whole = pa.compute.cast(column, pa.timestamp("s", tz=t.tz), safe=True)
        except pa.ArrowInvalid:
            return pa.compute.cast(column, pa.string())
        if t.tz is None:
            return pa.compute.strftime(whole, "%Y-%m-%d %H:%M:%S")
        utc = pa.compute.cast(whole, pa.timestamp("s", tz="UTC"))
        return pa.compute.strftime(utc, "%Y-%m-%dT%H:%M:%SZ")
    return column if t == pa.string() else pa.compute.cast(column, pa.string())


def read_parquet(data: bytes, *, file: str) -> ReadResult:
    """Read a Parquet file; every column is cast to text (timestamps: :func:`_as_text`) so the same validation
    applies."""
    try:
        table = pq.read_table(io.BytesIO(data))
        cols = [_as_text(c) for c in table.columns]
    except Exception as exc:
        raise InputError("不是有效的 Parquet 文件", f"not a valid Parquet file: {exc}", file=file) from None
    table = pa.Table.from_arrays(cols, names=table.column_names)
    table = pa.Table.from_arrays(
        [pa.compute.fill_null(c, "") for c in table.columns], names=table.column_names
    ).append_column("_row", pa.array(np.arange(2, table.num_rows + 2, dtype=np.int64)))
    return ReadResult("parquet", None, [Sheet("", table, [])])


def read_file(name: str, data: bytes, *, encoding: str | None = None, sheet: str | None = None) -> ReadResult:
    """Read any supported file (kind from magic bytes)."""
    kind = file_kind(name, data)
    if kind == "parquet":
        return read_parquet(data, file=name)
    if kind == "xlsx":
        return read_xlsx(data, file=name, sheet=sheet)
    return read_csv(data, file=name, encoding=encoding)
