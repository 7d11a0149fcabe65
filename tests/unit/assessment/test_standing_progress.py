"""Hand-computed ranks (ties), percentiles, improvement and trajectory classes."""

from __future__ import annotations

import pandas as pd
import pytest

from pioneer.assessment.progress import improvement, trajectory
from pioneer.assessment.standing import division_level, standing


def test_ranks_with_ties_and_percentiles():
    v = pd.DataFrame({"division_code": ["110000", "130100", "130200", "130300", "130400"],
                      "indicator": "air_pm2_5", "year": 2024, "direction": "lower",
                      "value": [30.0, 25.0, 25.0, 40.0, float("nan")]})  # fmt: skip
    s = standing(v, level="city", hide_ranks=False).set_index("division_code")
    assert list(s["rank"].loc[["110000", "130100", "130200", "130300"]]) == [3, 1, 1, 4]
    assert s.loc["130100", "percentile"] == 100.0
    assert s.loc["110000", "percentile"] == pytest.approx(100 / 3)
    assert s.loc["130300", "percentile"] == 0.0
    assert pd.isna(s.loc["130400", "rank"]) and s.loc["130100", "n_peers"] == 4
    h = standing(v, level="city", hide_ranks=True)
    assert h["rank"].isna().all() and h["ranks_hidden"].all() and h["percentile"].notna().sum() == 4


def test_higher_is_better_and_levels():
    v = pd.DataFrame({"division_code": ["130100", "130200", "130000"], "indicator": "forest_cover", "year": 2024,
                      "direction": "higher", "value": [10.0, 20.0, 99.0]})  # fmt: skip
    s = standing(v, level="city", hide_ranks=False).set_index("division_code")
    assert "130000" not in s.index  # a province is not compared among cities
    assert s.loc["130200", "rank"] == 1
    assert list(division_level(pd.Series(["110000", "130100", "130102"]))) == ["province", "city", "county"]


def _vals(rows):
    return pd.DataFrame(rows, columns=["division_code", "indicator", "year", "value", "direction", "edition"])


def test_improvement_and_edition_mismatch():
    v = _vals([("A", "air_pm2_5", 2016, 50.0, "lower", "2026"), ("A", "air_pm2_5", 2026, 40.0, "lower", "2026"),
               ("B", "air_pm2_5", 2016, 50.0, "lower", "2012"), ("B", "air_pm2_5", 2026, 40.0, "lower", "2026"),
               ("C", "forest_cover", 2016, 20.0, "higher", None), ("C", "forest_cover", 2026, 25.0, "higher", None),
               ("D", "forest_cover", 2026, 25.0, "higher", None)])  # fmt: skip
    r = improvement(v, year=2026, baseline_year=2016).set_index("division_code")
    assert r.loc["A", "change"] == -10 and r.loc["A", "relative_change"] == pytest.approx(-20.0)
    assert r.loc["A", "improvement"] == 10 and r.loc["A", "improved"] is True
    assert r.loc["B", "improvement_status"] == "edition-mismatch" and pd.isna(r.loc["B", "change"])
    assert r.loc["C", "relative_change"] == pytest.approx(25.0) and r.loc["C", "improved"] is True
    assert r.loc["D", "improvement_status"] == "missing-baseline"


@pytest.mark.parametrize(
    ("latest", "expected"),
    [
        # baseline 2020: 42; target 2027 < 28 → required = (42 − 28)/7 = 2 µg/m³ a year
        (34.0, "on_track"),  # actual (42 − 34)/4 = 2 ≥ 2
        (38.0, "moderately_improving"),  # 1 ≥ 0.5·2
        (39.0, "stagnating"),  # 0.75 < 1
        (42.0, "stagnating"),  # 0
        (44.0, "deteriorating"),  # −0.5
        (27.0, "on_track"),  # already below 28
        (float("nan"), "insufficient_data"),
    ],
)
def test_trajectory_classes(latest, expected):
    v = _vals(
        [("A", "air_pm2_5", 2020, 42.0, "lower", "2012"), ("A", "air_pm2_5", 2024, latest, "lower", "2012")]
    )
    t = pd.DataFrame(
        {"division_code": ["A"], "indicator": ["air_pm2_5"], "comparator": ["<"], "target": [28.0]}
    )
    r = trajectory(v, t, year=2024, baseline_year=2020, target_year=2027)
    assert r["trajectory"].iloc[0] == expected
    if expected == "moderately_improving":
        assert r["required_rate"].iloc[0] == pytest.approx(2.0) and r["actual_rate"].iloc[0] == pytest.approx(
            1.0
        )
        assert r["projected"].iloc[0] == pytest.approx(35.0)  # 38 − 1·3


def test_trajectory_without_target_and_higher_direction():
    v = _vals([("A", "forest_cover", 2020, 20.0, "higher", None), ("A", "forest_cover", 2024, 22.0, "higher", None),
               ("B", "wetland_protection_rate", 2020, 50.0, "higher", None),
               ("B", "wetland_protection_rate", 2024, 52.0, "higher", None)])  # fmt: skip
    t = pd.DataFrame(
        {"division_code": ["A"], "indicator": ["forest_cover"], "comparator": [">="], "target": [26.0]}
    )
    r = trajectory(v, t, year=2024, baseline_year=2020, target_year=2030).set_index("division_code")
    # required (26 − 20)/10 = 0.6; actual 0.5 ≥ 0.3 → moderately improving
    assert r.loc["A", "trajectory"] == "moderately_improving"
    assert r.loc["B", "trajectory"] == "no_target"
