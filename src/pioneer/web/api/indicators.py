"""Indicators (the catalogue), stored values with lineage, assessments (scorecards, "explain this number"),
rankings (JSON, CSV, Excel), the overview map data and a zone's scorecards and trends.

Every number comes from :mod:`pioneer.indicators` (stored values) and :mod:`pioneer.assessment.service`
(scores, standing, improvement, trajectories) through :mod:`pioneer.web.assess`."""

from __future__ import annotations

import io
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, HTTPException, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel

from pioneer.assessment import service as assessment
from pioneer.assessment.standing import hide_ranks_default
from pioneer.guard.cells import neutral_frame
from pioneer.guard.codes import DIVISION_CODE_PATTERN
from pioneer.indicators import store
from pioneer.indicators.choices import Domain
from pioneer.standards.air.tables import categories
from pioneer.web import assess, services
from pioneer.web.api.common import MEDIA, ErrorBody, Limit, Page, Paged, files, paged
from pioneer.web.deps import DB, CurrentUser

router = APIRouter()
ERRORS = {404: {"model": ErrorBody}, 422: {"model": ErrorBody}}
CODES = [i.code for i in assess.catalogue().indicators]
IndicatorCode = Annotated[str, Query(pattern="^(" + "|".join(CODES) + ")$", description="catalogue code")]
DivisionCode = Annotated[str, Query(pattern=DIVISION_CODE_PATTERN, description="6-digit GB/T 2260 code")]
Year = Annotated[int | None, Query(ge=1980, le=2100)]
Level = Annotated[str, Query(pattern="^(province|city|county)$")]


def _no_data(what_zh: str, what_en: str) -> HTTPException:
    return HTTPException(404, {"message_zh": f"暂无数据：{what_zh}", "message_en": f"no data: {what_en}"})


class IndicatorPublic(BaseModel):
    code: str
    name_zh: str
    name_en: str
    domain: str
    domain_zh: str
    domain_en: str
    unit: str
    direction: str
    tiers: list[str]
    source_kind: str
    standard: str | None
    confidence: str
    needs_source: bool
    targets: list[dict[str, Any]]
    has_data: bool


@router.get("/indicators", tags=["indicators"], response_model=Paged[IndicatorPublic], responses=ERRORS)
def list_indicators(
    session: DB,
    page: Page = 1,
    limit: Limit = 100,
    domain: Annotated[str | None, Query(pattern="^(" + "|".join(d.value for d in Domain) + ")$")] = None,
    tier: Annotated[str | None, Query(pattern="^(region|province|city|county)$")] = None,
    source_kind: Annotated[str | None, Query(pattern="^(computed|reported)$")] = None,
    has_data: bool | None = None,
):
    """The indicator catalogue (``pioneer.indicators``), filtered; ``has_data`` = a value is stored."""
    with_data = set(assess.indicators_with_data(session))
    items = [
        {**assess.indicator_public(i), "has_data": i.code in with_data}
        for i in assess.catalogue().indicators
        if (domain is None or str(i.domain) == domain)
        and (tier is None or tier in [str(t) for t in i.tiers])
        and (source_kind is None or str(i.source.kind) == source_kind)
        and (has_data is None or (i.code in with_data) == has_data)
    ]
    return paged(items, page, limit)


@router.get("/indicators/template", tags=["indicators"], responses={**ERRORS, **files("xlsx")})
def indicators_template(division: DivisionCode, year: Annotated[int, Query(ge=1980, le=2100)]) -> Response:
    """The reporting template (``pioneer.indicators.template.write_template``) for a division and year: one row
    per reported indicator of the division's tier, units filled in. Upload it filled at ``POST /imports``."""
    import tempfile
    from pathlib import Path as FsPath

    from pioneer.assessment.standing import division_level
    from pioneer.indicators.template import write_template

    with tempfile.TemporaryDirectory() as tmp:
        path = FsPath(tmp) / "template.xlsx"
        write_template(path, division, year, tier=str(division_level(division)))
        body = path.read_bytes()
    return Response(body, media_type=MEDIA["xlsx"],
                    headers={"Content-Disposition": f'attachment; filename="template-{division}-{year}.xlsx"'})  # fmt: skip


@router.get("/indicators/{code}", tags=["indicators"], response_model=IndicatorPublic, responses=ERRORS)
def read_indicator(code: Annotated[str, Path(max_length=64)], session: DB):
    ind = assess.catalogue().get(code)
    if ind is None:
        raise HTTPException(
            404, {"message_zh": f"未知指标 “{code}”", "message_en": f"unknown indicator '{code}'"}
        )
    return {**assess.indicator_public(ind), "has_data": code in assess.indicators_with_data(session)}


