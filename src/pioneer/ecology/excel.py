"""Excel workbook of the ecology registers: the empty template, an export of stored rows, the import.

One sheet per register (:data:`pioneer.ecology.registers.REGISTERS`), Chinese headers in row 1 (the field keys
are accepted too), data from row 2 — error messages name the file, sheet, row as Excel shows it and the Chinese
header. The file is read by the lake's Excel reader (:func:`pioneer.lake.readers.read_xlsx`, every cell as
text); sheets not named after a register (``说明``) are ignored. An import is all or nothing
(:func:`pioneer.ecology.service.save_batch`); the export re-imports unchanged.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.styles import Font, PatternFill
from sqlalchemy.orm import Session

from pioneer.ecology import service
from pioneer.ecology.choices import LABELS_EN
from pioneer.ecology.registers import REGISTERS, Register
from pioneer.errors import InputError
from pioneer.guard.cells import neutral_row
from pioneer.lake.readers import read_xlsx
from pioneer.registry.permissions import Actor

SHEETS = {r.sheet: r for r in REGISTERS.values()}


def _write(path: Path, rows: dict[str, pd.DataFrame]) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for reg in REGISTERS.values():
        ws = wb.create_sheet(reg.sheet)
        ws.append([f.zh for f in reg.fields])
        for c in ws[1]:
            c.font = Font(bold=True)
            c.fill = PatternFill("solid", fgColor="DDEBF7")
        frame = rows.get(reg.name)
        if frame is not None:
            for r in (
                frame[reg.keys].astype(object).where(frame[reg.keys].notna(), None).itertuples(index=False)
            ):
                ws.append(neutral_row([_cell(v) for v in r]))  # a name "=…" stays text (pioneer.guard.cells)
        for i, f in enumerate(reg.fields, start=1):
            ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = max(12, 2 * len(f.zh) + 2)
        ws.freeze_panes = "A2"
    notes = wb.create_sheet("说明")
    notes.append(
        ["工作表 / sheet", "字段 / field", "必填 / required", "可选值或单位 / allowed values or unit"]
    )
    for reg in REGISTERS.values():
        for f in reg.fields:
            allowed = "; ".join(f"{k} = {v} ({LABELS_EN.get(k, k)})" for k, v in f.choices.items())
            kind = {"bool": "是/否", "date": "YYYY-MM-DD", "code6": "GB/T 2260 6位代码",
                    "codes6": "逗号分隔的 GB/T 2260 代码"}.get(f.kind, "")  # fmt: skip
            notes.append([reg.sheet, f"{f.zh} / {f.en}", "是" if f.required else "", allowed or kind])
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)


def _cell(v: object) -> object:
    if isinstance(v, bool):
        return "是" if v else "否"
    return v


def write_template(path: str | Path) -> Path:
    """The empty workbook: one sheet per register with its headers, and ``说明`` with the allowed values."""
    path = Path(path)
    _write(path, {})
    return path


def export_registers(session: Session, path: str | Path, *, division: str | None = None) -> dict[str, int]:
    """Stored rows (within ``division`` when given) in the template's layout; returns rows per register."""
    path = Path(path)
    rows = {name: service.list_rows(session, name, division=division) for name in REGISTERS}
    _write(path, rows)
    return {name: len(f) for name, f in rows.items()}


def read_workbook(path: str | Path) -> dict[str, pd.DataFrame]:
    """The register sheets of a filled workbook as text frames keyed by field, with ``_row`` = the Excel row."""
    path = Path(path)
    result = read_xlsx(path.read_bytes(), file=path.name)
    frames: dict[str, pd.DataFrame] = {}
    for sheet in result.sheets:
        reg: Register | None = SHEETS.get(sheet.name)
        if reg is None:
            continue
        df = sheet.table.to_pandas()
        by_header = {f.zh: f.key for f in reg.fields} | {f.key: f.key for f in reg.fields}
        unknown = [c for c in df.columns if c != "_row" and c not in by_header]
        if unknown:
            raise InputError(f"工作表 “{reg.sheet}” 有未知列 {', '.join(unknown)}",
                             f"sheet '{reg.sheet}' has unknown columns {', '.join(unknown)}",
                             file=f"{path.name}#{reg.sheet}", row=1)  # fmt: skip
        df = df.rename(columns=by_header)
        missing = [f.zh for f in reg.fields if f.required and f.key not in df.columns]
        if missing:
            raise InputError(f"工作表 “{reg.sheet}” 缺少必填列 {', '.join(missing)}",
                             f"sheet '{reg.sheet}' lacks required columns {', '.join(missing)}",
                             file=f"{path.name}#{reg.sheet}", row=1)  # fmt: skip
        if len(df):
            frames[reg.name] = df
    if not frames:
        raise InputError("工作簿中没有台账数据行", "the workbook has no register rows", file=path.name)
    return frames


def import_workbook(session: Session, path: str | Path, /, *, actor: Actor,
                    record: service.Record = service._no_record) -> dict[str, int]:  # fmt: skip
    """Check every sheet and save all of them, or nothing (``ImportFailedError`` lists every located error)."""
    path = Path(path)
    return service.save_batch(session, read_workbook(path), actor=actor, record=record, file=path.name)
