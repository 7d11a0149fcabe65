"""The web layer's bridge to the indicator catalogue (:mod:`pioneer.indicators`) and the assessment engine
(:mod:`pioneer.assessment.service`): scorecards, rankings, map values, trends and "explain this number".

Nothing here computes an indicator or a score itself: values are the rows of ``indicator_value`` (computed by
the standards bindings or reported), scores/standing/trajectories come from ``pioneer.assessment``. Results are
memoised in-process per *data version* (count and largest id of the stored values and targets), so a page view
does not recompute the assessment until a value changes.

The demo's values are the Beijing sample (``data/sample/beijing_air_hourly.parquet``) computed by
:func:`pioneer.indicators.service.compute_air` (HJ 633 daily AQI → HJ 663 annual statistics → indicators) and
stored in ``$PIONEER_HOME``'s database with the file's sha256 in their lineage: a second start finds them and
skips the computation.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from pioneer.assessment import service as assessment
from pioneer.assessment.standing import RANKS_NOTE_EN, RANKS_NOTE_ZH, hide_ranks_default
from pioneer.indicators import store
from pioneer.indicators.bindings import AIR_FIELDS
from pioneer.indicators.catalogue import Catalogue, Indicator, default_catalogue
from pioneer.indicators.choices import DOMAIN_NAMES
from pioneer.standards.divisions import MUNICIPALITIES
from pioneer.standards.divisions import level as division_level

SAMPLE_SOURCE = "UCI Beijing Multi-Site Air-Quality Data (CC BY 4.0), data/sample/beijing_air_hourly.parquet"
DEFAULT_INDICATOR = "air_pm2_5"
LEVELS = ("province", "city", "county")

_lock = threading.Lock()
_memo: OrderedDict[tuple, Any] = OrderedDict()
_MEMO_SIZE = 2048  # entries; a national registry keeps ≈ 3 per zone division (scorecard, years, trends)


def catalogue() -> Catalogue:
    return default_catalogue()


# --- the demo's values ------------------------------------------------------------------------------------------


def sample_path() -> Path:
    """The Beijing sample shipped in the repository (``data/sample``), found from the package location."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "data" / "sample" / "beijing_air_hourly.parquet"
        if candidate.exists():
            return candidate
    raise FileNotFoundError("data/sample/beijing_air_hourly.parquet not found")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def full_years(first: dt.datetime, last: dt.datetime) -> list[int]:
    """Calendar years wholly covered by hour-end labels ``first`` … ``last`` (a year's hours are labelled
    Jan 1 01:00 … Jan 1 00:00 of the next year, HJ 663 / CNEMC hour-end convention)."""
    return [
        y for y in range(first.year, last.year + 1)
        if first <= dt.datetime(y, 1, 1, 1) and last >= dt.datetime(y + 1, 1, 1, 0)
    ]  # fmt: skip


def stored_sample(session: Session, sha256: str) -> int:
    """How many stored values were computed from the file with this sha256 (0: not computed yet)."""
    v = store.read_values(session, indicators=list(AIR_FIELDS), lineage=True)
    if v.empty:
        return 0
    mine = v["lineage"].map(lambda g: ((g or {}).get("inputs") or {}).get("sha256") == sha256)
    return int(mine.sum())


def ensure_sample_values(session: Session, path: Path | None = None) -> dict[str, Any]:
    """Compute and store the air indicators of an hourly Parquet file (every full calendar year in it) through
    :func:`pioneer.indicators.service.compute_air`, unless values computed from the same bytes are stored."""
    import ibis

    from pioneer.indicators import service

    path = (path or sample_path()).resolve()
    sha = file_sha256(path)
    found = stored_sample(session, sha)
    if found:
        return {"cached": True, "values": found, "sha256": sha, "file": path.name}
    con = ibis.duckdb.connect()
    hourly = con.read_parquet(str(path))
    span = hourly.aggregate(first=hourly.time.min(), last=hourly.time.max()).to_pandas().iloc[0]
    years = full_years(
        pd.Timestamp(span["first"]).to_pydatetime(), pd.Timestamp(span["last"]).to_pydatetime()
    )
    inputs = {"file": path.name, "sha256": sha, "source": SAMPLE_SOURCE}
    values = service.compute_air(session, hourly, years, inputs=inputs)
    con.disconnect()
    forget()
    return {"cached": False, "values": len(values), "sha256": sha, "file": path.name, "years": years}


# --- memo keyed by the data version ---------------------------------------------------------------------------


