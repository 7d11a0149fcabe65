"""Compensation agreements and yearly statements — API under ``/api/v1/compensation``.

Reads need a login (``auth.restrict(user, VIEW)``); writes need ``EDIT`` over both parties' divisions (the same
``auth.restrict``), then the compensation service checks the user's registry actor again and writes an audit entry
with before/after snapshots — all in the request's transaction (nothing written on error). Unknown agreement or
version → 404; a rejected agreement or a year that cannot be settled → 422 listing every located problem."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute

from pioneer.compensation import service, settlement, stored
from pioneer.compensation import statement as doc
from pioneer.compensation.schemas import AgreementCreate, AgreementPublic, VersionPublic
from pioneer.compensation.template import parse_agreement
from pioneer.db import stored_time
from pioneer.errors import InputError, PioneerError
from pioneer.guard.codes import DIVISION_CODE_PATTERN
from pioneer.registry.divisions.service import division
from pioneer.registry.divisions.service import division as _division
from pioneer.registry.errors import ImportFailedError
from pioneer.web import auth
from pioneer.web.api.common import MEDIA, ErrorBody, Limit, Page, Paged, files, paged
from pioneer.web.deps import DB, CurrentUser, check_csrf, request_id, status_of
from pioneer.web.models import User

MAX_YAML_BYTES = 1024 * 1024
Code = Annotated[str, Query(min_length=1, max_length=64)]


def _errors(exc: Any) -> list[dict[str, Any]]:
    return [{"message_zh": e.message_zh, "message_en": e.message_en, "file": getattr(e, "file", None),
             "row": getattr(e, "row", None), "column": getattr(e, "column", None),
             "value": None if getattr(e, "value", None) is None else str(e.value)} for e in exc.errors]  # fmt: skip


class CompensationRoute(APIRoute):
    def get_route_handler(self):
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            """Errors that carry a list of located errors keep it in the body; the status comes from the one
            table (``deps.STATUS``); every other domain error goes to the app's handler."""
            try:
                return await handler(request)
            except (ImportFailedError, service.StatementError) as exc:
                raise HTTPException(status_of(exc), {"message_zh": exc.message_zh, "message_en": exc.message_en,
                                                     "errors": _errors(exc)}) from None  # fmt: skip

        return route


agreements = APIRouter(prefix="/compensation", tags=["compensation"], route_class=CompensationRoute)
ERRORS = {s: {"model": ErrorBody} for s in (401, 403, 404, 422)}


def _writer(session, user: User | None, request: Request, codes: list[str], csrf: str | None = None
            ) -> dict[str, Any]:  # fmt: skip
    """The service's actor for ``user`` after the CSRF check (``csrf``: a form's token) and ``EDIT`` over
    ``codes``; the services write the audit log themselves (user and request id from the actor)."""
    check_csrf(request, csrf)
    auth.restrict(user, auth.Action.EDIT, codes)
    assert user is not None
    return {"actor": auth.actor(user, request_id=request_id(request))}


def _public(session, code: str, version: int | None = None) -> dict[str, Any]:
    _, data = service.version_data(session, code, version)
    return service.public(service.agreement(session, code), data)


@agreements.get("/agreements", response_model=Paged[AgreementPublic], responses=ERRORS)
def list_agreements(session: DB, user: CurrentUser, page: Page = 1, limit: Limit = 100,
                    division: Annotated[str | None, Query(pattern=DIVISION_CODE_PATTERN)] = None):  # fmt: skip
    """Agreements (current versions); ``division`` keeps those with a party within or above it."""
    auth.restrict(user, auth.Action.VIEW)
    found = [_public(session, a.code) for a in service.list_agreements(session, division_code=division)]
    return paged(found, page, limit)


@agreements.post("/agreements", response_model=AgreementPublic, status_code=201, responses=ERRORS)
def create_agreement(data: AgreementCreate, request: Request, session: DB, user: CurrentUser):
    a = service.create_agreement(
        session, data, **_writer(session, user, request, [data.upstream, data.downstream])
    )
    return _public(session, a.code)


