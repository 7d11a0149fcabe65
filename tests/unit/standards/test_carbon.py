"""Energy-activity CO2 accounts (pioneer.standards.carbon.energy / factors): hand-computed cases with the
arithmetic written out, the published factor table reproduced, declared unit conversions and located errors."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest

from pioneer.errors import InputError
from pioneer.standards.carbon import balance, energy
from pioneer.standards.carbon.editions import edition
from pioneer.standards.carbon.factors import co2_emission_factor, fuel_factors, grid_factor

# The table circulated as "各种能源折标准煤及碳排放参考系数" (max.book118.com/html/2020/1123/8133103033003020.shtm;
# secondary): its printed CO2 factor column [kgCO2/kg; kgCO2/m³ for natural gas].
BOOK118_CO2_FACTORS = {
    "raw_coal": 1.9003, "coke": 2.8604, "crude_oil": 3.0202, "gasoline": 2.9251, "kerosene": 3.0179,
    "diesel": 3.0959, "fuel_oil": 3.1705, "lpg": 3.1013, "refinery_gas": 3.0119, "natural_gas": 2.1622,
}  # fmt: skip


def test_2011_defaults_reproduce_the_published_co2_factor_column():
    f = fuel_factors("2011").set_index("fuel")["co2_factor"]
    got = {k: round(float(f[k]) / (10 if k == "natural_gas" else 1), 4) for k in BOOK118_CO2_FACTORS}
    assert got == BOOK118_CO2_FACTORS  # natural gas: per 10⁴ m³ in the table → per m³ × 10⁻⁴ × 10³ kg/t


def test_emission_factor_raw_coal_by_hand():
    # 20.908 GJ/t × 26.37 tC/TJ × 10⁻³ TJ/GJ = 0.55134396 tC/t; × 0.94 = 0.5182633224; × 44/12 = 1.9002988488
    assert co2_emission_factor(20.908, 26.37, 0.94) == pytest.approx(1.9002988488, rel=1e-12)


def test_emission_factor_takes_arrays_and_series():
    ncv = pd.Series([20.908, 42.652], index=["a", "b"])
    out = co2_emission_factor(ncv, pd.Series([26.37, 20.2], index=ncv.index), 0.94)
    assert list(out.index) == ["a", "b"]
    scalars = [co2_emission_factor(n, c, 0.94) for n, c in ((20.908, 26.37), (42.652, 20.2))]
    assert np.allclose(out.to_numpy(), scalars)
    assert np.allclose(
        co2_emission_factor(np.array([20.908, 42.652]), np.array([26.37, 20.2]), 0.94), scalars
    )


def test_grid_factors_statistical_not_market():
    assert grid_factor(2022) == 0.5366 and grid_factor(2023) == 0.5306 and grid_factor(2021) == 0.5568
    assert grid_factor(2022, "south") == 0.3869 and grid_factor(2023, "north") == 0.6361
    assert grid_factor(2022, "530000") == 0.1073
    with pytest.raises(KeyError, match=r"carbon_grid_factors\.csv"):
        grid_factor(2020)
    from pioneer.standards.carbon.factors import GRID_FACTORS

    assert 0.5703 not in set(GRID_FACTORS["factor_tco2_per_mwh"])  # the carbon-market reporting factor


def test_editions_registry():
    assert edition("2011").key == "2011" and "2025" in edition("2025").guideline_zh
    with pytest.raises(ValueError, match="EDITIONS"):
        edition("2006")


def _rows(*rows):
    cols = ["division_code", "year", "sector", "fuel", "amount", "unit", "flow"]
    return pd.DataFrame([dict(zip(cols, r, strict=False)) for r in rows], dtype=str).fillna("")


def _account(df, **kw):
    a, f = energy.resolve_factors(energy.read_activity(df, file="in.csv"), file="in.csv", **kw)
    con = ibis.duckdb.connect()
    return con.execute(energy.emissions(ibis.memtable(a), ibis.memtable(f)).order_by("_row"))


def test_account_by_hand_physical_energy_and_electricity():
    df = _rows(
        ("440000", "2022", "工业", "原煤", "100", "万吨"),  # 1 000 000 t × 1.9002988488 = 1 900 298.8488 t
        (
            "440000",
            "2022",
            "工业",
            "天然气",
            "2",
            "亿立方米",
        ),  # 20 000 ×10⁴ m³ × 21.62188809 = 432 437.7618 t
        ("440000", "2022", "交通", "diesel", "1000", "GJ"),  # 1000 GJ × 20.2e-3 × 0.98 × 44/12 = 72.58533 t
        (
            "440000",
            "2022",
            "交通",
            "柴油",
            "10",
            "tce",
        ),  # 10 × 29.3076 = 293.076 GJ × 0.07258533 t/GJ = 21.273019 t
        ("440000", "2022", "净调入", "电力", "5", "亿千瓦时"),  # 500 000 MWh × 0.5366 = 268 300 t
        ("440000", "2022", "调出", "电力", "1", "亿千瓦时", "export"),  # −100 000 MWh × 0.5366 = −53 660 t
    )
    r = _account(df)
    assert r["co2_t"].tolist() == pytest.approx(
        [1900298.8488, 432437.7618, 72.585333, 21.273019, 268300.0, -53660.0], rel=1e-7
    )
    assert r["scope"].tolist() == ["direct"] * 4 + ["indirect"] * 2
    assert r["basis"].tolist() == ["physical", "physical", "energy", "energy", "physical", "physical"]
    assert r["factor_key"].iloc[4] == "grid:2022:national:average"
    # heat content of the fuel rows: 1e6 t × 20.908 GJ/t; 20 000 × 389.31; the GJ given; 293.076 GJ
    assert r["energy_gj"].iloc[:4].tolist() == pytest.approx([20_908_000.0, 7_786_200.0, 1000.0, 293.076])
    tot = ibis.duckdb.connect().execute(energy.totals(ibis.memtable(r), ["division_code", "year"]))
    assert tot["co2_direct_t"].iloc[0] == pytest.approx(1900298.8488 + 432437.7618 + 72.585333 + 21.273019)
    assert tot["co2_indirect_t"].iloc[0] == pytest.approx(268300.0 - 53660.0)


def test_regional_and_provincial_grid():
    df = _rows(("441900", "2022", "全社会", "电力", "1", "万千瓦时"))  # 10 MWh
    assert _account(df, grid="regional")["co2_t"].iloc[0] == pytest.approx(10 * 0.3869)  # 南方 2022
    df = _rows(("530100", "2022", "全社会", "电力", "1", "万千瓦时"))
    assert _account(df, grid="provincial")["co2_t"].iloc[0] == pytest.approx(10 * 0.1073)  # 云南 2022
    with pytest.raises(InputError, match="no published average electricity factor") as e:
        _account(_rows(("440000", "2022", "x", "电力", "1", "万千瓦时")), grid="provincial")  # 广东: none
    assert e.value.row == 2
    r = _account(_rows(("440000", "2020", "x", "电力", "1", "万千瓦时")), grid_year=2021)  # stated, recorded
    assert r["factor_key"].iloc[0] == "grid:2021:national:average" and r["co2_t"].iloc[0] == pytest.approx(
        5.568
    )


def test_2025_edition_lacks_raw_coal_and_says_so():
    df = _rows(("440000", "2022", "工业", "原煤", "1", "t"))
    with pytest.raises(InputError) as e:
        _account(df, edition="2025")
    assert e.value.row == 2 and e.value.column == "fuel" and "2025" in str(e.value)
    r = _account(_rows(("440000", "2022", "工业", "烟煤", "1", "t")), edition="2025")
    # 19.57 × 26.1e-3 × 0.93 × 44/12 = 1.741695…
    assert r["co2_t"].iloc[0] == pytest.approx(19.57 * 26.1e-3 * 0.93 * 44 / 12)


def test_local_factors_win_and_are_recorded():
    local = energy.read_local_factors(pd.DataFrame({
        "fuel": ["原煤", "heat", "褐煤"], "unit": ["t", "GJ", "t"], "co2_factor": ["", "0.11", ""],
        "ncv": ["21", "", "14.449"], "carbon_content": ["26", "", "28"], "oxidation": ["0.9", "", "0.96"],
        "source": ["省统计局 2023 实测", "本省热力公司", "本省"],
    }), file="local.csv")  # fmt: skip
    df = _rows(("440000", "2022", "工业", "原煤", "1", "t"), ("440000", "2022", "居民", "热力", "100", "GJ"),
               ("440000", "2022", "工业", "褐煤", "2", "t"))  # fmt: skip
    r = _account(df, local=local)
    # 21 × 26e-3 × 0.9 × 44/12 = 1.8018; 100 GJ × 0.11 = 11; 2 × 14.449 × 28e-3 × 0.96 × 44/12 = 2.84783…
    assert r["co2_t"].tolist() == pytest.approx([1.8018, 11.0, 2 * 14.449 * 28e-3 * 0.96 * 44 / 12])
    assert set(r["factor_origin"]) == {"local"} and r["factor_source"].iloc[0] == "省统计局 2023 实测"


@pytest.mark.parametrize(
    ("row", "column", "needle"),
    [
        (("440000", "2022", "工业", "木柴", "1", "t"), "fuel", "unknown fuel"),
        (("440000", "2022", "工业", "原煤", "1", "亿千瓦时"), "unit", "cannot be converted"),
        (("440000", "2022", "工业", "原煤", "1", "桶"), "unit", "not declared"),
        (("440000", "2022", "工业", "原煤", "-5", "t"), "amount", "must not be negative"),
        (("440000", "2022", "工业", "原煤", "abc", "t"), "amount", "not a number"),
        (("44000", "2022", "工业", "原煤", "1", "t"), "division_code", "6 digits"),
        (
            ("440000", "2022", "工业", "己二酸", "1", "t"),
            "fuel",
            "no default factor of this industrial process",
        ),
        (("440000", "2022", "工业", "水泥熟料", "1", "GJ"), "unit", "cannot be converted"),
        (("440000", "2022", "工业", "原煤", "1", "t", "export"), "flow", "only electricity"),
    ],
)
def test_bad_rows_are_located(row, column, needle):
    df = _rows(("440000", "2022", "工业", "焦炭", "1", "t"), row)
    with pytest.raises(InputError) as e:
        _account(df)
    assert (e.value.file, e.value.row, e.value.column) == ("in.csv", 3, column)
    assert needle in e.value.message_en and e.value.message_zh  # bilingual


def test_wide_balance_table_melts_with_locations():
    wide = pd.DataFrame({
        "行政区划代码": ["440000", "440000"], "年份": ["2022", "2022"], "品种": ["原煤", "电力"], "单位": ["万吨", "亿千瓦时"],
        "工业 industry": ["100", ""], "净调入 net import": ["", "5"], "调出 export": ["", "1"],
    })  # fmt: skip
    assert balance.is_wide(wide)
    long = balance.to_long(wide, file="b.xlsx:能源平衡表")
    assert long[["_row", "sector", "amount", "flow"]].values.tolist() == [
        [2, "工业 industry", 100.0, "consumption"], [3, "净调入 net import", 5.0, "consumption"],
        [3, "调出 export", 1.0, "export"],
    ]  # fmt: skip
    wide.loc[1, "工业 industry"] = "-3"
    with pytest.raises(InputError) as e:
        balance.to_long(wide, file="b.xlsx:能源平衡表")
    assert (e.value.row, e.value.column) == (3, "工业 industry")
