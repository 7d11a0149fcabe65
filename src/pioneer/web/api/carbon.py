"""Carbon accounts, dual control and product footprints over HTTP — the same route as ``pioneer carbon``
(:mod:`pioneer.carbon.service`): factor tables and input templates (public), and computations on uploaded files
(signed-in users). A computation writes nothing, except ``dual-control`` with ``store=true``: that needs the
edit right over every division of the series (:func:`pioneer.web.auth.restrict`) and is audited, in the request's
transaction (nothing stored on any error). Bad files answer 422 with the located bilingual message."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import Response

from pioneer.carbon import service
from pioneer.errors import InputError
from pioneer.guard.files import upload_name
from pioneer.standards.carbon.editions import EDITIONS
from pioneer.standards.carbon.factors import GRID_FACTORS, GWP, HEAT_FACTORS, fuel_factors, process_factors
from pioneer.web.api.common import MEDIA, ErrorBody, files
from pioneer.web.auth import Action, audit, restrict
from pioneer.web.deps import DB, CurrentUser, check_csrf, request_id

router = APIRouter(prefix="/carbon", tags=["carbon"])
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody},
    403: {"model": ErrorBody},
    422: {"model": ErrorBody},
}
MAX_FILE_BYTES = 900 * 1024  # under the default request-body limit (PIONEER_MAX_BODY_KB, 1 MB) with framing
EditionQ = Annotated[
    Literal["2011", "2025"], Query(description="inventory-guideline edition (2011 试行 | 2025)")
]


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON records with NaN as null."""
    out: list[dict[str, Any]] = json.loads(df.to_json(orient="records", force_ascii=False, date_format="iso"))
    return out


