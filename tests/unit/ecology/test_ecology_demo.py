"""The demo seed of the ecology registers and EI results: every register gets example rows (marked 示例 / DEMO-),
through the ordinary checks; the indicators computed from them give values; the EI trend is stored; a second run
adds nothing."""

from __future__ import annotations

from pioneer.ecology import demo, service
from pioneer.ecology import indicators as ind
from pioneer.ecology.registers import REGISTERS
from pioneer.indicators import store


def test_demo_seed_fills_every_register_and_is_idempotent(session):
    saved = demo.seed_ecology(session)
    assert set(REGISTERS) <= set(saved)
    for name in REGISTERS:
        rows = service.list_rows(session, name)
        assert len(rows) >= 1, name
    names = service.list_rows(session, "water_sources")["name"]
    assert names.str.contains("示例").all()
    assert demo.seed_ecology(session) == {}  # register rows not added twice
    assert len(service.list_rows(session, "water_sources")) == len(demo.ROWS["water_sources"])


def test_demo_indicators_and_ei_trend(session):
    demo.seed_ecology(session)
    assert demo.seed_ei(session) == 16 and demo.seed_ei(session) == 16  # replaced, not added
    values, details = ind.hazardous_waste_coverage(session, 2024, level="city")
    assert values.loc[values["division_code"] == "330500", "value"].notna().all()
    assert (details["missing"].map(len) > 0).any()  # the demo shows what is missing
    ei = store.read_values(session, indicators=["ecological_status_index"], divisions=["331127", "331100"])
    assert sorted(ei["year"].unique()) == [2021, 2022, 2023, 2024]
    anji = ei[ei["division_code"] == "331127"].set_index("year")["value"]
    assert anji[2021] == 79.9 and anji[2024] == 80.9  # hand check below
    # HQ 2021 = 511.2642131067 × (0.35×721.6 + 0.21×15.4 + 0.28×34.1 + 0.11×174.9 + 0.04×88 + 0.01×3.3) / 1886
    hq = (
        511.2642131067
        * (0.35 * 721.6 + 0.21 * 15.4 + 0.28 * 34.1 + 0.11 * 174.9 + 0.04 * 88 + 0.01 * 3.3)
        / 1886
    )
    assert round(hq, 2) == 78.11
