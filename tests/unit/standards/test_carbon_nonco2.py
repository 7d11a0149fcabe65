"""CH4 and N2O of fuel combustion (IPCC 2006 Vol. 2 Tier 1, Tables 2.2, 2.3, 3.2.2), hand-computed with the cited
factors and the editions' GWPs (AR2 21/310 for 2011, AR5 28/265 for 2025); CO2 totals stay CO2 only."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from pioneer.standards.carbon import energy, nonco2


def account(rows: list[dict[str, str]], **kw: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    a, f = energy.resolve_factors(
        energy.read_activity(pd.DataFrame(rows), file="in.csv"), file="in.csv", **kw
    )
    con = ibis.duckdb.connect()
    r = con.execute(energy.emissions(ibis.memtable(a), ibis.memtable(f)).order_by("_row"))
    tot = con.execute(energy.totals(ibis.memtable(r), ["division_code", "year"]))
    return r, tot, f


def row(sector: str, fuel: str, amount: str, unit: str, **extra: str) -> dict[str, str]:
    return {"division_code": "440000", "year": "2022", "sector": sector, "fuel": fuel, "amount": amount,
            "unit": unit, **extra}  # fmt: skip


def test_hand_computed_2011_by_source_category():
    r, tot, f = account([
        row("工业", "柴油", "1000", "t"),  # Table 2.3: 1000 t × 42.652 GJ/t = 42.652 TJ; CH4 3, N2O 0.6 kg/TJ
        row("火力发电 thermal power", "天然气", "10", "万立方米"),  # Table 2.2: 10 × 389.31 GJ = 3.8931 TJ; 1 / 0.1
        row("交通运输、仓储和邮政业", "汽油", "100", "t"),  # Table 3.2.2: 100 × 43.07 GJ = 4.307 TJ; 33 / 3.2
        row("居民生活", "原煤", "5", "t"),  # residential (Table 2.5): not read, no value
        row("净调入", "电力", "5", "MWh"),  # indirect: no CH4/N2O
    ])  # fmt: skip
    assert r["combustion_category"].tolist() == ["manufacturing", "energy_industries", "road_transport",
                                                 "residential", ""]  # fmt: skip
    assert r["ch4_t"].iloc[0] == pytest.approx(42.652 * 3 / 1000)  # 0.127956 t
    assert r["n2o_t"].iloc[0] == pytest.approx(42.652 * 0.6 / 1000)  # 0.0255912 t
    assert r["nonco2_co2e_t"].iloc[0] == pytest.approx(0.127956 * 21 + 0.0255912 * 310)  # 10.620348 t
    assert r["ch4_t"].iloc[1] == pytest.approx(3.8931e-3) and r["n2o_t"].iloc[1] == pytest.approx(3.8931e-4)
    assert r["ch4_t"].iloc[2] == pytest.approx(4.307 * 33 / 1000) and r["n2o_t"].iloc[2] == pytest.approx(
        4.307 * 3.2 / 1000
    )
    assert (
        r["ch4_t"].iloc[3:].isna().all() and r["nonco2_co2e_t"].iloc[3:].isna().all()
    )  # never a silent zero
    co2e = r["co2_t"] + r["nonco2_co2e_t"].fillna(0)
    pd.testing.assert_series_equal(r["co2e_t"], co2e, check_names=False)
    t = tot.iloc[0]
    assert t["co2_t"] == pytest.approx(r["co2_t"].sum())  # CO2 only, as dual control needs
    assert t["nonco2_co2e_t"] == pytest.approx(10.620348 + (3.8931e-3 * 21 + 3.8931e-4 * 310)
                                               + (0.142131 * 21 + 0.0137824 * 310))  # fmt: skip
    assert t["co2e_t"] == pytest.approx(t["co2_t"] + t["nonco2_co2e_t"])
    assert t["nonco2_missing_rows"] == 1  # the residential coal row
    cited = f[f["gas"].isin(["CH4", "N2O"])].set_index("factor_key")
    assert cited.loc["ipcc2006:2.3:diesel:CH4", "co2_factor"] == pytest.approx(0.003)  # t CH4 per TJ
    assert cited.loc["ipcc2006:3.2.2:gasoline:N2O", "gwp"] == 310
    assert cited["factor_source"].str.contains("IPCC 2006 Guidelines Vol. 2").all()


def test_2025_edition_takes_ar5_gwps_and_energy_units_need_no_ncv():
    r, tot, _f = account([row("工业", "天然气", "1", "TJ")], edition="2025")
    assert r["ch4_t"].iloc[0] == pytest.approx(1e-3) and r["n2o_t"].iloc[0] == pytest.approx(1e-4)
    assert r["nonco2_co2e_t"].iloc[0] == pytest.approx(1e-3 * 28 + 1e-4 * 265)
    assert tot["nonco2_missing_rows"].iloc[0] == 0


def test_explicit_category_overrides_the_sector_keyword():
    r, _t, _f = account([row("交通运输", "柴油", "1", "TJ", combustion_category="manufacturing"),
                         row("交通运输", "柴油", "1", "TJ", combustion_category="")])  # fmt: skip
    assert r["combustion_category"].tolist() == ["manufacturing", "road_transport"]
    assert r["ch4_t"].tolist() == pytest.approx([3e-3, 3.9e-3])


def test_process_rows_carry_no_nonco2():
    r, tot, _f = account([row("工业生产过程 industrial processes", "水泥熟料", "10", "t"),
                          row("工业", "柴油", "2", "t")])  # fmt: skip
    assert r["combustion_category"].iloc[0] == "" and pd.isna(r["ch4_t"].iloc[0])
    assert tot["nonco2_missing_rows"].iloc[0] == 0  # only fuel rows can miss a factor


def test_factor_table_is_cited_and_in_range():
    t = nonco2.NONCO2_FACTORS
    assert set(t["category"]) <= set(nonco2.CATEGORIES)
    assert not t.duplicated(["category", "fuel"]).any()
    assert (t["confidence"] == "secondary").all() and t["source"].str.contains("Table").all()
    assert ((t["ch4_kg_per_tj"] > 0) & (t["n2o_kg_per_tj"] > 0)).all()


@pytest.mark.parametrize("edition", ["2011", "2025"])
def test_factor_table_lists_what_an_account_uses(edition):
    """The published table (``factor_table``, the API's ``nonco2``) and the account (``attach``) agree pair by pair:
    a value where the account finds one, ``has_value`` false (not-found, never 0) where it finds none."""
    from pioneer.standards.carbon.factors import fuel_factors

    t = nonco2.factor_table(fuel_factors(edition)["fuel"])
    assert len(t) == len(nonco2.CATEGORIES) * len(fuel_factors(edition))
    a = nonco2.attach(t[["category", "fuel"]].assign(sector="?", scope="direct").rename(
        columns={"category": "combustion_category"}), 21.0, 310.0)  # fmt: skip
    assert (a["ch4_kg_per_tj"].notna() == t["has_value"]).all()
    pd.testing.assert_series_equal(a["n2o_kg_per_tj"], t["n2o_kg_per_tj"], check_names=False)
    missing = t[~t["has_value"]]
    assert (missing["confidence"] == "not-found").all() and missing["ch4_kg_per_tj"].isna().all()
    assert missing["source"].str.contains("nonco2_missing_rows").all()
    assert t.loc[t["has_value"], "confidence"].eq("secondary").all() and t["source"].ne("").all()
    res = t[t["category"] == "residential"]
    assert not res["has_value"].any() and res["ipcc_table"].eq("2.5").all()
