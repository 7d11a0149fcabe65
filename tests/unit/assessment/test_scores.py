"""Hand-computed scores, bounds, attainment, domain and overall scores on small synthetic divisions."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pioneer.assessment.scores import attainment, domain_scores, national_targets, overall_scores, scores
from pioneer.indicators.catalogue import default_catalogue

CAT = default_catalogue()


def frame(rows):
    return pd.DataFrame(rows, columns=["division_code", "level", "indicator", "year", "value"])


def test_catalogue_bounds_scores():
    # air_pm2_5: floor 75, target 25 (catalogue); score = 100·(x − 75)/(25 − 75)
    v = frame([("110000", "city", "air_pm2_5", 2024, 50.0), ("120000", "city", "air_pm2_5", 2024, 20.0),
               ("130100", "city", "air_pm2_5", 2024, 80.0), ("130200", "city", "air_pm2_5", 2024, 37.0),
               ("130300", "city", "air_pm2_5", 2024, float("nan")),
               ("110000", "city", "air_good_day_ratio", 2024, 80.0)])  # fmt: skip
    s = scores(v, CAT).set_index(["division_code", "indicator"])
    assert s.loc[("110000", "air_pm2_5"), "score"] == pytest.approx(50.0)
    assert s.loc[("120000", "air_pm2_5"), "score"] == 100.0  # clipped
    assert s.loc[("130100", "air_pm2_5"), "score"] == 0.0  # clipped
    assert s.loc[("130200", "air_pm2_5"), "score"] == pytest.approx(76.0)  # 100·38/50
    assert math.isnan(s.loc[("130300", "air_pm2_5"), "score"])
    assert s.loc[("130300", "air_pm2_5"), "score_status"] == "missing-value"
    # good-day ratio: floor 50, target 100 → 100·30/50
    assert s.loc[("110000", "air_good_day_ratio"), "score"] == pytest.approx(60.0)
    assert s.loc[("110000", "air_pm2_5"), "floor_basis"].startswith("catalogue")


def test_distribution_floor_and_national_target():
    # forest_cover has no scoring block: target = national target 2035 (26, the next one from 2027);
    # floor = 2.5th percentile (linear) of [10, 20, 30, 40, 50] = 10 + 0.025·4·10 = 11
    vals = [10.0, 20.0, 30.0, 40.0, 50.0]
    v = frame([(f"13{i:02d}00", "city", "forest_cover", 2024, x) for i, x in enumerate(vals, 1)])
    s = scores(v, CAT, horizon=2027).set_index("division_code")
    assert s["floor"].iloc[0] == pytest.approx(11.0)
    assert s["target_bound"].iloc[0] == 26.0
    assert s.loc["130200", "score"] == pytest.approx(100 * 9 / 15)
    assert s.loc["130100", "score"] == 0.0 and s.loc["130300", "score"] == 100.0
    assert "2035" in s["target_basis"].iloc[0]


def test_too_few_values_gives_no_bounds():
    # wetland_protection_rate: no scoring block, no national target, only 3 values → undetermined, not guessed
    v = frame(
        [(f"13{i:02d}00", "city", "wetland_protection_rate", 2024, x) for i, x in enumerate([1.0, 2, 3], 1)]
    )
    s = scores(v, CAT)
    assert s["score"].isna().all() and (s["score_status"] == "no-bounds").all()


def test_attainment_and_distance():
    v = pd.DataFrame({"division_code": ["A", "B", "C", "D"], "indicator": ["air_pm2_5"] * 2 + ["water_good_share"] * 2,
                      "year": 2026, "value": [27.9, 31.0, 90.0, 86.5]})  # fmt: skip
    t = national_targets(CAT)
    own = pd.DataFrame([{"indicator": "air_pm2_5", "division_code": "B", "target_year": 2027, "comparator": "<=",
                         "target": 32.0, "target_source": "zone plan", "target_confidence": "confirmed"}])  # fmt: skip
    a = attainment(v, pd.concat([t, own]), CAT, horizon=2027).set_index("division_code")
    assert a.loc["A", "attained"] is True and a.loc["A", "distance"] == 0
    assert (
        a.loc["B", "target"] == 32.0 and a.loc["B", "target_scope"] == "division" and a.loc["B", "attained"]
    )
    assert a.loc["C", "attained"] is True  # ≈90 reached
    assert a.loc["D", "attained"] is False and a.loc["D", "distance"] == pytest.approx(3.5)


def test_domain_and_overall_scores():
    sc = pd.DataFrame({
        "division_code": ["A"] * 5 + ["B"] * 3,
        "year": 2024,
        "indicator": ["air_pm2_5", "air_good_day_ratio", "water_good_share", "forest_cover", "wetland_protection_rate",
                      "air_pm2_5", "air_good_day_ratio", "forest_cover"],
        "score": [50.0, 70.0, float("nan"), 40.0, float("nan"), 80.0, 100.0, float("nan")],
    })  # fmt: skip
    d = domain_scores(sc, CAT).set_index(["division_code", "domain"])
    # A: environment_quality mean(50, 70) with 2/3 coverage; ecological_restoration 40 with 1/2 coverage
    assert d.loc[("A", "environment_quality"), "domain_score"] == pytest.approx(60.0)
    assert d.loc[("A", "environment_quality"), "missing"] == "water_good_share"
    assert d.loc[("A", "ecological_restoration"), "domain_score"] == pytest.approx(40.0)
    assert d.loc[("B", "ecological_restoration"), "domain_status"] == "insufficient-data"
    o = overall_scores(d.reset_index()).set_index("division_code")
    assert o.loc["A", "overall_score"] == pytest.approx(50.0)
    assert (
        math.isnan(o.loc["B", "overall_score"]) and o.loc["B", "missing_domains"] == "ecological_restoration"
    )
    w = overall_scores(d.reset_index(), weights={"environment_quality": 3, "ecological_restoration": 1})
    assert w.set_index("division_code").loc["A", "overall_score"] == pytest.approx((3 * 60 + 40) / 4)
    p = overall_scores(d.reset_index(), allow_partial=True).set_index("division_code")
    assert p.loc["B", "overall_score"] == pytest.approx(90.0) and p.loc["B", "overall_status"] == "partial"