def data_version(session: Session) -> tuple:
    """The database's data version (:class:`pioneer.web.cache.DataVersion`: the app's own commits, the SQLite
    file change counter or a fingerprint of the public tables); read once per session (one request = one
    session)."""
    if "pioneer_data_version" not in session.info:
        from pioneer.web.cache import data_version_of

        bind = session.get_bind()
        session.info["pioneer_data_version"] = data_version_of(getattr(bind, "engine", bind))()
    return session.info["pioneer_data_version"]


def forget() -> None:
    with _lock:
        _memo.clear()


def memo(session: Session, key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per ``key`` and data version (the assessment is deterministic given the stored data)."""
    full = (data_version(session), *key)
    with _lock:
        if full in _memo:
            _memo.move_to_end(full)
            return _memo[full]
    result = compute()
    with _lock:
        _memo[full] = result
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return result


# --- catalogue --------------------------------------------------------------------------------------------------


def indicator_public(ind: Indicator) -> dict[str, Any]:
    return {
        "code": ind.code, "name_zh": ind.name_zh, "name_en": ind.name_en, "domain": str(ind.domain),
        "domain_zh": DOMAIN_NAMES[ind.domain][0], "domain_en": DOMAIN_NAMES[ind.domain][1], "unit": ind.unit,
        "direction": str(ind.direction), "tiers": [str(t) for t in ind.tiers], "source_kind": str(ind.source.kind),
        "standard": ind.source.standard, "confidence": str(ind.confidence), "needs_source": ind.needs_source,
        "targets": [t.model_dump(mode="json") for t in ind.targets],
    }  # fmt: skip


def _values(session: Session) -> pd.DataFrame:
    return memo(session, ("values",), lambda: store.read_values(session))


def indicators_with_data(session: Session) -> list[str]:
    """Catalogue codes with at least one non-missing stored value, in catalogue order."""

    def compute() -> list[str]:
        v = _values(session)
        have = set(v.loc[v["value"].notna(), "indicator"])
        return [i.code for i in catalogue().indicators if i.code in have]

    return list(memo(session, ("with-data",), compute))


def years(session: Session, indicator: str | None = None, division: str | None = None) -> list[int]:
    """Years with at least one non-missing value (of ``indicator`` / ``division`` when given)."""

    def compute() -> list[int]:
        v = _values(session)
        v = v[v["value"].notna()]
        if indicator is not None:
            v = v[v["indicator"] == indicator]
        if division is not None:
            v = v[v["division_code"] == division]
        return sorted(int(y) for y in v["year"].unique())

    return list(memo(session, ("years", indicator, division), compute))


def level_of(code: str, tier: str | None = None) -> str:
    """Comparison level of a division: a zone's tier where it fits the code (a municipality is compared among
    provinces or among cities), else the code's own level (``pioneer.assessment.standing.division_level``)."""
    own = str(division_level(code))
    if tier == own or (tier in ("province", "city") and code in MUNICIPALITIES):
        return str(tier)
    return own


# --- scorecards, trends, explain ----------------------------------------------------------------------------------


def scorecard(session: Session, division: str, *, year: int | None = None, tier: str | None = None,
              hide_ranks: bool | None = None) -> dict[str, Any]:  # fmt: skip
    """The division's scorecard (:func:`pioneer.assessment.service.zone_scorecard`) for ``year`` (default: the
    latest year with a value for the division), with the earliest earlier year with a value as baseline."""
    have = years(session, division=division)
    if year is None:
        year = have[-1] if have else None
    if year is None:
        return {"division_code": division, "year": None, "indicators": [], "domains": [], "years": [],
                "overall": {"overall_score": None, "overall_status": "insufficient-data"}, "notes": []}  # fmt: skip
    earlier = [y for y in have if y < year]
    baseline = earlier[0] if earlier else None
    level = level_of(division, tier)
    hide_ranks = hide_ranks_default() if hide_ranks is None else hide_ranks  # resolved before the memo key

    def compute() -> dict[str, Any]:
        shared = memo(session, ("level-wide",), dict)  # the level's frames and verdicts, for every division
        card = assessment.zone_scorecard(session, division, year, baseline_year=baseline, level=level,
                                         hide_ranks=hide_ranks, shared=shared)  # fmt: skip
        # indicators with a value first (catalogue order kept within each group)
        card["indicators"].sort(key=lambda r: r["value"] is None)
        return card

    card = dict(memo(session, ("scorecard", division, year, level, hide_ranks), compute))
    card["years"] = have
    return card


