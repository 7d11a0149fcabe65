"""Excel template of major projects: write an empty template, export stored projects, import a filled file.

Layout (sheets ``项目``, ``预期指标``, ``里程碑`` and a read-only ``说明``): row 1 holds the Chinese headers, row 2
the field keys the reader uses, data start in row 3 — error messages give the sheet, the row number as Excel
shows it, and the Chinese column header. An import is all or nothing: every problem of the file is listed
(:class:`~pioneer.plans.errors.ValidationErrors`) and nothing is written unless there is none.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.styles import Font, PatternFill
from sqlalchemy.orm import Session

from pioneer.errors import InputError
from pioneer.guard.cells import neutral_row
from pioneer.guard.excel import open_workbook
from pioneer.plans import service
from pioneer.plans.choices import Category, FundingSource, ProjectStatus, name
from pioneer.plans.errors import ValidationErrors
from pioneer.plans.models import Project
from pioneer.plans.schemas import MilestoneIn, ProjectCreate, ProjectIndicatorIn
from pioneer.registry.permissions import Actor

SHEETS = ("项目", "预期指标", "里程碑")
LAYOUT = {SHEETS[0]: service.PROJECT_COLUMNS, SHEETS[1]: service.INDICATOR_COLUMNS,
          SHEETS[2]: service.MILESTONE_COLUMNS}  # fmt: skip
FIRST_DATA_ROW = 3


def _sheet(
    wb: openpyxl.Workbook, title: str, columns: dict[str, tuple[str, str]], rows: list[dict[str, Any]]
):
    ws = wb.create_sheet(title)
    ws.append([zh for zh, _ in columns.values()])
    ws.append(list(columns))
    for c in ws[1]:
        c.font = Font(bold=True)
    for c in ws[2]:
        c.font = Font(color="808080", size=8)
        c.fill = PatternFill("solid", fgColor="EEEEEE")
    for r in rows:
        ws.append(neutral_row([r.get(k) for k in columns]))  # a name "=…" stays text (pioneer.guard.cells)
    for i, (zh, _) in enumerate(columns.values(), start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = max(12, 2 * len(zh) + 2)
    ws.freeze_panes = "A3"


def _write(path: Path, projects: list[dict], indicators: list[dict], milestones: list[dict]) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in zip(SHEETS, (projects, indicators, milestones), strict=True):
        _sheet(wb, title, LAYOUT[title], rows)
    notes = wb.create_sheet("说明")
    notes.append(["字段 / field", "可选值 / allowed values"])
    notes.append(["项目类别 category", "; ".join(f"{c.value} = {name(c.value)}" for c in Category)])
    notes.append(["状态 status", "; ".join(f"{s.value} = {name(s.value)}" for s in ProjectStatus)])
    notes.append(
        ["资金来源 funding", "; ".join(f"funding_{s.value} = {name(s.value)}" for s in FundingSource)]
    )
    notes.append(["金额单位 unit", "万元（各资金来源之和须等于总投资 / sources add up to the total）"])
    notes.append(["日期 dates", "YYYY-MM-DD；完工日期不早于开工日期 / end not before start"])
    notes.append(["第 2 行 row 2", "字段代码，请勿修改 / field keys, do not edit"])
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)


def write_template(path: str | Path) -> Path:
    """An empty template (headers and the allowed values)."""
    path = Path(path)
    _write(path, [], [], [])
    return path


def export_projects(session: Session, path: str | Path, *, zone_code: str | None = None,
                    zone_codes: set[str] | None = None) -> int:  # fmt: skip
    """Stored projects (of one zone, or all; only of ``zone_codes`` when given — the zones the reader may see)
    in the template's layout; re-importing the file changes nothing."""
    path = Path(path)
    items = service.list_projects(session, zone_code=zone_code)
    if zone_codes is not None:
        items = [p for p in items if p.zone_code in zone_codes]
    prows, irows, mrows = [], [], []
    for p in items:
        row = {f: getattr(p, f) for f in service.PROJECT_COLUMNS if hasattr(Project, f)}
        row.update({f"funding_{f.source}": f.amount for f in p.funding})
        prows.append(row)
        irows += [{"project_code": p.code, "indicator": i.indicator, "expected_change": i.expected_change}
                  for i in p.indicators]  # fmt: skip
        mrows += [{"project_code": p.code, "name": m.name, "due_date": m.due_date, "done_date": m.done_date}
                  for m in p.milestones]  # fmt: skip
    _write(path, prows, irows, mrows)
    return len(items)


