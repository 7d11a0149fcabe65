"""HJ 633-2012 / HJ 633-2026: IAQI, AQI, primary pollutant, category — breakpoints, notes, rounding, CNEMC rows."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from pathlib import Path

import ibis
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pioneer.standards.air import iaqi, report
from pioneer.standards.air.tables import breakpoints

DATA = Path(__file__).parents[3] / "data" / "air"
con = ibis.duckdb.connect()

# (edition, item, period) of HJ 633-2012 Table 1 and HJ 633-2026 Table 3
TABLES = [
    (ed, item, period)
    for ed in ("2012", "2026")
    for item, period in [
        ("so2", "24h"), ("so2", "1h"), ("no2", "24h"), ("no2", "1h"), ("pm10", "24h"), ("co", "24h"),
        ("co", "1h"), ("o3", "1h"), ("o3", "8h"), ("pm2_5", "24h"),
    ]
]  # fmt: skip


def reference_iaqi(c: Fraction, ed: str, item: str, period: str) -> int | None:
    """Independent eq. (1) on exact fractions, rounded up (HJ 633-2012 §6.2 / HJ 633-2026 §4.2.6)."""
    bps = breakpoints(ed, item, period)
    for lo, hi in itertools.pairwise(bps):
        blo, bhi = Fraction(str(lo.concentration)), Fraction(str(hi.concentration))
        if c <= bhi:
            return math.ceil(Fraction(hi.iaqi - lo.iaqi) / (bhi - blo) * (c - blo) + lo.iaqi)
    return None


def test_official_table_values_2026_pm():
    # HJ 633-2026 Table 3: PM2.5 daily 35/60/115, PM10 daily 50/120/250 at IAQI 50/100/150
    assert [b.concentration for b in breakpoints("2026", "pm2_5", "24h")][:4] == [0, 35, 60, 115]
    assert [b.concentration for b in breakpoints("2026", "pm10", "24h")][:4] == [0, 50, 120, 250]
    assert [b.concentration for b in breakpoints("2012", "pm2_5", "24h")][:4] == [0, 35, 75, 115]
    # SO2 24-h is NOT the 1-h table (a known bug of other libraries)
    assert [b.concentration for b in breakpoints("2012", "so2", "24h")][:5] == [0, 50, 150, 475, 800]


@pytest.mark.parametrize(("ed", "item", "period"), TABLES)
def test_every_breakpoint_mid_segment_and_just_above(ed, item, period):
    bps = breakpoints(ed, item, period)
    step = Fraction(1, 10) if item == "co" else Fraction(1)  # smallest reported step (2026 rounds to it)
    values, expected = [], []
    for lo, hi in itertools.pairwise(bps):
        blo, bhi = Fraction(str(lo.concentration)), Fraction(str(hi.concentration))
        mid = (blo + bhi) / 2
        mid = mid if ed == "2012" else Fraction(round(mid / step)) * step
        for c in (bhi, mid, blo + step):
            values.append(float(c))
            expected.append(reference_iaqi(c, ed, item, period))
        assert reference_iaqi(bhi, ed, item, period) == hi.iaqi  # on a breakpoint: that breakpoint's IAQI
    got = iaqi(np.array(values), item, period=period, edition=ed)
    assert got.tolist() == [float(e) for e in expected]


@pytest.mark.parametrize("ed", ["2012", "2026"])
def test_beyond_the_table_is_500(ed):
    assert iaqi(500, "pm2_5", period="24h", edition=ed) == 500
    assert iaqi(501, "pm2_5", period="24h", edition=ed) == 500
    assert iaqi(1500, "pm10", period="24h", edition=ed) == 500


def test_so2_1h_above_800():
    # HJ 633-2012 Table 1 note (2): no 1-h IAQI; HJ 633-2026 Table 3 note b: counted as 200
    assert iaqi(800, "so2", period="1h", edition="2012") == 200
    assert np.isnan(iaqi(801, "so2", period="1h", edition="2012"))
    assert iaqi(800, "so2", period="1h", edition="2026") == 200
    assert iaqi(801, "so2", period="1h", edition="2026") == 200
    assert iaqi(5000, "so2", period="1h", edition="2026") == 200


def test_o3_8h_above_800():
    # HJ 633-2012 Table 1 note (3): no 8-h IAQI (O3 reported by its 1-h IAQI); HJ 633-2026 note c: 300
    assert iaqi(800, "o3", period="8h", edition="2012") == 300
    assert np.isnan(iaqi(801, "o3", period="8h", edition="2012"))
    assert iaqi(801, "o3", period="8h", edition="2026") == 300


def test_so2_over_800_literal_2012_falls_back_to_24h():
    t = ibis.memtable(pd.DataFrame({"so2": [900.0], "so2_24h": [500.0], "no2": [10.0], "co": [0.5],
                                    "o3": [20.0], "o3_8h": [20.0], "pm10_24h": [30.0], "pm2_5_24h": [20.0]}))  # fmt: skip
    r = con.execute(report(t, kind="hourly", edition="2012", method="literal"))
    assert r.iaqi_so2[0] == reference_iaqi(Fraction(500), "2012", "so2", "24h") == 154


def test_daily_2012_o3_8h_above_800_reports_o3_by_1h():
    t = ibis.memtable(pd.DataFrame({"so2": [5.0], "no2": [5.0], "co": [0.2], "pm10": [5.0], "pm2_5": [5.0],
                                    "o3_1h_max": [1000.0], "o3_8h_max": [850.0]}))  # fmt: skip
    r = con.execute(report(t, kind="daily", edition="2012")).iloc[0]
    assert pd.isna(r.iaqi_o3_8h_max) and r.iaqi_o3_1h_max == 400 and r.aqi == 400
    assert r.primary_pollutant == "臭氧1小时"


def test_rounding_at_half_2026_is_half_to_even_and_2012_does_not_round():
    # HJ 633-2026 §4.2.2: round per GB/T 8170 before the IAQI (35.5 → 36, 34.5 → 34); 2012 uses the value as is
    assert iaqi(35.5, "pm2_5", period="24h", edition="2026") == 52  # 36 → 50 + 50·1/25
    assert iaqi(34.5, "pm2_5", period="24h", edition="2026") == 49  # 34 → ⌈48.57⌉
    assert iaqi(35.5, "pm2_5", period="24h", edition="2012") == 51  # ⌈50.625⌉
    assert iaqi(60.5, "pm2_5", period="24h", edition="2026") == 100  # 60 (even) stays on the breakpoint
    assert iaqi(61.5, "pm2_5", period="24h", edition="2026") == 102  # 62


def test_co_decimals():
    # CO in mg/m³ to one decimal (HJ 633-2026 §4.2.2): 2.05 → 2.0, 2.15 → 2.2, 2.25 → 2.2
    assert iaqi(2.05, "co", period="24h", edition="2026") == 50
    assert iaqi(2.15, "co", period="24h", edition="2026") == 55
    assert iaqi(2.25, "co", period="24h", edition="2026") == 55
    assert iaqi(2.05, "co", period="24h", edition="2012") == 52  # ⌈51.25⌉
    assert iaqi(0.1 + 0.2, "co", period="1h", edition="2012") == 3  # 0.30000000000000004 is 0.3: ⌈3⌉


def test_missing_and_negative_give_no_iaqi():
    out = iaqi([np.nan, -1.0], "no2", period="24h", edition="2026")
    assert np.isnan(out).all()


def _cnemc(path: Path, o3_column: str) -> pd.DataFrame:
    df = pd.read_csv(path, na_values=["NA", "/"], keep_default_na=True, dtype={"primarypollutant": str})
    return df.assign(o3=df[o3_column]).rename(columns={"aqi": "official_aqi"})


@pytest.mark.parametrize(
    ("name", "ed", "o3_column"),
    [
        ("sample_2022-01-04T16.csv", "2012", "o3_24h"),  # the 2022 archive swaps O3 columns (see README)
        ("sample_2026-03-02T09.csv", "2026", "o3"),
    ],
)
def test_official_cnemc_rows_reproduced(name, ed, o3_column):
    df = _cnemc(DATA / name, o3_column)
    t = ibis.memtable(
        df[["stationcode", "so2", "no2", "co", "o3", "pm10", "pm2_5", "official_aqi", "primarypollutant"]]
    )
    r = con.execute(report(t, kind="hourly", edition=ed))
    published = r[r.official_aqi.notna()]
    assert len(published) >= 9
    assert (published.aqi == published.official_aqi).all()
    assert (published.primary_pollutant == published.primarypollutant.fillna("").replace("NA", "")).all()


def test_missing_pollutant_2026_aqi_from_present_and_withheld_flag():
    df = _cnemc(DATA / "sample_2026-03-02T09.csv", "o3")
    r = con.execute(report(ibis.memtable(df[["stationcode", "so2", "no2", "co", "o3", "pm10", "pm2_5"]]),
                           kind="hourly", edition="2026")).set_index("stationcode")  # fmt: skip
    assert r.loc["1819A", "aqi"] == 120 and not r.loc["1819A", "aqi_withheld"]  # PM10 missing, AQI > 100
    assert r.loc["2568A", "aqi"] == 32 and r.loc["2568A", "aqi_withheld"]  # PM10 missing, AQI ≤ 100: 5.3.1
    assert r.loc["2568A", "missing_items"] == "pm10"


def test_exceeding_pollutants_only_2012_and_ties_listed():
    t = ibis.memtable(pd.DataFrame({"so2": [1.0], "no2": [1.0], "co": [0.1], "o3": [1.0], "pm10": [250.0],
                                    "pm2_5": [115.0]}))  # fmt: skip
    r12 = con.execute(report(t, kind="hourly", edition="2012")).iloc[0]
    assert r12.aqi == 150 and r12.primary_pollutant == "颗粒物(PM10),细颗粒物(PM2.5)"
    assert r12.exceeding_pollutants == "颗粒物(PM10),细颗粒物(PM2.5)"
    r26 = con.execute(report(t, kind="hourly", edition="2026")).iloc[0]
    assert r26.exceeding_pollutants == ""
    assert r26.category == "轻度污染" and r26.level == 3 and r26.colour == "#FF7E00"


def test_aqi_range_2026_starts_at_1():
    t = ibis.memtable(pd.DataFrame({i: [0.0] for i in ("so2", "no2", "co", "o3", "pm10", "pm2_5")}))
    assert con.execute(report(t, kind="hourly", edition="2026")).aqi[0] == 1  # HJ 633-2026 §4.1.1
    assert con.execute(report(t, kind="hourly", edition="2012")).aqi[0] == 0


concentration = st.decimals(min_value=0, max_value=700, places=1).map(float)


@settings(max_examples=40, deadline=None)
@given(st.lists(concentration, min_size=2, max_size=30), st.sampled_from(["2012", "2026"]),
       st.sampled_from([("pm2_5", "24h"), ("no2", "1h"), ("o3", "8h"), ("co", "24h")]))  # fmt: skip
def test_iaqi_monotone_in_concentration(values, ed, item_period):
    item, period = item_period
    values = sorted(v / 10 if item == "co" else v for v in values)
    out = iaqi(np.array(values), item, period=period, edition=ed)
    defined = out[~np.isnan(out)]
    assert (np.diff(defined) >= 0).all()


hour_row = st.fixed_dictionaries({i: st.one_of(st.none(), concentration) for i in ("so2", "no2", "o3", "pm10", "pm2_5")}
                                 | {"co": st.one_of(st.none(), st.decimals(0, 60, places=1).map(float))})  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(st.lists(hour_row, min_size=1, max_size=20), st.sampled_from(["2012", "2026"]))
def test_aqi_is_max_of_iaqis_and_category_consistent(rows, ed):
    df = pd.DataFrame(rows, columns=["so2", "no2", "co", "o3", "pm10", "pm2_5"]).astype("float64")
    r = con.execute(report(ibis.memtable(df), kind="hourly", edition=ed))
    sub = r[[c for c in r.columns if c.startswith("iaqi_")]].astype("float64")
    top = sub.max(axis=1, skipna=True)
    if ed == "2026":
        top = top.where(~(top < 1), 1)
    assert np.allclose(r.aqi.astype("float64"), top, equal_nan=True)
    bounds = [(0, 50), (51, 100), (101, 150), (151, 200), (201, 300), (301, 10**6)]
    for aqi, lvl in zip(r.aqi, r.level, strict=True):
        if pd.isna(aqi):
            assert pd.isna(lvl)
        else:
            lo, hi = bounds[int(lvl) - 1]
            assert lo <= aqi <= hi