def trends(session: Session, division: str, indicators: list[str] | None = None) -> list[dict[str, Any]]:
    """Every stored year of the division's indicators (current edition of each year only), with the
    applicable national target, for the trend charts."""
    key = ("trends", division, None if indicators is None else tuple(indicators))
    return memo(session, key, lambda: _trends(session, division, indicators))


def _trends(session: Session, division: str, indicators: list[str] | None) -> list[dict[str, Any]]:
    v = _values(session)
    v = v[(v["division_code"] == division) & v["value"].notna()]
    if indicators is not None:
        v = v[v["indicator"].isin(indicators)]
    cat = catalogue()
    out = []
    for code, g in v.groupby("indicator", sort=False):
        ind = cat.indicator(str(code))
        std = ind.source.standard
        keep = g[[assessment.current_edition(std, int(y)) in (None, e) for y, e in zip(g["year"], g["edition"],
                                                                                       strict=True)]]  # fmt: skip
        keep = keep.sort_values("year")
        out.append({
            "indicator": str(code), "name_zh": ind.name_zh, "name_en": ind.name_en, "unit": ind.unit,
            "direction": str(ind.direction),
            "points": [[int(y), float(x)] for y, x in zip(keep["year"], keep["value"], strict=True)],
            "targets": [t.model_dump(mode="json") for t in ind.targets],
        })  # fmt: skip
    order = {i.code: n for n, i in enumerate(cat.indicators)}
    return sorted(out, key=lambda s: order.get(s["indicator"], 1 << 30))


def explain(session: Session, division: str, indicator: str, year: int) -> dict[str, Any]:
    """:func:`pioneer.assessment.service.explain_indicator` with the earliest earlier year as baseline.
    Raises ``KeyError`` when no value is stored."""
    earlier = [y for y in years(session, indicator=indicator, division=division) if y < year]
    return memo(session, ("explain", division, indicator, year, hide_ranks_default()),
                lambda: assessment.explain_indicator(session, division, indicator, year,
                                                     baseline_year=earlier[0] if earlier else None))  # fmt: skip


# --- rankings and the map ------------------------------------------------------------------------------------


