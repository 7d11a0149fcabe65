"""End to end from hourly data to indicator values with lineage; baseline recomputation across the 2026 switch."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ibis
import numpy as np
import pandas as pd
import pytest

from pioneer.indicators.bindings import air_values

SAMPLE = Path(__file__).parents[3] / "data" / "sample" / "beijing_air_hourly.parquet"


@pytest.fixture(scope="module")
def beijing():
    # Beijing 12 national stations, 2013-03 … 2017-02 (CC BY 4.0, data/sample/README.md)
    t = ibis.memtable(pd.read_parquet(SAMPLE))
    return air_values(t, [2014, 2015, 2016], inputs={"file": SAMPLE.name}).set_index(["indicator", "year"])


def test_beijing_annual_values(beijing):
    v = beijing["value"]
    # the engine's HJ 663 / GB 3095-2012 results on this data (Beijing bulletins, from memory: 85.9, 80.6, 73 µg/m³;
    # the 12-station sample differs slightly from the official network)
    assert [v["air_pm2_5", y] for y in (2014, 2015, 2016)] == [85.0, 79.0, 72.0]
    assert [v["air_good_day_ratio", y] for y in (2014, 2015, 2016)] == [46.9, 51.8, 54.4]
    assert [v["air_composite_index", y] for y in (2014, 2015, 2016)] == [7.77, 7.29, 6.77]
    assert (beijing.loc["air_pm2_5", "division_code"] == "110000").all()


def test_beijing_lineage(beijing):
    lin = beijing.loc[("air_pm2_5", 2014), "lineage"]
    assert lin["standard_edition"] == "2012" and lin["standards"]["assessment"] == "HJ 663-2013"
    assert lin["limits"] == "GB3095-2012" and lin["counts"]["stations"] == 12
    assert lin["counts"]["valid_days"] >= 324 and lin["inputs"] == {"file": SAMPLE.name}
    assert beijing.loc[("air_good_day_ratio", 2014), "lineage"]["counts"]["aqi_valid_days"] > 300


def synthetic_days(year: int, days: int, pm2_5: float) -> pd.DataFrame:
    """One station, complete hours, constant concentrations: PM2.5 ``pm2_5``, everything else low."""
    start = dt.datetime(year, 6, 1, 1)
    times = pd.date_range(start, periods=24 * days, freq="h")
    n = len(times)
    return pd.DataFrame({"station": "X1", "city": "990100", "time": times, "so2": np.full(n, 5.0),
                         "no2": 10.0, "co": 0.4, "o3": 50.0, "pm10": 40.0, "pm2_5": pm2_5})  # fmt: skip


def test_baseline_recomputed_under_the_2026_edition():
    # PM2.5 daily mean 65 µg/m³: HJ 633-2012 IAQI = 50 + (65 − 35)/(75 − 35)·50 = 87.5 → 88 (good day);
    # HJ 633-2026 lowers the IAQI-100 breakpoint to 60 → IAQI > 100 (not a good day).
    t = ibis.memtable(pd.concat([synthetic_days(2016, 10, 65.0), synthetic_days(2026, 10, 65.0)]))
    auto = air_values(t, [2016, 2026], indicators=["air_good_day_ratio"]).set_index("year")
    assert auto.loc[2016, "edition"] == "2012" and auto.loc[2016, "value"] == 100.0
    assert auto.loc[2026, "edition"] == "2026" and auto.loc[2026, "value"] == 0.0
    base = air_values(t, [2016], edition_key="2026", indicators=["air_good_day_ratio"]).iloc[0]
    assert base["edition"] == "2026" and base["value"] == 0.0
    assert base["lineage"]["recomputed_under_edition"] is True
    # annual means need 324 valid days: 10 days give a missing value with its reason, not a number
    pm = air_values(t, [2016], indicators=["air_pm2_5"]).iloc[0]
    assert pd.isna(pm["value"]) and "Table 4" in pm["lineage"]["missing_reason"]
