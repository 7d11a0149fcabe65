"""开放数据 ``/open-data``: public downloads without login — monitoring data of the lake by medium, month and
division (CSV streamed batch by batch from DuckDB, or Parquet) and the stored indicator values (CSV or XLSX),
each with its data dictionary, licence statement and provenance (import ids, file sha256).

What is public (docs/web.md, "Open data"): station-day values of the national release (``air_daily``, the CNEMC
real-time release, already public on /rankings) in their best version, and of the other media only rows a bureau
has marked ``validated``; preliminary uploads stay behind login (``/api/v1/lake``). Every text cell goes through
the formula rule (``pioneer.guard.cells``); sizes and concurrency are bounded by ``web.security``."""

from __future__ import annotations

import calendar
import datetime as dt
import io
import json
import threading
import weakref
from collections.abc import Iterator
from typing import Annotated, Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from fastapi import APIRouter, Query, Request
from fastapi import Path as FastPath
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from pioneer.errors import PioneerError
from pioneer.guard.cells import neutral, neutral_table
from pioneer.guard.codes import DIVISION_CODE_OR_EMPTY_PATTERN
from pioneer.indicators import store
from pioneer.lake import export as lake_export
from pioneer.lake.storage import Lake
from pioneer.standards import divisions as gbt2260
from pioneer.web import assess, auth, national, services
from pioneer.web.api.common import MEDIA
from pioneer.web.deps import DB, CurrentUser
from pioneer.web.render import render
from pioneer.web.security import OPEN_DATA_MAX_ROWS, OPEN_DATA_SLOTS

router = APIRouter(include_in_schema=False)
MEDIA_PUBLIC = ("air_daily", "air", "water", "noise")
PUBLIC_STATUS = {"air_daily": "best", "air": "validated", "water": "validated", "noise": "validated"}
_slots = threading.BoundedSemaphore(OPEN_DATA_SLOTS)

LICENCE_ZH = (
    "本平台编制的指标数值、数据字典和说明文字以知识共享署名 4.0 国际许可协议（CC BY 4.0）开放：可复制、分发、改编和商业利用，"
    "须注明“美丽中国先行区建设管理与评估平台”及数据来源。监测数据仍适用其来源的条款（见每个文件的来源说明）："
    "中国环境监测总站实时发布数据须注明“中国环境监测总站实时发布”，为未经审核的实时数据，正式月度结果以审核数据为准。"
)
LICENCE_EN = (
    "Indicator values, data dictionaries and notes compiled by this platform are open under the Creative Commons "
    "Attribution 4.0 International licence (CC BY 4.0): copy, redistribute, adapt and use commercially, crediting "
    "the Beautiful China Pioneer Zone platform and the data sources. Monitoring data keep their sources' terms "
    "(see each file's provenance note): CNEMC real-time release values must be attributed to \u201cChina National "
    "Environmental Monitoring Centre real-time release\u201d; they are unaudited, official monthly figures come from "
    "audited data."
)
LICENCE_NAME = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"

#: Data dictionary of the indicator-value download: column, type, unit, name zh, name en, definition zh/en, standard.
VALUE_DICTIONARY: list[tuple[str, str, str, str, str, str]] = [
    (
        "division_code",
        "string",
        "",
        "行政区划代码",
        "division code",
        "GB/T 2260 6 位代码 / 6-digit code, GB/T 2260",
    ),
    ("division_name", "string", "", "行政区划名称", "division name", "GB/T 2260"),
    ("indicator", "string", "", "指标代码", "indicator code", "Pioneer 指标目录 / catalogue (/indicators)"),
    ("indicator_zh", "string", "", "指标名称", "indicator name (zh)", ""),
    ("indicator_en", "string", "", "指标英文名称", "indicator name (en)", ""),
    ("domain", "string", "", "领域", "domain", ""),
    ("year", "int", "年", "年份", "year", "calendar year / 自然年"),
    ("value", "float", "unit 列 / see unit", "数值", "value", ""),
    ("unit", "string", "", "单位", "unit", ""),
    ("edition", "string", "", "标准版本", "standard edition", "e.g. HJ 633-2012 / GB 3095-2012"),
    ("source_kind", "string", "", "来源类型（计算/填报）", "source kind (computed / reported)", ""),
    ("source_document", "string", "", "填报依据文件", "source document of a reported value", ""),
    ("import_id", "string", "", "导入批次编号", "import id", ""),
    ("input_sha256", "string", "", "输入文件 SHA-256", "SHA-256 of the input file(s)", "lineage.inputs"),
]


