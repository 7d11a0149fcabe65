"""Dual control (pioneer.standards.carbon.dual_control) and progress to the plan targets
(pioneer.assessment.carbon, with the assessment's trajectory classes): hand-computed cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pioneer.assessment.carbon import progress
from pioneer.errors import InputError
from pioneer.standards.carbon import dual_control as dc
from pioneer.web.i18n import TRAJECTORY_NAMES


def _series(**over):
    d = {"division_code": ["320000"] * 3, "year": ["2020", "2021", "2022"], "gdp": ["1", "1.05", "1.1"],
         "gdp_unit": ["亿元"] * 3, "price_base": ["2020"] * 3, "co2": ["1", "1.02", "1.012"],
         "co2_unit": ["万吨"] * 3, "energy": ["5000", "5100", "5200"], "water": ["10", "10", "9.9"]}  # fmt: skip
    d.update(over)
    return pd.DataFrame(d)


def test_intensities_and_annual_reductions_by_hand():
    t = dc.intensity_table(dc.read_series(_series(), file="s.csv"))
    # GDP 1 亿元 = 10 000 万元; CO2 1 万吨 = 10 000 t → 1.0 t/万元; 2021: 10 200 / 10 500 = 0.9714286
    assert t["co2_intensity"].tolist() == pytest.approx([1.0, 10200 / 10500, 10120 / 11000])
    # 降低率 2021 = (1 − 0.9714286 / 1.0) × 100 = 2.857143 %; 2022 = (1 − 0.92 / 0.9714286) × 100 = 5.294118 %
    assert np.isnan(t["co2_intensity_reduction"].iloc[0])
    assert t["co2_intensity_reduction"].iloc[1:].tolist() == pytest.approx([2.857143, 5.294118], abs=1e-6)
    # energy in tce (default unit): 5000 / 10 000 = 0.5 tce/万元; water 10 万m³ = 100 000 m³ / 10 000 = 10 m³/万元
    assert t["energy_intensity"].iloc[0] == pytest.approx(0.5)
    assert t["water_intensity"].tolist() == pytest.approx([10.0, 100000 / 10500, 99000 / 11000])
    vb = dc.versus_base(t, 2020)
    # total CO2 2022 vs 2020: (10 120 / 10 000 − 1) × 100 = 1.2 %; intensity: (1 − 0.92 / 1.0) × 100 = 8 %
    assert vb["co2_t_change_pct"].iloc[2] == pytest.approx(1.2)
    assert vb["co2_intensity_reduction_vs_base"].iloc[2] == pytest.approx(8.0)


def test_reduction_rate_and_target_scalars():
    assert dc.reduction_rate(0.82, 1.0) == pytest.approx(18.0)
    assert np.isnan(dc.reduction_rate(0.5, 0.0))
    assert dc.target_intensity(0.5, 13.5) == pytest.approx(0.4325)  # 0.5 × (1 − 0.135)
    assert dc.intensity(50.0, 0.0) != dc.intensity(50.0, 0.0)  # NaN where GDP is 0


@pytest.mark.parametrize(
    ("i2022", "expected"),
    [
        # required = (1.0 − 0.82) / (2025 − 2020) = 0.036 per year; actual = (1.0 − I_2022) / 2
        (0.92, "on_track"),  # actual 0.04 ≥ 0.036
        (0.95, "moderately_improving"),  # 0.025 ≥ 0.5 × 0.036 = 0.018
        (0.99, "stagnating"),  # 0.005 < 0.018
        (1.02, "deteriorating"),  # −0.01 < 0
        (0.80, "on_track"),  # target already met and improving
    ],
)
def test_fyp_trajectory_classes_by_hand(i2022, expected):
    co2 = ["1", "1", str(i2022 * 1.1)]  # GDP 1, 1.05, 1.1 亿元 → I_2022 = co2_2022 / 1.1
    t = dc.intensity_table(dc.read_series(_series(co2=co2), file="s.csv"))
    p = progress(t, dc.targets_for(t["division_code"]))
    row = p[(p["indicator"] == "co2_intensity") & (p["plan"] == "十四五")].iloc[0]
    assert row["target"] == pytest.approx(0.82) and row["required_rate"] == pytest.approx(0.036)
    assert row["actual_rate"] == pytest.approx((1.0 - i2022) / 2)
    assert row["trajectory"] == expected and expected in TRAJECTORY_NAMES
    assert row["achieved_reduction_pct"] == pytest.approx((1 - i2022) * 100)


def test_projection_and_ndc_without_2005_is_insufficient():
    t = dc.intensity_table(dc.read_series(_series(), file="s.csv"))
    p = progress(t, dc.targets_for(t["division_code"]))
    ndc = p[p["plan"] == "NDC 2030"].iloc[0]
    assert ndc["trajectory"] == "insufficient_data"  # base year 2005 not in the series: stated, not guessed
    proj = p[
        (p["plan"] == "projection") & (p["indicator"] == "co2_intensity") & (p["target_year"] == 2027)
    ].iloc[0]
    # slope (0.92 − 1.0) / 2 = −0.04 per year → 2027: 0.92 − 0.04 × 5 = 0.72
    assert proj["projected"] == pytest.approx(0.72) and proj["trajectory"] == "no_target"


def test_division_targets_replace_national():
    own = pd.DataFrame([{"scope": "320000", "indicator": "co2_intensity", "plan": "江苏十四五", "base_year": 2020,
                         "target_year": 2025, "reduction_pct": 20.0, "comparator": ">=", "confidence": "user",
                         "source": "省规划"}])  # fmt: skip
    tg = dc.targets_for(pd.Series(["320000", "440000"]), own)
    js = tg[
        (tg["division_code"] == "320000") & (tg["indicator"] == "co2_intensity") & (tg["target_year"] == 2025)
    ]
    gd = tg[
        (tg["division_code"] == "440000") & (tg["indicator"] == "co2_intensity") & (tg["target_year"] == 2025)
    ]
    assert js["reduction_pct"].tolist() == [20.0] and gd["reduction_pct"].tolist() == [18.0]


@pytest.mark.parametrize(
    ("over", "row", "column", "needle"),
    [
        ({"year": ["2020", "2021", "2023"]}, None, "gdp", "missing year 2022"),
        ({"gdp": ["1", "", "1.1"]}, 3, "gdp", "positive number"),
        ({"gdp_unit": ["亿元", "万吨", "亿元"]}, 3, "gdp_unit", "not convertible"),
        ({"price_base": ["2020", "2015", "2020"]}, 3, "price_base", "mixes price bases"),
        ({"co2": ["1", "-1", "1"]}, 3, "co2", "must not be negative"),
        ({"co2_unit": ["万吨", "亿千瓦时", "万吨"]}, 3, "co2_unit", "not convertible"),
    ],
)
def test_bad_series_is_located(over, row, column, needle):
    with pytest.raises(InputError) as e:
        dc.read_series(_series(**over), file="s.csv")
    assert (e.value.file, e.value.row, e.value.column) == ("s.csv", row, column)
    assert needle in e.value.message_en and e.value.message_zh
