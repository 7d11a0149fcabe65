"""GEP (:mod:`pioneer.standards.gep`) against the published Garzê account (白玛卓嘎、肖燚、欧阳志云、王莉雁 2017,
生态学报 37(19): 6302–6312, Table 3, 2010): quantity × price reproduces each published value (亿元 = 1e8 元)."""

from __future__ import annotations

import pandas as pd
import pytest

from pioneer.errors import InputError
from pioneer.standards import gep

ED = "GB/T 46869-2025"
E8 = 1e8

# Table 3 rows whose physical quantity is printed with enough digits to check the value (亿元):
#   水电 95.30 亿kWh × 0.53 = 50.509; 工业用水 150.17 亿m³ × 3.6 = 540.612; 农业用水 17.31 亿m³ × 0.07 = 1.2117
#   减少N面源污染 1437.94 万t × 875 = 125.82; 减少P 419.72 万t × 2800 = 117.52
#   SO2 1137 t × 1200 = 0.0136; NOx 2772 t × 630 = 0.0175; 粉尘 941 t × 150 = 0.0014
#   COD 5424 t × 700 = 0.0380; 氨氮 625 t × 875 = 0.0055; 植被蒸腾 2799.10 亿kWh × 0.53 = 1483.52
#   森林病虫害 158 万hm² × 375 = 5.925; 草地 711.13 万hm² × 112.5 = 8.0002
GARZE = [
    ("hydropower", 95.30e8, 50.5090), ("water_industrial", 150.17e8, 540.6113),
    ("water_agricultural", 17.31e8, 1.2117), ("nitrogen_retention", 1437.94e4, 125.8199),
    ("phosphorus_retention", 419.72e4, 117.5226), ("so2_purification", 1137, 0.0136),
    ("nox_purification", 2772, 0.0175), ("dust_purification", 941, 0.0014), ("cod_purification", 5424, 0.0380),
    ("nh3_purification", 625, 0.0055), ("transpiration_cooling", 2799.10e8, 1483.5208),
    ("pest_control_forest", 158e4, 5.9250), ("pest_control_grass", 711.13e4, 8.0003),
]  # fmt: skip


def _input(rows, code="513300", year=2010):
    return pd.DataFrame([(code, year, c, q) for c, q, *_ in rows],
                        columns=["division_code", "year", "component", "quantity"])  # fmt: skip


def test_values_reproduce_the_garze_table():
    q = gep.read_quantities(_input(GARZE), edition=ED)
    v = gep.item_values(q, edition=ED, prices="garze-2010")
    for (_c, _q, published), value in zip(GARZE, v["value"], strict=True):
        # quantities and values are printed rounded: 4 decimals of 亿元 (abs) or 2 of the quantity (rel 1e-4)
        assert value / E8 == pytest.approx(published, rel=1e-4, abs=6e-4)
    assert v["price_source"].str.startswith("price set garze-2010").all()


def test_physical_quantity_equations_reproduce_the_garze_soil_and_sand_rows():
    # 土壤保持量 38.86 亿t, λ 0.24, ρ 0.93 t/m³ → 38.86 × 0.24 / 0.93 = 10.028 亿m³ (published 10.03)
    assert gep.silt_volume(38.86e8, siltation_ratio=0.24, bulk_density=0.93) / E8 == pytest.approx(
        10.028, abs=1e-3
    )
    # N 0.37 % of the retained soil: 38.86 亿t × 0.0037 = 1437.8 万t (published 1437.94)
    assert gep.nutrient_retained(38.86e8, 0.0037) / 1e4 == pytest.approx(1437.8, abs=0.1)
    # 固沙量 779.42 万t, ρ 1.28 t/m³, h 0.1 m → 779.42e4 / 0.128 = 60.89 km² (published 60.89 km²)
    assert gep.sand_fixation_area(779.42e4, bulk_density=1.28, depth=0.1) / 1e6 == pytest.approx(
        60.89, abs=0.01
    )
    # water balance: two ecosystem types, (1200 − 200 − 600) mm × 1 km² + (800 − 100 − 500) mm × 2 km²
    #   = 0.4 m × 1e6 m² + 0.2 m × 2e6 m² = 800 000 m³
    assert gep.water_conservation_quantity([1200, 800], [200, 100], [600, 500], [1e6, 2e6]) == pytest.approx(
        8e5
    )
    assert gep.reservoir_flood_capacity(100.0) == pytest.approx(35.0)