def _month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """Hour-end labels of a calendar month: after 00:00 of its first day up to 00:00 of the next month's."""
    y, m = int(month[:4]), int(month[5:])
    last = calendar.monthrange(y, m)[1]
    return dt.datetime(y, m, 1, 0, 0, 1), dt.datetime(y, m, last) + dt.timedelta(days=1)


def _dictionary_rows(medium: str) -> list[dict[str, str]]:
    return [
        {"column": c, "type": ty, "unit": u, "zh": zh, "en": en}
        for c, ty, u, zh, en in lake_export.DICTIONARY[medium]
    ]


@router.get("/open-data", response_class=HTMLResponse)
def open_data_page(request: Request, session: DB, user: CurrentUser):
    months = national.months()
    return render(request, "open_data.html", user, media=MEDIA_PUBLIC, months=months,
                  latest=months[-1] if months else "", dictionaries={m: _dictionary_rows(m) for m in MEDIA_PUBLIC},
                  value_dictionary=VALUE_DICTIONARY, licence_zh=LICENCE_ZH, licence_en=LICENCE_EN,
                  n_values=len(store.read_values(session)), provinces=sorted(
                      (c, n) for c, n in assess.division_names(session).items() if c.endswith("0000")),
                  zones=services.visible_zones(session, None))  # fmt: skip


ZoneCode = Annotated[str, Query(pattern=r"^([A-Za-z0-9][A-Za-z0-9_-]{0,31})?$")]


def zone_divisions(session, code: str) -> list[str]:
    """The division codes of a published zone (the public's view: an unpublished zone is unknown, 404)."""
    return list(services.visible_zone(session, None, code).division_codes)


class _Slot:
    """One of the ``OPEN_DATA_SLOTS`` download slots, taken on creation (429 when none is free); ``release`` is
    idempotent, so the stream's end, the response's background task and a finaliser may all call it."""

    def __init__(self) -> None:
        if not _slots.acquire(blocking=False):
            raise TooManyDownloads()
        self._held = True
        self._lock = threading.Lock()

    def release(self) -> None:
        with self._lock:
            if self._held:
                self._held = False
                _slots.release()


class TooManyDownloads(auth.RateLimitedError):
    """Every open-data slot of the process is in use (429 through ``deps.STATUS``)."""

    def __init__(self) -> None:
        super().__init__("下载请求过多，请稍后再试", "too many downloads at once, please try again shortly")


def _monitoring_expr(medium: str, month: str, divisions: list[str]):
    start, end = _month_bounds(month)
    return lake_export.export_expr(None, medium, division=divisions, start=start, end=end,
                                   status=PUBLIC_STATUS[medium])  # fmt: skip


def _provenance(lake: Lake, import_ids: set[str]) -> list[dict[str, Any]]:
    return [
        {"import_id": r["import_id"], "file": r.get("file"), "sha256": r.get("sha256"), "layout": r.get("layout"),
         "source": r.get("source"), "licence": r.get("licence")}
        for r in lake.records() if r["import_id"] in import_ids
    ]  # fmt: skip


def _note(medium: str, month: str, division: str, rows: int, provenance: list[dict[str, Any]]) -> str:
    lines = [
        "Pioneer open data / 美丽中国先行区开放数据",
        f"dataset / 数据集: monitoring {medium}; month / 月份: {month}; division / 区划: {division or 'all / 全国'}; "
        f"status / 版本: {PUBLIC_STATUS[medium]}; rows / 行数: {rows}",
        f"generated / 生成时间 (UTC): {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}",
        "",
        "Licence / 许可: " + LICENCE_NAME,
        LICENCE_ZH,
        LICENCE_EN,
        "",
        "Provenance / 来源 (import id, file, sha256):",
    ]
    lines += [f"- {p['import_id']} {p['file']} sha256={p['sha256']} layout={p['layout']}" for p in provenance]
    return "\n".join(lines) + "\n"


