"""Trend significance of annual and monthly series: Mann–Kendall with a correction for autocorrelation, the
Theil–Sen slope with its confidence interval, and the seasonal Kendall test with a deseasonalised Theil–Sen slope
for monthly series (what openair's ``TheilSen(deseason = TRUE)`` offers).

Libraries: ``pymannkendall`` 1.4.3 (Hussain & Mahmud 2019, JOSS 4(39) 1556) for the tests, ``scipy.stats.
theilslopes`` for the slope and its interval — nothing re-implemented here.

Methods (References at the end):

* **Mann–Kendall** (Mann 1945; Kendall 1975) with the variance of S corrected for autocorrelation: Hamed & Rao
  (1998) by default (``method="hamed_rao"``: the variance inflated by the significant lags of the autocorrelation
  of the ranks of the detrended series), or Yue & Wang (2004) (``"yue_wang"``: the effective sample size), or
  none (``"original"``). Two-sided, normal approximation, ties corrected.
* **Theil–Sen slope** (Theil 1950; Sen 1968): the median of the pairwise slopes [unit/year], with the
  distribution-free confidence interval of Sen (1968) at ``confidence`` (``scipy.stats.theilslopes``).
* **Monthly series**: the seasonal Kendall test (Hirsch, Slack & Smith 1982; ``pymannkendall.seasonal_test``,
  period 12) and the slope of the deseasonalised series: each month minus its calendar-month mean over the years
  plus the overall mean, then Theil–Sen against decimal years and Hamed–Rao Mann–Kendall on it. openair
  deseasonalises with STL and bootstraps the interval; the calendar-month anomaly here is simpler and stated as
  such (confidence: assumed).

A trend is **significant** when p < ``alpha`` (default 0.05). ``trend`` says it in the indicator's better
direction: ``improving`` / ``deteriorating`` (significant), ``no-significant-trend``, ``insufficient-data`` (fewer
than :data:`MIN_YEARS` annual values or :data:`MIN_MONTHS` monthly values). Years without a value are left out,
never filled; ``first_year``/``last_year``/``n`` say which years the test covered.

References: Mann H.B. (1945) Econometrica 13:245–259; Kendall M.G. (1975) Rank Correlation Methods; Theil H. (1950)
Proc. KNAW 53; Sen P.K. (1968) JASA 63:1379–1389; Hirsch R.M., Slack J.R., Smith R.A. (1982) Water Resour. Res.
18:107–121; Hamed K.H., Rao A.R. (1998) J. Hydrol. 204:182–196; Yue S., Wang C. (2004) Water Resour. Manag.
18:201–218; Carslaw D.C., Ropkins K. (2012) openair, Environ. Model. Softw. 27–28:52–61.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
import pymannkendall as mk
from scipy import stats

from pioneer.indicators.choices import Direction

Method = Literal["hamed_rao", "yue_wang", "original"]
METHODS: dict[str, Any] = {
    "hamed_rao": mk.hamed_rao_modification_test,
    "yue_wang": mk.yue_wang_modification_test,
    "original": mk.original_test,
}
ALPHA = 0.05
"""Significance level of the two-sided tests."""
CONFIDENCE = 0.95
"""Confidence of the Theil–Sen slope interval."""
MIN_YEARS = 5
"""Fewest annual values tested: with 4 values the smallest two-sided Mann–Kendall p-value (S = 6, normal
approximation) is 0.089, so no trend could ever be significant at 0.05; with 5 it is 0.028."""
MIN_MONTHS = 24
"""Fewest monthly values for the seasonal test (two values of each calendar month)."""

TREND_NAMES = {
    "improving": ("显著改善", "Improving (significant)"),
    "deteriorating": ("显著恶化", "Deteriorating (significant)"),
    "no-significant-trend": ("无显著趋势", "No significant trend"),
    "insufficient-data": ("数据不足", "Insufficient data"),
}


def theil_sen(y: Any, x: Any, *, confidence: float = CONFIDENCE) -> dict[str, float]:
    """Theil–Sen slope of ``y`` against ``x`` [y-unit per x-unit] with Sen's confidence interval
    (``scipy.stats.theilslopes``); NaN pairs dropped. Returns ``slope, intercept, slope_low, slope_high``."""
    yy, xx = np.asarray(y, dtype="float64"), np.asarray(x, dtype="float64")
    ok = ~(np.isnan(yy) | np.isnan(xx))
    if ok.sum() < 2:
        return {"slope": np.nan, "intercept": np.nan, "slope_low": np.nan, "slope_high": np.nan}
    r = stats.theilslopes(yy[ok], xx[ok], alpha=confidence)
    return {"slope": float(r.slope), "intercept": float(r.intercept), "slope_low": float(r.low_slope),
            "slope_high": float(r.high_slope)}  # fmt: skip


def mann_kendall(y: Any, *, method: Method = "hamed_rao", alpha: float = ALPHA) -> dict[str, Any]:
    """Mann–Kendall test of an evenly spaced series ``y`` (NaN dropped) with the ``method`` correction.

    Returns ``p_value, z, tau, s, var_s, n, mk_trend`` (``increasing``/``decreasing``/``no trend`` as
    pymannkendall says it at ``alpha``) and ``method``.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {sorted(METHODS)}, got {method!r}")
    yy = np.asarray(y, dtype="float64")
    yy = yy[~np.isnan(yy)]
    n = len(yy)
    if n < 3 or np.all(yy == yy[0]):
        return {"p_value": np.nan if n < 3 else 1.0, "z": np.nan if n < 3 else 0.0, "tau": np.nan, "s": 0.0,
                "var_s": np.nan, "n": n, "mk_trend": "no trend", "method": method}  # fmt: skip
    used: str = method
    with np.errstate(divide="ignore", invalid="ignore"):
        r = METHODS[method](yy, alpha=alpha)
    if method != "original" and not np.isfinite(r.p):
        # the detrended series is constant (an exactly linear series): its autocorrelation is undefined, and
        # there is none to correct for
        r, used = mk.original_test(yy, alpha=alpha), "original (correction undefined: residuals constant)"
    return {"p_value": float(r.p), "z": float(r.z), "tau": float(r.Tau), "s": float(r.s), "var_s": float(r.var_s),
            "n": n, "mk_trend": str(r.trend), "method": used}  # fmt: skip


