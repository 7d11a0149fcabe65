"""GB/T 14848-2017 Table 1 classes (pioneer.standards.groundwater), limits of
standards/data/groundwater_gbt14848_2017.csv (secondary: third-party tables, the standard's text not read)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pioneer.errors import InputError
from pioneer.standards import groundwater as gw


@pytest.mark.parametrize(
    ("parameter", "values", "classes"),
    [
        # total hardness ≤150 I, ≤300 II, ≤450 III, ≤650 IV, above V: both sides of each limit
        ("total_hardness", [150, 150.1, 300, 450, 450.1, 650, 650.1], [1, 2, 2, 3, 4, 4, 5]),
        # NH3-N I 0.02, II 0.10, III 0.50, IV 1.50
        ("nh3_n", [0.02, 0.021, 0.5, 0.51, 1.5, 1.51], [1, 2, 3, 4, 4, 5]),
        # Mn I and II share 0.05: the better class (从优不从劣)
        ("mn", [0.05, 0.051, 0.1, 1.5, 1.6], [1, 3, 3, 4, 5]),
        # pH 6.5–8.5 I; 5.5 ≤ pH < 6.5 or 8.5 < pH ≤ 9.0 IV; else V
        ("ph", [6.5, 8.5, 6.49, 8.51, 5.5, 9.0, 5.49, 9.01], [1, 1, 4, 4, 4, 4, 5, 5]),
        # gross α: I/II ≤ 0.1, III ≤ 0.5, above it IV (no class V)
        ("gross_alpha", [0.1, 0.11, 0.5, 0.51, 50], [1, 3, 3, 4, 4]),
    ],
)
def test_classes_on_both_sides_of_each_limit(parameter, values, classes):
    assert gw.groundwater_quality_class(np.array(values, dtype=float), parameter).tolist() == classes
    assert [gw.groundwater_quality_class(v, parameter) for v in values] == classes  # vector = loop


def test_not_detected_and_nan():
    # anionic surfactants: class I = not detected; a detected 0.05 is class II (≤ 0.1)
    out = gw.groundwater_quality_class([0.05, 0.05, np.nan], "las", below_detection=[True, False, False])
    assert out[:2].tolist() == [1, 2] and np.isnan(out[2])
    s = pd.Series([100.0, 700.0], index=["a", "b"])
    assert gw.groundwater_quality_class(s, "total_hardness").to_dict() == {"a": 1, "b": 5}


def test_point_class_is_the_worst_item_and_annual_means():
    samples = pd.DataFrame({
        "section": ["W", "W", "W", "W"], "time": ["2025-03-01", "2025-09-01", "2025-03-01", "2024-03-01"],
        "parameter": ["nitrate", "nitrate", "total_hardness", "nitrate"], "value": [18.0, 24.0, 100.0, 50.0],
        "below_detection": [False, False, False, False]})  # fmt: skip
    # 2025 nitrate mean (18 + 24) / 2 = 21.0 > 20.0 → IV; hardness 100 → I; the point: IV, nitrate exceeding
    vals = gw.annual_values(samples, 2025)
    assert vals.set_index("parameter").at["nitrate", "value"] == 21.0
    pts = gw.point_classes(gw.item_classes(vals))
    assert pts.iloc[0][["water_class", "class_label", "exceeding_items"]].tolist() == [4, "IV", "nitrate"]
    nd = pd.DataFrame({"section": ["W", "W"], "time": ["2025-01-01", "2025-06-01"], "parameter": ["pb", "pb"],
                       "value": [0.01, 0.002], "below_detection": [True, False]})  # fmt: skip
    # one sample below 0.01 counts 0.005: mean (0.005 + 0.002) / 2 = 0.0035 → class I (≤ 0.005)
    assert gw.annual_values(nd, 2025)["value"].iloc[0] == pytest.approx(0.0035)


def test_unknown_parameter_names_the_table():
    with pytest.raises(InputError, match=r"groundwater_gbt14848_2017\.csv"):
        gw.groundwater_quality_class(1.0, "tp")