def read_sheets(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The three sheets as frames keyed by field, with ``_row`` = the Excel row number; blank rows dropped."""
    path = Path(path)
    try:
        wb = open_workbook(path)  # bounded: dimensions, cells, expansion, uncached formulas
    except InputError:
        raise
    except Exception as exc:  # not an xlsx file, corrupt …
        raise InputError("无法读取 Excel 文件（须为 .xlsx）", f"cannot read the Excel file (.xlsx expected): {exc}",
                         file=path.name) from None  # fmt: skip
    frames = []
    for title in SHEETS:
        cols = LAYOUT[title]
        if title not in wb.sheetnames:
            raise InputError(f"缺少工作表 “{title}”", f"sheet '{title}' missing", file=path.name)
        rows = list(wb[title].iter_rows(values_only=True))
        keys = [str(k).strip() if k is not None else "" for k in (rows[1] if len(rows) > 1 else ())]
        missing = [k for k in cols if k not in keys]
        if missing:
            raise InputError(f"工作表 “{title}” 第 2 行缺少字段 {', '.join(missing)}",
                             f"sheet '{title}' row 2 lacks fields {', '.join(missing)}", file=path.name, row=2)  # fmt: skip
        data = [list(r) + [None] * (len(keys) - len(r)) for r in rows[FIRST_DATA_ROW - 1 :]]
        f = pd.DataFrame(data, columns=keys, dtype=object)[list(cols)]
        f["_row"] = np.arange(FIRST_DATA_ROW, FIRST_DATA_ROW + len(f))
        blank = f[list(cols)].map(lambda v: v is None or (isinstance(v, str) and not v.strip())).all(axis=1)
        frames.append(f[~blank].reset_index(drop=True))
    wb.close()
    return frames[0], frames[1], frames[2]


def _date(v: Any) -> dt.date | None:
    if v is None or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and not v.strip()):
        return None
    return pd.Timestamp(v).date()


def _num(v: Any) -> float | None:
    x = pd.to_numeric(pd.Series([v]), errors="coerce").iloc[0]
    return None if pd.isna(x) else float(x)


def to_items(
    projects: pd.DataFrame, indicators: pd.DataFrame, milestones: pd.DataFrame
) -> list[ProjectCreate]:
    """Validated frames → the API's ``ProjectCreate`` objects (only called when there is no problem)."""
    by_code_i = {str(k).strip(): g.to_dict("records") for k, g in indicators.groupby("project_code")}
    by_code_m = {str(k).strip(): g.to_dict("records") for k, g in milestones.groupby("project_code")}
    out = []
    for r in projects.to_dict("records"):
        code = str(r["code"]).strip()
        out.append(ProjectCreate(
            code=code, zone_code=str(r["zone_code"]).strip(), name=str(r["name"]).strip(), category=str(r["category"]),
            division_code=str(r["division_code"]).split(".")[0].zfill(6), longitude=_num(r["longitude"]),
            latitude=_num(r["latitude"]), total_investment=_num(r["total_investment"]),
            funding={FundingSource(s): a for s in service.FUNDING if (a := _num(r[f"funding_{s}"]))},
            start_date=_date(r["start_date"]), end_date=_date(r["end_date"]),
            status=str(r["status"]) if not service._missing(r["status"]) else ProjectStatus.PLANNED.value,
            description="" if service._missing(r["description"]) else str(r["description"]),
            indicators=[ProjectIndicatorIn(indicator=str(i["indicator"]), expected_change=_num(i["expected_change"]))
                        for i in by_code_i.get(code, [])],
            milestones=[MilestoneIn(name=str(m["name"]), due_date=_date(m["due_date"]), done_date=_date(m["done_date"]))
                        for m in by_code_m.get(code, [])],
        ))  # fmt: skip
    return out


def import_projects(session: Session, path: str | Path, /, *, actor: Actor,
                    record: service.Record = service._no_record) -> list[Project]:  # fmt: skip
    """Validate a filled template and save its projects (replacing stored projects with the same code), all or
    nothing. Raises :class:`ValidationErrors` listing every located problem before anything is written."""
    path = Path(path)
    p, i, m = read_sheets(path)
    if p.empty:
        raise ValidationErrors([InputError("工作表 “项目” 没有数据行", "sheet '项目' has no data rows", file=path.name,
                                           row=FIRST_DATA_ROW)], file=path.name)  # fmt: skip
    for f in ("code", "zone_code"):
        p[f] = p[f].map(lambda v: v.strip() if isinstance(v, str) else v)
    i["project_code"] = i["project_code"].map(lambda v: v.strip() if isinstance(v, str) else v)
    m["project_code"] = m["project_code"].map(lambda v: v.strip() if isinstance(v, str) else v)
    problems = service.project_problems(session, p, i, m, file=path.name, sheets=SHEETS)
    if problems:
        raise ValidationErrors(problems, file=path.name)
    return service.save_projects(session, to_items(p, i, m), actor=actor, record=record, file=path.name)