@agreements.post("/agreements/import", response_model=AgreementPublic, status_code=201, responses=ERRORS)
def import_agreement(request: Request, session: DB, user: CurrentUser, file: UploadFile = File(...),
                           new_version: bool = False, note: Annotated[str, Query(max_length=500)] = ""):  # fmt: skip
    """Enter an agreement from the YAML template or the .xlsx workbook (all or nothing); ``new_version`` for an
    existing code."""
    raw = file.file.read(MAX_YAML_BYTES + 1)
    name = Path(file.filename or "agreement.yaml").name
    if len(raw) > MAX_YAML_BYTES:
        raise InputError("文件过大（上限 1 MB）", "file too large (limit 1 MB)", file=name)
    if name.lower().endswith(".xlsx"):
        import tempfile

        from pioneer.compensation.excel import read_workbook

        with tempfile.TemporaryDirectory() as d:
            (Path(d) / name).write_bytes(raw)
            data = read_workbook(Path(d) / name)
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError("文件须为 UTF-8 编码", "the file must be UTF-8 text", file=name) from None
        data = parse_agreement(text, file=name)
    w = _writer(session, user, request, [data.upstream, data.downstream])
    if new_version:
        a = service.update_agreement(session, data.code, data, note=note, file=name, **w)
    else:
        a = service.create_agreement(session, data, note=note, file=name, **w)
    return _public(session, a.code)


@agreements.get("/agreements/{code}", response_model=AgreementPublic, responses=ERRORS)
def read_agreement(
    code: str, session: DB, user: CurrentUser, version: Annotated[int | None, Query(ge=1)] = None
):
    auth.restrict(user, auth.Action.VIEW)
    return _public(session, code, version)


@agreements.put("/agreements/{code}", response_model=AgreementPublic, responses=ERRORS)
def update_agreement(code: str, data: AgreementCreate, request: Request, session: DB, user: CurrentUser,
                     note: Annotated[str, Query(max_length=500)] = ""):  # fmt: skip
    """Write a new version (earlier versions stay readable with ``?version=``)."""
    a = service.agreement(session, code)
    codes = [a.upstream_division_code, a.downstream_division_code, data.upstream, data.downstream]
    service.update_agreement(session, code, data, note=note, **_writer(session, user, request, codes))
    return _public(session, code)


@agreements.get("/agreements/{code}/versions", response_model=list[VersionPublic], responses=ERRORS)
def list_versions(code: str, session: DB, user: CurrentUser):
    auth.restrict(user, auth.Action.VIEW)
    out = [VersionPublic.model_validate(v, from_attributes=True) for v in service.versions(session, code)]
    for v in out:  # written as UTC (service._now); SQLite hands it back without its zone
        v.created_at = stored_time(v.created_at, dt.UTC)
    return out


@agreements.get("/agreements/{code}/statement", responses={**ERRORS, **files("docx", "pdf", "html")})
def read_statement(code: str, session: DB, user: CurrentUser, year: Annotated[int, Query(ge=2000, le=2100)],
                   version: Annotated[int | None, Query(ge=1)] = None,
                   format: Annotated[str, Query(pattern="^(json|docx|pdf|html)$")] = "json"):  # fmt: skip
    """The year's statement from the lake's water data: JSON (every number and its arithmetic) or a document."""
    auth.restrict(user, auth.Action.VIEW)
    st = settlement.statement(session, code, year, version=version)
    if format == "json":
        return st
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        data = doc.write(st, Path(d) / f"statement.{format}", format).read_bytes()
    return Response(data, media_type=MEDIA[format],
                    headers={"Content-Disposition": f'attachment; filename="{code}-{year}.{format}"'})  # fmt: skip


def _document(st: dict[str, Any], name: str, format: str) -> Response:
    if format == "json":
        return Response(json.dumps(st, ensure_ascii=False, default=str), media_type="application/json")
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        data = doc.write(st, Path(d) / f"statement.{format}", format).read_bytes()
    return Response(data, media_type=MEDIA[format],
                    headers={"Content-Disposition": f'attachment; filename="{name}.{format}"'})  # fmt: skip


def _stored_public(row) -> dict[str, Any]:
    out = stored.summary(row)
    out["computed_at"] = stored_time(row.computed_at, dt.UTC).isoformat()
    return out