class ValuePublic(BaseModel):
    id: int
    division_code: str
    indicator: str
    year: int
    edition: str
    value: float | None
    unit: str
    source_kind: str
    method: str
    source_document: str | None
    import_id: str | None
    lineage: dict[str, Any] | None = None


@router.get("/values", tags=["values"], response_model=Paged[ValuePublic], responses=ERRORS)
def list_values(
    session: DB,
    page: Page = 1,
    limit: Limit = 100,
    indicator: Annotated[str | None, Query(max_length=64)] = None,
    division: Annotated[str | None, Query(pattern=DIVISION_CODE_PATTERN)] = None,
    year: Year = None,
    source_kind: Annotated[str | None, Query(pattern="^(computed|reported)$")] = None,
    lineage: Annotated[bool, Query(description="include each value's lineage")] = False,
):
    """Stored indicator values (every edition), ordered by division, indicator, year, edition."""
    f = store.read_values(
        session,
        indicators=None if indicator is None else [indicator],
        years=None if year is None else [year],
        divisions=None if division is None else [division],
        lineage=lineage,
    )
    if source_kind is not None:
        f = f[f["source_kind"] == source_kind]
    f = f.sort_values(["division_code", "indicator", "year", "edition"])
    start = (page - 1) * limit
    chunk = f.iloc[start : start + limit].astype(object)
    chunk = chunk.where(chunk.notna(), None)
    return {"meta": {"page": page, "limit": limit, "found": len(f)}, "results": chunk.to_dict("records")}


@router.get("/values/{value_id}", tags=["values"], responses=ERRORS)
def explain_value(value_id: Annotated[int, Path(ge=1, le=2**62)], session: DB) -> dict[str, Any]:
    """One stored value with its whole chain (``pioneer.assessment.service.explain``): definition, edition,
    method, counts, inputs and import records."""
    try:
        return assessment.explain(session, value_id)
    except KeyError:
        raise HTTPException(
            404, {"message_zh": f"未知数值 {value_id}", "message_en": f"unknown value {value_id}"}
        ) from None


@router.get("/assessments", tags=["assessments"], responses=ERRORS)
def read_assessment(session: DB, division: DivisionCode, year: Year = None,
                    level: Annotated[str | None, Query(pattern="^(province|city|county)$")] = None) -> dict[str, Any]:  # fmt: skip
    """A division's scorecard (``pioneer.assessment.service.zone_scorecard``): every assessed indicator with
    target, attainment, score, standing, improvement and trajectory; domain and overall scores; notes.
    Default year: the latest with a value; baseline: the earliest earlier year with a value."""
    return assess.scorecard(session, division, year=year, tier=level)


@router.get("/assessments/explain", tags=["assessments"], responses=ERRORS)
def explain_assessment(session: DB, division: DivisionCode, indicator: IndicatorCode,
                       year: Annotated[int, Query(ge=1980, le=2100)]) -> dict[str, Any]:  # fmt: skip
    """ "Explain this number": the value's chain plus how its score, target, standing, improvement and
    trajectory were computed (``pioneer.assessment.service.explain_indicator``)."""
    try:
        return assess.explain(session, division, indicator, year)
    except KeyError:
        raise _no_data(f"{division} {indicator} {year}", f"{division} {indicator} {year}") from None


def _latest(session, indicator: str, year: int | None) -> int:
    if year is not None:
        return year
    have = assess.years(session, indicator=indicator)
    if not have:
        raise _no_data(indicator, indicator)
    return have[-1]


class RankingRow(BaseModel):
    division_code: str
    name: str | None
    indicator: str
    year: int
    value: float | None
    unit: str | None
    edition: str | None
    score: float | None
    rank: int | None
    percentile: float | None
    n_peers: int | None
    target: float | None
    attained: bool | None


class Ranking(BaseModel):
    meta: dict[str, int]
    indicator: str
    level: str
    year: int
    ranks_hidden: bool
    note: dict[str, str]
    results: list[RankingRow]


