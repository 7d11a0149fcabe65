"""National evaluation and rankings (pioneer.assessment.national) on the real CNEMC slice and on built tables."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pioneer.assessment import national as N
from pioneer.errors import InputErrors
from pioneer.registry.ranking_sets import city_sets

ROOT = Path(__file__).resolve().parents[3]
SLICE = ROOT / "tests" / "data" / "air" / "cnemc"
JAN = (dt.date(2025, 1, 1), dt.date(2025, 1, 31))


@pytest.fixture(scope="module")
def january() -> pd.DataFrame:
    days = N.station_days_of_files(SLICE / "daily")
    return N.period_table(days, start=JAN[0], end=JAN[1])


def test_station_days_of_the_slice() -> None:
    days = N.station_days_of_files(SLICE / "daily")
    src = pd.concat(
        [pd.read_csv(f, dtype={"stationcode": str}) for f in sorted((SLICE / "daily").glob("*.csv"))]
    )
    assert len(days) == len(src)
    assert set(days.city) == {"110000", "513200", "652900", "152900", "659001", ""}
    assert days.date.min() == JAN[0] and days.date.max() == JAN[1]


def test_period_table_of_january(january: pd.DataFrame) -> None:
    cities = january[january.level == "city"].set_index("id")
    assert list(cities.index) == ["110000", "152900", "513200", "652900", "659001"]  # 雄安新区: no city row
    assert cities.loc["110000", "name"] == "北京市" and cities.loc["659001", "name"] == "石河子市"
    bj = cities.loc["110000"]
    assert bj.pm2_5_valid_days == 31 and bj.aqi_valid_days == 31
    assert bj.good_day_ratio == round(100 * (bj["days_优"] + bj["days_良"]) / 31, 1)
    # the city's PM2.5 mean is the mean of its daily values, each the rounded mean of its stations' values
    days = N.station_days_of_files(SLICE / "daily")
    bj_days = days[days.city == "110000"].groupby("date").pm2_5.mean()
    from pioneer.standards.common import round_half_even

    daily = round_half_even(bj_days.to_numpy(), 0)
    assert bj.pm2_5_annual_mean == round_half_even(np.array([daily.mean()]), 0)[0]
    assert bj.pm2_5_mean_1dp == round_half_even(np.array([daily.mean()]), 1)[0]
    stations = january[(january.level == "station") & (january.city == "110000")]
    assert len(stations) >= 12 and (stations.name == "北京市").all()


def test_station_missing_from_the_list(tmp_path: Path) -> None:
    shutil.copytree(SLICE / "daily", tmp_path / "daily")
    lines = (SLICE / "stations.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "stations.csv").write_text("\n".join(x for x in lines if not x.startswith("2566A")) + "\n",
                                           encoding="utf-8")  # fmt: skip
    with pytest.raises(InputErrors) as err:
        N.station_days_of_files(tmp_path / "daily")
    e = err.value.errors
    assert len(e) == 31 and {x.column for x in e} == {"stationcode"} and {x.value for x in e} == {"2566A"}
    assert e[0].file == "2025-01-02T00.csv" and e[0].row == 2


def test_no_station_list(tmp_path: Path) -> None:
    shutil.copytree(SLICE / "daily", tmp_path / "x" / "daily")
    with pytest.raises(InputErrors) as err:
        N.station_days_of_files(tmp_path / "x" / "daily")
    assert "stations.csv" in err.value.errors[0].message_en


def test_shared_rank() -> None:
    r = N.shared_rank(pd.Series([2.334, 2.331, 2.37, np.nan, 2.2]), decimals=2)
    assert r.tolist() == [2, 2, 4, pd.NA, 1]


def _cities(values: dict[str, float]) -> pd.DataFrame:
    rows = []
    for code, v in values.items():
        rows.append({"level": "city", "id": code, "name": code, "composite_index": v, "pm2_5_mean_1dp": v * 10,
                     "good_day_ratio": 80.0, "heavy_day_ratio": 1.0, "pm10_annual_mean": 60.0,
                     "so2_annual_mean": 8.0, "no2_annual_mean": 25.0, "co_p95": 1.1, "o3_8h_p90": 90.0,
                     "aqi_valid_days": 31})  # fmt: skip
    return pd.DataFrame(rows)


def test_key_city_ranking_best_worst_and_ties() -> None:
    key = city_sets()["key_168"].codes
    values = {c: 3.0 + i / 100 for i, c in enumerate(key)}
    values[key[5]] = values[key[4]]  # a tie at 0.01
    values[key[19]] = values[key[20]] = 3.185  # tie on the 20th place
    table = _cities(values)
    r = N.rankings(table, year=2025)
    comp = r["key"]["composite"]
    assert len(comp) == 168 and comp["rank"].iloc[0] == 1
    assert comp.set_index("id").loc[key[4], "rank"] == comp.set_index("id").loc[key[5], "rank"] == 5
    assert comp.set_index("id").loc[key[6], "rank"] == 7  # after a shared 5th place comes the 7th
    assert len(r["key"]["best"]) == 21  # both cities tied on the 20th place are listed
    assert r["key"]["worst"]["rank_from_worst"].iloc[0] == 1 and r["key"]["worst"].iloc[0]["id"] == key[-1]
    assert "change" not in r["key"]
    national = next(s for s in r["sets"] if s["key"] == "cities_339")
    assert national["n_cities"] == 168 and national["good_day_ratio"] == 80.0
    yrd = next(s for s in r["sets"] if s["key"] == "yrd_31")
    expect = np.mean([values[c] for c in city_sets()["yrd_31"].codes])
    assert yrd["composite_index"] == float(np.round(expect, 2)) and yrd["members"] == 31


def test_change_against_the_previous_year() -> None:
    key = city_sets()["key_168"].codes
    now = _cities({key[0]: 4.0, key[1]: 5.0, key[2]: 3.0})
    before = _cities({key[0]: 5.0, key[1]: 5.0, key[3]: 4.0})
    ch = N.change(now, before, key)
    assert ch[["id", "change_pct", "rank"]].values.tolist() == [[key[0], -20.0, 1], [key[1], 0.0, 2]]
    r = N.rankings(now, year=2025, previous=before)
    assert len(r["key"]["change"]) == 2
