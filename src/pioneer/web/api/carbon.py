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
from pydantic import BaseModel, Field

from pioneer.carbon import service
from pioneer.errors import InputError
from pioneer.guard.files import upload_name
from pioneer.standards.carbon.editions import EDITIONS
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


class FuelFactor(BaseModel):
    """A default fuel factor of the edition (2011 guideline ch. 1 / 2025 revision)."""

    edition: str
    fuel: str
    name_zh: str
    name_en: str
    physical_unit: str
    ncv_gj_per_unit: float | None = Field(description="net calorific value [GJ/unit]")
    carbon_content_tc_per_tj: float | None = Field(description="carbon content [tC/TJ]")
    oxidation: float | None = Field(description="oxidation rate [0–1]")
    co2_factor: float | None = Field(description="[tCO2/unit] = NCV × CC × 10⁻³ × OF × 44/12")
    co2_per_gj: float | None = Field(description="[tCO2/GJ]")
    year: str
    confidence: str
    source: str
    note: str | None = None


class NonCO2Factor(BaseModel):
    """CH4/N2O of fuel combustion, IPCC 2006 Tier 1 (Tables 2.2, 2.3, 3.2.2) [kg/TJ]; every source category × fuel
    of the edition, ``has_value`` false (``confidence`` not-found, reason in ``source``) where none is stored."""

    category: str
    fuel: str
    ch4_kg_per_tj: float | None
    n2o_kg_per_tj: float | None
    ipcc_table: str | None
    has_value: bool
    year: str
    confidence: str
    source: str
    note: str | None = None


class ProcessFactor(BaseModel):
    """An industrial-process factor (2011 guideline ch. 2); ``co2_factor`` null where no default was found."""

    edition: str
    process: str
    name_zh: str
    name_en: str
    physical_unit: str
    gas: str
    factor_t_per_t: float | None = Field(description="[t gas per t of activity]")
    gwp: float | None
    co2_factor: float | None = Field(description="[tCO2e/t] = factor × GWP")
    confidence: str
    source: str
    note: str | None = None


class GWPValue(BaseModel):
    gwp_set: str
    gas: str
    gwp_100: float
    confidence: str
    source: str


class GridFactor(BaseModel):
    """MEE + NBS average CO2 factor of electricity (statistical accounting, not the carbon-market factor)."""

    year: int
    region: str
    region_zh: str
    kind: str
    factor_tco2_per_mwh: float
    confidence: str
    source: str


class HeatFactor(BaseModel):
    key: str
    region: str | None
    factor_tco2_per_gj: float
    year: str
    confidence: str
    source: str
    note: str | None = None


class FootprintFactor(BaseModel):
    """A factor of the packaged footprint library [kgCO2e per ``unit``]; ``group``: combustion, electricity
    (life cycle), electricity_co2, heat, material or transport (GB/T 51366-2019 附录D/E)."""

    key: str
    group: str
    unit: str
    factor_kgco2e: float
    year: str
    confidence: str
    source: str
    origin: str
    note: str | None = None


class FactorTableInfo(BaseModel):
    table: str
    title_zh: str
    title_en: str
    rows: int
    note_zh: str = ""
    note_en: str = ""


class FactorTables(BaseModel):
    """The selected factor tables of one guideline edition (only the selected keys are present)."""

    edition: str
    guideline_zh: str
    guideline_en: str
    gwp_set: str
    table: str
    tables: list[FactorTableInfo]
    fuels: list[FuelFactor] | None = None
    nonco2: list[NonCO2Factor] | None = None
    processes: list[ProcessFactor] | None = None
    gwp: list[GWPValue] | None = None
    grid: list[GridFactor] | None = None
    heat: list[HeatFactor] | None = None
    footprint: list[FootprintFactor] | None = None


TableQ = Annotated[str, Query(description="one factor table, or all: " + ", ".join(["all", *service.FACTOR_TABLES]),
                              json_schema_extra={"enum": ["all", *service.FACTOR_TABLES]})]  # fmt: skip


@router.get("/factors", responses=ERRORS, response_model=FactorTables, response_model_exclude_unset=True)
def factors(edition: EditionQ = "2011", table: TableQ = "all") -> dict[str, Any]:
    """Default factors of a guideline edition, each row with source and confidence (public: published factors):
    ``fuels`` (CO2), ``nonco2`` (CH4/N2O, IPCC 2006 Tier 1; rows without a value say so), ``processes`` (with the
    edition's GWPs), ``gwp``, ``grid`` (MEE + NBS), ``heat`` and ``footprint`` (the product-footprint library:
    fuels, electricity, heat, GB/T 51366-2019 materials and transport). ``table`` picks one (default ``all``); an
    unknown name answers 422."""
    frames = service.factor_tables(edition, table)
    e = EDITIONS[edition]
    notes = service.FACTOR_TABLE_NOTES
    info = [{"table": n, "title_zh": service.FACTOR_TABLES[n][0], "title_en": service.FACTOR_TABLES[n][1],
             "rows": len(f), "note_zh": notes.get(n, ("", ""))[0], "note_en": notes.get(n, ("", ""))[1]}
            for n, f in frames.items()]  # fmt: skip
    return {"edition": edition, "guideline_zh": e.guideline_zh, "guideline_en": e.guideline_en,
            "gwp_set": e.gwp_set, "table": table, "tables": info,
            **{n: _records(f) for n, f in frames.items()}}  # fmt: skip


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