def test_account_categories_and_two_mountains_indicators():
    rows = [("agriculture_value", 12.2875e8), ("hydropower", 95.30e8), ("so2_purification", 1137),
            ("recreation_value", 70.6669e8)]  # fmt: skip
    v = gep.item_values(gep.read_quantities(_input(rows), edition=ED), edition=ED, prices="garze-2010")
    acc = gep.account(v)
    r = acc.iloc[0]
    # material = 12.2875 + 50.509 = 62.7965 亿元; regulating = 0.013644; cultural = 70.6669
    assert r["material"] / E8 == pytest.approx(62.7965) and r["cultural"] / E8 == pytest.approx(70.6669)
    assert r["regulating"] == pytest.approx(1137 * 1200) and r["n_components"] == 4
    ind = gep.two_mountains_indicators(acc, pd.Series({("513300", 2010): 122.0e8}))
    x = ind.iloc[0]
    # GEP = 62.7965 + 0.013644 + 70.6669 = 133.477044 亿元; GEP/GDP = 133.477044/122 = 1.094074
    assert x["gep"] / E8 == pytest.approx(133.477044) and x["gep_gdp_ratio"] == pytest.approx(
        1.094074, abs=1e-6
    )
    # conversion value = material + cultural = 133.4634 亿元 → 99.9898 % of GEP
    assert x["conversion_value"] / E8 == pytest.approx(133.4634) and x["conversion_rate"] == pytest.approx(
        99.98978, abs=1e-4
    )


def test_price_order_input_then_override_then_set():
    rows = pd.DataFrame({"division_code": ["330102", "330102", "340102"], "year": [2024] * 3,
                         "component": ["water_conservation", "so2_purification", "water_conservation"],
                         "quantity": [1000, 10, 1000], "price": ["", "2000", ""]})  # fmt: skip
    q = gep.read_quantities(rows, edition=ED)
    ov = gep.read_overrides(pd.DataFrame({"scope_code": ["330000"], "component": ["water_conservation"],
                                          "price": [8.5], "document": ["DB33/T 2274-2020"]}), edition=ED)  # fmt: skip
    v = gep.item_values(q, edition=ED, prices="garze-2010", overrides=ov)
    assert v["price"].tolist() == [8.5, 2000.0, 7.06]  # override (Zhejiang), input, price set (Anhui row)
    assert v["price_source"].iloc[0] == "provincial override: DB33/T 2274-2020 (scope 330000)"
    assert v["value"].tolist() == [8500.0, 20000.0, 7060.0]


def test_no_price_is_a_located_error():
    q = gep.read_quantities(_input([("water_conservation", 5.0)]), edition=ED)
    with pytest.raises(InputError) as e:
        gep.item_values(q, edition=ED)
    assert e.value.row == 2 and e.value.column == "component" and "price" in e.value.message_en


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [("division_code", "5133", "6 digits"), ("component", "unicorns", "not in edition"),
     ("quantity", "-1", "≥ 0"), ("year", "20x0", "invalid year")],
)  # fmt: skip
def test_bad_input_rows_are_located(column, value, reason):
    df = _input([("hydropower", 1.0), ("hydropower", 2.0)], code="513300")
    df["year"] = [2010, 2011]
    df = df.astype({"division_code": object, "component": object, "quantity": object, "year": object})
    df.loc[1, column] = value
    with pytest.raises(InputError) as e:
        gep.read_quantities(df, edition=ED, file="in.csv")
    assert (e.value.row, e.value.column, e.value.file) == (
        3,
        column,
        "in.csv",
    ) and reason in e.value.message_en


def test_unknown_edition_names_the_table():
    with pytest.raises(KeyError, match=r"gep_editions\.csv"):
        gep.components("GB/T 0000")
    assert set(gep.editions()["edition"]) == {"GB/T 46869-2025", "NDRC-2022"}


def test_the_most_specific_override_wins():
    # a county's own specification (330102) beats its province's (330000); a sibling county keeps the province's
    q = gep.read_quantities(pd.DataFrame({"division_code": ["330102", "330105"], "year": [2024, 2024],
                                          "component": ["oxygen_release"] * 2, "quantity": [2, 2]}), edition=ED)  # fmt: skip
    ov = gep.read_overrides(pd.DataFrame({"scope_code": ["330000", "330102"], "component": ["oxygen_release"] * 2,
                                          "price": [1000, 1500], "document": ["DB33/T 2274-2020", "county note"]}),
                            edition=ED)  # fmt: skip
    v = gep.item_values(q, edition=ED, overrides=ov)
    assert v["price"].tolist() == [1500.0, 1000.0] and v["value"].tolist() == [3000.0, 2000.0]
