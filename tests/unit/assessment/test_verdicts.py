"""全国前列 / 改善幅度领先 verdicts on hand-made ranked sets (issue 16 item 1)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pioneer.assessment.verdicts import (
    DEFAULT_RULE,
    VerdictRule,
    change_rate,
    default_rule,
    improvement_verdicts,
    standing_verdicts,
    verdict_lists,
)
from pioneer.errors import InputError


def provinces(values: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"division_code": [f"{11 + i}0000" for i in range(len(values))], "value": values})


def test_default_rule_is_best_ten_percent_rounded_up_ties_included():
    assert DEFAULT_RULE.text == "top-share:0.1"
    assert [DEFAULT_RULE.cutoff(n) for n in (0, 1, 5, 10, 31, 168, 339)] == [0, 1, 1, 1, 4, 17, 34]
    # 31 provinces, forest cover (higher is better): 4 inside; the 4th value is shared by two → 5 leading
    vals = [float(v) for v in range(31, 0, -1)]
    vals[4] = vals[3]  # ranks 1, 2, 3, 4, 4, 6 …
    f = standing_verdicts(provinces(vals), better="higher")
    assert list(f["rank"][:6]) == [1, 2, 3, 4, 4, 6]
    assert f["leading"].sum() == 5 and f["cutoff"].iloc[0] == 4 and f["n_ranked"].iloc[0] == 31
    assert verdict_lists(f) == ["110000", "120000", "130000", "140000", "150000"]
    assert f["lagging"].sum() == 4 and bool(f["lagging"].iloc[-1])


def test_lower_is_better_and_published_precision():
    # PM2.5 at 0.1: 20.04 and 19.96 both read 20.0 and tie for first under top-n:1
    f = standing_verdicts(provinces([20.04, 19.96, 35.0, 50.0, np.nan]), better="lower", decimals=1,
                          rule=VerdictRule("top_n", n=1))  # fmt: skip
    assert list(f["rank"][:4]) == [1, 1, 3, 4]
    assert list(f["leading"][:4]) == [True, True, False, False] and f["leading"].iloc[4] is pd.NA
    assert f["n_ranked"].iloc[0] == 4 and bool(f["lagging"].iloc[3])


def test_groups_are_ranked_separately():
    f = pd.DataFrame({"division_code": ["A", "B", "A", "B"], "indicator": ["x", "x", "y", "y"],
                      "value": [1.0, 2.0, 5.0, 3.0]})  # fmt: skip
    r = standing_verdicts(f, group=["indicator"], rule=VerdictRule("top_n", n=1))
    assert list(r["leading"]) == [False, True, True, False]


def test_change_rate_as_the_national_office_defines_it():
    # 综合指数同比变化率 = (I − I₀)/I₀ × 100, 0.1 %: 黄山 2020年1—10月 published −14.4 % at I = 2.49
    # (安徽省生态环境厅 via ah.people.com.cn); I₀ = 2.91 is consistent with it: (2.49 − 2.91)/2.91 = −14.43 %
    assert change_rate(2.49, 2.91) == pytest.approx(-14.4)
    assert change_rate(4.45, 5.0) == pytest.approx(-11.0)
    assert math.isnan(change_rate(1.0, 0.0)) and math.isnan(change_rate(np.nan, 2.0))


def test_improvement_ranking_composite_index():
    cur = [2.49, 4.45, 3.00, 3.30, 5.00]
    base = [2.91, 5.00, 3.00, 3.00, 4.00]
    f = provinces(cur).assign(baseline_value=base, all_grade_ii=[False, False, False, False, True])
    r = improvement_verdicts(f, better="lower", rule=VerdictRule("top_n", n=2), exempt="all_grade_ii")
    assert list(r["change_rate"]) == pytest.approx([-14.4, -11.0, 0.0, 10.0, 25.0])
    assert list(r["improvement"]) == pytest.approx([14.4, 11.0, 0.0, -10.0, -25.0])
    assert list(r["improvement_rank"]) == [1, 2, 3, 4, 5]
    assert list(r["leads_improvement"]) == [True, True, False, False, False]
    # the two largest worsenings are 25 % (exempt: every pollutant meets grade II) and 10 %
    assert list(r["lags_improvement"]) == [False, False, False, True, False]


def test_no_improvement_no_lead_even_at_rank_one():
    f = provinces([3.0, 3.3]).assign(baseline_value=[3.0, 3.0])
    r = improvement_verdicts(f, better="lower", rule=VerdictRule("top_n", n=1))
    assert list(r["leads_improvement"]) == [False, False]


def test_difference_measure_for_scores():
    f = provinces([80.0, 70.0, 90.0]).assign(baseline_value=[60.0, 75.0, 88.0])
    r = improvement_verdicts(f, measure="difference", rule=VerdictRule("top_n", n=1))
    assert list(r["improvement"]) == [20.0, -5.0, 2.0] and list(r["leads_improvement"]) == [
        True,
        False,
        False,
    ]
    assert "change_rate" not in r.columns


def test_missing_baseline_is_not_ranked():
    f = provinces([1.0, 2.0]).assign(baseline_value=[np.nan, 1.0])
    r = improvement_verdicts(f)
    assert r["leads_improvement"].iloc[0] is pd.NA and r["n_ranked"].iloc[1] == 1


def test_rule_parse_and_environment(monkeypatch):
    assert VerdictRule.parse("top-n:20") == VerdictRule("top_n", n=20)
    assert VerdictRule.parse(" TOP-SHARE:0.2 ") == VerdictRule("top_share", share=0.2)
    for bad in ("top-share:2", "top-n:0", "best:3", "top-n:x"):
        with pytest.raises((InputError, ValueError)):
            VerdictRule.parse(bad)
    with pytest.raises(InputError) as e:
        VerdictRule.parse("best:3")
    assert e.value.message_zh and "top-share" in e.value.message_en
    monkeypatch.setenv("PIONEER_VERDICT_RULE", "top-n:5")
    assert default_rule() == VerdictRule("top_n", n=5)
    assert "前 5 名" in default_rule().describe()["zh"]


@settings(max_examples=150, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.floats(0, 100, width=16)), min_size=1, max_size=60),
       share=st.floats(0.01, 1.0), better=st.sampled_from(["higher", "lower"]))  # fmt: skip
def test_leading_is_an_upper_set_and_large_enough(values, share, better):
    vals = [np.nan if v is None else v for v in values]
    rule = VerdictRule("top_share", share=share)
    f = standing_verdicts(provinces(vals), better=better, rule=rule)
    has = f["value"].notna()
    n = int(has.sum())
    lead = f["leading"].fillna(False).astype(bool)
    assert int(lead.sum()) >= rule.cutoff(n)  # ties can only add
    key = (1 if better == "higher" else -1) * f["value"]
    if lead.any() and (has & ~lead).any():
        assert key[lead].min() > key[has & ~lead].max()  # every leading value beats every other value