def _label(slope: float, p: float, better: str, alpha: float, enough: bool) -> str:
    if not enough or np.isnan(p):
        return "insufficient-data"
    if p >= alpha or slope == 0 or np.isnan(slope):
        return "no-significant-trend"
    good = slope < 0 if better == Direction.LOWER.value else slope > 0
    return "improving" if good else "deteriorating"


def annual_trend(years: Any, values: Any, *, better: str = "higher", method: Method = "hamed_rao",
                 alpha: float = ALPHA, confidence: float = CONFIDENCE) -> dict[str, Any]:  # fmt: skip
    """Trend of one annual series: Mann–Kendall (``method``) on the values in year order and the Theil–Sen slope
    [unit/year] with its interval, labelled in the ``better`` direction (module docstring). Years must be
    distinct; missing years are left out (the test then treats the remaining values as consecutive, as
    pymannkendall does — stated, not filled)."""
    s = (
        pd.Series(np.asarray(values, dtype="float64"), index=np.asarray(years, dtype="int64"))
        .dropna()
        .sort_index()
    )
    if s.index.has_duplicates:
        raise ValueError("annual_trend: duplicate years")
    n = len(s)
    out: dict[str, Any] = {"n": n, "first_year": int(s.index[0]) if n else None,
                           "last_year": int(s.index[-1]) if n else None,
                           "missing_years": int(s.index[-1] - s.index[0] + 1 - n) if n else 0}  # fmt: skip
    enough = n >= MIN_YEARS
    test = (
        mann_kendall(s.to_numpy(), method=method, alpha=alpha) if n >= 3 else mann_kendall([], method=method)
    )
    ts = theil_sen(s.to_numpy(), s.index.to_numpy(), confidence=confidence)
    out.update({k: test[k] for k in ("p_value", "z", "tau", "method")})
    out.update(ts)
    out["significant"] = bool(enough and not np.isnan(test["p_value"]) and test["p_value"] < alpha)
    out["trend"] = _label(ts["slope"], test["p_value"], better, alpha, enough)
    out["alpha"], out["confidence"] = alpha, confidence
    return out


