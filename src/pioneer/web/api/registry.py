"""Divisions, zones (+ lifecycle transitions and description edits), stations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from pioneer.db import stored_time
from pioneer.guard.codes import DIVISION_CODE_PATTERN
from pioneer.registry.divisions import service as divisions
from pioneer.registry.divisions.schemas import DivisionPublic
from pioneer.registry.stations import service as stations
from pioneer.registry.stations.schemas import StationPublic
from pioneer.registry.zones import service as zones
from pioneer.registry.zones.schemas import TransitionPublic, ZoneCreate, ZonePublic, ZoneResult
from pioneer.standards.divisions import covers
from pioneer.web import services
from pioneer.web.api.common import ErrorBody, Limit, Page, Paged, paged
from pioneer.web.deps import DB, CurrentUser, check_csrf, request_id

router = APIRouter()
ERRORS = {
    401: {"model": ErrorBody},
    403: {"model": ErrorBody},
    404: {"model": ErrorBody},
    422: {"model": ErrorBody},
}
Code = Annotated[str, Path(pattern=DIVISION_CODE_PATTERN, description="6-digit GB/T 2260 code")]
ZoneCode = Annotated[str, Path(min_length=1, max_length=32)]


@router.get("/divisions", tags=["divisions"], response_model=Paged[DivisionPublic], responses=ERRORS)
def list_divisions(session: DB, page: Page = 1, limit: Limit = 100,
                   level: Annotated[str | None, Query(pattern="^(province|prefecture|county)$")] = None,
                   parent: Annotated[str | None, Query(pattern=DIVISION_CODE_PATTERN)] = None,
                   q: Annotated[str | None, Query(min_length=1, max_length=32, description="name contains")] = None,
                   year: Annotated[int | None, Query(ge=1980, le=2100)] = None):  # fmt: skip
    """Divisions in force in ``year`` (default: the registry's latest), filtered by level, parent, name."""
    from sqlalchemy import select

    from pioneer.registry.divisions.models import Division

    in_year = year or divisions.latest_year(session)
    if q is not None:
        found = divisions.find_divisions(session, q, year=in_year, limit=100000, level=level, parent=parent)
    else:
        query = select(Division).where(divisions.in_force(in_year))
        if level is not None:
            query = query.where(Division.level == level)
        if parent is not None:
            query = query.where(Division.parent_code == parent)
        found = list(session.scalars(query.order_by(Division.code)).all())
    return paged(found, page, limit, DivisionPublic.model_validate)


@router.get("/divisions/{code}", tags=["divisions"], response_model=DivisionPublic, responses=ERRORS)
def read_division(code: Code, session: DB, year: Annotated[int | None, Query(ge=1980, le=2100)] = None):
    return divisions.division(session, code, at=year)


@router.get("/divisions/{code}/children", tags=["divisions"], response_model=Paged[DivisionPublic],
            responses=ERRORS)  # fmt: skip
def list_children(code: Code, session: DB, page: Page = 1, limit: Limit = 100,
                  year: Annotated[int | None, Query(ge=1980, le=2100)] = None):  # fmt: skip
    found = divisions.children(session, code, year=year)
    return paged(found, page, limit, DivisionPublic.model_validate)


@router.get("/zones", tags=["zones"], response_model=Paged[ZonePublic])
def list_zones(session: DB, user: CurrentUser, page: Page = 1, limit: Limit = 100,
               tier: Annotated[str | None, Query(pattern="^(region|province|city|county)$")] = None,
               state: Annotated[str | None, Query(pattern="^[a-z_]{1,24}$")] = None,
               within: Annotated[str | None, Query(pattern=DIVISION_CODE_PATTERN, description="division subtree")] = None):  # fmt: skip
    """Zones visible to the caller (the public: published ones), filtered by tier, state and division subtree."""
    found = [z for z in services.visible_zones(session, user)
             if (tier is None or z.tier == tier) and (state is None or z.state == state)
             and (not within or any(covers(within, c) for c in z.division_codes))]  # fmt: skip
    return paged(found, page, limit, ZonePublic.model_validate)


@router.post("/zones", tags=["zones"], response_model=ZoneResult, status_code=201, responses=ERRORS)
def create_zone(data: ZoneCreate, request: Request, session: DB, user: CurrentUser):
    check_csrf(request, None)
    return services.create_zone(session, user, data, request_id=request_id(request))


@router.get("/zones/{code}", tags=["zones"], response_model=ZonePublic, responses=ERRORS)
def read_zone(code: ZoneCode, session: DB, user: CurrentUser):
    return services.visible_zone(session, user, code)


class ZoneUpdate(BaseModel):
    theme: str | None = Field(default=None, max_length=2000)
    name_en: str | None = Field(default=None, max_length=256)


@router.patch("/zones/{code}", tags=["zones"], response_model=ZonePublic, responses=ERRORS)
def update_zone(code: ZoneCode, data: ZoneUpdate, request: Request, session: DB, user: CurrentUser):
    check_csrf(request, None)
    return services.update_zone(session, user, code, theme=data.theme, name_en=data.name_en,
                                request_id=request_id(request))  # fmt: skip


class TransitionCreate(BaseModel):
    to_state: str = Field(min_length=1, max_length=24)
    reason: str = Field(default="", max_length=2000)
    document_number: str = Field(default="", max_length=64, description="批复文号 (GB/T 9704-2012 §7.2.4): "
                                 "required to approve, e.g. 环综合函〔2025〕12号")  # fmt: skip


@router.post("/zones/{code}/transitions", tags=["zones"], response_model=ZoneResult, responses=ERRORS)
def transition_zone(code: ZoneCode, data: TransitionCreate, request: Request, session: DB, user: CurrentUser):
    check_csrf(request, None)
    return services.transition_zone(
        session,
        user,
        code,
        data.to_state,
        data.reason,
        document_number=data.document_number,
        request_id=request_id(request),
    )


@router.get(
    "/zones/{code}/transitions", tags=["zones"], response_model=list[TransitionPublic], responses=ERRORS
)
def list_transitions(code: ZoneCode, session: DB, user: CurrentUser):
    services.visible_zone(session, user, code)
    out = [TransitionPublic.model_validate(t) for t in zones.history(session, code)]
    for t in out:  # the registry stamps UTC+8 (RFC 3339 answers carry the offset)
        t.at = stored_time(t.at, zones.CST)
    return out


@router.get("/stations", tags=["stations"], response_model=Paged[StationPublic])
def list_stations(session: DB, page: Page = 1, limit: Limit = 100,
                  within: Annotated[str | None, Query(pattern=DIVISION_CODE_PATTERN)] = None):  # fmt: skip
    found = stations.list_stations(session, within=within)
    return paged(found, page, limit, StationPublic.model_validate)


@router.get("/stations/{code}", tags=["stations"], response_model=StationPublic, responses=ERRORS)
def read_station(code: Annotated[str, Path(min_length=1, max_length=32)], session: DB):
    from fastapi import HTTPException

    from pioneer.errors import PioneerError

    try:
        return stations.station(session, code)
    except PioneerError as exc:
        raise HTTPException(404, {"message_zh": exc.message_zh, "message_en": exc.message_en}) from None
