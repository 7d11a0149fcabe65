"""Bounded reading of the Excel workbooks users give Pioneer: every reader calls :func:`check_workbook` (or opens
through :func:`open_workbook`) before openpyxl or pandas sees the file.

An ``.xlsx`` file is a ZIP archive of XML parts (ECMA-376 Part 2, Open Packaging Conventions; Part 1 §18.3 for
worksheets). What is refused, each with a located bilingual error (file, sheet, cell):

* not a ZIP archive, or a damaged one;
* more than :data:`MAX_PARTS` parts, more than :data:`MAX_UNCOMPRESSED` bytes once uncompressed, or a part larger
  than 1 MiB that expands more than :data:`MAX_RATIO` times (a "zip bomb");
* a worksheet whose declared ``<dimension ref=…>`` spans more than :data:`MAX_COLUMNS` columns or
  :data:`MAX_CELLS` cells — openpyxl's read-only mode pads every row to the declared width, so a 20 KB file
  declaring ``A1:XFD3000`` used to cost 380 MB;
* a worksheet with more than :data:`MAX_CELLS` actual cells;
* a formula cell without a cached value (``<f>`` and no ``<v>``, ECMA-376 Part 1 §18.3.1.40): read with
  ``data_only`` it would silently become a missing value. A formula *with* its cached value (what Excel and
  LibreOffice save) is read as that value — a documented acceptance.

The limits are Pioneer's own choices (docs/security.md), sized for the largest sheets the readers expect
(a province-year of hourly station data, ≈ 2 million cells).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pioneer.errors import InputError

MAX_PARTS = 10_000
MAX_UNCOMPRESSED = 512 * 1024 * 1024  # [bytes]
MAX_RATIO = 200
MAX_COLUMNS = 1_024  # Excel allows 16 384 (XFD); no Pioneer layout has more than a few dozen
MAX_CELLS = 20_000_000
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")


class WorkbookRefused(InputError):
    """A workbook refused before it was opened (see the module doc)."""


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def declared_size(ref: str) -> tuple[int, int]:
    """(columns, rows) spanned by a dimension reference such as ``A1:XFD3000`` (``A1`` alone: one cell).

    Examples
    --------
    >>> declared_size("A1:XFD3000")
    (16384, 3000)
    >>> declared_size("B2")
    (1, 1)
    """
    parts = ref.upper().split(":")
    cells = [_REF.match(p.strip()) for p in parts]
    if not cells or any(c is None for c in cells):
        return (0, 0)
    first = cells[0]
    last = cells[-1]
    assert first is not None and last is not None
    cols = abs(_column_number(last.group(1)) - _column_number(first.group(1))) + 1
    rows = abs(int(last.group(2)) - int(first.group(2))) + 1
    return cols, rows


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part name → sheet name as Excel shows it (from workbook.xml and its relationships)."""
    try:
        book = zf.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        return {}
    targets = {
        m.group(1): m.group(2)
        for m in re.finditer(r'<Relationship\b[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels)
    }
    targets |= {
        m.group(2): m.group(1)
        for m in re.finditer(r'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)
    }
    out = {}
    for m in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", book):
        attrs = m.group(1)
        name = re.search(r'\bname="([^"]*)"', attrs)
        rid = re.search(r'\br:id="([^"]*)"|\bid="([^"]*)"', attrs)
        if name and rid:
            target = targets.get(rid.group(1) or rid.group(2) or "", "")
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            out[part] = name.group(1)
    return out


def check_workbook(source: bytes | str | Path, *, file: str | None = None) -> None:
    """Refuse a workbook that cannot be read within the bounds above; return quietly otherwise.

    Parameters
    ----------
    source : bytes or path
        The ``.xlsx`` file's bytes or its path.
    file : str, optional
        The name to cite in errors (default: the path's name).

    Raises
    ------
    WorkbookRefused
        Located, bilingual (file, sheet, cell), nothing read beyond the first problem's part.
    """
    name = file or (Path(source).name if not isinstance(source, bytes) else "upload.xlsx")
    handle: Any = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        zf = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise WorkbookRefused("无法读取 Excel 文件：不是有效的 Excel (.xlsx) 文件（应为 ZIP 包）",
                              "cannot read the Excel file: not a valid Excel (.xlsx) file (a ZIP archive is expected)",
                              file=name) from None  # fmt: skip
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_PARTS:
            raise WorkbookRefused(f"Excel 文件的部件过多（{len(infos)}，上限 {MAX_PARTS}）",
                                  f"too many parts in the workbook ({len(infos)}, limit {MAX_PARTS})", file=name)  # fmt: skip
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED:
            raise WorkbookRefused(f"Excel 文件解压后过大（{total // 2**20} MB，上限 {MAX_UNCOMPRESSED // 2**20} MB）",
                                  f"workbook too large once uncompressed ({total // 2**20} MB, limit "
                                  f"{MAX_UNCOMPRESSED // 2**20} MB)", file=name)  # fmt: skip
        for i in infos:
            if i.file_size > 2**20 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
                raise WorkbookRefused(f"Excel 文件部件 {i.filename} 压缩比异常（疑似压缩炸弹）",
                                      f"part {i.filename} expands {i.file_size // max(i.compress_size, 1)}× "
                                      f"(limit {MAX_RATIO}×; a zip bomb?)", file=name)  # fmt: skip
        names = _sheet_names(zf)
        for i in infos:
            if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml"):
                _check_sheet(zf, i, names.get(i.filename, i.filename), name)


def _stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes as they decompress, never more than its declared size (a lying header is an error)."""
    seen = 0
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            seen += len(chunk)
            if seen > info.file_size:
                raise zipfile.BadZipFile("part longer than declared")
            yield chunk


def _check_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str, file: str) -> None:
    """Declared dimension, actual cell count and formulas without cached values of one worksheet part."""
    try:
        head = b"".join(_first(zf, info, 4096))
        dim = re.search(rb'<(?:\w+:)?dimension\s+ref="([^"]+)"', head)
        if dim:
            cols, rows = declared_size(dim.group(1).decode("ascii", "replace"))
            if cols > MAX_COLUMNS or cols * rows > MAX_CELLS:
                raise WorkbookRefused(
                    f"工作表 “{sheet}” 声明的范围 {dim.group(1).decode()} 过大（{cols} 列 × {rows} 行；上限 {MAX_COLUMNS} 列、"
                    f"{MAX_CELLS} 个单元格）",
                    f"sheet '{sheet}' declares {dim.group(1).decode()} ({cols} columns × {rows} rows; limits "
                    f"{MAX_COLUMNS} columns, {MAX_CELLS} cells)", file=file)  # fmt: skip
        has_formula = False
        tail = b""
        for chunk in _stream(zf, info):
            window = tail + chunk
            if (
                b"<f>" in window
                or b"<f " in window
                or b"<f/>" in window
                or b":f>" in window
                or b":f " in window
            ):
                has_formula = True
                break
            tail = chunk[-8:]
        cells, uncached = _scan_cells(zf, info, deep=has_formula)
    except zipfile.BadZipFile as exc:
        raise WorkbookRefused(f"Excel 文件已损坏（工作表 “{sheet}”）", f"damaged workbook (sheet '{sheet}': {exc})",
                              file=file) from None  # fmt: skip
    if cells > MAX_CELLS:
        raise WorkbookRefused(f"工作表 “{sheet}” 单元格过多（{cells}，上限 {MAX_CELLS}）",
                              f"sheet '{sheet}' has too many cells ({cells}, limit {MAX_CELLS})", file=file)  # fmt: skip
    if uncached:
        shown = ", ".join(uncached[:10]) + (" …" if len(uncached) > 10 else "")
        raise WorkbookRefused(
            f"工作表 “{sheet}” 有 {len(uncached)} 个公式单元格没有计算结果（{shown}）：请在 Excel 或 LibreOffice 中打开并保存，"
            "或粘贴为数值后再上传",
            f"sheet '{sheet}' has {len(uncached)} formula cells without a computed value ({shown}): open and save the "
            "file in Excel or LibreOffice, or paste the values, then upload again",
            file=file, row=_row_of(uncached[0]))  # fmt: skip


def _first(zf: zipfile.ZipFile, info: zipfile.ZipInfo, n: int) -> Iterator[bytes]:
    with zf.open(info) as fh:
        yield fh.read(n)


def _row_of(ref: str) -> int | None:
    m = _REF.match(ref)
    return int(m.group(2)) if m else None


_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_HAS_F = re.compile(rb"<(?:\w+:)?f\b")
_HAS_V = re.compile(rb"<(?:\w+:)?v>[^<]")
_R = re.compile(rb'\br="([A-Z]{1,3}\d{1,7})"')


def _scan_cells(zf: zipfile.ZipFile, info: zipfile.ZipInfo, *, deep: bool) -> tuple[int, list[str]]:
    """Count the cells (``<c`` tags) of a worksheet; with ``deep``, also list the formula cells that have no
    cached value. A streamed scan of the part's bytes (memory bounded by one chunk and one cell)."""
    count = 0
    uncached: list[str] = []
    carry = b""
    for chunk in _stream(zf, info):
        buf = carry + chunk
        if not deep:
            count += buf.count(b"<c ") + buf.count(
                b"<c>"
            )  # a 3-byte tag never lies wholly in the 2-byte carry
            carry = buf[-2:]
            continue
        end = 0
        for m in _CELL.finditer(buf):
            count += 1
            body = m.group(2) or b""
            if _HAS_F.search(body) and not _HAS_V.search(body) and b'"inlineStr"' not in m.group(1):
                r = _R.search(m.group(1))
                uncached.append(r.group(1).decode() if r else "?")
            end = m.end()
        carry = buf[end:]
        if len(carry) > 1 << 20:  # one "cell" of more than 1 MiB: not a worksheet Pioneer reads
            raise zipfile.BadZipFile("a cell larger than 1 MiB")
    return count, uncached


def open_workbook(source: bytes | str | Path, *, file: str | None = None, read_only: bool = True,
                  data_only: bool = True) -> Any:  # fmt: skip
    """:func:`check_workbook`, then ``openpyxl.load_workbook`` (read-only, cached values by default)."""
    import openpyxl

    check_workbook(source, file=file)
    handle = io.BytesIO(source) if isinstance(source, bytes) else source
    return openpyxl.load_workbook(handle, read_only=read_only, data_only=data_only)
