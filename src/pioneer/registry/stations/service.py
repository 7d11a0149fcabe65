"""Station service: bulk import from CSV/Excel (all or nothing, every error located by file, row, column),
listing, and the Beijing seed. Validation is vectorised over the whole table (pandas masks)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from pioneer.errors import InputError
from pioneer.guard.codes import STATION_CODE_PATTERN, STATION_CODE_REASON
from pioneer.guard.excel import check_workbook
from pioneer.registry.divisions import service as divisions
from pioneer.registry.errors import ImportFailedError
from pioneer.registry.permissions import Actor, Role, audit, require
from pioneer.registry.stations.choices import (
    CHINA_BOUNDS,
    COLUMNS,
    REQUIRED,
    AirClass,
    Datum,
    Medium,
    WaterBody,
)
from pioneer.registry.stations.models import Station
from pioneer.registry.stations.schemas import ImportReport
from pioneer.standards import divisions as gbt2260
from pioneer.standards.noise import zone_class

TRUE = {"true", "1", "yes", "y", "是"}
FALSE = {"false", "0", "no", "n", "否"}


def read_table(path: Path | str) -> pd.DataFrame:
    """Read a CSV (UTF-8, with or without BOM) or Excel file as text and rename headers to glossary names."""
    path = Path(path)
    if not path.exists():
        raise InputError("文件不存在", "file not found", file=str(path))
    try:
        if path.suffix.lower() in {".xlsx", ".xlsm"}:
            check_workbook(path)  # bounded: dimensions, cells, expansion, uncached formulas
            frame = pd.read_excel(path, dtype=str, keep_default_na=False)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(
            "无法读取文件（应为 UTF-8 CSV 或 xlsx）", f"cannot read the file ({exc})", file=str(path)
        ) from exc
    aliases = {alias.lower(): name for name, spellings in COLUMNS.items() for alias in spellings}
    frame.columns = [aliases.get(str(c).strip().lower(), str(c).strip()) for c in frame.columns]
    return frame.apply(lambda col: col.str.strip())


def validate_stations(
    session: Session, frame: pd.DataFrame, *, file: str, actor: Actor | None = None
) -> list[InputError]:
    """Every problem of the table, located (row numbers count the header as row 1)."""
    errors: list[InputError] = []
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        return [InputError("缺少必需的列", "required column missing", file=file, column=c) for c in missing]
    f = frame.reindex(columns=list(COLUMNS), fill_value="")
    rownum = pd.Series(range(2, len(f) + 2), index=f.index)

    def flag(mask: pd.Series, column: str, zh: str, en: str) -> None:
        for i in f.index[mask.fillna(False).astype(bool)]:
            errors.append(
                InputError(zh, en, file=file, row=int(rownum[i]), column=column, value=f.at[i, column])
            )

    for column in REQUIRED:
        flag(f[column].eq(""), column, "必填项为空", "required value is empty")
    code = f["station_code"]
    flag(
        code.ne("") & code.duplicated(keep=False),
        "station_code",
        "站点编码在文件中重复",
        "duplicate station code in the file",
    )
    flag(
        code.ne("") & ~code.str.fullmatch(STATION_CODE_PATTERN),
        "station_code",
        *STATION_CODE_REASON,
    )  # the shape the lake holds every input's station/section/point code to (guard.codes)
    existing = set(
        session.scalars(select(Station.code).where(Station.code.in_(code[code.ne("")].unique().tolist())))
    )
    flag(code.isin(existing), "station_code", "站点编码已存在", "station code already registered")
    medium = f["medium"]
    flag(
        medium.ne("") & ~medium.isin([m.value for m in Medium]),
        "medium",
        "介质应为 air/water/noise",
        "medium must be air, water or noise",
    )
    flag(
        f["datum"].ne("") & ~f["datum"].isin([d.value for d in Datum]),
        "datum",
        "坐标系应为 WGS84/CGCS2000/GCJ02/BD09",
        "datum must be WGS84, CGCS2000, GCJ02 or BD09",
    )
    lon = pd.to_numeric(f["longitude"], errors="coerce")
    lat = pd.to_numeric(f["latitude"], errors="coerce")
    flag(f["longitude"].ne("") & lon.isna(), "longitude", "经度不是数字", "longitude is not a number")
    flag(f["latitude"].ne("") & lat.isna(), "latitude", "纬度不是数字", "latitude is not a number")
    flag(
        lon.notna() & ~lon.between(CHINA_BOUNDS["lon_min"], CHINA_BOUNDS["lon_max"]),
        "longitude",
        "经度超出中国范围（约 73.2–135.4°E）",
        "longitude outside China's bounds (about 73.2–135.4°E)",
    )
    flag(
        lat.notna() & ~lat.between(CHINA_BOUNDS["lat_min"], CHINA_BOUNDS["lat_max"]),
        "latitude",
        "纬度超出中国范围（约 3.5–53.9°N）",
        "latitude outside China's bounds (about 3.5–53.9°N)",
    )
    start = pd.to_datetime(f["active_from"].replace("", None), errors="coerce", format="ISO8601")
    end = pd.to_datetime(f["active_to"].replace("", None), errors="coerce", format="ISO8601")
    flag(
        f["active_from"].ne("") & start.isna(),
        "active_from",
        "日期格式应为 YYYY-MM-DD",
        "date must be YYYY-MM-DD",
    )
    flag(
        f["active_to"].ne("") & end.isna(), "active_to", "日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD"
    )
    flag(
        start.notna() & end.notna() & (end < start),
        "active_to",
        "停用日期早于启用日期",
        "active_to is before active_from",
    )
    year = start.dt.year.fillna(divisions.latest_year(session)).astype("int64")

    def check_division(column: str, mask: pd.Series) -> None:
        rows = pd.DataFrame({"code": f[column], "year": year})[mask & f[column].ne("")]
        if rows.empty:
            return
        status = divisions.check_codes_in_force(session, rows, code="code", year="year")
        flag(
            status.eq("unknown").reindex(f.index, fill_value=False),
            column,
            "未知的行政区划代码",
            "unknown division code",
        )
        flag(
            status.eq("not_in_force").reindex(f.index, fill_value=False),
            column,
            "行政区划代码在启用年份不在用",
            "division code not in force in the station's start year",
        )

    check_division("division_code", pd.Series(True, index=f.index))
    air, water, noise = medium.eq(Medium.AIR), medium.eq(Medium.WATER), medium.eq(Medium.NOISE)
    flag(
        air & ~f["air_class"].isin([c.value for c in AirClass]),
        "air_class",
        "空气站类型应为 national/provincial/control",
        "air_class must be national, provincial or control",
    )
    flag(
        water & ~f["water_body"].isin([w.value for w in WaterBody]),
        "water_body",
        "水体类型应为 river/lake/reservoir",
        "water_body must be river, lake or reservoir",
    )
    cross = f["cross_boundary"].str.lower()
    flag(
        water & cross.ne("") & ~cross.isin(TRUE | FALSE),
        "cross_boundary",
        "跨界断面应为 是/否",
        "cross_boundary must be yes or no",
    )
    is_cross = water & cross.isin(TRUE)
    for column in ("upstream_division_code", "downstream_division_code"):
        flag(
            is_cross & f[column].eq(""),
            column,
            "跨界断面须填写上下游行政区划代码",
            "a cross-boundary section needs upstream and downstream division codes",
        )
        check_division(column, is_cross)
    noise_class = zone_class(f["noise_zone_class"])  # GB 3096-2008 §4: "1", "1类", "4A" (standards.noise)
    flag(
        noise & noise_class.isna(),
        "noise_zone_class",
        "声环境功能区类别应为 0/1/2/3/4a/4b（GB 3096-2008）",
        "noise_zone_class must be 0, 1, 2, 3, 4a or 4b (GB 3096-2008)",
    )
    if actor is not None:
        flag(
            f["division_code"].ne("") & ~f["division_code"].map(actor.covers),
            "division_code",
            f"用户 {actor.username} 无权登记该行政区划的站点",
            f"user {actor.username} has no scope over this division",
        )
    return sorted(
        errors, key=lambda e: (e.row or 0, list(COLUMNS).index(e.column) if e.column in COLUMNS else 0)
    )


def station_records(frame: pd.DataFrame, *, source: str) -> list[dict]:
    """Validated table → rows for ``registry_station`` (column-wise conversions)."""
    f = frame.reindex(columns=list(COLUMNS), fill_value="").replace("", None)
    medium = f["medium"]
    cross = f["cross_boundary"].str.lower()
    out = pd.DataFrame(
        {
            "code": f["station_code"],
            "name": f["name"],
            "medium": medium,
            "division_code": f["division_code"],
            "longitude": pd.to_numeric(f["longitude"]),
            "latitude": pd.to_numeric(f["latitude"]),
            "datum": f["datum"],
            "active_from": pd.to_datetime(f["active_from"], format="ISO8601").dt.date,
            "active_to": pd.to_datetime(f["active_to"], format="ISO8601").dt.date,
            "air_class": f["air_class"].where(medium.eq(Medium.AIR)),
            "water_body": f["water_body"].where(medium.eq(Medium.WATER)),
            "basin": f["basin"].where(medium.eq(Medium.WATER)),
            "cross_boundary": cross.isin(TRUE).where(medium.eq(Medium.WATER) & cross.notna()),
            "upstream_division_code": f["upstream_division_code"].where(medium.eq(Medium.WATER)),
            "downstream_division_code": f["downstream_division_code"].where(medium.eq(Medium.WATER)),
            "noise_zone_class": zone_class(f["noise_zone_class"]).where(medium.eq(Medium.NOISE)),
            "source": source,
        }
    )
    out = out.astype(object).where(out.notna(), None)
    return out.to_dict("records")


def import_stations(
    session: Session, path: Path | str, /, *, actor: Actor, source: str | None = None
) -> ImportReport:
    """Import every station of a CSV or Excel file, or none: any located error rejects the whole file
    (:class:`ImportFailedError` lists them all). The actor needs the province or programme-office role and
    scope over each station's division. Audited by the service itself: one entry for the file, listing every
    station code added (``after``), whoever calls it."""
    require(actor, {Role.PROVINCE, Role.PROGRAMME_OFFICE}, [], "导入站点 / import stations")
    path = Path(path)
    frame = read_table(path)
    errors = validate_stations(session, frame, file=path.name, actor=actor)
    if errors:
        raise ImportFailedError(path.name, errors)
    records = station_records(frame, source=source or path.name)
    with session.begin_nested():
        session.add_all([Station(**r) for r in records])
        session.flush()
        divisions_ = sorted({str(r["division_code"]) for r in records})
        audit(session, actor, "import", "station", path.name[:128], divisions_[0] if len(divisions_) == 1 else None,
              None, {"rows": len(records), "codes": [r["code"] for r in records], "source": source or path.name})  # fmt: skip
    return ImportReport(file=path.name, rows=len(records), codes=[r["code"] for r in records])


def list_stations(
    session: Session, *, medium: Medium | str | None = None, within: str | None = None
) -> list[Station]:
    """Stations, optionally of one medium and within a division (a scope code covers those beneath it)."""
    query = select(Station).order_by(Station.code)
    if medium is not None:
        query = query.where(Station.medium == Medium(medium).value)
    if within:
        query = query.where(Station.division_code.startswith(gbt2260.prefix(within)))
    return list(session.scalars(query).all())


def station(session: Session, code: str) -> Station:
    found = session.scalar(select(Station).where(Station.code == code))
    if found is None:
        from pioneer.errors import PioneerError

        raise PioneerError(f"未知的站点 “{code}”", f"unknown station '{code}'")
    return found


def beijing_seed_rows() -> list[dict]:
    """Beijing's 12 national air stations (package data ``beijing_air_stations.csv``; see SOURCES.md)."""
    with resources.files("pioneer.registry").joinpath("data/beijing_air_stations.csv").open("rb") as fh:
        frame = pd.read_csv(fh, dtype=str, keep_default_na=False, comment="#")
    return station_records(frame, source="seed: CNEMC national air stations, Beijing (see SOURCES.md)")
