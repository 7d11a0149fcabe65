"""Exceptional-event day flags, statistics with and without flagged days, three-year averages (issue 16 item 4)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pioneer.assessment.events import (
    moving_average_3y,
    period_with_and_without,
    read_flags,
    store_flags,
    stored_flags,
    treatment,
    with_and_without,
)
from pioneer.db import make_engine, session_scope, upgrade
from pioneer.errors import InputError, InputErrors
from pioneer.registry.errors import PermissionDeniedError
from pioneer.registry.permissions import Actor, Role

OFFICE = Actor("cnemc", Role.PROGRAMME_OFFICE)
HEBEI = Actor("hebei", Role.PROVINCE, ("130000",))


def daily() -> pd.DataFrame:
    """Ten days of 130100: eight clean days (PM10 80, PM2.5 40, AQI 60) and two dust days (PM10 600, PM2.5 100,
    AQI 500) — hand-computed below."""
    dates = pd.date_range("2025-03-01", periods=10).date
    dust = [False] * 8 + [True] * 2
    return pd.DataFrame({"level": "city", "id": "130100", "date": dates,
                         "pm10": [600.0 if x else 80.0 for x in dust], "pm2_5": [100.0 if x else 40.0 for x in dust],
                         "aqi": [500.0 if x else 60.0 for x in dust]})  # fmt: skip


def flags() -> pd.DataFrame:
    return pd.DataFrame({"division_code": "130100", "date": [dt.date(2025, 3, 9), dt.date(2025, 3, 10)],
                         "kind": "sand_dust", "source": "CNEMC 沙尘扣除清单", "note": ""})  # fmt: skip


def test_statistics_with_and_without_dust_days():
    r = with_and_without(daily(), flags(), year=2025).iloc[0]
    assert r["n_flagged_days"] == 2
    # all days: PM10 (8·80 + 2·600)/10 = 184; without: 80. PM2.5 (8·40 + 2·100)/10 = 52; without 40
    assert (r["pm10_annual_mean_all"], r["pm10_annual_mean_without"]) == (184, 80)
    assert (r["pm2_5_annual_mean_all"], r["pm2_5_annual_mean_without"]) == (52, 40)
    # good-day ratio 8/10 = 80 % with the dust days, 100 % without; heavy-day ratio 20 % / 0 %
    assert (r["good_day_ratio_all"], r["good_day_ratio_without"]) == (80.0, 100.0)
    assert (r["heavy_day_ratio_all"], r["heavy_day_ratio_without"]) == (20.0, 0.0)
    # national practice: PM deducted, day ratios kept
    assert r["pm10_annual_mean_headline"] == 80 and r["good_day_ratio_headline"] == 80.0
    assert set(treatment()["treatment"]) == {"deduct", "keep"}


def test_flag_file_errors_are_located(tmp_path: Path):
    p = tmp_path / "f.csv"
    p.write_text("division_code,date,kind,source\n13010,2025-03-09,sand_dust,CNEMC\n130100,2025-13-01,sand_dust,x\n"
                 "130100,2025-03-09,fire,x\n130100,2025-03-10,sand_dust,\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(InputErrors) as e:
        read_flags(p)
    got = {(x.row, x.column) for x in e.value.errors}
    assert got == {(2, "division_code"), (3, "date"), (4, "kind"), (5, "source")}
    assert all(x.file == "f.csv" and x.message_zh and x.message_en for x in e.value.errors)
    q = tmp_path / "g.csv"
    q.write_text("division_code,date\n", encoding="utf-8")
    with pytest.raises(InputError, match="kind"):
        read_flags(q)


def test_store_who_set_them_and_scope(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    upgrade(url)
    eng = make_engine(url)
    p = tmp_path / "f.csv"
    flags().assign(date=lambda d: d["date"].astype(str)).to_csv(p, index=False)
    f = read_flags(p)
    with session_scope(eng) as s:
        assert store_flags(s, f, actor=HEBEI) == 2
        at = dt.datetime(2025, 3, 11, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        store_flags(s, f.assign(source="卫星遥感"), actor=OFFICE, at=at)  # replaces, no duplicates
        with pytest.raises(PermissionDeniedError):
            store_flags(s, f.assign(division_code="110000"), actor=HEBEI)
        got = stored_flags(s, year=2025)
    eng.dispose()
    assert len(got) == 2 and set(got["set_by"]) == {"cnemc"} and set(got["source"]) == {"卫星遥感"}
    # read back with its zone (SQLite drops it): the same instant, shown as 09:30 北京时间, not 8 h off
    assert all(t == at for t in got["set_at"])


def test_three_year_moving_average():
    v = pd.DataFrame({"division_code": "130100", "indicator": "air_pm2_5", "year": [2019, 2020, 2021, 2022, 2024],
                      "value": [50.0, 45.0, 43.0, 40.0, 35.0]})  # fmt: skip
    m = moving_average_3y(v, decimals=0).set_index("year")
    assert np.isnan(m.loc[2020, "moving_average_3y"]) and m.loc[2020, "n_years"] == 2
    assert m.loc[2021, "moving_average_3y"] == 46  # (50 + 45 + 43)/3 = 46.0
    assert m.loc[2022, "moving_average_3y"] == 43  # (45 + 43 + 40)/3 = 42.67 → 43
    assert np.isnan(m.loc[2024, "moving_average_3y"]) and m.loc[2024, "n_years"] == 2  # 2023 missing


def test_cli_import_list_stats_and_moving_average(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from typer.testing import CliRunner

    from pioneer.cli import app

    monkeypatch.setenv("PIONEER_HOME", str(tmp_path / "home"))
    run = CliRunner()
    f = tmp_path / "flags.csv"
    flags().assign(date=lambda d: d["date"].astype(str)).to_csv(f, index=False)
    r = run.invoke(app, ["events", "import", str(f), "--as-user", "hebei-sthjt", "--as-role", "province",
                         "--scope", "130000"])  # fmt: skip
    assert r.exit_code == 0, r.output
    r = run.invoke(app, ["events", "import", str(f), "--as-role", "province", "--scope", "110000"])
    assert r.exit_code == 1 and "no scope over 130100" in " ".join(r.output.split())
    r = run.invoke(app, ["events", "list", "--year", "2025"])
    assert r.exit_code == 0 and "hebei-sthjt" in r.output and "2025-03-09" in r.output
    d = tmp_path / "daily.csv"
    daily().to_csv(d, index=False)
    o = tmp_path / "o.csv"
    r = run.invoke(
        app, ["events", "stats", str(d), "--year", "2025", "-o", str(o)]
    )  # flags from the database
    assert r.exit_code == 0, r.output
    got = pd.read_csv(o, dtype={"id": str}).iloc[0]
    assert got["pm10_annual_mean_without"] == 80 and got["n_flagged_days"] == 2
    v = tmp_path / "v.csv"
    pd.DataFrame({"division_code": "130100", "indicator": "air_pm2_5", "year": [2020, 2021, 2022],
                  "value": [45, 43, 40]}).to_csv(v, index=False)  # fmt: skip
    j = tmp_path / "january.csv"
    january_with_dust().to_csv(j, index=False)
    jf = tmp_path / "jan-flags.csv"
    pd.DataFrame({"division_code": "130100", "date": ["2025-01-30", "2025-01-31"], "kind": "sand_dust",
                  "source": "CNEMC"}).to_csv(jf, index=False)  # fmt: skip
    r = run.invoke(app, ["events", "period", str(j), "--from", "2025-01-01", "--to", "2025-01-31", "--flags",
                         str(jf), "-o", str(o)])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert pd.read_csv(o).iloc[0]["composite_index_without"] == pytest.approx(3.92)
    r = run.invoke(
        app, ["events", "period", str(j), "--from", "2025-02-01", "--to", "2025-01-31", "-o", str(o)]
    )
    assert r.exit_code == 1 and "--to is before --from" in " ".join(r.output.split())
    r = run.invoke(app, ["events", "moving-average", str(v), "-o", str(o), "--decimals", "1"])
    assert r.exit_code == 0, r.output
    assert pd.read_csv(o)["moving_average_3y"].iloc[2] == pytest.approx(42.7)


def january_with_dust() -> pd.DataFrame:
    """January 2025 of 130100 as ``pioneer air daily`` writes it: 29 clean days (SO2 10, NO2 40, CO 1.0, PM10 70,
    PM2.5 35, O3 MDA8 80) and two dust days, 30 and 31 January (PM10 400, PM2.5 135)."""
    dates = pd.date_range("2025-01-01", "2025-01-31").date
    dust = [d.day >= 30 for d in dates]
    return pd.DataFrame({"level": "city", "id": "130100", "date": dates, "so2": 10.0, "no2": 40.0, "co": 1.0,
                         "pm10": [400.0 if x else 70.0 for x in dust], "pm2_5": [135.0 if x else 35.0 for x in dust],
                         "o3_8h_max": 80.0})  # fmt: skip


def test_period_statistics_with_and_without_dust_days_composite_index():
    f = pd.DataFrame({"division_code": "130100", "date": [dt.date(2025, 1, 30), dt.date(2025, 1, 31)],
                      "kind": "sand_dust", "source": "CNEMC", "note": ""})  # fmt: skip
    r = period_with_and_without(
        january_with_dust(), f, start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 31)
    ).iloc[0]
    assert r["n_flagged_days"] == 2 and r["edition"] == "2012"
    # all days: PM10 (29·70 + 2·400)/31 = 91.29 → 91; PM2.5 (29·35 + 2·135)/31 = 41.45 → 41
    assert (r["pm10_annual_mean_all"], r["pm2_5_annual_mean_all"]) == (91, 41)
    # composite (GB 3095-2012 class 2): 10/60 + 40/40 + 91/70 + 41/35 + 1.0/4 + 80/160 = 4.388 → 4.39
    assert r["composite_index_all"] == pytest.approx(4.39)
    # without the two dust days (29 days ≥ 27, the month stays valid): 10/60 + 1 + 1 + 1 + 0.25 + 0.5 = 3.92
    assert (r["pm10_annual_mean_without"], r["pm2_5_annual_mean_without"]) == (70, 35)
    assert r["composite_index_without"] == pytest.approx(3.92)
    assert (r["co_p95_all"], r["o3_8h_p90_without"]) == (1.0, 80)
    # dust days: PM10 400 → IAQI 200 + 50·100/70 = 271 (重度污染); clean days AQI 60 (良)
    assert (r["good_day_ratio_all"], r["good_day_ratio_without"]) == (93.5, 100.0)  # 29/31, 29/29
    assert (r["heavy_day_ratio_all"], r["heavy_day_ratio_without"]) == (6.5, 0.0)  # 2/31
    # national practice: PM and the composite index deducted, day ratios kept
    assert r["composite_index_headline"] == pytest.approx(3.92) and r["pm10_annual_mean_headline"] == 70
    assert r["good_day_ratio_headline"] == 93.5 and r["heavy_day_ratio_headline"] == 6.5
    assert "co_p95_headline" not in r.index


def test_period_without_dust_days_keeps_the_validity_rule():
    """Deducting five days leaves January 26 daily values (< 27): the "without" statistics are NULL, not computed
    on a short month."""
    f = pd.DataFrame({"division_code": "130100", "date": [dt.date(2025, 1, d) for d in range(27, 32)],
                      "kind": "sand_dust", "source": "CNEMC", "note": ""})  # fmt: skip
    r = period_with_and_without(
        january_with_dust(), f, start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 31)
    ).iloc[0]
    assert r["n_flagged_days"] == 5
    assert pd.isna(r["composite_index_without"]) and pd.isna(r["pm10_annual_mean_without"])
    assert r["composite_index_all"] == pytest.approx(4.39)


def test_period_with_and_without_needs_every_item():
    with pytest.raises(InputError, match="o3_8h_max"):
        period_with_and_without(january_with_dust().drop(columns="o3_8h_max"), flags(),
                                start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 31))  # fmt: skip
