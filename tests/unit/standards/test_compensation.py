"""Formulas of the compensation schemes (:mod:`pioneer.standards.compensation`), each with a worked example whose
arithmetic is written out in the comments. Sign convention: positive = downstream pays upstream."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pioneer.standards import compensation as comp


# ---- Xin'an P-index: P = k0 · Σ kᵢ · Cᵢ/Cᵢ₀ ----------------------------------------------------------------------
# Annual means (mg/L) CODMn 1.8, NH3-N 0.12, TP 0.03, TN 1.1; baselines 2.0, 0.15, 0.04, 1.2; weights 0.25 each
# (the pre-2017 weights, secondary); k0 = 0.85 (one of the commonly quoted, unconfirmed values — a parameter here).
#   ratios 0.9, 0.8, 0.75, 0.916667 → weighted 0.225 + 0.2 + 0.1875 + 0.229167 = 0.841667 → × 0.85 = 0.715417
def test_p_index_worked_example():
    terms = comp.p_index_terms([1.8, 0.12, 0.03, 1.1], [2.0, 0.15, 0.04, 1.2], [0.25] * 4)
    assert terms == pytest.approx([0.225, 0.2, 0.1875, 0.2291667], abs=1e-7)
    p = comp.p_index([1.8, 0.12, 0.03, 1.1], [2.0, 0.15, 0.04, 1.2], [0.25] * 4, k0=0.85)
    assert p == pytest.approx(0.7154167, abs=1e-7)
    # P ≤ 1: the downstream party (浙江) pays the upstream party (安徽) the agreed 10 000 万元
    assert comp.p_index_transfer(p, amount=10000) == 10000.0


def test_p_index_transfer_both_sides_and_boundary():
    # TP/TN weights raised (0.2, 0.2, 0.3, 0.3 — example values): ratios 1.2, 1.0, 1.1, 1.05, k0 0.9
    #   0.24 + 0.2 + 0.33 + 0.315 = 1.085 × 0.9 = 0.9765 → still ≤ 1 → +amount
    p = comp.p_index([2.4, 0.15, 0.044, 1.26], [2.0, 0.15, 0.04, 1.2], [0.2, 0.2, 0.3, 0.3], k0=0.9)
    assert p == pytest.approx(0.9765)
    # k0 = 1 instead: 1.085 > 1 → the upstream party pays: −amount
    p1 = comp.p_index([2.4, 0.15, 0.044, 1.26], [2.0, 0.15, 0.04, 1.2], [0.2, 0.2, 0.3, 0.3], k0=1.0)
    assert comp.p_index_transfer(p1, amount=10000) == -10000.0
    # exactly 1 counts as meeting the standard (P ≤ 1); NaN stays NaN; arrays and Series keep their kind
    assert comp.p_index_transfer(1.0, amount=5) == 5.0
    out = comp.p_index_transfer(pd.Series([0.99, 1.01, np.nan], index=list("abc")), amount=2)
    assert (
        out.index.tolist() == ["a", "b", "c"] and out.iloc[:2].tolist() == [2.0, -2.0] and np.isnan(out["c"])
    )


def test_p_index_rejects_bad_baselines():
    with pytest.raises(ValueError, match="baseline"):
        comp.p_index([1.0], [0.0], [1.0], k0=1.0)
    with pytest.raises(ValueError, match="same length"):
        comp.p_index([1.0, 2.0], [1.0], [1.0], k0=1.0)


# ---- class steps (豫鲁 2021: 6000 万元 per class from III) ---------------------------------------------------------
def test_class_steps_two_way():
    # target III (3): II → +1 × 6000; I → +2 × 6000 = 12000; III → 0; IV → −6000; 劣V (6) → −3 × 6000 = −18000
    classes = np.array([2, 1, 3, 4, 6], dtype=float)
    assert comp.class_steps(classes, 3).tolist() == [1, 2, 0, -1, -3]
    assert comp.class_step_transfer(classes, 3, amount_per_class=6000).tolist() == [
        6000,
        12000,
        0,
        -6000,
        -18000,
    ]
    assert comp.class_step_transfer(6, 3, amount_per_class=6000, cap=10000) == -10000.0
    assert np.isnan(comp.class_step_transfer(np.nan, 3, amount_per_class=6000))
    with pytest.raises(ValueError):
        comp.class_steps(2, 7)


# ---- key-pollutant index change (豫鲁 2021: 100 万元 per point, cap 4000 万元) --------------------------------------
def test_index_change_worked_example():
    # references (user-entered) COD 20, NH3-N 1.0, TP 0.2 mg/L
    # 2020: COD 14, NH3-N 0.30, TP 0.10 → 0.7 + 0.3 + 0.5 = 1.5
    # 2021: COD 12, NH3-N 0.25, TP 0.09 → 0.6 + 0.25 + 0.45 = 1.3
    # change = (1.3 − 1.5)/1.5 × 100 = −13.333 %  → 13 whole points × 100 = +1300 (downstream pays)
    before = comp.pollutant_index([14, 0.30, 0.10], [20, 1.0, 0.2])
    now = comp.pollutant_index([12, 0.25, 0.09], [20, 1.0, 0.2])
    assert (before, now) == (pytest.approx(1.5), pytest.approx(1.3))
    pts = comp.index_change_points(now, before)
    assert pts == pytest.approx(-13.333333)
    assert comp.index_change_transfer(pts, amount_per_point=100, cap=4000) == 1300.0
    assert comp.index_change_transfer(pts, amount_per_point=100, whole_points=False) == pytest.approx(
        1333.3333
    )
    # a 52.4 % rise: 52 points × 100 = 5200, capped at 4000, paid by the upstream party
    assert comp.index_change_transfer(52.4, amount_per_point=100, cap=4000) == -4000.0
    assert comp.index_change_transfer(0.6, amount_per_point=100) == 0.0  # less than a whole point: nothing


# ---- monthly compliance (渌水 2019: 100 万元 a month) and shares ------------------------------------------------------
def test_monthly_scheme_worked_example():
    # 12 months, target III: classes II II III IV III II — (no data) — III III V II II
    classes = np.array([2, 2, 3, 4, 3, 2, np.nan, 3, 3, 5, 2, 2])
    ok = comp.monthly_compliance(classes, 3)
    assert np.isnan(ok[6]) and np.nansum(ok) == 9
    # 9 compliant × +100, 2 not (IV, V) × −100, 1 month without data → 0: net +700 (湖南 pays 江西)
    per_month = comp.monthly_transfers(ok, amount_per_month=100)
    assert per_month.sum() == 700.0 and per_month[6] == 0.0
    # share of compliant months over the 11 months with a class: 9/11 = 0.818182; a 1000 pool → 818.18
    share = comp.compliant_month_share(ok)
    assert share == pytest.approx(9 / 11)
    assert comp.share_transfer(share, pool=1000) == pytest.approx(818.1818, abs=1e-4)
    assert np.isnan(comp.compliant_month_share([np.nan, np.nan]))


def test_vector_equals_scalar_loop():
    classes = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    vec = comp.class_step_transfer(np.array(classes), 3, amount_per_class=10)
    assert vec.tolist() == [comp.class_step_transfer(c, 3, amount_per_class=10) for c in classes]
