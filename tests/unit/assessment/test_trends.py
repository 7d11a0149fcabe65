"""Trend significance (issue 16 item 2) checked against hand computations of the published formulas."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pioneer.assessment.trends import (
    MIN_YEARS,
    annual_trend,
    annual_trends,
    mann_kendall,
    seasonal_trend,
    theil_sen,
)


def mk_s_var(y: np.ndarray) -> tuple[float, float]:
    """Mann (1945) S and its variance without ties: n(n−1)(2n+5)/18."""
    n = len(y)
    s = sum(np.sign(y[j] - y[i]) for i in range(n) for j in range(i + 1, n))
    return float(s), n * (n - 1) * (2 * n + 5) / 18


def test_mann_kendall_original_by_hand():
    y = np.array([1.0, 2, 3, 4, 5])
    s, var = mk_s_var(y)  # S = 10, Var = 16.667
    z = (s - 1) / math.sqrt(var)  # continuity correction
    p = 2 * (1 - stats.norm.cdf(z))  # 0.0275
    r = mann_kendall(y, method="original")
    assert r["s"] == s and r["z"] == pytest.approx(z) and r["p_value"] == pytest.approx(p)
    assert r["p_value"] == pytest.approx(0.0275, abs=1e-4)


def hamed_rao_p(y: np.ndarray, alpha: float = 0.05) -> float:
    """Hamed & Rao (1998): Var*(S) = Var(S)·n/n*, n/n* = 1 + 2/(n(n−1)(n−2))·Σ(n−k)(n−k−1)(n−k−2)ρ_k over the
    significant lags of the autocorrelation of the ranks of the Sen-detrended series."""
    n = len(y)
    x = np.arange(1, n + 1)
    slope = np.median([(y[j] - y[i]) / (j - i) for i in range(n) for j in range(i + 1, n)])
    r = stats.rankdata(y - slope * x)
    r = r - r.mean()
    acf = np.array([np.sum(r[: n - k] * r[k:]) / np.sum(r * r) for k in range(n)])
    bound = stats.norm.ppf(1 - alpha / 2) / math.sqrt(n)
    ratio = 1 + 2 / (n * (n - 1) * (n - 2)) * sum(
        (n - k) * (n - k - 1) * (n - k - 2) * acf[k] for k in range(1, n) if abs(acf[k]) > bound
    )
    s, var = mk_s_var(y)
    z = (s - np.sign(s)) / math.sqrt(var * ratio)
    return float(2 * (1 - stats.norm.cdf(abs(z))))


def test_hamed_rao_matches_the_formula_and_widens_an_autocorrelated_series():
    rng = np.random.default_rng(7)
    e = np.zeros(30)
    for i in range(1, 30):
        e[i] = 0.8 * e[i - 1] + rng.normal()
    y = 0.05 * np.arange(30) + e
    hr = mann_kendall(y, method="hamed_rao")
    assert hr["p_value"] == pytest.approx(hamed_rao_p(y), rel=1e-6)
    assert hr["p_value"] > mann_kendall(y, method="original")["p_value"]
    assert mann_kendall(y, method="yue_wang")["method"] == "yue_wang"


def sen_interval(y: np.ndarray, x: np.ndarray, confidence: float) -> tuple[float, float]:
    """Sen (1968): C = z·√Var(S), M1 = (N' − C)/2, M2 = (N' + C)/2; the M1-th and (M2 + 1)-th ordered slopes."""
    n = len(y)
    slopes = np.sort(
        [(y[j] - y[i]) / (x[j] - x[i]) for i in range(n) for j in range(i + 1, n) if x[j] != x[i]]
    )
    c = stats.norm.ppf(1 - (1 - confidence) / 2) * math.sqrt(n * (n - 1) * (2 * n + 5) / 18)
    m1, m2 = (len(slopes) - c) / 2, (len(slopes) + c) / 2
    return slopes[int(np.round(m1)) - 1], slopes[int(np.round(m2))]


def test_theil_sen_slope_and_interval():
    x = np.arange(2015, 2026, dtype=float)
    y = np.array([48, 46, 47, 43, 41, 42, 38, 37, 35, 36, 33], dtype=float)
    r = theil_sen(y, x)
    pairs = [(y[j] - y[i]) / (x[j] - x[i]) for i in range(len(x)) for j in range(i + 1, len(x))]
    assert r["slope"] == pytest.approx(float(np.median(pairs))) == pytest.approx(-1.5)
    lo, hi = sen_interval(y, x, 0.95)
    assert (r["slope_low"], r["slope_high"]) == pytest.approx((lo, hi))
    exact = theil_sen(2 * x + 1, x)
    assert exact["slope"] == pytest.approx(2) and exact["slope_low"] == pytest.approx(2)


def test_annual_trend_labels_in_the_better_direction():
    years = list(range(2016, 2026))
    pm = [55, 52, 50, 47, 45, 41, 40, 37, 35, 33]
    r = annual_trend(years, pm, better="lower")
    assert r["trend"] == "improving" and r["significant"] and r["slope"] < 0
    assert (r["first_year"], r["last_year"], r["n"]) == (2016, 2025, 10)
    assert annual_trend(years, pm, better="higher")["trend"] == "deteriorating"
    flat = annual_trend(years, [50, 49, 51, 50, 50, 49, 51, 50, 50, 51], better="lower")
    assert flat["trend"] == "no-significant-trend" and not flat["significant"]


def test_too_few_years_is_insufficient_and_gaps_are_reported():
    r = annual_trend([2021, 2022, 2023, 2024], [40, 38, 36, 34], better="lower")
    assert r["trend"] == "insufficient-data" and not r["significant"] and MIN_YEARS == 5
    g = annual_trend([2015, 2016, 2018, 2019, 2021, 2022], [1, 2, 3, 4, 5, 6.0])
    assert (
        g["missing_years"] == 2 and g["n"] == 6 and g["method"].startswith("original (correction undefined")
    )
    with pytest.raises(ValueError, match="duplicate"):
        annual_trend([2020, 2020], [1, 2])


def test_seasonal_series_deseasonalised_slope():
    months = pd.date_range("2016-01-01", "2025-12-01", freq="MS")
    rng = np.random.default_rng(3)
    season = 15 * np.cos(2 * np.pi * (months.month - 1) / 12)
    y = 40 - 1.0 * (months.year - 2016 + (months.month - 0.5) / 12) + season + rng.normal(0, 1, len(months))
    r = seasonal_trend(months, y, better="lower")
    assert (
        r["slope"] == pytest.approx(-1.0, abs=0.15) and r["slope_low"] < -0.8 and r["slope_high"] > -1.2 - 0.3
    )
    assert r["trend"] == "improving" and r["seasonal_p_value"] < 0.001
    assert (r["first_month"], r["last_month"], r["n"]) == ("2016-01", "2025-12", 120)
    short = seasonal_trend(months[:12], y[:12])
    assert short["trend"] == "insufficient-data"


def test_annual_trends_table():
    rows = [
        ("130100", "air_pm2_5", y, v, "lower")
        for y, v in zip(range(2016, 2026), [55, 52, 50, 47, 45, 41, 40, 37, 35, 33], strict=True)
    ]
    rows += [("130200", "air_pm2_5", 2024, 30.0, "lower")]
    f = pd.DataFrame(rows, columns=["division_code", "indicator", "year", "value", "direction"])
    t = annual_trends(f, up_to=2025).set_index("division_code")
    assert t.loc["130100", "trend"] == "improving" and t.loc["130200", "trend"] == "insufficient-data"
    assert annual_trends(f, up_to=2019).loc[0, "n"] == 4


def test_trends_cli_annual_monthly_and_bad_input(tmp_path):
    from typer.testing import CliRunner

    from pioneer.cli import app

    run = CliRunner()
    a = tmp_path / "a.csv"
    pd.DataFrame({"division_code": "130100", "indicator": "air_pm2_5", "year": range(2016, 2026),
                  "value": [55, 52, 50, 47, 45, 41, 40, 37, 35, 33]}).to_csv(a, index=False)  # fmt: skip
    o = tmp_path / "o.csv"
    r = run.invoke(app, ["trends", "annual", str(a), "--better", "lower", "-o", str(o)])
    assert r.exit_code == 0, r.output
    t = pd.read_csv(o).iloc[0]
    assert t["trend"] == "improving" and (t["first_year"], t["last_year"]) == (2016, 2025)
    months = pd.date_range("2020-01-01", periods=36, freq="MS")
    m = tmp_path / "m.csv"
    pd.DataFrame({"division_code": "130100", "indicator": "x", "month": months.strftime("%Y-%m"),
                  "value": np.arange(36) * 0.5 + 10 * np.cos(np.arange(36))}).to_csv(m, index=False)  # fmt: skip
    r = run.invoke(app, ["trends", "monthly", str(m), "-o", str(o)])
    assert r.exit_code == 0, r.output
    mt = pd.read_csv(o).iloc[0]
    assert mt["n"] == 36 and (mt["first_month"], mt["last_month"]) == ("2020-01", "2022-12")
    bad = tmp_path / "b.csv"
    bad.write_text(
        "division_code,indicator,year,value\n130100,x,2020,1\n130100,x,2020.5,2\n", encoding="utf-8"
    )
    r = run.invoke(app, ["trends", "annual", str(bad), "-o", str(tmp_path / "x.csv")])
    assert r.exit_code == 1 and "not a number" in r.output and not (tmp_path / "x.csv").exists()