@router.get(
    "/rankings", tags=["rankings"], response_model=Ranking, responses={**ERRORS, **files("csv", "xlsx")}
)
def rankings(session: DB, indicator: IndicatorCode = assess.DEFAULT_INDICATOR, level: Level = "city",
             year: Year = None, page: Page = 1, limit: Limit = 100,
             format: Annotated[str, Query(pattern="^(json|csv|xlsx)$")] = "json"):  # fmt: skip
    """One indicator across the divisions of a level (``pioneer.assessment.service.ranking``), best first;
    divisions without a value last. Ranks are omitted when the deployment sets ``PIONEER_HIDE_RANKS=1``
    (percentiles stay). ``format=csv|xlsx`` downloads the whole list."""
    y = _latest(session, indicator, year)
    hide = hide_ranks_default()
    rows = assess.ranking(session, indicator, level, y, hide_ranks=hide, names=assess.division_names(session))
    if format != "json":
        return download(rows, f"rankings-{indicator}-{level}-{y}", format, hide)
    cols = RankingRow.model_fields
    out = paged([{k: r.get(k) for k in cols} for r in rows], page, limit)
    return {**out, "indicator": indicator, "level": level, "year": y, "ranks_hidden": hide,
            "note": assess.RANKS_NOTE}  # fmt: skip


def download(rows: list[dict[str, Any]], stem: str, fmt: str, hide: bool) -> Response:
    cols = ["rank", "division_code", "name", "indicator", "year", "value", "unit", "edition", "score", "percentile",
            "n_peers", "target", "attained"]  # fmt: skip
    if hide:
        cols.remove("rank")
    frame = neutral_frame(pd.DataFrame(rows, columns=cols))  # names are user data (pioneer.guard.cells)
    if fmt == "csv":
        body = ("\ufeff" + frame.to_csv(index=False)).encode("utf-8")
        media = MEDIA["csv"]
    else:
        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="openpyxl") as xl:
            frame.to_excel(xl, index=False, sheet_name="ranking")
            pd.DataFrame({"note": [assess.RANKS_NOTE["zh"], assess.RANKS_NOTE["en"]]}).to_excel(
                xl, index=False, sheet_name="note"
            )
        body = buf.getvalue()
        media = MEDIA["xlsx"]
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'})  # fmt: skip


@router.get("/overview", tags=["indicators"], responses=ERRORS)
def overview(session: DB, user: CurrentUser, indicator: IndicatorCode = assess.DEFAULT_INDICATOR,
             year: Year = None, period: Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] = None,
             ) -> dict[str, Any]:  # fmt: skip
    """Map data: the indicator's values of provinces and prefecture-level cities in a year — or, with
    ``period=YYYY-MM``, of every city in that month from the lake's station-day values (``web.national``) — the
    visible zones with tier and state, and the AQI categories of HJ 633 for the legend."""
    from pioneer.web import national

    ind = assess.catalogue().indicator(indicator)
    have = assess.years(session, indicator=indicator)
    y = year if year is not None else (have[-1] if have else None)
    values = (
        assess.map_values(session, indicator, y)
        if y is not None
        else {"provinces": [], "cities": [], "counties": []}
    )
    if period is not None and period in national.months():
        y = int(period[:4])
        values = national.map_values(indicator, period)
    zones = [{"code": z.code, "name_zh": z.name_zh, "name_en": z.name_en, "tier": z.tier, "state": z.state,
              "division_codes": z.division_codes} for z in services.visible_zones(session, user)]  # fmt: skip
    return {"indicator": indicator, "name_zh": ind.name_zh, "name_en": ind.name_en, "unit": ind.unit,
            "direction": str(ind.direction), "year": y, "years": have, "period": period, **values, "zones": zones,
            "legend": assess.legend(indicator, y),
            "aqi_categories": [c._asdict() for c in categories(assessment.current_edition("air", y or 2013) or "2012")]}  # fmt: skip


ZoneCode = Annotated[str, Path(min_length=1, max_length=32)]


def zone_scorecards(session, zone, year: int | None) -> dict[str, Any]:
    """The scorecards of ``zone`` — a zone the caller found with ``services.visible_zone`` (the zone page passes
    the one it already holds: one visibility query per page)."""
    cards = [assess.scorecard(session, d, year=year, tier=zone.tier) for d in zone.division_codes]
    return {"zone": zone.code, "tier": zone.tier, "scorecards": cards}


@router.get("/zones/{code}/indicators", tags=["zones"], responses=ERRORS)
def read_zone_indicators(code: ZoneCode, session: DB, user: CurrentUser, year: Year = None) -> dict[str, Any]:
    """The scorecard of each division of the zone."""
    return zone_scorecards(session, services.visible_zone(session, user, code), year)


@router.get("/zones/{code}/trends", tags=["zones"], responses=ERRORS)
def read_zone_trends(code: ZoneCode, session: DB, user: CurrentUser) -> dict[str, Any]:
    """Every stored year of each indicator of the zone's divisions, with the national targets."""
    zone = services.visible_zone(session, user, code)
    return {"zone": code, "divisions": [{"division_code": d, "series": assess.trends(session, d)}
                                        for d in zone.division_codes]}  # fmt: skip