def ranking(session: Session, indicator: str, level: str, year: int, *, hide_ranks: bool | None = None,
            names: dict[str, str] | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """``pioneer.assessment.service.ranking`` as JSON-ready rows (best first; no value → last, no rank)."""
    hide_ranks = hide_ranks_default() if hide_ranks is None else hide_ranks

    def compute() -> list[dict[str, Any]]:
        f = assessment.ranking(session, indicator, level, year, hide_ranks=hide_ranks)
        f = f.replace({np.nan: None})
        return [{k: (v.item() if isinstance(v, np.generic) else v) for k, v in r.items()}
                for r in f.to_dict("records")]  # fmt: skip

    rows = memo(session, ("ranking", indicator, level, year, hide_ranks), compute)
    return [{**r, "name": (names or {}).get(str(r["division_code"]))} for r in rows]


def map_values(session: Session, indicator: str, year: int) -> dict[str, list[dict[str, Any]]]:
    """Values of ``indicator`` in ``year`` for the map: provinces (xx0000), prefecture-level cities (the
    municipalities appear in both) and counties (drawn when the map is focused on their province), each under
    the edition in force for the year."""
    return memo(session, ("map", indicator, year), lambda: _map_values(session, indicator, year))


def _map_values(session: Session, indicator: str, year: int) -> dict[str, list[dict[str, Any]]]:
    v = _values(session)
    ind = catalogue().get(indicator)
    want = assessment.current_edition(ind.source.standard if ind else None, year)
    v = v[(v["indicator"] == indicator) & (v["year"] == year) & v["value"].notna()]
    if want is not None:
        v = v[v["edition"] == want]
    codes = v["division_code"].astype(str)
    lv = division_level(codes) if len(v) else pd.Series([], dtype="object")
    prov = v[(lv == "province").to_numpy()] if len(v) else v
    city = v[((lv == "city") | codes.isin(MUNICIPALITIES)).to_numpy()] if len(v) else v
    county = v[(lv == "county").to_numpy()] if len(v) else v
    return {
        "counties": [{"code": c, "value": float(x)} for c, x in zip(county["division_code"], county["value"],
                                                                    strict=True)],
        "provinces": [{"code": c, "value": float(x)} for c, x in zip(prov["division_code"], prov["value"],
                                                                     strict=True)],
        "cities": [{"code": c, "value": float(x)} for c, x in zip(city["division_code"], city["value"], strict=True)],
    }  # fmt: skip


RANKS_NOTE = {"zh": RANKS_NOTE_ZH, "en": RANKS_NOTE_EN}


def division_names(session: Session) -> dict[str, str]:
    """Code → name of the divisions in force in the registry's latest year (for tables and CSV)."""
    from pioneer.registry.divisions import service as divisions
    from pioneer.registry.divisions.models import Division

    def compute() -> dict[str, str]:
        try:
            year = divisions.latest_year(session)
        except Exception:  # an empty registry: no names
            return {}
        rows = session.execute(select(Division.code, Division.name).where(divisions.in_force(year))).all()
        return {str(c): str(n) for c, n in rows}

    return memo(session, ("names",), compute)


# --- map legend from the standards ---------------------------------------------------------------------------

#: Indicators shown on the HJ 633 IAQI scale of a pollutant: code → (item, averaging period of the breakpoints).
IAQI_SCALE = {"air_pm2_5": ("pm2_5", "24h"), "air_pm10": ("pm10", "24h"), "air_o3_8h_p90": ("o3", "8h")}
#: Display colours for the surface-water status colours named by the 2011 method (Table 1; the colour names
#: are from memory only, see ``pioneer/standards/data/water_class_status.csv``); hex chosen by Pioneer.
WATER_HEX = {
    "blue": "#1E64C8",
    "green": "#2E9B4E",
    "yellow": "#F2D43A",
    "orange": "#F28C28",
    "red": "#D7301F",
}


@functools.cache
def legend(indicator: str, year: int | None) -> dict[str, Any]:
    """The map legend of an indicator, from the standards where one applies:

    * PM2.5, PM10, O3: pieces at the concentration breakpoints of HJ 633 (edition in force in ``year``) with the
      AQI category colours of HJ 633 (Table 2 / Appendix A). The AQI is defined for daily values; an annual
      statistic is placed on that scale for display only (said in the note).
    * surface-water shares: a continuous scale in the 2011 method's status colours (red → blue in the better
      direction);
    * others: a continuous green → red scale in the better direction.
    """
    from pioneer.standards.air.tables import breakpoints, categories

    ind = catalogue().get(indicator)
    better_high = ind is not None and str(ind.direction) == "higher"
    if indicator in IAQI_SCALE:
        edition = assessment.current_edition("air", year or dt.date.today().year) or "2012"
        item, period = IAQI_SCALE[indicator]
        try:
            bps = breakpoints(edition, item, period)
        except (KeyError, ValueError):
            bps = ()
        cats = categories(edition)
        if bps:
            pieces = []
            for n, (lo, hi) in enumerate(itertools.pairwise(bps)):
                cat = cats[min(n, len(cats) - 1)]
                if pieces and pieces[-1]["label_en"] == cat.name_en:  # IAQI 300–400 and 400–500: one category
                    pieces[-1]["max"] = float(hi.concentration)
                    continue
                pieces.append({"min": float(lo.concentration), "max": float(hi.concentration), "color": cat.hex,
                               "label_zh": cat.name_zh, "label_en": cat.name_en})  # fmt: skip
            pieces[-1]["max"] = None
            return {"type": "pieces", "pieces": pieces, "source": f"HJ 633-{edition} ({item} {period} IAQI)",
                    "note_zh": "年统计值按 HJ 633 日 IAQI 分级浓度着色，仅供展示（AQI 针对日均值定义）",
                    "note_en": "Annual statistic coloured at the HJ 633 daily IAQI concentration breakpoints, for "
                               "display only (the AQI is defined for daily values)"}  # fmt: skip
    if indicator.startswith("water_"):
        colours = [WATER_HEX[c] for c in ("red", "orange", "yellow", "green", "blue")]
        return {"type": "continuous", "colors": colours if better_high else colours[::-1],
                "source": "地表水环境质量评价办法（试行）2011 Table 1 colours (from memory only)",
                "note_zh": "颜色取自地表水水质状况颜色（凭记忆，待核对）", "note_en": "Water-status colours (from memory, to be checked)"}  # fmt: skip
    colours = ["#D7301F", "#F28C28", "#F2D43A", "#2E9B4E"]
    return {"type": "continuous", "colors": colours if better_high else colours[::-1], "source": None,
            "note_zh": "", "note_en": ""}  # fmt: skip