@router.get("/open-data/monitoring.{fmt}")
def monitoring_download(fmt: Annotated[str, FastPath(pattern="^(csv|parquet)$")], session: DB,
                        medium: Annotated[str, Query(pattern="^(air_daily|air|water|noise)$")] = "air_daily",
                        month: Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] = "",
                        division: Annotated[str, Query(pattern=DIVISION_CODE_OR_EMPTY_PATTERN)] = "",
                        zone: ZoneCode = "") -> Response:  # fmt: skip
    """One medium, one month, one division subtree (or all): CSV (UTF-8 with BOM, text cells through the formula
    rule, streamed batch by batch from DuckDB) or Parquet (zstd; dictionary, licence and provenance in the
    file's metadata). At most ``OPEN_DATA_MAX_ROWS`` rows; ``OPEN_DATA_SLOTS`` at a time. ``zone``: a published
    zone's divisions instead of ``division`` — for a region zone all its member provinces and cities, each with
    the divisions beneath it (:func:`pioneer.lake.query.in_divisions`)."""
    codes = zone_divisions(session, zone) if zone else [division] if division else []
    if not month:
        months = national.months()
        if not months:
            raise PioneerError("没有可下载的监测数据", "no monitoring data to download")
        month = months[-1]
    slot = _Slot()
    try:
        expr = _monitoring_expr(medium, month, codes)
        rows = int(expr.count().execute())
        if rows > OPEN_DATA_MAX_ROWS:
            raise PioneerError(
                f"所选数据共 {rows} 行，超过单次下载上限 {OPEN_DATA_MAX_ROWS} 行：请选择更小的区划",
                f"the selection has {rows} rows, more than the {OPEN_DATA_MAX_ROWS} of one download: choose a "
                "smaller division",
            )
        ids = {str(i) for i in expr.select("import_id").distinct().to_pyarrow()["import_id"].to_pylist()}
        provenance = _provenance(Lake(), ids)
        place = f"{zone} ({'、'.join(codes)})" if zone else division
        note = _note(medium, month, place, rows, provenance)
        name = f"pioneer-{medium}-{month}-{zone or division or 'all'}"
        headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"', "X-Rows": str(rows),
                   "X-Provenance": ",".join(f"{p['import_id']}:{p['sha256']}" for p in provenance)[:4000]}  # fmt: skip
        if fmt == "parquet":
            table = expr.to_pyarrow()
            meta = {b"pioneer.dictionary": json.dumps(_dictionary_rows(medium), ensure_ascii=False).encode(),
                    b"pioneer.licence": note.encode(), b"pioneer.provenance": json.dumps(provenance).encode()}  # fmt: skip
            buf = io.BytesIO()
            pq.write_table(table.replace_schema_metadata(meta), buf, compression="zstd")
            slot.release()
            return Response(buf.getvalue(), media_type=MEDIA["parquet"], headers=headers)
        batches = expr.to_pyarrow_batches(chunk_size=50_000)
    except BaseException:
        slot.release()
        raise

    def stream() -> Iterator[bytes]:
        try:
            yield b"\xef\xbb\xbf"
            first = True
            for batch in batches:
                table = lake_export.csv_ready(pa.Table.from_batches([batch]))
                out = io.BytesIO()
                pacsv.write_csv(table, out, write_options=pacsv.WriteOptions(include_header=first))
                first = False
                yield out.getvalue()
            if first:  # no rows: the header alone
                out = io.BytesIO()
                names = [c for c, *_ in lake_export.DICTIONARY[medium]]
                pacsv.write_csv(pa.table({n: pa.array([], pa.string()) for n in names}), out)
                yield out.getvalue()
        finally:
            slot.release()

    body = stream()
    weakref.finalize(body, slot.release)  # a stream never started (client gone) gives its slot back too
    return StreamingResponse(
        body, media_type=MEDIA["csv"], headers=headers, background=BackgroundTask(slot.release)
    )


@router.get("/open-data/monitoring-dictionary.csv")
def monitoring_dictionary(
    medium: Annotated[str, Query(pattern="^(air_daily|air|water|noise)$")] = "air_daily",
):
    """The data dictionary of a medium (column, type, unit, zh, en) with the licence statement."""
    table = neutral_table(lake_export.dictionary_table(medium))
    out = io.BytesIO(b"\xef\xbb\xbf")
    out.seek(3)
    pacsv.write_csv(table, out)
    return Response(out.getvalue(), media_type=MEDIA["csv"],
                    headers={"Content-Disposition": f'attachment; filename="pioneer-{medium}-dictionary.csv"'})  # fmt: skip


