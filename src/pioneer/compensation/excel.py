"""The agreement as an Excel workbook (the same fields as the YAML template), for bureaus that fill in tables.

Sheets: ``协议 agreement`` (field | value rows), ``断面 sections`` (one row per section: ``station``,
``target_class``, then ``baseline:<item>`` columns), ``条款 terms`` (one row per term: ``kind``, ``label`` and the
parameters; a mapping is written ``codmn=0.25; tp=0.3``, a list ``cod, nh3_n``). Row 1 holds the headers.
Problems are located as ``sheet!column`` and the sheet's row (header = row 1); nothing is entered unless the whole
workbook is valid (the service then checks it against the registry like any other agreement).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pioneer.compensation.schemas import AgreementCreate, Term
from pioneer.errors import InputError
from pioneer.registry.errors import ImportFailedError

AGREEMENT_SHEET, SECTIONS_SHEET, TERMS_SHEET = "协议 agreement", "断面 sections", "条款 terms"
AGREEMENT_FIELDS = ("code", "name", "basin", "upstream", "downstream", "start_year", "end_year", "unit", "min_months",
                    "document.title", "document.signed", "document.number", "document.source", "document.confidence",
                    "note")  # fmt: skip
TERM_FIELDS = tuple(Term.model_fields)
MAPPINGS = ("weights", "reference")
LISTS = ("class_items", "items")


def _text(v: Any) -> str:
    return "" if v is None else str(v).strip()


def _mapping(text: str) -> dict[str, float]:
    out = {}
    for part in filter(None, (p.strip() for p in text.replace("；", ";").split(";"))):
        key, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"'{part}' is not item=value")
        out[key.strip()] = float(value)
    return out


def write_workbook(data: AgreementCreate, path: str | Path) -> Path:
    """Write ``data`` as a workbook (atomically)."""
    from openpyxl import Workbook

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = AGREEMENT_SHEET
    ws.append(["字段 field", "值 value"])
    flat = data.model_dump(mode="json")
    for f in AGREEMENT_FIELDS:
        head, _, sub = f.partition(".")
        ws.append([f, flat[head][sub] if sub else flat[head]])
    items = sorted({k for s in data.sections for k in s.baselines})
    ws = wb.create_sheet(SECTIONS_SHEET)
    ws.append(["station", "target_class", *[f"baseline:{i}" for i in items]])
    for s in data.sections:
        ws.append([s.station, s.target_class, *[s.baselines.get(i) for i in items]])
    ws = wb.create_sheet(TERMS_SHEET)
    ws.append(list(TERM_FIELDS))
    for t in data.terms:
        row = []
        for f in TERM_FIELDS:
            v = getattr(t, f)
            if f in MAPPINGS and v is not None:
                v = "; ".join(f"{k}={x:g}" for k, x in v.items())
            elif f in LISTS and v is not None:
                v = ", ".join(v)
            elif f == "kind":
                v = v.value
            row.append(v)
        ws.append(row)
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)
    return path


def read_workbook(path: str | Path) -> AgreementCreate:
    """Read and validate a workbook; every problem is located (sheet!column, row).

    Raises
    ------
    ImportFailedError
        listing each problem (missing sheet, unknown field, a number or mapping that cannot be read, a field the
        agreement needs).
    """
    from openpyxl import load_workbook

    path = Path(path)
    name = path.name
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a file that is not a workbook
        raise ImportFailedError(name, [InputError("无法读取 Excel 文件（须为 .xlsx）", f"cannot read the Excel file "
                                                  f"(.xlsx expected): {exc}", file=name)]) from None  # fmt: skip
    problems: list[InputError] = []
    where: dict[tuple[str, ...], tuple[str, int | None]] = {}  # pydantic location → (sheet!column, row)
    sheets = {}
    for title in (AGREEMENT_SHEET, SECTIONS_SHEET, TERMS_SHEET):
        if title not in wb.sheetnames:
            problems.append(InputError(f"缺少工作表 “{title}”", f"sheet '{title}' missing", file=name))
        else:
            sheets[title] = [list(r) for r in wb[title].iter_rows(values_only=True)]
    if problems:
        raise ImportFailedError(name, problems)
    raw: dict[str, Any] = {"document": {}}
    for i, row in enumerate(sheets[AGREEMENT_SHEET][1:], start=2):
        field, value = _text(row[0] if row else None), row[1] if len(row) > 1 else None
        if not field:
            continue
        if field not in AGREEMENT_FIELDS:
            problems.append(InputError("未知字段", "unknown field", file=name, row=i, column=f"{AGREEMENT_SHEET}!A",
                                       value=field))  # fmt: skip
            continue
        head, _, sub = field.partition(".")
        target = raw["document"] if sub else raw
        if value is not None and _text(value) != "":
            target[sub or head] = (
                _text(value) if head not in ("start_year", "end_year", "min_months") else value
            )
        where[(head, sub) if sub else (head,)] = (f"{AGREEMENT_SHEET}!B", i)
    rows = sheets[SECTIONS_SHEET]
    heads = [_text(h) for h in (rows[0] if rows else [])]
    raw["sections"] = []
    for i, row in enumerate(rows[1:], start=2):
        if not any(_text(v) for v in row):
            continue
        sec: dict[str, Any] = {"baselines": {}}
        k = len(raw["sections"])
        for h, v in zip(heads, row, strict=False):
            if h.startswith("baseline:"):
                if _text(v):
                    try:
                        sec["baselines"][h.split(":", 1)[1]] = float(v)
                    except (TypeError, ValueError):
                        problems.append(InputError("须为数值", "must be a number", file=name, row=i,
                                                   column=f"{SECTIONS_SHEET}!{h}", value=v))  # fmt: skip
            elif h in ("station", "target_class"):
                if _text(v):
                    sec[h] = _text(v)
                where[("sections", k, h)] = (f"{SECTIONS_SHEET}!{h}", i)
            elif h:
                problems.append(InputError("未知的列", "unknown column", file=name, row=1,
                                           column=f"{SECTIONS_SHEET}!{h}"))  # fmt: skip
        where[("sections", k)] = (f"{SECTIONS_SHEET}!station", i)
        raw["sections"].append(sec)
    rows = sheets[TERMS_SHEET]
    heads = [_text(h) for h in (rows[0] if rows else [])]
    raw["terms"] = []
    for i, row in enumerate(rows[1:], start=2):
        if not any(_text(v) for v in row):
            continue
        term: dict[str, Any] = {}
        k = len(raw["terms"])
        for h, v in zip(heads, row, strict=False):
            if not h:
                continue
            if h not in TERM_FIELDS:
                problems.append(
                    InputError("未知的列", "unknown column", file=name, row=1, column=f"{TERMS_SHEET}!{h}")
                )
                continue
            where[("terms", k, h)] = (f"{TERMS_SHEET}!{h}", i)
            if not _text(v):
                continue
            try:
                if h in MAPPINGS:
                    term[h] = _mapping(_text(v))
                elif h in LISTS:
                    term[h] = [x.strip() for x in _text(v).replace("，", ",").split(",") if x.strip()]
                elif h == "whole_points":
                    term[h] = _text(v).lower() in ("1", "true", "yes", "是", "y")
                elif h in ("kind", "label"):
                    term[h] = _text(v)
                else:
                    term[h] = float(v)
            except (TypeError, ValueError) as exc:
                problems.append(InputError("无法读取该单元格", f"cannot read the cell: {exc}", file=name, row=i,
                                           column=f"{TERMS_SHEET}!{h}", value=v))  # fmt: skip
        where[("terms", k)] = (f"{TERMS_SHEET}!kind", i)
        raw["terms"].append(term)
    if problems:
        raise ImportFailedError(name, problems)
    try:
        return AgreementCreate.model_validate(raw)
    except ValidationError as exc:
        errors = []
        for e in exc.errors():
            loc = tuple(e["loc"])
            fallback = (f"{AGREEMENT_SHEET}!{'.'.join(str(p) for p in loc)}", None)
            col, row = next((where[loc[:n]] for n in range(len(loc), 0, -1) if loc[:n] in where), fallback)
            errors.append(InputError(f"字段缺失或无效（{e['type']}）：{e['msg']}", e["msg"], file=name, row=row,
                                     column=col))  # fmt: skip
        raise ImportFailedError(name, errors) from None
