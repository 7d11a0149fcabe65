"""Indicators computed under the air-quality standards: catalogue, national overview (map data), a zone's
indicator values with lineage ("explain this number"), rankings (JSON or CSV)."""

from __future__ import annotations

import io
import math
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from pioneer.registry.stations import service as stations
from pioneer.registry.zones.models import Zone
from pioneer.standards.air.tables import categories, limits
from pioneer.web import airdata, services
from pioneer.web.api.common import ErrorBody, Limit, Page, paged
from pioneer.web.deps import DB, CurrentUser
from pioneer.web.models import User

router = APIRouter(tags=["indicators"])
Indicator = Annotated[str, Query(pattern="^(" + "|".join(airdata.INDICATORS) + ")$")]
Year = Annotated[int | None, Query(ge=1980, le=2100)]
TARGET_ITEM = {"pm2_5_annual_mean": ("pm2_5", "annual"), "pm10_annual_mean": ("pm10", "annual"),
               "no2_annual_mean": ("no2", "annual"), "so2_annual_mean": ("so2", "annual"),
               "o3_8h_p90": ("o3", "8h"), "co_p95": ("co", "24h")}  # fmt: skip


def _num(v: Any) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) or pd.isna(v) else float(v)


def target(indicator: str, phase: str) -> float | None:
    """Reference target: the GB 3095 class-2 limit of the phase in force (interim until the indicator catalogue
    supplies zone targets)."""
    if indicator not in TARGET_ITEM:
        return None
    try:
        return float(limits(phase, *TARGET_ITEM[indicator])[1])
    except KeyError:
        return None


def _year(year: int | None) -> int:
    ys = airdata.years()
    if year is None:
        if not ys:
            raise HTTPException(404, {"message_zh": "暂无指标数据", "message_en": "no indicator data yet"})
        return ys[-1]
    return year


@router.get("/indicators")
def list_indicators() -> dict[str, Any]:
    """The indicators available and the years with data."""
    return {
        "results": [
            {"code": k, "name_zh": v[0], "name_en": v[1], "unit": v[2], "better": v[3]}
            for k, v in airdata.INDICATORS.items()
        ],  # fmt: skip
        "years": airdata.years(),
        "aqi_categories": [c._asdict() for c in categories("2012")],
        "source": airdata.SOURCE,
    }


@router.get("/overview", responses={404: {"model": ErrorBody}})
def overview(session: DB, user: CurrentUser, indicator: Indicator = "pm2_5_annual_mean", year: Year = None):
    """Map data: the indicator per province (municipalities: their city value; others: none yet) and the
    visible zones with their tier and state."""
    y = _year(year)
    frame = airdata.annual(y)
    cities = frame[frame["site_level"] == "city"]
    provinces = []
    for _, row in cities.iterrows():
        code = str(row["id"])
        if code.endswith("0000"):
            provinces.append({"code": code, "value": _num(row[indicator])})
    zones = [{"code": z.code, "name_zh": z.name_zh, "name_en": z.name_en, "tier": z.tier, "state": z.state,
              "division_codes": z.division_codes} for z in services.visible_zones(session, user)]  # fmt: skip
    name = airdata.INDICATORS[indicator]
    return {"indicator": indicator, "name_zh": name[0], "name_en": name[1], "unit": name[2], "year": y,
            "provinces": provinces, "zones": zones}  # fmt: skip


def zone_sites(session: Session, zone: Zone) -> list[str]:
    """Air sites of a zone: the city series when a division is itself a city of the data, else its stations."""
    t = airdata.loaded()
    if t is None:
        return []
    cities = set(t.annual.loc[t.annual["site_level"] == "city", "id"].astype(str))
    out: list[str] = []
    for code in zone.division_codes:
        if code in cities:
            out.append(code)
        else:
            out.extend(s.code for s in stations.list_stations(session, medium="air", within=code))
    return out


