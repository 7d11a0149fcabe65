"""GB 3096-2008 §5.3 (existing railways: background 70/55) and §5.4 (night-time sudden noise: L_Amax at most
15 dB(A) above the night limit), issue 16 item 6; values typed from the text, not from the package tables."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest

from pioneer.errors import InputError
from pioneer.standards import noise

# GB 3096-2008 §5.4: "夜间突发噪声，其最大声级超过环境噪声限值的幅度不得高于15dB(A)"
EXCESS = 15
NIGHT = {"0": 40, "1": 45, "2": 50, "3": 55, "4a": 55, "4b": 60}


def _night(zone: str, leq: float, lmax: float | None, railway: str | None = None) -> pd.DataFrame:
    ends = pd.date_range("2025-03-01 07:00", periods=24, freq="h")
    df = pd.DataFrame({"point": "P", "zone_class": zone, "time": ends.strftime("%Y-%m-%d %H:%M"), "leq": leq})
    night = ((ends - pd.Timedelta(hours=1)).hour >= 22) | ((ends - pd.Timedelta(hours=1)).hour < 6)
    df["lmax"] = ""
    if lmax is not None:
        df.loc[night, "lmax"] = str(leq + 1)
        df.loc[np.flatnonzero(night)[3], "lmax"] = str(lmax)  # one sudden event at night
    if railway is not None:
        df["existing_railway"] = railway
    return df


def _levels(df: pd.DataFrame) -> pd.Series:
    t = ibis.memtable(noise.read_points(df).drop(columns=["_row"]))
    return noise.point_compliance(noise.point_period_levels(t)).execute().iloc[0]


@pytest.mark.parametrize("zone", list(NIGHT))
@pytest.mark.parametrize(("over", "ok"), [(EXCESS, True), (EXCESS - 0.1, True), (EXCESS + 0.1, False)])
def test_night_sudden_noise_at_and_around_limit_plus_15(zone: str, over: float, ok: bool) -> None:
    r = _levels(_night(zone, 30.0, NIGHT[zone] + over))
    assert r["lmax_night"] == pytest.approx(NIGHT[zone] + over)
    assert r["night_sudden_limit"] == NIGHT[zone] + EXCESS
    assert bool(r["night_sudden_ok"]) is ok
    assert bool(r["night_ok"])  # the L_Aeq judgement is separate


def test_night_sudden_scalar_and_missing() -> None:
    assert noise.night_sudden_ok(65.0, 50.0) is True
    assert noise.night_sudden_ok(65.1, 50.0) is False
    assert list(noise.night_sudden_ok(np.array([np.nan, 60.0]), 45.0)) == [None, True]


def test_without_lmax_no_sudden_columns() -> None:
    df = _night("2", 45.0, None).drop(columns=["lmax"])
    r = _levels(df)
    assert "night_sudden_ok" not in r.index


def test_existing_railway_4b_background_limits_70_55() -> None:
    # §5.2: 4b 70/60 for new lines (EIA approved from 2011-01-01); §5.3: existing lines 70/55
    assert (noise.zone_limit("4b", "day"), noise.zone_limit("4b", "night")) == (70, 60)
    assert noise.zone_limit("4b", "night", existing_railway=True) == 55
    assert noise.zone_limit("4b", "day", existing_railway=True) == 70
    assert noise.zone_limit("2", "night", existing_railway=True) == 50  # no effect outside 4b
    got = noise.zone_limit(
        pd.Series(["4b", "4b", "4a"]), "night", existing_railway=np.array([True, False, True])
    )
    assert list(got) == [55, 60, 55]
    r = _levels(_night("4b", 57.0, None, railway="是"))
    assert (r["night_limit"], bool(r["night_ok"])) == (55, False)
    r = _levels(_night("4b", 57.0, None, railway="否"))
    assert (r["night_limit"], bool(r["night_ok"])) == (60, True)


@pytest.mark.parametrize(
    ("column", "value", "zone", "fragment"),
    [
        ("existing_railway", "maybe", "4b", "yes or no"),
        ("existing_railway", "是", "2", "only 4b"),
        ("lmax", "loud", "2", "cannot be parsed"),
        ("lmax", "20", "2", "below L_Aeq"),
    ],
)
def test_bad_optional_columns_are_located(column: str, value: str, zone: str, fragment: str) -> None:
    df = _night(zone, 45.0, None, railway="否" if column == "lmax" else None)
    if column == "existing_railway":
        df["existing_railway"] = ""
    df.loc[5, column] = value
    with pytest.raises(InputError) as e:
        noise.read_points(df, file="n.csv")
    assert (e.value.file, e.value.row, e.value.column) == ("n.csv", 7, column)
    assert fragment in e.value.message_en and e.value.message_zh