def _attachment(data: bytes, fmt: str, stem: str) -> Response:
    return Response(data, media_type=MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'})  # fmt: skip


def _upload(file: UploadFile | None) -> service.Upload | None:
    if file is None:
        return None
    name = upload_name(file.filename, "upload.csv")
    data = file.file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InputError("文件过大（上限 900 KB）", "file too large (limit 900 KB)", file=name)
    return data, name


def _signed_in(request: Request, user: Any) -> None:
    check_csrf(request, None)
    restrict(user, Action.VIEW)


@router.get("/factors", responses=ERRORS)
def factors(edition: EditionQ = "2011") -> dict[str, Any]:
    """Default fuel and industrial-process factors of a guideline edition (with the GWPs it uses), the MEE + NBS
    grid factors, the default heat factor and the packaged footprint library, each with source and confidence
    (public: published factors)."""
    from pioneer.standards.carbon.footprint import library

    e = EDITIONS[edition]
    return {"edition": edition, "guideline_zh": e.guideline_zh, "guideline_en": e.guideline_en,
            "fuels": _records(fuel_factors(edition)), "processes": _records(process_factors(edition, e.gwp_set)),
            "gwp_set": e.gwp_set, "gwp": _records(GWP[GWP["gwp_set"] == e.gwp_set]), "grid": _records(GRID_FACTORS),
            "heat": _records(HEAT_FACTORS), "footprint": _records(library(edition))}  # fmt: skip


@router.get("/templates/{kind}", responses={**ERRORS, **files("xlsx", "csv")})
def template(kind: Literal["balance", "series", "bom", "local-factors", "footprint-factors"],
             format: Literal["xlsx", "csv"] = "xlsx") -> Response:  # fmt: skip
    """An empty input template: ``balance`` (能源平衡表, fuel × sector), ``series`` (GDP, CO2, energy, water),
    ``bom`` (bill of materials), ``local-factors`` or ``footprint-factors`` (a user footprint library)."""
    frame = service.template_frame(kind)
    data = service.to_xlsx({kind: frame}) if format == "xlsx" else service.to_csv(frame)
    return _attachment(data, format, f"carbon-{kind}-template")


@router.post("/account", responses={**ERRORS, **files("xlsx", "csv")})
def account(
    request: Request,
    session: DB,
    user: CurrentUser,
    file: UploadFile = File(..., description="activity rows or energy balance table (CSV/.xlsx)"),
    local_factors: UploadFile | None = File(
        None, description="local factors (CSV/.xlsx), each with its source"
    ),
    edition: EditionQ = "2011",
    grid: Literal["national", "regional", "provincial"] = "national",
    grid_kind: Literal["average", "excl_market_nonfossil", "fossil"] = "average",
    grid_year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    store: bool = False,
    format: Literal["json", "xlsx", "csv"] = "json",
) -> Any:
    """Energy-activity CO2 by fuel and sector: every row with the factor it used, totals by sector, by fuel and per
    division-year [tCO2]. ``store=true`` saves the totals for the zone page (edit right over every division;
    audited); otherwise nothing is written."""
    _signed_in(request, user)
    up = _upload(file)
    assert up is not None
    frames = service.account(up, edition=edition, local=_upload(local_factors), grid=grid,
                             grid_kind=grid_kind, grid_year=grid_year)  # fmt: skip
    if store:
        acc = frames["account"]
        divisions = sorted(set(acc.loc[acc["record"] == "total", "division_code"].astype(str)))
        restrict(user, Action.EDIT, divisions)
        sha = hashlib.sha256(up[0]).hexdigest()
        n = service.store_account(session, frames, source_file=up[1], sha256=sha, edition=edition,
                                  grid=service.grid_label(grid, grid_kind, grid_year),
                                  stored_by=getattr(user, "username", None))  # fmt: skip
        for d in divisions:  # one audit entry per division written
            tot = acc[(acc["record"] == "total") & (acc["division_code"] == d)]
            audit(session, user, "store", "carbon_account", f"{d}:{up[1]}", d, None,
                  {"years": sorted(int(y) for y in tot["year"]), "co2_t": [float(x) for x in tot["co2_t"]],
                   "edition": edition, "sha256": sha, "rows_stored": n}, request_id=request_id(request))  # fmt: skip
    if format == "xlsx":
        return _attachment(service.to_xlsx(frames), "xlsx", "carbon-account")
    if format == "csv":
        return _attachment(service.to_csv(frames["account"]), "csv", "carbon-account")
    acc = frames["account"]
    return {"rows": _records(acc[acc["record"] == "row"].dropna(axis=1, how="all")),
            "totals": _records(acc[acc["record"].isin(service.TOTAL_RECORDS)].dropna(axis=1, how="all")),
            "factors": _records(frames["factors"])}  # fmt: skip


@router.post("/dual-control", responses={**ERRORS, **files("xlsx", "csv")})
def dual_control(
    request: Request,
    session: DB,
    user: CurrentUser,
    file: UploadFile = File(
        ..., description="series: division_code, year, gdp, price_base, co2, energy, water"
    ),
    emissions: UploadFile | None = File(None, description="an account (CSV output of /carbon/account)"),
    targets: UploadFile | None = File(None, description="divisions' own intensity targets"),
    base_year: Annotated[int, Query(ge=2000, le=2100)] = 2020,
    store: bool = False,
    format: Literal["json", "xlsx", "csv"] = "json",
) -> Any:
    """Totals and intensities per 10⁴ yuan of GDP at comparable prices, annual reductions, change against the base
    year, progress to the five-year-plan targets with the assessment's trajectory classes, projections to 2027
    and 2030. ``store=true`` saves the dual-control indicator values (edit right over every division; audited)."""
    _signed_in(request, user)
    up = _upload(file)
    assert up is not None
    acc_up = _upload(emissions)
    acc = service.read_table(acc_up)[1] if acc_up is not None else None
    r = service.dual_control(up, base_year=base_year, targets=_upload(targets), emissions=acc)
    stored = 0
    if store:
        divisions = sorted(set(r["table"]["division_code"]))
        restrict(user, Action.EDIT, divisions)
        values = service.indicator_values(r["table"], r["versus_base"], inputs={"series": up[1],
                                          "emissions_account": acc_up[1] if acc_up else None})  # fmt: skip
        uploads = {"series": up} if acc_up is None else {"series": up, "emissions": acc_up}
        stored = service.store_values(session, values, uploads=uploads,
                                      submitted_by=getattr(user, "username", None))  # fmt: skip
        for d in divisions:  # one audit entry per division written
            mine = values[values["division_code"] == d]
            audit(session, user, "store", "carbon_dual_control", f"{d}:{up[1]}", d, None,
                  {"indicators": sorted(set(mine["indicator"])), "years": sorted(int(y) for y in set(mine["year"])),
                   "n_values": len(mine)}, request_id=request_id(request))  # fmt: skip
    if format == "xlsx":
        return _attachment(service.to_xlsx({"dual_control": r["dual_control"], "progress": r["progress"]}), "xlsx",
                           "carbon-dual-control")  # fmt: skip
    if format == "csv":
        return _attachment(service.to_csv(r["dual_control"]), "csv", "carbon-dual-control")
    return {"years": _records(r["table"].merge(r["versus_base"].drop(columns=["price_base"]),
                                               on=["division_code", "year"])),
            "progress": _records(r["progress"]), "stored": stored}  # fmt: skip


@router.post("/footprint", responses={**ERRORS, **files("csv", "docx", "pdf")})
def footprint(
    request: Request,
    user: CurrentUser,
    file: UploadFile = File(..., description="bill of materials (CSV/.xlsx)"),
    library: UploadFile | None = File(
        None, description="user emission-factor library, each factor with its source"
    ),
    edition: EditionQ = "2011",
    functional_unit: Annotated[str, Query(min_length=1, max_length=200)] = "1 件产品 / 1 unit",
    units_produced: Annotated[float, Query(gt=0, le=1e12)] = 1.0,
    product: Annotated[str, Query(min_length=1, max_length=200)] = "产品 / product",
    format: Literal["json", "csv", "docx", "pdf"] = "json",
    lang: Literal["zh", "en"] = "zh",
) -> Any:
    """Product carbon footprint (GB/T 24067-2024 / ISO 14067) per functional unit, with stage and data-quality
    shares and the propagated uncertainty; ``docx``/``pdf`` give the footprint report."""
    _signed_in(request, user)
    up = _upload(file)
    assert up is not None
    result = service.footprint_result(up, library=_upload(library), edition=edition,
                                      units_produced=units_produced)  # fmt: skip
    out = service.footprint_frame(result, functional_unit=functional_unit)
    if format in ("docx", "pdf"):
        from pioneer.reports import render
        from pioneer.reports.footprint import Study, footprint_report

        rep = footprint_report(result, Study(product, functional_unit, units_produced), lang=lang)
        return _attachment(render.FORMATS[format](rep), format, f"carbon-footprint-{lang}")
    if format == "csv":
        return _attachment(service.to_csv(out), "csv", "carbon-footprint")
    total = out[out["record"] == "total"].dropna(axis=1, how="all")
    return {"total": _records(total)[0], "lines": _records(out[out["record"] == "line"].dropna(axis=1, how="all")),
            "summary": _records(out[out["record"].isin(["stage", "data_quality"])].dropna(axis=1, how="all"))}  # fmt: skip