@agreements.post("/agreements/{code}/statements", status_code=201, responses=ERRORS)
def save_statement(code: str, request: Request, session: DB, user: CurrentUser,
                   year: Annotated[int, Query(ge=2000, le=2100)],
                   version: Annotated[int | None, Query(ge=1)] = None,
                   note: Annotated[str, Query(max_length=500)] = ""):  # fmt: skip
    """Compute the year's statement and store it as the next statement of that agreement and year (an earlier
    one is never overwritten); audited. 422 (every section and item listed) when the year cannot be settled."""
    a = service.agreement(session, code)
    w = _writer(session, user, request, [a.upstream_division_code, a.downstream_division_code])
    row = stored.save_statement(session, code, year, version=version, note=note, **w)
    return _stored_public(row)


@agreements.get("/statements", responses=ERRORS)
def list_statements(session: DB, user: CurrentUser, agreement: Annotated[str | None, Query(max_length=64)] = None,
                    division: Annotated[str | None, Query(pattern=DIVISION_CODE_PATTERN)] = None,
                    basin: Annotated[str | None, Query(max_length=64)] = None):  # fmt: skip
    """Stored statements (newest first) of an agreement, of a division's agreements or of a basin's."""
    auth.restrict(user, auth.Action.VIEW)
    return [_stored_public(r) for r in stored.statements(session, code=agreement, division_code=division,
                                                         basin=basin)]  # fmt: skip


@agreements.get(
    "/agreements/{code}/statements/{year}/{number}", responses={**ERRORS, **files("docx", "pdf", "html")}
)
def read_stored_statement(code: str, year: int, number: int, session: DB, user: CurrentUser,
                          format: Annotated[str, Query(pattern="^(json|docx|pdf|html)$")] = "json"):  # fmt: skip
    """A stored statement exactly as it was computed: JSON or a DOCX/PDF/HTML document."""
    auth.restrict(user, auth.Action.VIEW)
    row = stored.stored_statement(session, code, year, number)
    return _document(row.data, f"{code}-{year}-{number}", format)


# --- GEP accounts ---------------------------------------------------------------------------------------------------
gep_router = APIRouter(prefix="/gep", tags=["gep"])
MAX_TABLE_BYTES = 10 * 1024 * 1024


def _table(upload: UploadFile | None) -> tuple[pd.DataFrame, str] | None:
    if upload is None:
        return None
    name = Path(upload.filename or "table.csv").name
    raw = upload.file.read(MAX_TABLE_BYTES + 1)
    if len(raw) > MAX_TABLE_BYTES:
        raise InputError("文件过大（上限 10 MB）", "file too large (limit 10 MB)", file=name)
    try:
        if name.lower().endswith(".xlsx"):
            return pd.read_excel(io.BytesIO(raw), dtype=str), name
        return pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8-sig"), name
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError("无法读取文件（CSV UTF-8 或 .xlsx）", f"cannot read the file (CSV UTF-8 or .xlsx): {exc}",
                         file=name) from None  # fmt: skip


def _gep_compute(
    quantities: UploadFile,
    overrides: UploadFile | None,
    gdp: UploadFile | None,
    edition: str,
    prices: str | None,
) -> tuple[pd.DataFrame, pd.DataFrame, str, str | None]:
    """Item values and accounts of the uploaded tables (located errors: file, row, column)."""
    from pioneer.standards import gep

    table = _table(quantities)
    assert table is not None
    q, name = table
    qty = gep.read_quantities(q, edition=edition, file=name)
    ov = _table(overrides)
    g = _table(gdp)
    values = gep.item_values(qty, edition=edition, prices=prices,
                             overrides=gep.read_overrides(ov[0], edition=edition, file=ov[1]) if ov else None)  # fmt: skip
    acc = gep.accounts_by_level(values, edition=edition, gdp=gep.read_gdp(g[0], file=g[1]) if g else None)
    return values, acc, name, ov[1] if ov else None


def _gep_store(session, user: User | None, request: Request, values: pd.DataFrame, acc: pd.DataFrame, *,
               edition: str, prices: str | None, overrides: str | None, source: str, note: str,
               csrf: str | None = None):  # fmt: skip
    from pioneer.compensation import gep_store

    w = _writer(session, user, request, sorted(set(values["division_code"].astype(str))), csrf)
    return gep_store.store_account(session, values, acc, edition=edition, prices=prices, overrides=overrides,
                                   source_file=source, note=note, **w)  # fmt: skip


