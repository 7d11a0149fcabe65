"""Evaluation by period (pioneer.standards.air.period): GB 3095 Table 4 validity per month, HJ 663 Appendix A
percentiles, composite index, day counts, city daily values from station-day values."""

from __future__ import annotations

import datetime as dt

import ibis
import pandas as pd
import pytest

from pioneer.standards.air import period as P
from pioneer.standards.air.evaluation import daily_report
from pioneer.standards.air.period import annual_statistics

D = dt.date


def test_period_bounds() -> None:
    assert P.period_bounds("month", 2024, 2) == (D(2024, 2, 1), D(2024, 2, 29))
    assert P.period_bounds("quarter", 2025, 1) == (D(2025, 1, 1), D(2025, 3, 31))
    assert P.period_bounds("half", 2025, 2) == (D(2025, 7, 1), D(2025, 12, 31))
    assert P.period_bounds("year", 2025) == (D(2025, 1, 1), D(2025, 12, 31))
    with pytest.raises(ValueError, match="PERIOD_KINDS"):
        P.period_bounds("week", 2025)
    with pytest.raises(ValueError, match="1–4"):
        P.period_bounds("quarter", 2025, 5)


def test_month_requirements_gb3095_table4() -> None:
    # GB 3095 Table 4: 27 daily values a month, February 25 (28 or 29 days alike)
    req = P.month_requirements(D(2025, 1, 1), D(2025, 3, 31)).set_index("ym")["required"].to_dict()
    assert req == {202501: 27, 202502: 25, 202503: 27}
    assert P.month_requirements(D(2024, 2, 1), D(2024, 2, 29))["required"].tolist() == [25]
    # a part month keeps the whole month's allowance of missing days (31 − 27 = 4): 15 days need 11
    part = P.month_requirements(D(2025, 1, 1), D(2025, 1, 15))
    assert part[["days", "required"]].values.tolist() == [[15, 11]]
    assert P.month_requirements(D(2025, 1, 30), D(2025, 2, 2))["required"].tolist() == [1, 1]
    with pytest.raises(ValueError, match="ends before"):
        P.month_requirements(D(2025, 2, 1), D(2025, 1, 1))


def _daily(days: list[dt.date], **values: list[float]) -> pd.DataFrame:
    base = {
        "so2": 10.0,
        "no2": 20.0,
        "co": 1.0,
        "pm10": 35.0,
        "pm2_5": 35.0,
        "o3_8h_max": 80.0,
        "o3_1h_max": None,
    }
    frame = pd.DataFrame({"site_level": "city", "id": "110000", "date": days})
    for k, v in base.items():
        frame[k] = values.get(k, [v] * len(days))
    return frame.astype({k: "float64" for k in base})


def _stats(frame: pd.DataFrame, start: dt.date, end: dt.date, **kw) -> dict:
    """Statistics of station-day-like values (no O3 1-h daily maximum: ``daily_report_station_days``)."""
    t = ibis.memtable(frame)
    reported = P.daily_report_station_days(t, edition_key="2012")
    out = P.period_statistics(t, start=start, end=end, reported=reported, **kw).to_pandas()
    assert len(out) == 1
    return out.iloc[0].to_dict()


def _january(n: int) -> list[dt.date]:
    return [D(2025, 1, 1) + dt.timedelta(days=i) for i in range(n)]


def test_composite_index_of_constant_month() -> None:
    # Σ C/S with GB 3095-2012 class-2 limits: 10/60 + 20/40 + 35/70 + 35/35 + 1.0/4 + 80/160 = 2.9166… → 2.92
    s = _stats(_daily(_january(31)), D(2025, 1, 1), D(2025, 1, 31))
    assert s["composite_index"] == 2.92
    assert s["pm2_5_annual_mean"] == 35 and s["co_p95"] == 1.0 and s["o3_8h_p90"] == 80
    assert s["edition"] == "2012" and s["limits"] == "GB3095-2012"
    assert s["good_day_ratio"] == 100.0 and s["aqi_valid_days"] == 31


def test_validity_27_days_in_january() -> None:
    ok = _stats(_daily(_january(27)), D(2025, 1, 1), D(2025, 1, 31))
    short = _stats(_daily(_january(26)), D(2025, 1, 1), D(2025, 1, 31))
    assert ok["pm2_5_annual_mean"] == 35 and ok["pm2_5_valid_days"] == 27
    assert pd.isna(short["pm2_5_annual_mean"]) and pd.isna(short["composite_index"])
    assert short["pm2_5_valid_days"] == 26  # the count is reported even when the statistic is invalid


def test_validity_february_25_days() -> None:
    feb = [D(2025, 2, 1) + dt.timedelta(days=i) for i in range(25)]
    s = _stats(_daily(feb), D(2025, 2, 1), D(2025, 2, 28))
    assert s["pm2_5_annual_mean"] == 35
    s = _stats(_daily(feb[:24]), D(2025, 2, 1), D(2025, 2, 28))
    assert pd.isna(s["pm2_5_annual_mean"])


def test_quarter_needs_every_month() -> None:
    days = [D(2025, 1, 1) + dt.timedelta(days=i) for i in range(90)]  # Jan–Mar complete
    assert _stats(_daily(days), D(2025, 1, 1), D(2025, 3, 31))["pm2_5_annual_mean"] == 35
    gap = [d for d in days if not (d.month == 2 and d.day > 24)]  # February 24 days only
    assert pd.isna(_stats(_daily(gap), D(2025, 1, 1), D(2025, 3, 31))["pm2_5_annual_mean"])


