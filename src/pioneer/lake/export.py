"""Open-data export: the best version of each value for a division and period, with a data dictionary and a
licence/provenance note in every export (CSV and Parquet: side files; Excel: extra sheets)."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pioneer.guard.cells import neutral, neutral_table
from pioneer.lake.query import in_divisions, versions
from pioneer.lake.storage import Lake

#: Data dictionary: medium → (column, type, unit, description zh, description en).
DICTIONARY: dict[str, list[tuple[str, str, str, str, str]]] = {
    "air": [
        (
            "station",
            "string",
            "",
            "国控/省控站点编码（CNEMC 编码，如 1001A）",
            "station code (CNEMC code, e.g. 1001A)",
        ),
        (
            "city",
            "string",
            "",
            "所在城市 6 位行政区划代码（GB/T 2260）",
            "6-digit city division code (GB/T 2260)",
        ),
        (
            "time",
            "timestamp",
            "",
            "北京时间，小时值以结束时刻标注（00:00–01:00 的值标为 01:00）",
            "China Standard Time, hourly value labelled by the hour it ends (00:00–01:00 → 01:00)",
        ),
        ("so2", "float64", "µg/m³", "二氧化硫 1 小时平均浓度", "sulphur dioxide, 1-h mean"),
        ("no2", "float64", "µg/m³", "二氧化氮 1 小时平均浓度", "nitrogen dioxide, 1-h mean"),
        ("co", "float64", "mg/m³", "一氧化碳 1 小时平均浓度", "carbon monoxide, 1-h mean"),
        ("o3", "float64", "µg/m³", "臭氧 1 小时平均浓度", "ozone, 1-h mean"),
        ("pm10", "float64", "µg/m³", "PM10 1 小时平均浓度", "PM10, 1-h mean"),
        ("pm2_5", "float64", "µg/m³", "PM2.5 1 小时平均浓度", "PM2.5, 1-h mean"),
        (
            "status",
            "string",
            "",
            "preliminary = 实时（未审核）；validated = 已审核",
            "preliminary (real-time) or validated",
        ),
        ("import_id", "string", "", "导入批次编号（见来源说明）", "import id (see the provenance note)"),
    ],
    "air_daily": [
        (
            "station",
            "string",
            "",
            "国控站点编码（CNEMC 编码，如 1001A）",
            "station code (CNEMC code, e.g. 1001A)",
        ),
        (
            "city",
            "string",
            "",
            "所在城市 6 位行政区划代码（GB/T 2260）",
            "6-digit city division code (GB/T 2260)",
        ),
        (
            "time",
            "timestamp",
            "",
            "北京时间，以结束该自然日的小时标注（次日 00:00 = 当日的日值）",
            "China Standard Time, labelled by the hour that closes the day (next day 00:00 = the day's value)",
        ),
        ("so2", "float64", "µg/m³", "二氧化硫 24 小时平均（HJ 663 日评价）", "sulphur dioxide, 24-h mean"),
        ("no2", "float64", "µg/m³", "二氧化氮 24 小时平均", "nitrogen dioxide, 24-h mean"),
        ("co", "float64", "mg/m³", "一氧化碳 24 小时平均", "carbon monoxide, 24-h mean"),
        ("pm10", "float64", "µg/m³", "PM10 24 小时平均", "PM10, 24-h mean"),
        ("pm2_5", "float64", "µg/m³", "PM2.5 24 小时平均", "PM2.5, 24-h mean"),
        (
            "o3_8h_max",
            "float64",
            "µg/m³",
            "臭氧日最大 8 小时滑动平均",
            "ozone, daily maximum 8-h moving mean",
        ),
        (
            "status",
            "string",
            "",
            "preliminary = 实时发布（未审核）；validated = 已审核",
            "preliminary (real-time release) or validated",
        ),
        ("import_id", "string", "", "导入批次编号（见来源说明）", "import id (see the provenance note)"),
    ],
    "water": [
        ("section", "string", "", "断面编码", "section code"),
        ("division", "string", "", "6 位行政区划代码", "6-digit division code"),
        ("time", "timestamp", "", "采样时间（北京时间）", "sampling time (China Standard Time)"),
        ("item", "string", "", "监测项目", "item"),
        (
            "value",
            "float64",
            "unit 列",
            "数值；检出限写法时为检出限",
            "value; the detection limit where flagged",
        ),
        (
            "flag",
            "string",
            "",
            "ND = 未检出；< 或 L = 低于检出限（value 为检出限）",
            "ND = not detected; < or L = below the detection limit given in value",
        ),
        ("raw", "string", "", "原始文本", "value as written in the source"),
        ("unit", "string", "", "单位", "unit"),
        ("status", "string", "", "preliminary / validated", "preliminary / validated"),
        ("import_id", "string", "", "导入批次编号", "import id"),
    ],
    "noise": [
        ("point", "string", "", "测点编码", "point code"),
        ("division", "string", "", "6 位行政区划代码", "6-digit division code"),
        (
            "zone_class",
            "string",
            "",
            "声环境功能区类别（GB 3096-2008 第4章）",
            "functional zone class (GB 3096-2008 §4)",
        ),
        ("time", "timestamp", "", "测量时间（北京时间）", "measurement time (China Standard Time)"),
        ("leq", "float64", "dB(A)", "等效连续 A 声级", "equivalent continuous A-weighted sound level"),
        ("status", "string", "", "preliminary / validated", "preliminary / validated"),
        ("import_id", "string", "", "导入批次编号", "import id"),
    ],
}
PLACE = {"air": "city", "air_daily": "city", "water": "division", "noise": "division"}
FORMATS = ("csv", "parquet", "xlsx")


def dictionary_table(medium: str) -> pa.Table:
    cols = list(zip(*DICTIONARY[medium], strict=True))
    names = ["column", "type", "unit", "description_zh", "description_en"]
    return pa.table(dict(zip(names, [list(c) for c in cols], strict=True)))


def export_table(
    lake: Lake | None,
    medium: str,
    *,
    division: str | Sequence[str] | None = None,
    start: Any = None,
    end: Any = None,
    status: str = "best",
) -> pa.Table:
    """The rows an export contains (best version per key unless ``status`` says otherwise), sorted."""
    return export_expr(lake, medium, division=division, start=start, end=end, status=status).to_pyarrow()


def export_expr(lake: Lake | None, medium: str, *, division: str | Sequence[str] | None = None, start: Any = None,
                end: Any = None, status: str = "best") -> Any:  # fmt: skip
    """The Ibis expression of :func:`export_table` (for streaming it in batches). ``division``: one division
    code or several (a region zone's), each with the divisions beneath it (:func:`pioneer.lake.query.in_divisions`);
    none for everything."""
    t = versions(lake, medium, status=status, start=start, end=end)
    codes = [division] if isinstance(division, str) else list(division or [])
    codes = [c for c in codes if c]
    if codes:
        t = t.filter(in_divisions(t[PLACE[medium]], codes))
    cols = [c for c, *_ in DICTIONARY[medium]]
    key = {"air": ["station", "time"], "air_daily": ["station", "time"], "water": ["section", "time", "item"],
           "noise": ["point", "time"]}[medium]  # fmt: skip
    return t.select(*cols).order_by(key)


def licence_note(lake: Lake, table: pa.Table, medium: str, **query: Any) -> str:
    ids = set(pc.unique(table["import_id"]).to_pylist()) if table.num_rows else set()
    recs = [r for r in lake.records() if r["import_id"] in ids]
    lines = [
        "Pioneer open-data export / 开放数据导出",
        f"medium: {medium}; query: {json.dumps(query, ensure_ascii=False, default=str)}; rows: {table.num_rows}",
        f"exported at (UTC): {dt.datetime.now(dt.UTC).isoformat()}",
        "",
        "Licence / 许可: each source's licence applies to its values (listed below). Where a source states none,",
        "the publishing bureau must set one before release. 各数据来源的许可见下；未声明许可的来源，须由发布单位确定后再公开。",
        "",
        "Sources (provenance) / 数据来源:",
    ]
    for r in recs:
        lines.append(
            f"- import {r['import_id']}: file {r['file']} (sha256 {r['sha256']}), layout {r['layout']}, "
            f"source: {r.get('source') or 'not stated / 未声明'}, licence: {r.get('licence') or 'not stated / 未声明'}"
        )
    return "\n".join(lines) + "\n"


def export(
    output: str | Path,
    *,
    medium: str,
    fmt: str = "csv",
    lake: Lake | None = None,
    division: str | None = None,
    start: Any = None,
    end: Any = None,
) -> list[Path]:
    """Write an export (data + dictionary + licence note); returns the files written. Each file is written to
    a temporary name first and renamed, so a failed export leaves no partial file."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    lake = lake or Lake()
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    table = export_table(lake, medium, division=division, start=start, end=end)
    note = licence_note(lake, table, medium, division=division, start=start, end=end)
    dictionary = dictionary_table(medium)
    written: list[Path] = []

    def atomic(path: Path, write: Any) -> None:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        os.close(fd)
        try:
            write(tmp)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(path)

    if fmt == "xlsx":
        atomic(out, lambda p: _write_xlsx(p, table, dictionary, note))
        return written
    dict_path = out.with_name(out.stem + ".dictionary.csv")
    licence_path = out.with_name(out.stem + ".LICENSE.txt")
    if fmt == "csv":
        atomic(out, lambda p: pacsv.write_csv(csv_ready(table), p))
    else:
        meta = {
            b"pioneer.dictionary": json.dumps(dictionary.to_pylist(), ensure_ascii=False).encode(),
            b"pioneer.licence": note.encode(),
        }
        atomic(out, lambda p: pq.write_table(table.replace_schema_metadata(meta), p))
    atomic(dict_path, lambda p: pacsv.write_csv(neutral_table(dictionary), p))
    atomic(licence_path, lambda p: Path(p).write_text(note, encoding="utf-8"))
    return written


def csv_ready(table: pa.Table) -> pa.Table:
    """Times as text, and text a spreadsheet would take for a formula with a leading ``'``
    (``pioneer.guard.cells``: station names and sources are user data)."""
    i = table.schema.get_field_index("time")
    return neutral_table(table.set_column(
        i, "time", pc.strftime(table["time"].cast(pa.timestamp("s")), "%Y-%m-%d %H:%M:%S")
    ))  # fmt: skip


def _write_xlsx(path: str, table: pa.Table, dictionary: pa.Table, note: str) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    for title, t in (("data", csv_ready(table)), ("dictionary", neutral_table(dictionary))):
        ws = wb.create_sheet(title)
        ws.append(t.column_names)
        for row in zip(*[c.to_pylist() for c in t.columns], strict=True):
            ws.append(list(row))
    ws = wb.create_sheet("licence")
    for line in note.splitlines():
        ws.append([neutral(line)])
    wb.save(path)
