"""City air attainment planning (issue 16 item 3) on a hand-computed city."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pioneer.assessment.attainment import attainment_plan, city_summary, phase_in_force, required_rate_pct
from pioneer.errors import InputError

YEARS = list(range(2020, 2026))
PM25 = [48.0, 44.0, 41.0, 38.0, 36.0, 35.0]
O3 = [150.0, 158.0, 149.0, 162.0, 155.0, 165.0]


def stats() -> pd.DataFrame:
    return pd.DataFrame({"level": "city", "id": "110000", "year": YEARS, "pm2_5_annual_mean": PM25,
                         "o3_8h_p90": O3})  # fmt: skip


def sen_slope(y: list[float]) -> float:
    return float(np.median([(y[j] - y[i]) / (j - i) for i in range(len(y)) for j in range(i + 1, len(y))]))


def test_gaps_required_reductions_and_year_at_trend():
    p = attainment_plan(stats(), year=2025, target_year=2030)
    pm = p[p["statistic"] == "pm2_5_annual_mean"].set_index("phase")
    # GB 3095-2012 class 2: 35 → attained exactly at the limit
    assert bool(pm.loc["GB3095-2012", "attained"]) and pm.loc["GB3095-2012", "gap"] == 0
    assert (
        pm.loc["GB3095-2012", "required_rate_pct"] == 0
        and pm.loc["GB3095-2012", "attainment_status"] == "attained"
    )
    # GB 3095-2026 transitional 30: gap 5 (14.29 % of 35); by 2030: (1 − (30/35)^(1/5))·100 = 3.04 %/year, 1.0/year
    t = pm.loc["GB3095-2026-transitional"]
    assert not bool(t["attained"]) and t["gap"] == 5 and t["gap_pct"] == pytest.approx(100 * 5 / 35)
    assert t["required_rate_pct"] == pytest.approx((1 - (30 / 35) ** (1 / 5)) * 100)
    assert t["required_rate_pct"] == pytest.approx(3.04, abs=0.01) and t[
        "required_decrease"
    ] == pytest.approx(1.0)
    slope = sen_slope(PM25)
    assert t["trend_slope"] == pytest.approx(slope) and t["trend_years"] == "2020–2025"
    assert t["attainment_year_at_trend"] == 2025 + math.ceil(5 / -slope)
    assert t["attainment_status"] == "attains-at-trend" and bool(t["trend_significant"])
    # final 25: gap 10
    f = pm.loc["GB3095-2026-final"]
    assert f["gap"] == 10 and f["attainment_year_at_trend"] == 2025 + math.ceil(10 / -slope)
    # the phase in force for 2025 is flagged
    assert pm["in_force"].sum() == 1 and bool(pm.loc[phase_in_force(2025), "in_force"])


def test_rising_ozone_never_attains_at_trend():
    p = attainment_plan(stats(), year=2025, target_year=2030)
    o3 = p[(p["statistic"] == "o3_8h_p90") & (p["phase"] == "GB3095-2012")].iloc[0]
    assert o3["limit"] == 160 and o3["gap"] == 5 and o3["attainment_status"] == "never-at-trend"
    assert pd.isna(o3["attainment_year_at_trend"]) and o3["trend_slope"] > 0
    s = city_summary(p).set_index("phase")
    assert not s.loc["GB3095-2012", "attained"] and s.loc["GB3095-2012", "not_attained"] == "o3_8h_p90"
    assert s.loc["GB3095-2012", "attainment_year_at_trend"] is None


def test_one_year_only_is_insufficient_for_a_trend():
    p = attainment_plan(stats()[stats()["year"] == 2025], year=2025, target_year=2030)
    t = p[(p["statistic"] == "pm2_5_annual_mean") & (p["phase"] == "GB3095-2026-final")].iloc[0]
    assert t["attainment_status"] == "insufficient-data" and t["required_rate_pct"] > 0


def test_required_rate_edges():
    assert list(required_rate_pct([40, 30, np.nan], [35, 35, 35], 5)) == pytest.approx(
        [(1 - (35 / 40) ** 0.2) * 100, 0.0, np.nan], nan_ok=True
    )


def test_bad_years_are_refused():
    with pytest.raises(InputError) as e:
        attainment_plan(stats(), year=2025, target_year=2025)
    assert "target year" in e.value.message_en and e.value.message_zh
    with pytest.raises(InputError, match="2019"):
        attainment_plan(stats(), year=2019, target_year=2030)


def test_cli_plan_writes_rows_and_refuses_bad_input(tmp_path):
    from typer.testing import CliRunner

    from pioneer.cli import app

    src = tmp_path / "annual.csv"
    stats().to_csv(src, index=False)
    out = tmp_path / "plan.csv"
    r = CliRunner().invoke(app, ["attainment", "plan", str(src), "--year", "2025", "--target-year", "2030",
                                 "-o", str(out)])  # fmt: skip
    assert r.exit_code == 0, r.output
    p = pd.read_csv(out, dtype={"id": str})
    assert len(p) == 2 * 3 and set(p["phase"]) == {
        "GB3095-2012",
        "GB3095-2026-transitional",
        "GB3095-2026-final",
    }
    bad = tmp_path / "bad.csv"
    bad.write_text("level,id,year,pm2_5_annual_mean\ncity,110000,twenty,30\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["attainment", "plan", str(bad), "--year", "2025", "--target-year", "2030",
                                 "-o", str(tmp_path / "x.csv")])  # fmt: skip
    assert r.exit_code == 1 and "year is not an integer" in r.output and not (tmp_path / "x.csv").exists()


def test_division_plan_from_the_store(tmp_path):
    from pioneer.assessment.attainment import division_plan
    from pioneer.db import make_engine, session_scope, upgrade
    from pioneer.indicators import store

    url = f"sqlite:///{tmp_path / 'p.db'}"
    upgrade(url)
    eng = make_engine(url)
    f = pd.DataFrame({"division_code": "110000", "indicator": "air_pm2_5", "year": YEARS, "value": PM25,
                      "edition": "2012", "unit": "µg/m³", "method": "test"})  # fmt: skip
    with session_scope(eng) as s:
        store.save_values(s, f, source_kind="computed")
        d = division_plan(s, "110000", year=2025, target_year=2030)
        none = division_plan(s, "120000", year=2025, target_year=2030)
    eng.dispose()
    assert d["phase_in_force"] == phase_in_force(2025) and d["rows"][0]["in_force"] is True
    fin = next(r for r in d["rows"] if r["phase"] == "GB3095-2026-final")
    assert fin["gap"] == 10 and fin["attainment_year_at_trend"] == 2025 + math.ceil(10 / -sen_slope(PM25))
    assert none["rows"] == [] and none["summary"] == []
