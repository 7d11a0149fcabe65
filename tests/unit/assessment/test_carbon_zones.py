"""A region-tier zone's carbon (dual-control) values in the zone assessment are pooled from its members' stored
values — Σ totals, Σ totals / Σ GDP — and a missing member leaves the zone value empty (hand-computed)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pioneer.assessment import zones as zone_assessment
from pioneer.db import make_engine, session_scope, upgrade
from pioneer.indicators import store
from pioneer.registry.permissions import Actor, Role
from pioneer.registry.zones import service as zones
from pioneer.registry.zones.schemas import ZoneCreate

OFFICE = Actor("office", Role.PROGRAMME_OFFICE)
# CO2 [10⁴ t] and GDP [10⁴ yuan at 2020 prices]: 北京 2400 / 3000 (2020), 2450 / 3200 (2021); 天津 1500 / 1000,
# 1600 / 1100 (2021 intensity of 天津 not stored in the second case)
CO2 = {("110000", 2020): 2400.0, ("110000", 2021): 2450.0, ("120000", 2020): 1500.0, ("120000", 2021): 1600.0}
GDP = {("110000", 2020): 3000.0, ("110000", 2021): 3200.0, ("120000", 2020): 1000.0, ("120000", 2021): 1100.0}


def values(drop_tianjin_2021_intensity: bool) -> pd.DataFrame:
    rows = []
    for (d, y), c in CO2.items():
        rows.append((d, "co2_emissions_energy", y, c, "price-base 2020", "10^4 t"))
        if not (drop_tianjin_2021_intensity and d == "120000" and y == 2021):
            rows.append((d, "co2_intensity", y, c * 1e4 / GDP[d, y], "price-base 2020", "t/10^4 yuan"))
    return pd.DataFrame(rows, columns=["division_code", "indicator", "year", "value", "edition", "unit"])


@pytest.mark.parametrize("drop", [False, True])
def test_region_zone_pools_the_members_carbon_values(tmp_path, drop):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    upgrade(url)
    eng = make_engine(url)
    with session_scope(eng) as s:
        store.save_values(s, values(drop), source_kind="computed")
        zones.create_zone(s, ZoneCreate(code="PZ-JJ", name_zh="京津", tier="region",
                                        division_codes=["110000", "120000"], as_of=dt.date(2024, 6, 1)),
                          actor=OFFICE, at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))  # fmt: skip
    empty = pd.DataFrame(columns=["division_code", "indicator", "year", "value", "unit", "edition"])
    with session_scope(eng) as s:
        v = zone_assessment.zone_values(s, "PZ-JJ", ["110000", "120000"], [2020, 2021], computed=empty)
    eng.dispose()
    v = v.set_index(["indicator", "year"])
    assert v.loc[("co2_emissions_energy", 2021), "value"] == pytest.approx(4050.0)  # 2450 + 1600
    assert v.loc[("co2_emissions_energy", 2021), "combination"] == "pooled-members"
    i20 = v.loc[("co2_intensity", 2020), "value"]
    assert i20 == pytest.approx(
        3900e4 / 4000
    )  # Σ CO2 / Σ GDP = 9750 t/10⁴ yuan, not the mean (8000 + 15000)/2
    i21 = v.loc[("co2_intensity", 2021), "value"]
    if drop:
        assert pd.isna(i21) and v.loc[("co2_intensity", 2021), "zone_status"] == "member-missing"
        assert pd.isna(v.loc[("carbon_intensity_reduction", 2021), "value"])
    else:
        assert i21 == pytest.approx(4050e4 / 4300)
        assert v.loc[("carbon_intensity_reduction", 2021), "value"] == pytest.approx(
            (1 - (4050 / 4300) / 0.975) * 100
        )
        assert v.loc[("co2_intensity", 2021), "members_with_value"] == 2
