"""GB/T 2260 code structure: containment, levels and roll-up (pioneer.standards.divisions, the one home)."""

from __future__ import annotations

import pandas as pd
import pytest

from pioneer.standards import divisions as d


@pytest.mark.parametrize(
    ("scope", "code", "inside"),
    [
        ("110000", "110000", True),
        ("110000", "110105", True),  # a district of the municipality
        ("110000", "120101", False),
        ("440100", "440106", True),  # 广州市 → 天河区
        ("440100", "440100", True),
        ("440100", "440300", False),
        ("440100", "440000", False),  # a prefecture does not cover its province
        ("330523", "330523", True),  # a county covers only itself
        ("330523", "330522", False),
        ("", "110000", False),  # no scope covers nothing
    ],
)
def test_covers_scalar_and_vectorised_agree(scope: str, code: str, inside: bool) -> None:
    assert d.covers(scope, code) is inside
    assert bool(d.covers_each(pd.Series([scope]), pd.Series([code])).iloc[0]) is inside
    if scope:
        assert bool(d.within(pd.Series([code]), [scope]).iloc[0]) is inside


def test_vector_equals_loop_over_scalars() -> None:
    scopes = pd.Series(["110000", "440100", "330523", "330000", "", "500000"])
    codes = pd.Series(["110108", "440106", "330522", None, "110000", "500101"])
    expected = [d.covers(s, c if isinstance(c, str) else "") for s, c in zip(scopes, codes, strict=True)]
    assert list(d.covers_each(scopes, codes)) == expected == [True, True, False, False, False, True]


def test_within_any_of_several_scopes() -> None:
    codes = pd.Series(["110101", "330523", "440106", None])
    assert list(d.within(codes, ["110000", "330500"])) == [True, True, False, False]
    assert list(d.within(codes, [])) == [False] * 4


def test_prefix_and_its_errors() -> None:
    assert [d.prefix(c) for c in ("320000", "320500", "320505", " 110000 ")] == ["32", "3205", "320505", "11"]
    for bad in ("32050", "3205000", "32O500", ""):
        with pytest.raises(ValueError, match="6 digits"):
            d.prefix(bad)


def test_level_scalar_and_series() -> None:
    assert d.level("110000") == "province" and d.level("130100") == "city" and d.level("130102") == "county"
    s = pd.Series(["110000", "130100", "130102"], index=[5, 6, 7])
    assert list(d.level(s)) == ["province", "city", "county"] and list(d.level(s).index) == [5, 6, 7]


def test_in_level_counts_the_municipalities_among_cities() -> None:
    codes = pd.Series(["110000", "130000", "130100", "500000", "500101"])
    assert list(d.in_level(codes, "city")) == [True, False, True, True, False]
    assert list(d.in_level(codes, "province")) == [True, True, False, True, False]
    assert list(d.in_level(codes, "county")) == [False, False, False, False, True]


def test_rollup() -> None:
    codes = pd.Series(["110105", "330523", "440106", "500000", None])
    assert list(d.rollup(codes, "province").fillna("-")) == ["110000", "330000", "440000", "500000", "-"]
    assert list(d.rollup(codes, "city").fillna("-")) == ["110000", "330500", "440100", "500000", "-"]
    assert list(d.rollup(codes, "county"))[:4] == ["110105", "330523", "440106", "500000"]
    assert d.rollup("120104", "city") == "120000" and d.rollup("130102", "city") == "130100"
    with pytest.raises(ValueError, match="level must be one of"):
        d.rollup(codes, "town")


def test_municipalities() -> None:
    assert d.MUNICIPALITIES == ("110000", "120000", "310000", "500000")
