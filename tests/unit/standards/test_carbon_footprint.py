"""Product carbon footprint (pioneer.standards.carbon.footprint): a hand-computed BOM, the boundary labels, the
uncertainty propagation and located errors."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pioneer.errors import InputError
from pioneer.standards.carbon import footprint as fp

USER_LIBRARY = pd.DataFrame({
    "key": ["steel_hot_rolled", "truck_heavy"], "unit": ["t", "t·km"], "factor_kgco2e": ["2000", "0.05"],
    "source": ["example EPD (test value)", "example (test value)"],
})  # fmt: skip


def _lib():
    return pd.concat([fp.library("2011"), fp.read_library(USER_LIBRARY, file="lib.csv")], ignore_index=True)


def _bom(**over):
    d = {
        "stage": ["原材料获取", "生产", "分销", "寿命末期"], "item": ["钢材", "电力", "公路运输", "填埋"],
        "quantity": ["500", "2000", "0.5", "0.5"], "unit": ["kg", "kWh", "t", "t"],
        "factor_key": ["steel_hot_rolled", "electricity:2023:national", "truck_heavy", ""],
        "factor": ["", "", "", "10"], "factor_unit": ["", "", "", "t"], "factor_source": ["", "", "", "own estimate"],
        "distance_km": ["", "", "200", ""], "allocation": ["", "0.5", "", ""],
        "allocation_rule": ["", "按机时分配 machine hours", "", ""], "uncertainty": ["0.1", "0.05", "", "0.5"],
        "data_quality": ["secondary", "primary", "proxy", "proxy"],
    }  # fmt: skip
    d.update(over)
    return pd.DataFrame(d)


def test_footprint_by_hand():
    r = fp.footprint(fp.read_bom(_bom(), _lib(), file="bom.csv"), units_produced=10)
    # steel 500 kg = 0.5 t × 2000 = 1000; power 2 MWh × 530.6 (0.5306 t/MWh, 2023) × 0.5 = 530.6;
    # truck 0.5 t × 200 km = 100 t·km × 0.05 = 5; landfill 0.5 t × 10 = 5 → 1540.6 kgCO2e / 10 FU = 154.06
    assert r["kgco2e"].tolist() == pytest.approx([1000.0, 530.6, 5.0, 5.0])
    assert r["kgco2e_per_fu"].sum() == pytest.approx(154.06)
    u = fp.uncertainty(r["kgco2e_per_fu"], r["u_kgco2e_per_fu"])
    # u = √(10² + 2.653² + 0.25²) = √107.100909 = 10.348957; U = 2u; truck (0.5 of 154.06) has none
    assert u["u"] == pytest.approx(math.sqrt(100 + 2.653**2 + 0.25**2))
    assert u["expanded"] == pytest.approx(2 * u["u"]) and u["unquantified_share"] == pytest.approx(
        0.5 / 154.06
    )
    assert fp.boundary(r["stage"]) == "partial:raw_materials+production+distribution+end_of_life"
    s = fp.summary(r).set_index(["group", "key"])["share_pct"]
    assert s[("stage", "raw_materials")] == pytest.approx(100 * 100 / 154.06)
    assert s[("data_quality", "primary")] == pytest.approx(100 * 53.06 / 154.06)


def test_boundary_labels():
    assert fp.boundary(pd.Series(["raw_materials", "production"])) == "cradle-to-gate"
    assert fp.boundary(pd.Series(list(fp.STAGES))) == "cradle-to-grave"


def test_library_carries_sources_and_combustion_note():
    lib = fp.library("2011").set_index("key")
    assert lib.loc["combustion:diesel", "factor_kgco2e"] == pytest.approx(
        3095.9096, abs=1e-3
    )  # 3.0959 t/t × 1000
    assert lib.loc["electricity:2022:national", "factor_kgco2e"] == pytest.approx(536.6)
    assert lib["source"].str.len().min() > 0 and "upstream" in lib.loc["combustion:diesel", "note"]


@pytest.mark.parametrize(
    ("over", "row", "column", "needle"),
    [
        ({"stage": ["原材料获取", "打包", "分销", "寿命末期"]}, 3, "stage", "unknown life-cycle stage"),
        ({"quantity": ["500", "-1", "0.5", "0.5"]}, 3, "quantity", "must not be negative"),
        (
            {"factor_key": ["steel_hot_rolled", "nope", "truck_heavy", ""]},
            3,
            "factor_key",
            "not in the library",
        ),
        ({"unit": ["kg", "t", "t", "t"]}, 3, "unit", "cannot be converted"),
        ({"unit": ["kg", "kWh", "km", "t"]}, 4, "unit", "not declared"),
        ({"unit": ["kg", "kWh", "m3", "t"]}, 4, "unit", "mass moved"),
        ({"allocation": ["", "1.5", "", ""]}, 3, "allocation", "(0, 1]"),
        ({"allocation_rule": ["", "", "", ""]}, 3, "allocation_rule", "rule stated"),
        (
            {"data_quality": ["secondary", "measured", "proxy", "proxy"]},
            3,
            "data_quality",
            "primary, secondary",
        ),
    ],
)
def test_bad_bom_is_located(over, row, column, needle):
    with pytest.raises(InputError) as e:
        fp.read_bom(_bom(**over), _lib(), file="bom.csv")
    assert (e.value.file, e.value.row, e.value.column) == ("bom.csv", row, column)
    assert needle in e.value.message_en and e.value.message_zh


def test_inline_factor_needs_source():
    with pytest.raises(InputError) as e:
        fp.read_bom(_bom(factor_source=["", "", "", ""]), _lib(), file="bom.csv")
    assert (e.value.row, e.value.column) == (5, "factor_source")


def test_gbt51366_material_and_transport_factors_by_hand():
    """GB/T 51366-2019 附录D/E factors of the packaged library (secondary): 2 t rebar × 2340 = 4680; 10 m³ C30 ×
    295 = 2950; rebar trucked 150 km on a 30 t diesel truck: 2 t × 150 km × 0.078 = 23.4 kgCO2e."""
    bom = pd.DataFrame({
        "stage": ["原材料获取", "原材料获取", "原材料获取"], "item": ["钢筋", "混凝土", "钢筋运输"],
        "quantity": ["2000", "10", "2"], "unit": ["kg", "m3", "t"],
        "factor_key": ["gbt51366:steel_rebar_hot_rolled", "gbt51366:concrete_c30",
                       "gbt51366:transport:diesel_truck_30t"],
        "distance_km": ["", "", "150"], "data_quality": ["secondary"] * 3,
    })  # fmt: skip
    r = fp.footprint(fp.read_bom(bom, fp.library("2011"), file="bom.csv"), units_produced=1)
    assert r["kgco2e_per_fu"].tolist() == pytest.approx([4680.0, 2950.0, 23.4])
    lib = fp.library("2011").set_index("key")
    gb = lib[lib.index.str.startswith("gbt51366:")]
    assert (gb["confidence"] == "secondary").all() and gb["source"].str.contains("GB/T 51366-2019").all()
    assert (
        gb["source"].str.contains("not read").all()
    )  # the standard's own text was not read: never 'official'


def test_library_groups_every_packaged_factor():
    """Every packaged factor falls in a named group; GB/T 51366-2019 附录E trucks are transport, 附录D materials."""
    lib = fp.library("2011")
    g = fp.library_group(lib["key"]).set_axis(lib["key"])
    assert "other" not in set(g)
    assert (
        g["gbt51366:transport:diesel_truck_8t"] == "transport" and g["gbt51366:aluminium_strip"] == "material"
    )
    assert (
        g["electricity_cfp:2023:national"] == "electricity"
        and g["electricity:2022:national"] == "electricity_co2"
    )
    assert g["combustion:diesel"] == "combustion" and g["heat:default"] == "heat"
    assert fp.library_group(pd.Series(["user:eol_landfill"])).tolist() == ["other"]