EditionQ = Annotated[str, Query(pattern="^(GB/T 46869-2025|NDRC-2022)$")]


@gep_router.post("/account", responses={**ERRORS, **files("docx", "pdf", "html")})
def gep_account(request: Request, session: DB, user: CurrentUser, quantities: UploadFile = File(...),
                overrides: UploadFile | None = File(None), gdp: UploadFile | None = File(None),
                edition: EditionQ = "GB/T 46869-2025",
                prices: Annotated[str | None, Query(pattern="^garze-2010$")] = None,
                format: Annotated[str, Query(pattern="^(json|docx|pdf|html)$")] = "json",
                store: bool = False, note: Annotated[str, Query(max_length=500)] = ""):  # fmt: skip
    """GEP per input division and city from a quantities table (``pioneer gep template``): values per item,
    accounts, GEP/GDP and the 两山 indicators (JSON), or the report. With ``store=true`` the run is also stored
    (EDIT over every input division; audited) for the divisions' GEP pages."""
    check_csrf(request, None)  # a POST: browser sessions send their token like any other
    auth.restrict(user, auth.Action.VIEW)
    values, acc, name, ov = _gep_compute(quantities, overrides, gdp, edition, prices)
    run_id = None
    if store:
        run_id = _gep_store(session, user, request, values, acc, edition=edition, prices=prices, overrides=ov,
                            source=name, note=note).id  # fmt: skip
    if format == "json":
        return {
            "run_id": run_id,
            "accounts": json.loads(acc.to_json(orient="records")),
            "items": json.loads(values.to_json(orient="records", force_ascii=False)),
        }
    from pioneer.reports.gep import gep_report
    from pioneer.reports.render import FORMATS

    return Response(FORMATS[format](gep_report(acc, values, edition=edition)), media_type=MEDIA[format],
                    headers={"Content-Disposition": f'attachment; filename="gep.{format}"'})  # fmt: skip


@gep_router.get("/accounts", responses=ERRORS)
def gep_accounts(
    session: DB, user: CurrentUser, division: Annotated[str, Query(pattern=DIVISION_CODE_PATTERN)]
):
    """The stored accounts of a division by year (the latest run per year) with its latest composition."""
    from pioneer.compensation import gep_store

    auth.restrict(user, auth.Action.VIEW)
    v = gep_store.view(session, division)
    if v is None:
        return {"division": division, "accounts": [], "by_item": [], "components": []}
    return {
        "division": division,
        "accounts": v["accounts"],
        "by_item": v["by_item"],
        "components": v["components"],
    }


