"""HJ 192-2015 sub-indices, EI, its class and the class of its change (pioneer.standards.ecology).

Worked example "county X" (area 1000 km²), computed by hand from the formulas with the coefficients of
standards/data/ecology_hj192_coefficients.csv (secondary: two third-party implementations agree):

habitat quality  forest 200, grassland 100, water/wetland 30, cropland 400, built-up 200, unused 70 km²
                 0.35·200 + 0.21·100 + 0.28·30 + 0.11·400 + 0.04·200 + 0.01·70 = 70 + 21 + 8.4 + 44 + 8 + 0.7 = 152.1
                 HQ = 511.2642131067 × 152.1 / 1000 = 77.76328681353
water network    river 800 km, lakes 20 km², water resources 500 (10⁶ m³)
                 (84.3704083981·0.8 + 591.7908642005·0.02 + 86.3869548281·0.5) / 3
                 = (67.49632671848 + 11.83581728401 + 43.19347741405) / 3 = 40.84187380551
land stress      severe 10, moderate 30, built-up 200, other 20 km²
                 236.0435677948 × (4 + 6 + 40 + 4) / 1000 = 12.74635266092
pollution load   COD 5000, NH3-N 500, SO2 3000, dust 2000, NOx 4000, solid waste 100 t; precipitation 1000
                 0.2·4.3937397289·5 + 0.2·40.1764754986·0.5 + 0.2·0.0648660287·3 + 0.1·4.0904459321·2
                 + 0.2·0.5103049278·4 + 0.1·0.0749894283·0.1
                 = 4.39373972890 + 4.01764754986 + 0.03891961722 + 0.81808918642 + 0.40824394224 + 0.00074989428
                 = 9.67738991892
vegetation cover NDVI 0.6 with a caller-supplied A_veg = 125 (a test value: the HJ 192-2015 A_veg was not found)
                 = 75
EI               0.35·77.76328681353 + 0.25·75 + 0.15·40.84187380551 + 0.15·(100 − 12.74635266092)
                 + 0.10·(100 − 9.67738991892)
                 = 27.21715038474 + 18.75 + 6.12628107083 + 13.08804710086 + 9.03226100811 = 74.21373956454
                 → 74.2 → 良 (55 ≤ EI < 75)
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pioneer.errors import InputError
from pioneer.standards import ecology as eco

HQ = 511.2642131067 * 152.1 / 1000
WN = (84.3704083981 * 0.8 + 591.7908642005 * 0.02 + 86.3869548281 * 0.5) / 3
LS = 236.0435677948 * 54 / 1000
PL = (0.2 * 4.3937397289 * 5 + 0.2 * 40.1764754986 * 0.5 + 0.2 * 0.0648660287 * 3 + 0.1 * 4.0904459321 * 2
      + 0.2 * 0.5103049278 * 4 + 0.1 * 0.0749894283 * 0.1)  # fmt: skip
EI = 0.35 * HQ + 0.25 * 75 + 0.15 * WN + 0.15 * (100 - LS) + 0.10 * (100 - PL)


def test_worked_example_county_x():
    assert pytest.approx(77.76328681353, abs=1e-9) == HQ
    assert pytest.approx(74.21373956454, abs=1e-9) == EI
    hq = eco.habitat_quality_index(200, 100, 30, 400, 200, 70, 1000)
    wn = eco.water_network_density_index(800, 20, 500, 1000)
    ls = eco.land_stress_index(10, 30, 200, 20, 1000)
    pl = eco.pollution_load_index(5000, 500, 3000, 2000, 4000, 100, 1000, 1000)
    vc = eco.vegetation_cover_index(0.6, a_veg=125.0)
    assert (hq, wn, ls, pl, vc) == pytest.approx((HQ, WN, LS, PL, 75.0), abs=1e-9)
    ba = eco.biological_abundance_index(hq, rule="habitat_only")
    ei = eco.ecological_status_index(ba, vc, wn, ls, pl)
    assert ei == pytest.approx(EI, abs=1e-9)
    assert eco.ei_class(round(ei, 1)) == "良"
    assert isinstance(ei, float)


def test_abundance_rule_must_be_named():
    assert eco.biological_abundance_index(60.0, 40.0, rule="mean") == 50.0
    with pytest.raises(TypeError):
        eco.biological_abundance_index(60.0, 40.0)  # type: ignore[call-arg]  # no default rule
    with pytest.raises(InputError, match="biodiversity"):
        eco.biological_abundance_index(60.0, rule="mean")
    with pytest.raises(InputError):
        eco.biological_abundance_index(60.0, 40.0, rule="max")


def test_vegetation_cover_needs_a_veg():
    with pytest.raises(TypeError):
        eco.vegetation_cover_index(0.5)  # type: ignore[call-arg]
    with pytest.raises(InputError):
        eco.vegetation_cover_index(0.5, a_veg=0)
    with pytest.raises(InputError, match="NDVI"):
        eco.vegetation_cover_index(1.5, a_veg=100)


@pytest.mark.parametrize(
    ("ei", "label"),
    [(75, "优"), (74.9, "良"), (55, "良"), (54.9, "一般"), (35, "一般"), (34.9, "较差"), (20, "较差"),
     (19.9, "差"), (0, "差")],
)  # fmt: skip
def test_ei_class_both_sides_of_each_bound(ei, label):
    assert eco.ei_class(ei) == label


def test_ei_class_vector_series_nan_and_english():
    s = pd.Series([80.0, np.nan, 30.0], index=["a", "b", "c"])
    out = eco.ei_class(s)
    assert list(out.index) == ["a", "b", "c"] and out.tolist() == ["优", None, "较差"]
    assert list(eco.ei_class(np.array([80.0, 10.0]), lang="en")) == ["excellent", "bad"]
    loop = [eco.ei_class(x) for x in (80.0, 30.0)]
    assert list(eco.ei_class(np.array([80.0, 30.0]))) == loop


def test_change_of_a_published_pair():
    # 江苏 2018: 66.2, "下降了0.2，生态环境状况无明显变化" (sthjt.jiangsu.gov.cn, official) → 2017 = 66.4
    d = eco.ei_change(66.4, 66.2)
    assert d == -0.2
    assert eco.ei_change_class(d) == "无明显变化"
    assert eco.ei_change_direction(d) == "无明显变化"


@pytest.mark.parametrize(
    ("before", "after", "cls", "direction"),
    [(60.0, 60.9, "无明显变化", "无明显变化"), (60.0, 61.0, "略微变化", "变好"), (61.0, 60.0, "略微变化", "变差"),
     (60.0, 62.9, "略微变化", "变好"), (60.0, 63.0, "明显变化", "变好"), (68.0, 60.0, "显著变化", "变差"),
     (60.0, 67.9, "明显变化", "变好")],
)  # fmt: skip
def test_change_class_both_sides_of_each_bound(before, after, cls, direction):
    # the values are taken at one decimal, so 61.0 − 60.0 is exactly 1 (not 0.9999…)
    d = eco.ei_change(before, after)
    assert eco.ei_change_class(d) == cls
    assert eco.ei_change_direction(d) == direction


def test_wet_year_water_resources():
    out = eco.water_resources_for_index(np.array([100.0, 140.0, 150.0, 240.0, 300.0, np.nan]), 100.0)
    # a = 1.0, 1.4 → the year's value; a = 1.5 → 100 × (2.4 − 1.5) = 90; a = 2.4 → 0; a > 2.4 → 0
    np.testing.assert_allclose(out[:5], [100.0, 140.0, 90.0, 0.0, 0.0], atol=1e-9)
    assert math.isnan(out[5])


def test_vector_equals_loop_and_series_keeps_index():
    area = pd.Series([1000.0, 500.0], index=["320000", "330000"])
    forest = pd.Series([200.0, 100.0], index=area.index)
    out = eco.habitat_quality_index(forest, 100.0, 30.0, 400.0, 200.0, 70.0, area)
    assert list(out.index) == ["320000", "330000"]
    loop = [
        eco.habitat_quality_index(f, 100.0, 30.0, 400.0, 200.0, 70.0, a)
        for f, a in zip(forest, area, strict=True)
    ]
    assert out.tolist() == pytest.approx(loop)


def test_bad_input():
    with pytest.raises(InputError, match="area"):
        eco.land_stress_index(1, 1, 1, 1, 0)
    with pytest.raises(InputError, match="precipitation"):
        eco.pollution_load_index(1, 1, 1, 1, 1, 1, 100, 0)
    with pytest.raises(InputError, match=r"ecology_hj192_coefficients\.csv"):
        eco.habitat_quality_index(1, 1, 1, 1, 1, 1, 10, edition="HJ/T 192-2006")


def test_subclass_weights():
    # forest = 0.6 · 100 + 0.25 · 40 + 0.15 · 20 = 73
    assert (
        eco.class_area_from_subclasses("forest", closed_forest=100, shrubland=40, sparse_other_forest=20)
        == 73
    )
    with pytest.raises(InputError, match=r"ecology_hj192_subclass_weights\.csv"):
        eco.class_area_from_subclasses("forest", paddy=3)
    with pytest.raises(InputError):
        eco.class_area_from_subclasses("desert", sand=1)