def test_calendar_year_also_needs_324_days() -> None:
    # 27 days in each month (25 in February) = 322 < 324: every month passes, the year does not
    days = [D(2025, m, d) for m in range(1, 13) for d in range(1, (25 if m == 2 else 27) + 1)]
    assert len(days) == 322
    s = _stats(_daily(days), D(2025, 1, 1), D(2025, 12, 31))
    assert pd.isna(s["pm2_5_annual_mean"])
    # … while a half-year of the same days is valid (no annual count)
    assert _stats(_daily(days), D(2025, 1, 1), D(2025, 6, 30))["pm2_5_annual_mean"] == 35


def test_percentiles_hj663_appendix_a() -> None:
    # O3 MDA8 1…31: k = 1 + 30 × 0.90 = 28 → X(28) = 28; CO 0.1…3.1: k = 1 + 30 × 0.95 = 29.5 →
    # 2.9 + 0.5 × (3.0 − 2.9) = 2.95 → 3.0 (half to even at 0.1 mg/m³)
    frame = _daily(
        _january(31), o3_8h_max=[float(i) for i in range(1, 32)], co=[i / 10 for i in range(1, 32)]
    )
    s = _stats(frame, D(2025, 1, 1), D(2025, 1, 31))
    assert s["o3_8h_p90"] == 28 and s["co_p95"] == 3.0


def test_days_per_category_and_primary_pollutant() -> None:
    # PM2.5 daily 35 (IAQI 50), 80 (IAQI 106: 轻度污染, PM2.5 primary), 160 (IAQI 210: 重度污染)
    pm = [35.0] * 29 + [80.0, 160.0]
    s = _stats(_daily(_january(31), pm2_5=pm), D(2025, 1, 1), D(2025, 1, 31))
    assert s["days_优"] == 29 and s["days_轻度污染"] == 1 and s["days_重度污染"] == 1
    assert s["primary_days_pm2_5"] == 2 and s["over_days_pm2_5"] == 2 and s["primary_days_no2"] == 0
    assert s["good_day_ratio"] == round(29 / 31 * 100, 1) == 93.5
    assert s["pm2_5_mean_1dp"] == round((35 * 29 + 240) / 31, 1)


def test_annual_statistics_is_the_calendar_year_period() -> None:
    days = [D(2025, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    frame = _daily(days, pm2_5=[float(10 + i % 50) for i in range(365)])
    t = ibis.memtable(frame)
    reported = P.daily_report_station_days(t, edition_key="2012")
    a = annual_statistics(t, year=2025, reported=reported).to_pandas().iloc[0]
    p = P.period_statistics(t, start=D(2025, 1, 1), end=D(2025, 12, 31), reported=reported,
                            pollutant_days=False).to_pandas().iloc[0]  # fmt: skip
    for c in ("pm2_5_annual_mean", "pm2_5_p95", "composite_index", "good_day_ratio", "days_良"):
        assert a[c] == p[c]
    assert a["pm2_5_annual_mean"] == round(sum(10 + i % 50 for i in range(365)) / 365)
    assert a["year"] == 2025 and "period_start" not in a.index


def test_sites_daily_city_mean_rounded_half_even() -> None:
    sd = pd.DataFrame({"station": ["A", "B", "C", "A", "B", "X"], "city": ["110000"] * 5 + [""],
                       "date": [D(2025, 1, 1)] * 3 + [D(2025, 1, 2)] * 2 + [D(2025, 1, 1)]})  # fmt: skip
    sd["pm2_5"] = [35.0, 36.0, None, 34.0, 35.0, 99.0]  # city: 35.5 → 36 (even), 34.5 → 34
    sd["co"] = [0.5, 0.6, 0.6, 0.4, 0.5, 1.0]  # (0.5 + 0.6 + 0.6) / 3 = 0.566… → 0.6; 0.45 → 0.4
    for c in ("so2", "no2", "pm10", "o3_8h_max"):
        sd[c] = 10.0
    out = P.sites_daily(ibis.memtable(sd)).to_pandas()
    city = (
        out[out.site_level == "city"].assign(date=lambda f: pd.to_datetime(f.date).dt.date).set_index("date")
    )
    assert city.loc[D(2025, 1, 1), "pm2_5"] == 36 and city.loc[D(2025, 1, 2), "pm2_5"] == 34
    assert city.loc[D(2025, 1, 1), "co"] == 0.6 and city.loc[D(2025, 1, 2), "co"] == 0.4
    assert set(out[out.site_level == "station"].id) == {"A", "B", "C", "X"}
    assert out.o3_1h_max.isna().all() and set(out[out.site_level == "city"].id) == {"110000"}


def test_daily_report_without_o3_1h() -> None:
    frame = _daily(_january(2))
    t = ibis.memtable(frame)
    plain = daily_report(t, edition_key="2012").to_pandas()
    assert (plain.missing_items == "o3_1h_max").all()  # the 2012 daily report lists the item as missing …
    r = P.daily_report_station_days(t, edition_key="2012").to_pandas()
    assert (r.missing_items == "").all() and (r.aqi == 50).all()  # … the station-day report does not
