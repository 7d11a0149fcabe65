"""Region-tier zones: carbon indicators pooled from the member provinces' values (Σ totals; Σ totals / Σ GDP at the
same price base; a missing member or mixed price bases → no value with the reason), hand-computed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pioneer.carbon.indicators import pooled_values

MEMBERS = ["110000", "120000", "130000"]  # 京津冀
CO2 = {("110000", 2020): 10, ("110000", 2021): 11, ("120000", 2020): 5, ("120000", 2021): 5,
       ("130000", 2020): 20, ("130000", 2021): 21}  # 10⁴ t  # fmt: skip
GDP = {("110000", 2020): 100, ("110000", 2021): 120, ("120000", 2020): 50, ("120000", 2021): 55,
       ("130000", 2020): 200, ("130000", 2021): 210}  # 10⁴ yuan at 2020 prices  # fmt: skip


def stored(edition: dict[str, str] | None = None) -> pd.DataFrame:
    rows = []
    for (d, y), c in CO2.items():
        ed = (edition or {}).get(d, "price-base 2020")
        rows.append({"division_code": d, "indicator": "co2_emissions_energy", "year": y, "value": float(c),
                     "unit": "10^4 t", "edition": ed})  # fmt: skip
        rows.append({"division_code": d, "indicator": "co2_intensity", "year": y, "value": c * 1e4 / GDP[d, y],
                     "unit": "t/10^4 yuan", "edition": ed})  # fmt: skip
    return pd.DataFrame(rows)


def pick(p: pd.DataFrame, ind: str, year: int) -> pd.Series:
    return p[(p["indicator"] == ind) & (p["year"] == year)].iloc[0]


def test_sum_of_totals_and_gdp_weighted_intensity():
    p = pooled_values(stored(), "ZJJJ", MEMBERS)
    assert set(p["division_code"]) == {"ZJJJ"}
    assert pick(p, "co2_emissions_energy", 2021)["value"] == pytest.approx(37.0)
    i20, i21 = pick(p, "co2_intensity", 2020), pick(p, "co2_intensity", 2021)
    assert i20["value"] == pytest.approx(35e4 / 350) and i21["value"] == pytest.approx(37e4 / 385)
    mean_of_intensities = np.mean([11e4 / 120, 5e4 / 55, 21e4 / 210])
    assert i21["value"] != pytest.approx(mean_of_intensities)  # pooled, not averaged
    r = pick(p, "carbon_intensity_reduction", 2021)
    assert r["value"] == pytest.approx((1 - (37e4 / 385) / 1000) * 100)  # 3.8961 %
    assert pick(p, "co2_intensity_reduction_vs_2020", 2021)["value"] == pytest.approx(r["value"])
    assert (
        i21["edition"] == "price-base 2020" and i21["zone_status"] == "ok" and i21["members_with_value"] == 3
    )
    first = pick(p, "carbon_intensity_reduction", 2020)
    assert np.isnan(first["value"]) and first["zone_status"] == "base-year-missing"


def test_a_missing_member_gives_no_value_with_the_reason():
    s = stored()
    s = s[~((s["division_code"] == "130000") & (s["year"] == 2021) & (s["indicator"] == "co2_intensity"))]
    p = pooled_values(s, "ZJJJ", MEMBERS)
    i = pick(p, "co2_intensity", 2021)
    assert np.isnan(i["value"]) and i["zone_status"] == "member-missing" and "130000" in i["reason_en"]
    assert i["members_with_value"] == 2
    assert pick(p, "co2_emissions_energy", 2021)["value"] == pytest.approx(37.0)  # totals are complete
    assert np.isnan(pick(p, "carbon_intensity_reduction", 2021)["value"])
    p2 = pooled_values(stored(), "ZJJJ", [*MEMBERS, "370000"])  # a member with no values at all
    t = pick(p2, "co2_emissions_energy", 2020)
    assert np.isnan(t["value"]) and "370000" in t["reason_en"] and "370000" in t["reason_zh"]


def test_mixed_price_bases_are_never_pooled():
    p = pooled_values(stored({"120000": "price-base 2015"}), "ZJJJ", MEMBERS)
    i = pick(p, "co2_intensity", 2020)
    assert np.isnan(i["value"]) and i["zone_status"] == "mixed-price-base"


def test_zone_page_rows_of_a_region_zone(monkeypatch):
    from pioneer.web import carbon as web_carbon

    s = stored()
    s = s[~((s["division_code"] == "130000") & (s["year"] == 2021) & (s["indicator"] == "co2_intensity"))]
    monkeypatch.setattr(web_carbon.store, "read_values", lambda session, indicators, divisions: s)
    monkeypatch.setattr(web_carbon.assess, "division_names", lambda session: {"130000": "河北省"})
    rows = {r["indicator"]: r for r in web_carbon.pooled_rows(None, MEMBERS)}  # type: ignore[arg-type]
    assert (
        rows["co2_emissions_energy"]["value"] == pytest.approx(37.0)
        and rows["co2_emissions_energy"]["year"] == 2021
    )
    assert rows["co2_intensity"]["value"] is None and rows["co2_intensity"]["reason_zh"] == "成员缺值：河北省"
    assert rows["co2_intensity"]["members"] == 2 and rows["co2_intensity"]["of"] == 3
    assert web_carbon.pooled_rows(None, ["110000"]) == []  # type: ignore[arg-type]  # one division: its own values


def test_pooled_codes_are_carbon_bindings():
    from pioneer.carbon.indicators import BINDINGS
    from pioneer.standards.carbon.pooling import POOLED_INDICATORS

    assert set(POOLED_INDICATORS) == set(BINDINGS)
    p = pooled_values(stored(), "ZJJJ", MEMBERS)
    assert (
        pick(p, "co2_intensity", 2020)["unit"] == "t/10^4 yuan"
        and pick(p, "carbon_intensity_reduction", 2021)["unit"] == "%"
    )