@gep_router.get("/template", responses={**ERRORS, 200: {"content": {"text/csv": {}}}})
def gep_template(user: CurrentUser, edition: EditionQ = "GB/T 46869-2025",
                 kind: Annotated[str, Query(pattern="^(quantities|overrides|gdp)$")] = "quantities"):  # fmt: skip
    """An input template as CSV (UTF-8 with BOM for Excel): quantities per component, provincial price
    overrides, or GDP."""
    from pioneer.compensation.gep_store import template_frame
    from pioneer.guard.cells import neutral_frame

    auth.restrict(user, auth.Action.VIEW)
    text = neutral_frame(template_frame(edition, kind)).to_csv(index=False)
    slug = "gbt46869" if edition.startswith("GB") else "ndrc2022"
    return Response(("\ufeff" + text).encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="gep-{kind}-{slug}.csv"'})  # fmt: skip


router = APIRouter()
router.include_router(agreements)
router.include_router(gep_router)


# --- pages: the agreements of a division or a basin, one agreement with a year's statement -----------------------
pages_router = APIRouter(include_in_schema=False)


@pages_router.get("/compensation", response_class=HTMLResponse)
def agreements_page(request: Request, session: DB, user: CurrentUser,
                    division: Annotated[str | None, Query(pattern=DIVISION_CODE_PATTERN)] = None,
                    basin: Annotated[str | None, Query(max_length=64)] = None):  # fmt: skip
    """The agreements where ``division`` is (or contains) a party, or of one ``basin`` — the page both parties'
    divisions and the basin link to."""
    from pioneer.web.render import render

    auth.restrict(user, auth.Action.VIEW)
    found = [
        a for a in service.list_agreements(session, division_code=division) if not basin or a.basin == basin
    ]
    kept = [stored.summary(r) for r in stored.statements(session, division_code=division, basin=basin)]
    return render(
        request, "compensation.html", user, agreements=found, division=division, basin=basin, statements=kept
    )


@pages_router.get("/compensation/{code}", response_class=HTMLResponse)
def agreement_page(code: str, request: Request, session: DB, user: CurrentUser,
                   year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
                   version: Annotated[int | None, Query(ge=1)] = None):  # fmt: skip
    """One agreement (a version of its terms) and, with ``year``, that year's statement — or why it cannot be
    settled (HTTP 422, every section and item listed)."""
    from pioneer.web.render import render

    auth.restrict(user, auth.Action.VIEW)
    a = service.agreement(session, code)
    v, data = service.version_data(session, code, version)
    st, problem, status = None, None, 200
    if year is not None:
        try:
            st = settlement.statement(session, code, year, version=v)
        except service.StatementError as exc:
            problem, status = exc, 422
    parties = {k: f"{division(session, data[k]).name}（{data[k]}）" for k in ("upstream", "downstream")}
    kept = [stored.summary(r) for r in stored.statements(session, code=code)]
    can_save = user is not None and auth.allowed(user, auth.Action.EDIT, [a.upstream_division_code,
                                                                        a.downstream_division_code])  # fmt: skip
    return render(request, "compensation_agreement.html", user, status=status, a=a, data=data, version=v,
                  versions=service.versions(session, code), year=year, st=st, problem=problem, parties=parties,
                  item_label=service.item_label, statements=kept, can_save=can_save)  # fmt: skip


@pages_router.post("/compensation/{code}/statements")
def save_statement_page(code: str, request: Request, session: DB, user: CurrentUser,
                        year: Annotated[int, Form(ge=2000, le=2100)], csrf_token: Annotated[str, Form()] = "",
                        version: Annotated[int | None, Form(ge=1)] = None,
                        note: Annotated[str, Form(max_length=500)] = ""):  # fmt: skip
    """The page's "save statement" form: store the year's statement, then back to the agreement page."""
    a = service.agreement(session, code)
    w = _writer(session, user, request, [a.upstream_division_code, a.downstream_division_code], csrf_token)
    row = stored.save_statement(session, code, year, version=version, note=note, **w)
    return RedirectResponse(f"/compensation/{code}?year={year}&saved={row.number}", status_code=303)


# --- GEP pages: one division's stored accounts (composition, trend, GEP/GDP, 两山), the upload form ----------------
@pages_router.get("/gep", response_class=HTMLResponse)
def gep_page(request: Request, session: DB, user: CurrentUser,
             division: Annotated[str | None, Query(pattern=DIVISION_CODE_PATTERN)] = None):  # fmt: skip
    """GEP of ``division`` from the stored runs, or the list of divisions with stored accounts."""
    import base64

    from pioneer.compensation import gep_store
    from pioneer.reports.charts import amount_bars
    from pioneer.reports.gep import trend_chart
    from pioneer.standards import gep
    from pioneer.web.render import render

    auth.restrict(user, auth.Action.VIEW)
    v = gep_store.view(session, division) if division else None
    charts: dict[str, str] = {}
    names: dict[str, str] = {}
    for code in gep_store.divisions_stored(session):
        try:
            names[code] = _division(session, code).name
        except PioneerError:
            names[code] = code
    if v is not None:

        def png(data: bytes) -> str:
            return "data:image/png;base64," + base64.b64encode(data).decode("ascii")

        y = v["latest"]["year"]
        cats = [f"{zh} / {en}" for zh, en in gep.CATEGORIES.values()]
        charts["categories"] = png(amount_bars(cats, [x / 1e8 for _, x in v["by_category"]],
                                               title=f"{division} {y} GEP 构成 / composition", unit="亿元"))  # fmt: skip
        items = v["by_item"][:15]
        charts["by_item"] = png(amount_bars([i["item_cn"] for i in items], [i["value"] / 1e8 for i in items],
                                          title=f"{division} {y} 各项价值 / value by item", unit="亿元"))  # fmt: skip
        if len(v["years"]) > 1:
            series = {
                "GEP": (v["years"], [a["gep"] / 1e8 for a in v["accounts"]]),
                **{f"{zh} / {en}": (v["years"], [a[c] / 1e8 for a in v["accounts"]])
                   for c, (zh, en) in gep.CATEGORIES.items()},
            }  # fmt: skip
            charts["trend"] = png(trend_chart(series, title=f"{division} GEP 逐年 / by year"))
    can_store = user is not None and auth.allowed(user, auth.Action.EDIT, [division] if division else [])
    return render(request, "gep.html", user, division=division, v=v, charts=charts, names=names,
                  categories=gep.CATEGORIES, editions=gep.editions().to_dict("records"),
                  can_store=can_store)  # fmt: skip


@pages_router.post("/gep/upload")
def gep_upload_page(request: Request, session: DB, user: CurrentUser, quantities: UploadFile = File(...),
                    overrides: UploadFile | None = File(None), gdp: UploadFile | None = File(None),
                    edition: Annotated[str, Form(pattern="^(GB/T 46869-2025|NDRC-2022)$")] = "GB/T 46869-2025",
                    prices: Annotated[str, Form(pattern="^(|garze-2010)$")] = "",
                    csrf_token: Annotated[str, Form()] = "", note: Annotated[str, Form(max_length=500)] = ""):  # fmt: skip
    """The page's upload form: compute and store the run (all or nothing), then the first input's GEP page."""
    check_csrf(request, csrf_token)
    auth.restrict(user, auth.Action.VIEW)
    ov = overrides if overrides is not None and overrides.filename else None
    gd = gdp if gdp is not None and gdp.filename else None
    values, acc, name, ov_name = _gep_compute(quantities, ov, gd, edition, prices or None)
    _gep_store(session, user, request, values, acc, edition=edition, prices=prices or None, overrides=ov_name,
               source=name, note=note, csrf=csrf_token)  # fmt: skip
    first = sorted(set(values["division_code"].astype(str)))[0]
    return RedirectResponse(f"/gep?division={first}", status_code=303)


# --- pooled funds (赤水河 云贵川): a year settled from the sections' compliance entered on the page ----------------
@pages_router.get("/compensation/funds/{name}", response_class=HTMLResponse)
def fund_page(name: str, request: Request, session: DB, user: CurrentUser):
    """The shipped N-party fund ``name`` (``chishui-2018``) settled with the compliance fₖ ∈ [0, 1] entered for
    each section (query ``f1``, ``f2``, … in the file's order; default 1 = met); bad values → 422, listed."""
    from pioneer.compensation import fund
    from pioneer.web.render import render

    auth.restrict(user, auth.Action.VIEW)
    terms = fund.parse_fund(fund.example_text(name), file=name)
    given: dict[str, float] = {}
    problems: list[InputError] = []
    for i, s in enumerate(terms["sections"], start=1):
        raw = request.query_params.get(f"f{i}", "").strip()
        if raw == "":
            continue
        try:
            given[s["section"]] = float(raw)
        except ValueError:
            problems.append(InputError("达标比例须为 0–1 之间的数", "compliance must be a number in [0, 1]",
                                       column=f"f{i}", value=raw))  # fmt: skip
    res, status, from_lake = None, 200, None
    year = request.query_params.get("year", "").strip()
    if year and not problems:
        if not (year.isdigit() and 2000 <= int(year) <= 2100):
            problems.append(InputError("年份无效", "invalid year", column="year", value=year))
        else:
            try:
                from_lake = fund.compliance_from_lake(session, terms, int(year))
                given = {**from_lake["compliance"], **given}
            except service.StatementError as exc:
                problems = [InputError(e.message_zh, e.message_en) for e in exc.errors] or [exc]
    if not problems:
        try:
            res = fund.settle(terms, given)
        except ImportFailedError as exc:
            problems = list(exc.errors)
    if problems:
        status = 422
    names = {}
    for p in terms["parties"]:
        try:
            names[p] = division(session, p).name
        except PioneerError:
            names[p] = terms["parties"][p].get("name", p)
    return render(request, "compensation_fund.html", user, status=status, fund_name=name, terms=terms, res=res,
                  problems=problems, given=given, names=names, year=year, from_lake=from_lake)  # fmt: skip
