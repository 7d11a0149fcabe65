"""Ecology registers and their indicators — API under ``/api/v1/ecology``.

Reads need ``auth.restrict(user, VIEW)``; every write: CSRF, ``auth.restrict(user, EDIT)`` for the role, then the
ecology service with the user's registry actor, which checks the division scope of every row (a child row
takes its parent's division) and writes the audit entries — all in the request's transaction, nothing written
on error (422 listing every located error)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from pioneer.ecology import excel, service
from pioneer.ecology import indicators as ind
from pioneer.ecology.errors import RegisterRowNotFoundError
from pioneer.ecology.registers import REGISTERS, register
from pioneer.errors import InputError
from pioneer.guard.codes import DIVISION_CODE_PATTERN
from pioneer.guard.files import upload_name
from pioneer.registry.errors import ImportFailedError
from pioneer.web import auth
from pioneer.web.api.common import MEDIA, ErrorBody, Limit, Page, files, paged
from pioneer.web.deps import DB, CurrentUser, check_csrf, request_id
from pioneer.web.security import MAX_EXCEL_BYTES

router = APIRouter(prefix="/ecology", tags=["ecology"])
ERRORS: dict[int | str, dict[str, Any]] = {401: {"model": ErrorBody}, 403: {"model": ErrorBody}, 404: {"model": ErrorBody},
          422: {"model": ErrorBody}}  # fmt: skip
Division = Annotated[str | None, Query(pattern=DIVISION_CODE_PATTERN)]
Level = Annotated[str, Query(pattern="^(province|city|county)$")]


def _writer(session, user, request: Request) -> dict[str, Any]:
    check_csrf(request, None)
    auth.restrict(user, auth.Action.EDIT)  # role; the division scope of every row is checked by the service
    assert user is not None
    # the services write the audit log themselves (user and request id from the actor)
    return {"actor": auth.actor(user, request_id=request_id(request))}


def _records(frame) -> list[dict[str, Any]]:
    f = frame.astype(object).where(frame.notna(), None)
    return [
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()}
        for r in f.to_dict("records")
    ]


@router.get("/registers", responses=ERRORS)
def list_registers() -> list[dict[str, Any]]:
    """The registers with their fields (key, Chinese and English header, kind, required, allowed values)."""
    return [{"name": r.name, "sheet": r.sheet, "title_en": r.title_en, "key": list(r.key),
             "fields": [{"key": f.key, "zh": f.zh, "en": f.en, "kind": f.kind, "required": f.required,
                         "choices": f.choices} for f in r.fields]} for r in REGISTERS.values()]  # fmt: skip


@router.get("/template.xlsx", responses={**ERRORS, **files("xlsx")})
def template() -> Response:
    with tempfile.TemporaryDirectory() as d:
        data = excel.write_template(Path(d) / "t.xlsx").read_bytes()
    return Response(data, media_type=MEDIA["xlsx"],
                    headers={"Content-Disposition": 'attachment; filename="ecology-registers.xlsx"'})  # fmt: skip


@router.get("/export.xlsx", responses={**ERRORS, **files("xlsx")})
def export(session: DB, user: CurrentUser, division: Division = None) -> Response:
    auth.restrict(user, auth.Action.VIEW)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "e.xlsx"
        excel.export_registers(session, path, division=division)
        data = path.read_bytes()
    return Response(data, media_type=MEDIA["xlsx"],
                    headers={"Content-Disposition": 'attachment; filename="ecology-registers.xlsx"'})  # fmt: skip


@router.post("/import", responses=ERRORS)
def import_workbook(request: Request, session: DB, user: CurrentUser, file: UploadFile = File(...)) -> dict:
    """Import a filled workbook, all or nothing: 422 with every located error, or rows saved per register."""
    w = _writer(session, user, request)
    data = file.file.read(MAX_EXCEL_BYTES + 1)
    if len(data) > MAX_EXCEL_BYTES:
        raise InputError("文件过大（上限 10 MB）", "file too large (limit 10 MB)", file=file.filename)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / upload_name(file.filename, "upload.xlsx")
        path.write_bytes(data)
        return {"saved": excel.import_workbook(session, path, **w)}


@router.get("/indicators/{name}", responses=ERRORS)
def indicator(name: str, session: DB, user: CurrentUser, year: Annotated[int, Query(ge=2000, le=2100)],
              level: Level = "city", division: Division = None,
              base_year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> dict[str, Any]:  # fmt: skip
    """An indicator computed from the registers: ``hazardous-waste``, ``tailings``, ``heavy-metals`` (needs
    ``base_year``) or ``drinking`` (with the lake's water data); values and details."""
    auth.restrict(user, auth.Action.VIEW)
    if name == "hazardous-waste":
        values, details = ind.hazardous_waste_coverage(session, year, level=level, division=division)
    elif name == "tailings":
        values, details = ind.tailings_status(session, year, level=level, division=division)
    elif name == "heavy-metals":
        if base_year is None:
            raise InputError("须给出 base_year", "base_year is required", column="base_year")
        values, details = ind.heavy_metal_change(session, year, base_year, level=level, division=division)
    elif name == "drinking":
        values, details = ind.drinking_source_compliance_from_lake(
            session, year, level=level, division=division
        )
    else:
        raise InputError("未知指标（hazardous-waste、tailings、heavy-metals、drinking）",
                         "unknown indicator (hazardous-waste, tailings, heavy-metals, drinking)", value=name)  # fmt: skip
    return {"values": _records(values), "details": _records(details)}


def _read_ei_csv(data: bytes, name: str):
    import io

    import pandas as pd

    if len(data) > MAX_EXCEL_BYTES:
        raise InputError("文件过大（上限 10 MB）", "file too large (limit 10 MB)", file=name)
    try:
        return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(
            "无法读取 CSV 文件（UTF-8）", f"cannot read the CSV file (UTF-8): {exc}", file=name
        ) from None


AbundanceRule = Annotated[str, Form(pattern="^(mean|habitat_only)$")]


@router.post("/ei", responses=ERRORS)
def store_ei(request: Request, session: DB, user: CurrentUser, file: UploadFile = File(...),
             abundance_rule: AbundanceRule = "", a_veg: Annotated[float | None, Form(gt=0)] = None) -> dict:  # fmt: skip
    """Compute HJ 192-2015 EI from a CSV of inputs (columns of ``pioneer ecology ei``) and store the values,
    all or nothing: 422 with located errors, 403 outside the user's scope; each value audited."""
    w = _writer(session, user, request)
    name = upload_name(file.filename, "ei.csv")
    table = ind.save_ei(session, _read_ei_csv(file.file.read(MAX_EXCEL_BYTES + 1), name),
                        abundance_rule=abundance_rule, a_veg=a_veg, file=name, **w)  # fmt: skip
    return {"stored": len(table), "results": _records(table)}


@router.get("/points.geojson", responses=ERRORS)
def points(session: DB, user: CurrentUser, division: Division = None) -> dict[str, Any]:
    """The located register rows (drinking-water intakes, tailings ponds, hazardous-waste units, heavy-metal
    enterprises) as GeoJSON points with ``layer, code, name, division_code, detail``; the map layer's data."""
    from pioneer.ecology.maps import register_points

    auth.restrict(user, auth.Action.VIEW)
    return register_points(session, division=division)


@router.get("/{name}", responses=ERRORS)
def list_rows(name: str, session: DB, user: CurrentUser, page: Page = 1, limit: Limit = 100,
              division: Division = None) -> dict[str, Any]:  # fmt: skip
    """Rows of a register (``division``: only those within it, GB/T 2260 containment), paged."""
    auth.restrict(user, auth.Action.VIEW)
    register(name)
    rows = service.list_rows(session, name, division=division).rename(columns={"_division": "division"})
    return paged(_records(rows), page, limit)


@router.post("/{name}", status_code=201, responses=ERRORS)
def save_rows(
    name: str, rows: list[dict[str, Any]], request: Request, session: DB, user: CurrentUser
) -> dict:
    """Create or replace rows (by natural key) of a register, all or nothing; fields as in ``/registers``."""
    register(name)
    w = _writer(session, user, request)
    return {"saved": service.save_rows(session, name, rows, file="request", **w)}


@router.delete("/{name}", status_code=204, responses=ERRORS)
def delete_row(name: str, request: Request, session: DB, user: CurrentUser,
               key: Annotated[list[str], Query(min_length=1, max_length=3)]) -> Response:  # fmt: skip
    """Delete one row by its natural key (``key`` repeated in the register's key order)."""
    reg = register(name)
    if len(key) != len(reg.key):
        raise InputError(f"主键须为 {len(reg.key)} 个值（{', '.join(reg.key)}）",
                         f"the key has {len(reg.key)} part(s): {', '.join(reg.key)}", column="key")  # fmt: skip
    typed = tuple(int(k) if reg.field(f).kind == "int" and k.isdigit() else k for k, f in zip(key, reg.key,
                                                                                                strict=True))  # fmt: skip
    w = _writer(session, user, request)
    try:
        service.delete(session, name, typed, **w)
    except RegisterRowNotFoundError as exc:  # 404, raised as HTTPException so that the transaction rolls back
        raise HTTPException(404, {"message_zh": exc.message_zh, "message_en": exc.message_en}) from None
    return Response(status_code=204)


# --- pages -------------------------------------------------------------------------------------------------

pages_router = APIRouter(include_in_schema=False)


def _page(request: Request, session, user, name: str, division: str | None, filters: dict[str, str], *,
          status: int = 200, **extra: Any):  # fmt: skip
    from pioneer.ecology.choices import LABELS_EN
    from pioneer.web.render import render

    reg = register(name)
    rows = service.list_rows(session, name, division=division, filters=filters)
    return render(request, "ecology.html", user, status=status, reg=reg, registers=list(REGISTERS.values()),
                  rows=_records(rows), division=division, filters=filters, labels_en=LABELS_EN,
                  can_edit=auth.allowed(user, auth.Action.EDIT), **extra)  # fmt: skip


@pages_router.get("/ecology", response_class=HTMLResponse)
def ecology_page(request: Request, session: DB, user: CurrentUser, register_: Annotated[str, Query(
        alias="register", max_length=32)] = "water_sources", division: Division = None):  # fmt: skip
    """The registers with filters: division (GB/T 2260 containment) and every field with allowed values."""
    auth.restrict(user, auth.Action.VIEW)
    reg = register(register_)
    choice = [f.key for f in reg.fields if f.kind == "choice"]
    filters = {k: v for k, v in request.query_params.items() if k in choice and v}
    return _page(request, session, user, register_, division or None, filters)


@pages_router.post("/ecology/import", response_class=HTMLResponse)
def ecology_import_page(request: Request, session: DB, user: CurrentUser, file: UploadFile = File(...),
                              csrf_token: Annotated[str, Form()] = "",
                              register_: Annotated[str, Form(alias="register", max_length=32)] = "water_sources"):  # fmt: skip
    """The page's import: all or nothing; the located errors are listed on the page (HTTP 422)."""
    check_csrf(request, csrf_token)
    auth.restrict(user, auth.Action.EDIT)
    assert user is not None
    register(register_)
    w = {"actor": auth.actor(user, request_id=request_id(request))}
    data = file.file.read(MAX_EXCEL_BYTES + 1)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / upload_name(file.filename, "upload.xlsx")
        path.write_bytes(data[: MAX_EXCEL_BYTES + 1])
        try:
            if len(data) > MAX_EXCEL_BYTES:
                raise InputError("文件过大（上限 10 MB）", "file too large (limit 10 MB)", file=path.name)
            saved = excel.import_workbook(session, path, **w)
        except InputError as exc:
            session.rollback()
            errors = getattr(exc, "errors", None) or [exc]
            return _page(request, session, user, register_, None, {}, status=422, import_errors=errors)
        except ImportFailedError as exc:
            session.rollback()
            return _page(request, session, user, register_, None, {}, status=422, import_errors=exc.errors)
    return _page(request, session, user, register_, None, {}, saved=saved)


@pages_router.post("/ecology/ei", response_class=HTMLResponse)
def ecology_ei_upload(request: Request, session: DB, user: CurrentUser, file: UploadFile = File(...),
                      csrf_token: Annotated[str, Form()] = "", abundance_rule: AbundanceRule = "",
                      a_veg: Annotated[float | None, Form(gt=0)] = None):  # fmt: skip
    """The EI page's upload: computed and stored all or nothing; located errors listed on the page (422)."""
    check_csrf(request, csrf_token)
    auth.restrict(user, auth.Action.EDIT)
    assert user is not None
    name = upload_name(file.filename, "ei.csv")
    try:
        table = ind.save_ei(session, _read_ei_csv(file.file.read(MAX_EXCEL_BYTES + 1), name),
                            abundance_rule=abundance_rule, a_veg=a_veg, file=name,
                            actor=auth.actor(user, request_id=request_id(request)))  # fmt: skip
    except (InputError, ImportFailedError) as exc:
        session.rollback()
        errors = getattr(exc, "errors", None) or [exc]
        return _ei_page(request, session, user, status=422, import_errors=errors)
    return _ei_page(request, session, user, stored=len(table))


@pages_router.get("/ecology/ei", response_class=HTMLResponse)
def ecology_ei_page(request: Request, session: DB, user: CurrentUser,
                    level: Annotated[str, Query(pattern="^(province|city|county|)$")] = "",
                    division: Division = None):  # fmt: skip
    """County and city results of the HJ 192-2015 ecological status index: EI per year with its class, ΔEI and
    its class, a trend chart; the EQI of 2021 is not computed (its text was not found) and the page says so."""
    auth.restrict(user, auth.Action.VIEW)
    return _ei_page(request, session, user, level, division)


def _ei_page(request: Request, session, user, level: str = "", division: str | None = None, *, status: int = 200,
             **extra: Any):  # fmt: skip
    from pioneer.web import assess
    from pioneer.web.render import render

    res = ind.ei_results(session, level=level or None, division=division)
    names = assess.division_names(session)
    years = sorted(int(y) for y in res["year"].unique())
    latest = res.groupby("division_code").tail(1)
    series = [{"code": c, "name": names.get(c, c), "points": [[int(y), float(e)] for y, e in zip(g["year"], g["ei"],
               strict=True)]} for c, g in res.groupby("division_code")]  # fmt: skip
    return render(request, "ecology_ei.html", user, status=status, rows=_records(res), latest=_records(latest),
                  years=years, names=names, level=level, division=division, series=series,
                  can_edit=auth.allowed(user, auth.Action.EDIT), **extra)  # fmt: skip
