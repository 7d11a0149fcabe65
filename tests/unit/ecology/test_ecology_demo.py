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


def test_demo_register_indicators_stored(session):
    demo.seed_ecology(session)
    n = demo.seed_register_indicators(session)
    v = store.read_values(
        session,
        indicators=[
            "hazardous_waste_info_supervision_coverage",
            "tailings_hazard_rectification_rate",
            "heavy_metal_emission_change",
        ],
    )
    assert n == len(v) > 0
    city = v[v["division_code"] == "330500"].set_index("indicator")["value"]
    # obliged: HW-01, HW-02, HW-04 (producers ≥ 10 t), HW-03 (disposer); covered: HW-01 (plan, declaration,
    # electronic manifest) and HW-03 (annual report); HW-02 has no declaration and a paper manifest, HW-04 is not
    # in the system → 2 / 4
    assert city["hazardous_waste_info_supervision_coverage"] == 50.0
    assert city["tailings_hazard_rectification_rate"] == 50.0  # 1 of 2 hazards rectified by 31 Dec 2024
    # (39.5 + 10.8 + 0.4) − (46.0 + 12.0) = −7.3 kg over 58.0 kg → −12.6 %
    assert city["heavy_metal_emission_change"] == -12.6