def zone_indicators(session: Session, user: User | None, code: str, year: int | None) -> dict[str, Any]:
    zone = services.visible_zone(session, user, code)
    sites = zone_sites(session, zone)
    y = _year(year) if airdata.years() else None
    rows = []
    t = airdata.loaded()
    if t is not None and sites and y is not None:
        frame = t.annual
        for site in sites:
            cur = frame[(frame["id"] == site) & (frame["year"] == y)]
            prev = frame[(frame["id"] == site) & (frame["year"] == y - 1)]
            if cur.empty:
                continue
            r = cur.iloc[0]
            level = r["site_level"]
            peers = frame[(frame["year"] == y) & (frame["site_level"] == level)]
            for ind, (zh, en, unit, better) in airdata.INDICATORS.items():
                value = _num(r[ind])
                before = _num(prev.iloc[0][ind]) if not prev.empty else None
                valid = peers.dropna(subset=[ind])
                rank = None
                if value is not None:
                    ordered = valid[ind].rank(method="min", ascending=(better == "lower"))
                    rank = int(ordered[valid["id"] == site].iloc[0])
                trend = None if value is None or before is None else (
                    "flat" if value == before else "up" if value > before else "down")  # fmt: skip
                improving = None if trend in (None, "flat") else (trend == "down") == (better == "lower")
                days_col = {"pm2_5_annual_mean": "pm2_5_valid_days", "pm10_annual_mean": "pm10_valid_days",
                            "no2_annual_mean": "no2_valid_days", "so2_annual_mean": "so2_valid_days",
                            "o3_8h_p90": "o3_8h_valid_days", "co_p95": "co_valid_days",
                            "good_day_ratio": "aqi_valid_days"}.get(ind)  # fmt: skip
                rows.append({
                    "site": site, "site_level": level, "indicator": ind, "name_zh": zh, "name_en": en, "unit": unit,
                    "better": better, "year": y, "value": value, "previous": before, "trend": trend,
                    "improving": improving, "target": target(ind, str(r["limits"])),
                    "rank": rank, "of": len(valid),
                    "lineage": {
                        "standards": airdata.SOURCE["standards"], "edition": str(r["edition"]),
                        "limits": str(r["limits"]), "valid_days": None if days_col is None else _num(r[days_col]),
                        "input": airdata.SOURCE["data"], "input_sha256": t.sha256,
                        "method": "hourly → daily (GB 3095 Table 4 validity, HJ 663 §6) → annual (HJ 663; "
                                  "percentiles Appendix A); empty when the year is not valid (≥324 days, ≥27 per month)",
                    },
                })  # fmt: skip
    return {"zone": code, "year": y, "sites": sites, "results": rows}


@router.get("/zones/{code}/indicators", responses={404: {"model": ErrorBody}})
def read_zone_indicators(code: str, session: DB, user: CurrentUser, year: Year = None):
    return zone_indicators(session, user, code, year)


@router.get("/zones/{code}/trends", responses={404: {"model": ErrorBody}})
def read_zone_trends(code: str, session: DB, user: CurrentUser):
    """Monthly mean PM2.5 of the zone's sites (display only)."""
    zone = services.visible_zone(session, user, code)
    sites = zone_sites(session, zone)
    frame = airdata.monthly(sites)
    return {"zone": code, "series": [
        {"site": s, "points": [[m, _num(v)] for m, v in zip(g["month"], g["pm2_5"], strict=True)]}
        for s, g in frame.groupby("id")
    ]}  # fmt: skip


def ranking(indicator: str, year: int) -> list[dict[str, Any]]:
    frame = airdata.annual(year).dropna(subset=[indicator])
    better = airdata.INDICATORS[indicator][3]
    frame = frame.sort_values([indicator, "id"], ascending=[better == "lower", True])
    ranks = frame[indicator].rank(method="min", ascending=(better == "lower")).astype(int)
    return [{"rank": int(k), "site": str(i), "site_level": str(lv), "value": float(v), "year": year}
            for k, i, lv, v in zip(ranks, frame["id"], frame["site_level"], frame[indicator], strict=True)]  # fmt: skip


@router.get("/rankings", responses={404: {"model": ErrorBody}})
def rankings(indicator: Indicator = "pm2_5_annual_mean", year: Year = None, page: Page = 1, limit: Limit = 100,
             format: Annotated[str, Query(pattern="^(json|csv)$")] = "json"):  # fmt: skip
    """Sites with a valid annual value, best first; ``format=csv`` downloads the whole list."""
    from pioneer.web.app import show_ranks

    y = _year(year)
    items = ranking(indicator, y)
    if not show_ranks():
        items = [{k: v for k, v in r.items() if k != "rank"} for r in items]
    if format == "csv":
        buf = io.StringIO()
        pd.DataFrame(items).to_csv(buf, index=False)
        return Response("\ufeff" + buf.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="rankings-{indicator}-{y}.csv"'})  # fmt: skip
    return paged(items, page, limit)