def seasonal_trend(times: Any, values: Any, *, better: str = "higher", alpha: float = ALPHA,
                   confidence: float = CONFIDENCE) -> dict[str, Any]:  # fmt: skip
    """Trend of a monthly series (``times`` any dates of the months): seasonal Kendall test (period 12, months
    without a value left as gaps), and the Theil–Sen slope [unit/year] with its interval and the Hamed–Rao
    Mann–Kendall p-value of the deseasonalised series (module docstring)."""
    t = pd.to_datetime(pd.Series(times)).dt.to_period("M")
    s = pd.Series(np.asarray(values, dtype="float64"), index=t.to_numpy()).groupby(level=0).mean()
    s = s.dropna()
    n = len(s)
    out: dict[str, Any] = {"n": n, "first_month": str(s.index.min()) if n else None,
                           "last_month": str(s.index.max()) if n else None}  # fmt: skip
    enough = n >= MIN_MONTHS
    if not enough:
        out.update({"seasonal_p_value": np.nan, "p_value": np.nan, "slope": np.nan, "slope_low": np.nan,
                    "slope_high": np.nan, "significant": False, "trend": "insufficient-data"})  # fmt: skip
        return out
    full = pd.period_range(s.index.min().asfreq("Y").asfreq("M", "start"), s.index.max().asfreq("Y").asfreq("M", "end"),
                           freq="M")  # fmt: skip
    grid = s.reindex(full)
    sk = mk.seasonal_test(grid.to_numpy(), period=12, alpha=alpha)
    month = np.array([p.month for p in s.index])
    anomaly = s.to_numpy() - pd.Series(s.to_numpy()).groupby(month).transform("mean").to_numpy() + s.mean()
    decimal_year = np.array([p.year + (p.month - 0.5) / 12 for p in s.index])
    ts = theil_sen(anomaly, decimal_year, confidence=confidence)
    hr = mann_kendall(anomaly, method="hamed_rao", alpha=alpha)
    out.update(
        {"seasonal_p_value": float(sk.p), "seasonal_tau": float(sk.Tau), "p_value": hr["p_value"], **ts}
    )
    p = float(sk.p)
    out["significant"] = bool(enough and not np.isnan(p) and p < alpha)
    out["trend"] = _label(ts["slope"], p, better, alpha, enough)
    out["alpha"], out["confidence"] = alpha, confidence
    return out


TREND_COLUMNS = ["division_code", "indicator", "n", "first_year", "last_year", "missing_years", "slope",
                 "slope_low", "slope_high", "intercept", "p_value", "z", "tau", "method", "significant", "trend",
                 "alpha", "confidence"]  # fmt: skip


def annual_trends(values: pd.DataFrame, *, method: Method = "hamed_rao", alpha: float = ALPHA,
                  confidence: float = CONFIDENCE, up_to: int | None = None) -> pd.DataFrame:  # fmt: skip
    """:func:`annual_trend` of every (division, indicator) series of ``values`` (``division_code, indicator, year,
    value, direction``; one value per year — pick the edition first), years ≤ ``up_to`` when given.
    Returns :data:`TREND_COLUMNS` (one test per series; the loop is over series, not rows)."""
    v = values.dropna(subset=["value"])
    if up_to is not None:
        v = v[v["year"] <= up_to]
    rows = []
    for (code, ind), g in v.groupby(["division_code", "indicator"], sort=True):
        better = str(g["direction"].iloc[0]) if "direction" in g.columns else "higher"
        r = annual_trend(
            g["year"], g["value"], better=better, method=method, alpha=alpha, confidence=confidence
        )
        rows.append({"division_code": code, "indicator": ind, **r})
    return pd.DataFrame(rows, columns=TREND_COLUMNS)
