"""Several years in one query (issue 20): ``annual_statistics_years`` gives, value for value, the union of
``annual_statistics`` per year — with gaps that make the GB 3095 Table 4 validity bite (a month short, a year
short of 324 days), a leap year, and a year under the 2026 edition next to years under the 2012 one."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest

from pioneer.standards.air.period import annual_statistics, annual_statistics_years

ITEMS = ["so2", "no2", "co", "pm10", "pm2_5", "o3_8h_max", "o3_1h_max"]


def _daily(years: list[int], seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    for site_level, site in [("station", "1001A"), ("station", "1002A"), ("city", "110000")]:
        days = pd.date_range(f"{years[0]}-01-01", f"{years[-1]}-12-31", freq="D")
        f = pd.DataFrame({"site_level": site_level, "id": site, "date": days.date})
        for i in ITEMS:
            v = rng.integers(2, 320, len(days)).astype("float64")
            if i == "co":
                v = np.round(v / 100, 1)
            v[rng.random(len(days)) < 0.03] = np.nan
            f[i] = v
        frames.append(f)
    out = pd.concat(frames, ignore_index=True)
    dates = pd.to_datetime(out["date"])
    # 1002A loses five days of March 2025 for PM2.5 (26 left: invalid) and 45 days of 2024 for SO2 (< 324)
    out.loc[(out.id == "1002A") & (dates.dt.year == 2025) & (dates.dt.month == 3) & (dates.dt.day <= 5),
            "pm2_5"] = np.nan  # fmt: skip
    out.loc[(out.id == "1002A") & (dates.dt.year == 2024) & (dates.dt.dayofyear <= 45), "so2"] = np.nan
    return out


def _frame(t: pd.DataFrame) -> pd.DataFrame:
    t = t.assign(year=t["year"].astype("int64"))
    return t.sort_values(["year", "site_level", "id"]).reset_index(drop=True)


@pytest.mark.parametrize("edition_key", ["auto", "2012"])
def test_years_in_one_query_equal_each_year(edition_key: str) -> None:
    years = [2024, 2025, 2026]  # a leap year; 2026 under "auto" is judged by the 2026 edition
    con = ibis.duckdb.connect()
    days = con.create_table("days", _daily(years))
    each = pd.concat([con.execute(annual_statistics(days, year=y, edition_key=edition_key)) for y in years])
    together = con.execute(annual_statistics_years(days, years=years, edition_key=edition_key))
    assert list(together.columns) == list(each.columns)
    pd.testing.assert_frame_equal(_frame(together), _frame(each), check_dtype=False)
    a = _frame(together)
    assert set(a.edition) == ({"2012", "2026"} if edition_key == "auto" else {"2012"})
    bad = a[(a.id == "1002A") & (a.year == 2025)]
    assert bad.pm2_5_annual_mean.isna().all() and bad.no2_annual_mean.notna().all()
    assert a[(a.id == "1002A") & (a.year == 2024)].so2_annual_mean.isna().all()
    assert a.pm2_5_annual_mean.notna().sum() >= 6  # the validity rule does not blank everything


def test_a_subset_of_years() -> None:
    con = ibis.duckdb.connect()
    days = con.create_table("days", _daily([2023, 2024, 2025]))
    got = _frame(con.execute(annual_statistics_years(days, years=[2025, 2023])))
    assert sorted(set(got.year)) == [2023, 2025]
    want = _frame(pd.concat([con.execute(annual_statistics(days, year=y)) for y in (2023, 2025)]))
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
