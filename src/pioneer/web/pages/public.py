"""Public list pages without login: ``/zones`` (the published zones, filtered, searched, sorted, counted) and
``/indicators`` (the indicator catalogue: domain, unit, direction, standard/source, the zones reporting each,
links to the rankings). Signed-in users see the zones ``services.visible_zones`` lets them see."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from pioneer.guard.codes import DIVISION_CODE_OR_EMPTY_PATTERN
from pioneer.indicators.models import IndicatorValue
from pioneer.registry.strategies.models import Strategy
from pioneer.web import assess, services
from pioneer.web.deps import DB, CurrentUser, lang_of
from pioneer.web.render import render

router = APIRouter(include_in_schema=False)
ZONE_SORTS = ("code", "name", "tier", "state")
Text = Annotated[str, Query(max_length=64)]


def _province(code: str) -> str:
    return code[:2] + "0000"


@router.get("/zones", response_class=HTMLResponse)
def zones_page(request: Request, session: DB, user: CurrentUser, q: Text = "", tier: Text = "", region: Text = "",
               province: Annotated[str, Query(pattern=DIVISION_CODE_OR_EMPTY_PATTERN)] = "", state: Text = "", theme: Text = "",
               indicator: Text = "", sort: Text = "code"):  # fmt: skip
    """先行区名录: every zone the reader may see, with filters by tier, region (regional strategy), province,
    status, theme and an indicator it reports (:func:`reporting_zones`), a search over code, names and theme, a
    sort, and counts by tier and by status of what the filters leave."""
    lang = lang_of(request)
    names = assess.division_names(session)
    visible = services.visible_zones(session, user)
    strategies = {s.code: s for s in session.scalars(select(Strategy).order_by(Strategy.code)).all()}
    provinces = sorted({_province(c) for z in visible for c in z.division_codes})
    needle = q.strip().lower()
    reporting = {z.code for z in reporting_zones(session, user).get(indicator, [])} if indicator else set()
    cat = assess.catalogue()
    with_data = set(assess.indicators_with_data(session))
    indicators = [i for i in cat.indicators if i.code in with_data]

    def keep(z) -> bool:
        text = " ".join([z.code, z.name_zh, z.name_en or "", z.theme or ""]).lower()
        return (
            (not needle or needle in text)
            and (not tier or z.tier == tier)
            and (not region or z.strategy_code == region)
            and (not province or any(_province(c) == province for c in z.division_codes))
            and (not state or z.state == state)
            and (not theme or theme.lower() in (z.theme or "").lower())
            and (not indicator or z.code in reporting)
        )

    found = [z for z in visible if keep(z)]
    sort = sort if sort in ZONE_SORTS else "code"
    key = {
        "code": lambda z: z.code,
        "name": lambda z: (z.name_en or z.name_zh).lower() if lang == "en" else z.name_zh,
        "tier": lambda z: (("region", "province", "city", "county").index(z.tier), z.code),
        "state": lambda z: (z.state, z.code),
    }[sort]
    found.sort(key=key)
    return render(request, "zones.html", user, zones=found, total=len(visible), names=names,
                  strategies=strategies, provinces=provinces, tiers=("region", "province", "city", "county"),
                  states=sorted({z.state for z in visible}), by_tier=Counter(z.tier for z in found),
                  by_state=Counter(z.state for z in found), sorts=ZONE_SORTS, indicators=indicators,
                  f={"q": q, "tier": tier, "region": region, "province": province, "state": state, "theme": theme,
                     "indicator": indicator, "sort": sort})  # fmt: skip


REPORTING_SHOWN = 8
"""Zones named per indicator on /indicators; the rest are one link away (``/zones?indicator=…``) — a national
registry has ≈ 300 reporting zones per indicator, which made the page 1.3 MB."""


def reporting_zones(session, user) -> dict[str, list[Any]]:
    """Indicator code → the visible zones with at least one stored value of it for one of their divisions (one
    ``SELECT DISTINCT`` over the value store per data version)."""

    def compute() -> dict[str, set[str]]:
        pairs = session.execute(
            select(IndicatorValue.indicator, IndicatorValue.division_code)
            .where(IndicatorValue.value.is_not(None))
            .distinct()
        ).all()
        out: dict[str, set[str]] = {}
        for indicator, division in pairs:
            out.setdefault(division, set()).add(indicator)
        return out

    # the stored values' pairs once per data version (public data; the zones below are the reader's own)
    by_division: dict[str, set[str]] = assess.memo(session, ("reporting-pairs",), compute)
    out: dict[str, list[Any]] = {}
    for z in services.visible_zones(session, user):
        for ind in set().union(*(by_division.get(c, set()) for c in z.division_codes)):
            out.setdefault(ind, []).append(z)
    return out


@router.get("/indicators", response_class=HTMLResponse)
def indicators_page(request: Request, session: DB, user: CurrentUser, q: Text = "", domain: Text = "",
                    tier: Text = "", source: Text = "", data: Annotated[str, Query(pattern="^(|1)$")] = ""):  # fmt: skip
    """指标目录: the catalogue with domain, unit, better direction, standard or source, confidence, national
    targets, the zones that report each indicator, and a link to its ranking when values exist."""
    cat = assess.catalogue()
    rows = [assess.indicator_public(i) for i in cat.indicators]
    have = set(assess.indicators_with_data(session))
    reporting = reporting_zones(session, user)
    needle = q.strip().lower()
    domains = list(dict.fromkeys(r["domain"] for r in rows))

    def keep(r: dict[str, Any]) -> bool:
        text = " ".join([r["code"], r["name_zh"], r["name_en"], r["standard"] or ""]).lower()
        return (
            (not needle or needle in text)
            and (not domain or r["domain"] == domain)
            and (not tier or tier in r["tiers"])
            and (not source or r["source_kind"] == source)
            and (not data or r["code"] in have)
        )

    found = [r for r in rows if keep(r)]
    return render(request, "indicators.html", user, rows=found, total=len(rows), have=have, reporting=reporting,
                  shown=REPORTING_SHOWN,
                  domains=domains, tiers=("region", "province", "city", "county"), by_domain=Counter(
                      r["domain"] for r in found),
                  f={"q": q, "domain": domain, "tier": tier, "source": source, "data": data})  # fmt: skip