def values_table(session) -> pa.Table:
    """Every stored indicator value with names, unit, edition, source, import id and the inputs' sha256."""
    v = store.read_values(session, lineage=True)
    cat = assess.catalogue()
    names = assess.division_names(session)
    inds = {i.code: i for i in cat.indicators}

    def sha(lineage: Any) -> str:
        inputs = (lineage or {}).get("inputs") if isinstance(lineage, dict) else None
        if isinstance(inputs, dict):
            s = inputs.get("sha256")
            return ",".join(s) if isinstance(s, list) else str(s or "")
        return ""

    cols: dict[str, Any] = {
        "division_code": v["division_code"].astype(str),
        "division_name": v["division_code"].map(lambda c: names.get(str(c), "")),
        "indicator": v["indicator"],
        "indicator_zh": v["indicator"].map(lambda c: inds[c].name_zh if c in inds else ""),
        "indicator_en": v["indicator"].map(lambda c: inds[c].name_en if c in inds else ""),
        "domain": v["indicator"].map(lambda c: str(inds[c].domain) if c in inds else ""),
        "year": v["year"].astype("int64"),
        "value": v["value"],
        "unit": v["unit"],
        "edition": v["edition"],
        "source_kind": v["source_kind"],
        "source_document": v["source_document"],
        "import_id": v["import_id"],
        "input_sha256": v["lineage"].map(sha),
    }
    import pandas as pd

    frame = pd.DataFrame(cols).sort_values(["indicator", "division_code", "year"], kind="stable")
    table = pa.Table.from_pandas(frame, preserve_index=False)
    schema = pa.schema(
        [pa.field(f.name, pa.string()) if pa.types.is_large_string(f.type) else f for f in table.schema]
    )
    return neutral_table(table.cast(schema))


def _values_note() -> list[str]:
    return ["Pioneer open data / 美丽中国先行区开放数据: indicator values / 指标数值",
            f"generated / 生成时间 (UTC): {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}",
            "Licence / 许可: " + LICENCE_NAME, LICENCE_ZH, LICENCE_EN,
            "Provenance / 来源: import_id and input_sha256 columns; /api/v1/values/{id} gives a value's whole chain."]  # fmt: skip


@router.get("/open-data/indicator-values.{fmt}")
def values_download(
    fmt: Annotated[str, FastPath(pattern="^(csv|xlsx)$")], session: DB, zone: ZoneCode = ""
) -> Response:
    """Indicator values as CSV (UTF-8 with BOM; dictionary and licence in the XLSX's own sheets, next to the
    CSV at ``/open-data/indicator-values-dictionary.csv``) or XLSX (sheets 数据, 数据字典, 许可与来源). ``zone``:
    only the values of a published zone's divisions and the divisions beneath them (GB/T 2260 containment)."""
    codes = zone_divisions(session, zone) if zone else []
    slot = _Slot()
    try:
        table = values_table(session)
        if zone:
            mask = gbt2260.within(pd.Series(table["division_code"].to_pylist(), dtype="object"), codes)
            table = table.filter(pa.array(mask.to_numpy(dtype=bool)))
        name = f"pioneer-indicator-values-{zone}" if zone else "pioneer-indicator-values"
        headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"',
                   "X-Rows": str(table.num_rows)}  # fmt: skip
        if fmt == "csv":
            out = io.BytesIO()
            out.write(b"\xef\xbb\xbf")
            pacsv.write_csv(table, out)
            return Response(out.getvalue(), media_type=MEDIA["csv"], headers=headers)
        return Response(_values_xlsx(table), media_type=MEDIA["xlsx"], headers=headers)
    finally:
        slot.release()


def _values_xlsx(table: pa.Table) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据 data"
    ws.append(table.column_names)
    for row in zip(*[c.to_pylist() for c in table.columns], strict=True):
        ws.append(list(row))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    widths = {
        "division_name": 14,
        "indicator": 26,
        "indicator_zh": 30,
        "indicator_en": 36,
        "input_sha256": 66,
    }
    for i, name in enumerate(table.column_names, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = widths.get(name, 14)
    wd = wb.create_sheet("数据字典 dictionary")
    wd.append(
        [
            "字段 column",
            "类型 type",
            "单位 unit",
            "名称 name (zh)",
            "name (en)",
            "定义/标准 definition, standard",
        ]
    )
    for row in VALUE_DICTIONARY:
        wd.append([neutral(x) for x in row])
    wl = wb.create_sheet("许可与来源 licence")
    for line in _values_note():
        wl.append([neutral(line)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@router.get("/open-data/indicator-values-dictionary.csv")
def values_dictionary() -> Response:
    out = io.StringIO()
    out.write("\ufeffcolumn,type,unit,name_zh,name_en,definition_standard\n")
    table = neutral_table(pa.table({k: [r[i] for r in VALUE_DICTIONARY] for i, k in enumerate(
        ["column", "type", "unit", "name_zh", "name_en", "definition_standard"])}))  # fmt: skip
    buf = io.BytesIO()
    pacsv.write_csv(table, buf, write_options=pacsv.WriteOptions(include_header=False))
    return Response(out.getvalue().encode() + buf.getvalue(), media_type=MEDIA["csv"],
                    headers={"Content-Disposition": 'attachment; filename="pioneer-indicator-values-dictionary.csv"'})  # fmt: skip
