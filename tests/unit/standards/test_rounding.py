"""GB/T 8170-2008 §3.3 rounding (四舍六入五成双), the one exact rule in pioneer.standards.common, used by air,
water, noise and ecology. Worked examples as printed in GB/T 8170-2008 §3.3.1–3.3.4 (secondary reproduction)."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest

from pioneer.standards import noise, water
from pioneer.standards.air import exact
from pioneer.standards.common import round_half_even

# (value, decimals kept, result): §3.3.1 dropped digit < 5, §3.3.2 > 5 or 5 followed by non-zero digits,
# §3.3.3 exactly 5 → the kept digit becomes even, §3.3.4 negative numbers by their magnitude
GBT8170_EXAMPLES = [
    (12.1498, 1, 12.1),
    (12.1498, 0, 12.0),
    (1268.0, -2, 1300.0),
    (10.502, 0, 11.0),
    (1.050, 1, 1.0),
    (0.35, 1, 0.4),
    (2500.0, -3, 2000.0),
    (3500.0, -3, 4000.0),
    (-355.0, -1, -360.0),
    (-325.0, -1, -320.0),
    (-0.0365, 3, -0.036),
]


@pytest.mark.parametrize(("value", "decimals", "expected"), GBT8170_EXAMPLES)
def test_gbt8170_worked_examples(value: float, decimals: int, expected: float) -> None:
    assert float(round_half_even(value, decimals)) == expected


def test_ties_on_decimal_inputs_that_floats_miss() -> None:
    # 72.45 is held as 72.4500000000000028…, 2.675 as 2.67499999999999982…: both are exact ties in decimal
    assert list(
        round_half_even(np.array([72.45, 72.55, 2.675, 0.125, 0.135]), np.array([1, 1, 2, 2, 2]))
    ) == [72.4, 72.6, 2.68, 0.12, 0.14]
    assert float(round_half_even(72.4500001, 1)) == 72.5  # beyond the tie: rounds up


def test_vector_equals_loop_and_keeps_nan() -> None:
    values = np.array([0.5, 1.5, 2.5, -2.5, np.nan, np.inf, 3.14159, 1e8 + 0.5])
    got = round_half_even(values, 0)
    loop = [float(round_half_even(v, 0)) for v in values]
    np.testing.assert_array_equal(got, loop)
    np.testing.assert_array_equal(got, [0.0, 2.0, 2.0, -2.0, np.nan, np.inf, 3.0, 1e8])
    series = pd.Series([1.25, 1.35])
    assert list(round_half_even(series, 1)) == [1.2, 1.4]


def test_ibis_column_matches_numpy_with_decimals_per_row() -> None:
    frame = pd.DataFrame(
        {"x": [72.45, 2.675, -0.0365, 1268.0, np.nan, None, 0.35], "d": [1, 2, 3, -2, 1, 1, 1]}
    )
    t = ibis.memtable(frame)
    con = ibis.duckdb.connect()
    by_row = con.execute(t.select(r=round_half_even(t.x, t.d)))["r"].to_numpy(dtype=float)
    fixed = con.execute(t.select(r=round_half_even(t.x, 1)))["r"].to_numpy(dtype=float)
    np.testing.assert_array_equal(
        by_row, round_half_even(frame["x"].to_numpy(dtype=float), frame["d"].to_numpy())
    )
    np.testing.assert_array_equal(fixed, round_half_even(frame["x"].to_numpy(dtype=float), 1))
    np.testing.assert_array_equal(by_row, [72.4, 2.68, -0.036, 1300.0, np.nan, np.nan, 0.4])


def test_one_rule_everywhere() -> None:
    assert water._round_half_even is round_half_even and noise._round_half_even is round_half_even
    assert exact.round_half_even_div(25, 10) == 2 and exact.round_half_even_div(35, 10) == 4
    with pytest.raises(ValueError, match="EXACT_LIMIT"):
        round_half_even(1e10, 1)
