"""Verdicts through the service on a real (SQLite) app database: tier table, scorecard, ranking, explain."""

from __future__ import annotations

import pandas as pd
import pytest

from pioneer.assessment import service
from pioneer.assessment.verdicts import VerdictRule
from pioneer.db import make_engine, session_scope, upgrade
from pioneer.indicators import store

CITIES = ["130100", "130200", "130300", "130400", "130500"]
TOP1 = VerdictRule("top_n", n=1)


@pytest.fixture
def engine(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    upgrade(url)
    eng = make_engine(url)
    rows = []
    # PM2.5 2020 → 2024: change rates −19.0, 0.0, −8.3, +6.7, −10.0 %
    for code, b, c in zip(CITIES, [42, 50, 60, 45, 30], [34, 50, 55, 48, 27], strict=True):
        rows += [
            (code, "air_pm2_5", 2020, float(b), "2012", "µg/m³"),
            (code, "air_pm2_5", 2024, float(c), "2012", "µg/m³"),
        ]
    # good-day ratio (%, higher better): change in points +2.0, +5.5, −1.0, +0.5, 0.0
    for code, b, c in zip(CITIES, [80, 70, 90, 85, 60], [82, 75.5, 89, 85.5, 60], strict=True):
        rows += [
            (code, "air_good_day_ratio", 2020, float(b), "2012", "%"),
            (code, "air_good_day_ratio", 2024, float(c), "2012", "%"),
        ]
    f = pd.DataFrame(rows, columns=["division_code", "indicator", "year", "value", "edition", "unit"])
    f["method"] = "test"
    with session_scope(eng) as s:
        store.save_values(s, f, source_kind="computed")
    yield eng
    eng.dispose()


def test_tier_verdicts_indicators_domains_overall(engine):
    with session_scope(engine) as s:
        v = service.verdicts(s, 2024, level="city", baseline_year=2020, rule=TOP1,
                             indicators=["air_pm2_5", "air_good_day_ratio"])  # fmt: skip
    pm = v[(v["scope"] == "indicator") & (v["key"] == "air_pm2_5")].set_index("division_code")
    assert pm.loc["130500", "leading"] and pm["leading"].sum() == 1
    assert pm.loc["130300", "lagging"]
    assert pm.loc["130100", "change_rate"] == pytest.approx(-19.0) and pm.loc["130100", "leads_improvement"]
    assert pm.loc["130400", "lags_improvement"] and pm["leads_improvement"].sum() == 1
    gd = v[(v["scope"] == "indicator") & (v["key"] == "air_good_day_ratio")].set_index("division_code")
    assert (gd["measure"] == "difference").all()
    assert gd.loc["130200", "improvement"] == pytest.approx(5.5) and gd.loc["130200", "leads_improvement"]
    assert gd.loc["130300", "leading"]  # 89 % is the best ratio
    assert set(v["scope"]) == {"indicator", "domain", "overall"}
    ov = v[v["scope"] == "overall"]
    assert len(ov) == 5 and ov["leading"].sum() >= 1 and (ov["rule"] == "top-n:1").all()


def test_scorecard_ranking_and_explain_carry_verdicts(engine, monkeypatch):
    monkeypatch.setenv("PIONEER_VERDICT_RULE", "top-n:1")
    with session_scope(engine) as s:
        card = service.zone_scorecard(s, "130100", 2024, baseline_year=2020,
                                      indicators=["air_pm2_5", "air_good_day_ratio"], hide_ranks=True)  # fmt: skip
        r = service.ranking(s, "air_pm2_5", "city", 2024, hide_ranks=False)
        e = service.explain_indicator(s, "130500", "air_pm2_5", 2024, baseline_year=2020)
    v = card["verdicts"]
    assert v["rule"] == "top-n:1" and "前 1 名" in v["rule_zh"]
    mine = {(i["scope"], i["key"]): i for i in v["items"]}
    assert mine[("indicator", "air_pm2_5")]["leads_improvement"] is True
    assert mine[("indicator", "air_pm2_5")]["rank"] is None  # ranks hidden, verdicts kept
    assert v["leading"]["indicator:air_pm2_5"] == ["130500"]
    assert v["leads_improvement"]["indicator:air_pm2_5"] == ["130100"]
    assert list(r["leading"]) == [True, False, False, False, False] and r["verdict_rule"].iloc[0] == "top-n:1"
    assert list(r["rank"]) == [1, 2, 3, 4, 5]
    ev = e["assessment"]["verdict"]
    assert (
        ev["leading"] is True
        and ev["cutoff"] == 1
        and ev["n_ranked"] == 5
        and ev["leading_list"] == ["130500"]
    )
    assert ev["improvement"] == pytest.approx(10.0) and ev["improvement_leading_list"] == ["130100"]


def test_scorecard_rows_say_whether_the_trend_is_significant_and_over_which_years(tmp_path):
    url = f"sqlite:///{tmp_path / 't.db'}"
    upgrade(url)
    eng = make_engine(url)
    pm = [55, 52, 50, 47, 45, 41, 40, 37, 35, 33]
    f = pd.DataFrame({"division_code": "130100", "indicator": "air_pm2_5", "year": range(2016, 2026), "value": pm,
                      "edition": ["2012"] * 10, "unit": "µg/m³", "method": "test"})  # fmt: skip
    with session_scope(eng) as s:
        store.save_values(s, f, source_kind="computed")
        card = service.zone_scorecard(s, "130100", 2025, baseline_year=2016, indicators=["air_pm2_5"])
    eng.dispose()
    t = card["indicators"][0]["trend"]
    assert (t["first_year"], t["last_year"], t["n"]) == (2016, 2025, 10)
    assert t["trend"] == "improving" and t["significant"] is True and t["p_value"] < 0.05
    assert t["slope"] < 0 and t["slope_low"] <= t["slope"] <= t["slope_high"] and t["trend_zh"] == "显著改善"
