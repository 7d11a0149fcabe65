"""City air-quality attainment planning (城市空气质量达标管理): for a city's annual statistics, the gap to each
limit of GB 3095 in every limit phase (2012; 2026 transitional and final), the average annual reduction
required to attain by a chosen year, and the year of attainment at the observed trend.

Rules (HJ 663 annual evaluation; limits ``pioneer.standards.air.tables.limits``, statistic ↔ limit pairs
``pioneer.standards.air.evaluation.ANNUAL_CHECKS``, the phase in force ``period_limits_phase``):

* A statistic attains when its value (as published: the annual statistics are already rounded) is ≤ the class-2
  limit of the phase; a city attains when every statistic present does. ``gap`` = value − limit [unit]
  (> 0: not attained), ``gap_pct`` = gap / value × 100 — the cut needed now [%].
* Required average annual reduction to attain by ``target_year`` T from year t (t < T):
  compound ``required_rate_pct`` = (1 − (limit / value)^(1/(T − t))) × 100 [%/year] — the form of the national
  plans' "年均下降" targets — and linear ``required_decrease`` = gap / (T − t) [unit/year]. Zero when attained.
* Year of attainment at the observed trend: the Theil–Sen slope [unit/year] of the statistic over the years ≤ t
  with a value (:mod:`pioneer.assessment.trends`, Hamed–Rao Mann–Kendall for its significance); with a falling
  slope, t + ⌈gap / −slope⌉; ``never-at-trend`` when the slope is ≥ 0; ``insufficient-data`` with fewer than two
  years. The projection is linear and says whether the trend behind it is significant (``trend_significant``,
  ``trend_years``) — a straight line through a few noisy years is not a forecast.

Confidence: the formulas are project choices stated here (assumed); the limits carry their own confidence in
``air_gb3095_limits.csv``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from pioneer.assessment.editions import current_edition
from pioneer.assessment.trends import annual_trend
from pioneer.errors import InputError
from pioneer.standards.air.editions import period_limits_phase
from pioneer.standards.air.evaluation import ANNUAL_CHECKS
from pioneer.standards.air.tables import limits

PHASES = ("GB3095-2012", "GB3095-2026-transitional", "GB3095-2026-final")
"""GB 3095 limit phases compared (``air_gb3095_limits.csv``)."""
STATISTICS: tuple[tuple[str, str, str], ...] = tuple(
    (stat, item, period) for item, checks in ANNUAL_CHECKS.items() for stat, period in checks
)
"""(statistic column, item, averaging period) of the HJ 663 annual evaluation."""
UNITS = {"co": "mg/m³"}

PLAN_COLUMNS = [
    "id", "year", "statistic", "item", "period", "phase", "in_force", "value", "limit", "unit", "attained", "gap",
    "gap_pct", "target_year", "required_rate_pct", "required_decrease", "trend_slope", "trend_slope_low",
    "trend_slope_high", "trend_p_value", "trend_significant", "trend_years", "attainment_year_at_trend",
    "attainment_status",
]  # fmt: skip


def phase_in_force(year: int) -> str:
    """The GB 3095 limit phase that judges ``year`` (edition in force at its end; GB 3095-2026 §4.4)."""
    return period_limits_phase(dt.date(year, 12, 31), "auto")[1]


def required_rate_pct(value: Any, limit: Any, years: Any) -> np.ndarray:
    """Compound average annual reduction [%/year] that takes ``value`` to ``limit`` in ``years`` years:
    (1 − (limit/value)^(1/years)) × 100; 0 when value ≤ limit; NaN when years ≤ 0 or value/limit missing."""
    v, lim, n = (np.asarray(x, dtype="float64") for x in (value, limit, years))
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (1 - np.power(lim / v, 1 / n)) * 100
    return np.where(np.isnan(v) | np.isnan(lim) | (n <= 0), np.nan, np.where(v <= lim, 0.0, r))


def attainment_plan(stats: pd.DataFrame, *, year: int, target_year: int, phases: tuple[str, ...] = PHASES,
                    city: str | None = None) -> pd.DataFrame:  # fmt: skip
    """Attainment plan of every city (``level`` = city rows when the column is there) in ``year``.

    ``stats``: annual statistics (``pioneer air annual`` output, several years stacked): ``id, year`` and the
    statistic columns of :data:`STATISTICS` present. Returns :data:`PLAN_COLUMNS`, one row per city ×
    statistic × phase. Raises :class:`InputError` when ``year`` has no row or ``target_year`` ≤ ``year``.
    """
    if target_year <= year:
        raise InputError("达标年份应晚于评价年份", "the target year must come after the assessed year",
                         column="target_year", value=target_year)  # fmt: skip
    s = stats
    if "level" in s.columns:
        s = s[s["level"].astype(str) == "city"]
    s = s.assign(id=s["id"].astype(str), year=pd.to_numeric(s["year"]).astype("int64"))
    if city is not None:
        s = s[s["id"] == str(city)]
    cur = s[s["year"] == year]
    if cur.empty:
        raise InputError(f"{year} 年没有城市年统计数据", f"no city annual statistics for {year}", column="year",
                         value=year)  # fmt: skip
    present = [(st, it, p) for st, it, p in STATISTICS if st in s.columns]
    if not present:
        raise InputError("没有可评价的年统计列（如 pm2_5_annual_mean）",
                         "no annual statistic columns (e.g. pm2_5_annual_mean)", column="statistic")  # fmt: skip
    long = s.melt(id_vars=["id", "year"], value_vars=[st for st, _, _ in present], var_name="statistic")
    long["value"] = pd.to_numeric(long["value"], errors="coerce")
    trends = _trends(long[long["year"] <= year])
    meta = pd.DataFrame(present, columns=["statistic", "item", "period"])
    lim = pd.DataFrame([{"statistic": st, "phase": ph, "limit": float(limits(ph, it, p)[1])}
                        for st, it, p in present for ph in phases])  # fmt: skip
    m = long[long["year"] == year].merge(meta, on="statistic").merge(lim, on="statistic")
    m = m.merge(trends, on=["id", "statistic"], how="left")
    m["in_force"] = m["phase"] == phase_in_force(year)
    m["unit"] = m["item"].map(UNITS).fillna("µg/m³")
    has = m["value"].notna()
    m["attained"] = pd.array(np.where(has, m["value"] <= m["limit"], False), dtype="boolean")
    m.loc[~has, "attained"] = pd.NA
    m["gap"] = m["value"] - m["limit"]
    m["gap_pct"] = np.where(m["gap"] > 0, m["gap"] / m["value"] * 100, 0.0)
    m.loc[~has, "gap_pct"] = np.nan
    m["target_year"] = target_year
    n = float(target_year - year)
    m["required_rate_pct"] = required_rate_pct(m["value"], m["limit"], n)
    m["required_decrease"] = np.where(has, np.clip(m["gap"], 0, None) / n, np.nan)
    slope = m["trend_slope"]
    falling = slope < 0
    years_needed = np.ceil(np.clip(m["gap"], 0, None) / (-slope.where(falling)))
    m["attainment_year_at_trend"] = (year + years_needed).where(falling & (m["gap"] > 0)).astype("Int64")
    m["attainment_status"] = np.select(
        [~has, m["gap"] <= 0, m["trend_n"].fillna(0) < 2, falling],
        ["no-value", "attained", "insufficient-data", "attains-at-trend"],
        default="never-at-trend",
    )
    return m[PLAN_COLUMNS].sort_values(["id", "statistic", "phase"], ignore_index=True)


def _trends(long: pd.DataFrame) -> pd.DataFrame:
    """Theil–Sen slope and Mann–Kendall significance of each (city, statistic) series (one test per series)."""
    rows = []
    for (code, stat), g in long.dropna(subset=["value"]).groupby(["id", "statistic"]):
        r = annual_trend(g["year"], g["value"], better="lower")
        rows.append({"id": code, "statistic": stat, "trend_n": r["n"], "trend_slope": r["slope"],
                     "trend_slope_low": r["slope_low"], "trend_slope_high": r["slope_high"],
                     "trend_p_value": r["p_value"], "trend_significant": r["significant"],
                     "trend_years": f"{r['first_year']}–{r['last_year']}" if r["n"] else None})  # fmt: skip
    cols = ["id", "statistic", "trend_n", "trend_slope", "trend_slope_low", "trend_slope_high", "trend_p_value",
            "trend_significant", "trend_years"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def city_summary(plan: pd.DataFrame) -> pd.DataFrame:
    """Per city and phase: ``attained`` (every statistic present attains), the statistics not attained and the
    latest attainment year at trend among them (None if any never attains at trend)."""
    cols = ["id", "year", "phase", "in_force", "attained", "not_attained", "attainment_year_at_trend"]
    rows = []
    for (code, yr, phase, in_force), x in plan.dropna(subset=["value"]).groupby(
        ["id", "year", "phase", "in_force"]
    ):
        bad = x[x["gap"] > 0]
        yrs = bad["attainment_year_at_trend"]
        latest = int(str(yr)) if bad.empty else (None if yrs.isna().any() else int(yrs.max()))
        rows.append(
            [code, int(str(yr)), phase, bool(in_force), bad.empty, ",".join(bad["statistic"]), latest]
        )
    return pd.DataFrame(rows, columns=cols)


STORED_STATISTICS = {
    "air_pm2_5": "pm2_5_annual_mean",
    "air_pm10": "pm10_annual_mean",
    "air_o3_8h_p90": "o3_8h_p90",
}
"""Catalogue indicators that are HJ 663 annual statistics (the others — SO2, NO2, CO, the 24-h percentiles — are not
stored as indicators; plan them from ``pioneer air annual`` output with ``pioneer attainment plan``)."""


def stored_statistics(session: Any, division_code: str, *, up_to: int) -> pd.DataFrame:
    """Annual statistics of one division from the indicator store (:data:`STORED_STATISTICS`), each year's value
    under the edition in force for that year, years ≤ ``up_to``: ``id, year, <statistic>…``."""
    from pioneer.indicators.store import read_values

    v = read_values(session, indicators=list(STORED_STATISTICS), divisions=[division_code])
    v = v[v["year"] <= up_to]
    if v.empty:
        return pd.DataFrame(columns=["id", "year", *STORED_STATISTICS.values()])
    want = v["year"].map(lambda y: current_edition("air", int(y)))
    v = v[v["edition"].fillna("") == want]
    w = v.pivot_table(index="year", columns="indicator", values="value", aggfunc="first").rename(
        columns=STORED_STATISTICS)  # fmt: skip
    w = w.reset_index().assign(id=str(division_code), level="city")
    return w


def division_plan(session: Any, division_code: str, *, year: int, target_year: int) -> dict[str, Any]:
    """Attainment plan of one city from the indicator store, JSON-ready: ``phase_in_force``, ``rows`` (in-force
    phase first) and ``summary`` per phase; ``rows`` empty when the year has no stored statistic."""
    s = stored_statistics(session, division_code, up_to=year)
    out: dict[str, Any] = {"division_code": division_code, "year": year, "target_year": target_year,
                           "phase_in_force": phase_in_force(year), "rows": [], "summary": []}  # fmt: skip
    if s.empty or year not in set(s["year"]):
        return out
    p = attainment_plan(s, year=year, target_year=target_year)
    p = p.sort_values(["in_force", "phase", "statistic"], ascending=[False, True, True])

    def clean(r: dict[Any, Any]) -> dict[str, Any]:
        return {str(k): (None if v is pd.NA or (isinstance(v, float) and np.isnan(v)) else
                    (v.item() if isinstance(v, np.generic) else v)) for k, v in r.items()}  # fmt: skip

    out["rows"] = [clean(r) for r in p.to_dict("records")]
    out["summary"] = [clean(r) for r in city_summary(p).to_dict("records")]
    return out
