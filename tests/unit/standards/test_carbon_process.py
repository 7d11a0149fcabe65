"""Industrial-process emissions (2011 guideline ch. 2), GWPs by edition, the default factor of net imported heat
and the carbon binding of the catalogue: hand-computed cases with the arithmetic written out."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from pioneer.carbon import indicators as carbon_indicators
from pioneer.carbon import service
from pioneer.errors import InputError
from pioneer.indicators.catalogue import BINDINGS, default_catalogue
from pioneer.indicators.choices import SourceKind
from pioneer.standards.carbon import energy
from pioneer.standards.carbon.editions import edition
from pioneer.standards.carbon.factors import gwp, heat_factor, process_factors


def _rows(*rows):
    cols = ["division_code", "year", "sector", "fuel", "amount", "unit", "flow"]
    return pd.DataFrame([dict(zip(cols, r, strict=False)) for r in rows], dtype=str).fillna("")


def _account(df, **kw):
    a, f = energy.resolve_factors(energy.read_activity(df, file="in.csv"), file="in.csv", **kw)
    con = ibis.duckdb.connect()
    return con.execute(energy.emissions(ibis.memtable(a), ibis.memtable(f)).order_by("_row")), f


def test_process_rows_by_hand_and_kept_apart_from_energy():
    df = _rows(
        ("340000", "2022", "工业生产过程", "水泥熟料", "100", "万吨"),  # 1 000 000 t × 0.538 = 538 000 t
        ("340000", "2022", "工业生产过程", "lime", "10", "万吨"),  # 100 000 t × 0.683 = 68 300 t
        ("340000", "2022", "工业生产过程", "steel_flux_limestone", "50000", "t"),  # × 0.43971 = 21 985.5 t
        ("340000", "2022", "工业", "原煤", "1", "t"),  # 1.9002988488 t (energy, direct)
        ("340000", "2022", "净调入", "热力", "1000", "GJ"),  # 1000 GJ × 0.11 = 110 t (indirect, default)
    )
    r, f = _account(df)
    assert r["co2_t"].tolist() == pytest.approx([538_000.0, 68_300.0, 21_985.5, 1.9002988488, 110.0])
    assert r["scope"].tolist() == ["process"] * 3 + ["direct", "indirect"]
    assert r["energy_gj"].iloc[:3].isna().all()  # process rows carry no fuel heat
    assert r["factor_key"].tolist()[:3] == ["2011:cement_clinker", "2011:lime", "2011:steel_flux_limestone"]
    assert r["factor_key"].iloc[4] == "heat:default" and r["factor_confidence"].iloc[4] == "secondary"
    assert set(r["gas"]) == {"CO2"} and r["gwp"].iloc[0] == 1.0
    assert "GB/T 32150" in f.set_index("factor_key").loc["heat:default", "factor_source"]
    tot = ibis.duckdb.connect().execute(energy.totals(ibis.memtable(r), ["division_code", "year"]))
    assert tot["co2_process_t"].iloc[0] == pytest.approx(538_000 + 68_300 + 21_985.5)
    assert tot["co2_direct_t"].iloc[0] == pytest.approx(1.9002988488)
    assert tot["co2_indirect_t"].iloc[0] == pytest.approx(110.0)
    assert tot["co2_t"].iloc[0] == pytest.approx(538_000 + 68_300 + 21_985.5 + 1.9002988488 + 110.0)


def test_process_without_a_citable_default_needs_a_local_factor_in_co2e():
    df = _rows(("340000", "2022", "工业生产过程", "己二酸", "1000", "t"))
    with pytest.raises(InputError) as e:
        _account(df)
    assert e.value.row == 2 and e.value.column == "fuel" and "citable" in str(e.value)
    local = energy.read_local_factors(pd.DataFrame([{
        "fuel": "adipic_acid", "unit": "t", "co2_factor": "93.0", "gas": "N2O",
        "source": "企业实测 0.3 tN2O/t × GWP 310 (AR2)",
    }]), file="local.csv")  # fmt: skip
    a, f = energy.resolve_factors(energy.read_activity(df), local=local)
    r = ibis.duckdb.connect().execute(energy.emissions(ibis.memtable(a), ibis.memtable(f)))
    assert r["co2_t"].iloc[0] == pytest.approx(93_000.0)  # 1000 t × 93 tCO2e/t
    assert (
        r["scope"].iloc[0] == "process"
        and r["gas"].iloc[0] == "N2O"
        and r["factor_origin"].iloc[0] == "local"
    )


def test_gwp_sets_by_edition():
    assert edition("2011").gwp_set == "AR2" and edition("2025").gwp_set == "AR5"
    assert (gwp("CH4", "AR2"), gwp("N2O", "AR2"), gwp("SF6", "AR2")) == (21.0, 310.0, 23900.0)
    assert (gwp("CH4", "AR5"), gwp("N2O", "AR5"), gwp("SF6", "AR5")) == (28.0, 265.0, 23500.0)
    p = process_factors("2011", "AR2").set_index("process")
    assert p.loc["cement_clinker", "co2_factor"] == 0.538 and pd.isna(p.loc["nitric_acid", "co2_factor"])
    assert heat_factor() == 0.11


def test_2025_edition_has_no_process_defaults_and_says_so():
    with pytest.raises(InputError) as e:
        _account(_rows(("340000", "2022", "工业生产过程", "水泥熟料", "1", "t")), edition="2025")
    assert "2025" in str(e.value) and e.value.column == "fuel"


def test_process_activity_must_be_a_mass():
    with pytest.raises(InputError) as e:
        _account(_rows(("340000", "2022", "工业生产过程", "水泥熟料", "1", "GJ")))
    assert e.value.column == "unit"
    with pytest.raises(InputError) as e:
        _account(_rows(("340000", "2022", "工业生产过程", "水泥熟料", "1", "t", "export")))
    assert e.value.column == "flow"


def test_dual_control_co2_from_an_account_leaves_process_emissions_out():
    acc = pd.DataFrame([{"record": "total", "division_code": "340000", "year": "2022", "co2_t": "1000",
                         "co2_process_t": "300"}])  # fmt: skip
    series = pd.DataFrame([{"division_code": "340000", "year": "2022", "gdp": "10", "co2": ""}])
    assert float(service.with_account_co2(series, acc)["co2"].iloc[0]) == pytest.approx(700.0)


def test_dual_control_indicators_are_computed_by_the_carbon_binding():
    cat = default_catalogue()
    carbon = {i.code: i.source for i in cat.indicators if i.source.standard == "carbon"}
    assert set(carbon) == set(carbon_indicators.BINDINGS)
    for code, src in carbon.items():
        assert src.kind == SourceKind.COMPUTED and src.binding == carbon_indicators.BINDINGS[code][0]
        assert src.binding in BINDINGS
        assert cat.indicator(code).unit == carbon_indicators.BINDINGS[code][2]
    assert {b for b in BINDINGS if b.startswith("carbon.")} == {
        v[0] for v in carbon_indicators.BINDINGS.values()
    }


def test_stored_values_name_their_imports(tmp_path, monkeypatch):
    """``carbon dual-control --store`` records the series and the account as imports; ``explain`` lists both."""
    import json

    from typer.testing import CliRunner

    from pioneer.cli import app

    monkeypatch.setenv("PIONEER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PIONEER_DATABASE_URL", raising=False)
    runner = CliRunner()
    (tmp_path / "a.csv").write_text("division_code,year,sector,fuel,amount,unit\n"
                                    "440000,2021,工业,原煤,1,万吨\n440000,2022,工业,原煤,1,万吨\n"
                                    "440000,2022,工业生产过程,水泥熟料,1,万吨\n", encoding="utf-8")  # fmt: skip
    (tmp_path / "s.csv").write_text("division_code,year,gdp,gdp_unit,price_base\n440000,2021,100,亿元,2020\n"
                                    "440000,2022,110,亿元,2020\n", encoding="utf-8")  # fmt: skip
    r = runner.invoke(
        app, ["carbon", "account", str(tmp_path / "a.csv"), "-o", str(tmp_path / "acc.csv"), "--quiet"]
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["carbon", "dual-control", str(tmp_path / "s.csv"), "-o", str(tmp_path / "dc.csv"),
                            "--emissions", str(tmp_path / "acc.csv"), "--store"])  # fmt: skip
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["explain", "440000", "co2_emissions_energy", "2022"])
    assert r.exit_code == 0, r.output
    chain = json.loads(r.stdout)
    # 10 000 t × 1.9002988488 = 19 002.988488 t = 1.9002988488 万吨; the clinker's 5 380 t are not energy CO2
    assert chain["value"] == pytest.approx(1.9002988488) and chain["source_kind"] == "computed"
    assert chain["definition"]["source"]["binding"] == "carbon.co2_t"
    files = {i["file_name"] for i in chain["imports"] if i["kind"] == "template"}
    assert files == {str(tmp_path / "s.csv"), str(tmp_path / "acc.csv")}


def test_balance_template_lists_processes():
    t = service.template_frame("balance")
    assert "水泥熟料" in set(t["品种"]) and "工业生产过程 industrial processes" in t.columns


# The printed emission_factor column of the third-party table citing the 2025 guideline [tCO2/t; per 10⁴ Nm³]
PRINTED_2025 = {"lignite": 1.172864, "petroleum_coke": 3.211542, "lng": 2.831257, "lpg": 3.101330,
                "blast_furnace_gas": 8.481132, "converter_gas": 15.124032, "coke_oven_gas": 8.863806,
                "bituminous_coal": 1.741750, "natural_gas": 21.621888}  # fmt: skip


def test_2025_fuel_set_reproduces_the_printed_factors():
    from pioneer.standards.carbon.factors import fuel_factors

    f = fuel_factors("2025").set_index("fuel")["co2_factor"]
    assert {k: round(float(f[k]), 6) for k in PRINTED_2025} == pytest.approx(PRINTED_2025, abs=1.5e-6)
    assert "raw_coal" not in f.index  # 原煤 of the 2025 edition was not found: an error, never a fallback


def test_footprint_library_carries_the_published_electricity_footprint_factors():
    from pioneer.standards.carbon import footprint

    lib = footprint.library("2011").set_index("key")
    assert lib.loc["electricity_cfp:2023:national", "factor_kgco2e"] == 620.5  # 0.6205 kgCO2e/kWh
    assert lib.loc["electricity_cfp:2024:national", "factor_kgco2e"] == 577.7  # 0.5777 kgCO2e/kWh
    assert "2025年第3号" in lib.loc["electricity_cfp:2023:national", "source"]
    assert lib.loc["heat:default", "unit"] == "GJ" and lib.loc["heat:default", "factor_kgco2e"] == 110.0
    assert (lib["source"].str.len() > 0).all() and lib["confidence"].notna().all()


def test_reported_template_offers_and_accepts_no_carbon_indicator(tmp_path):
    """Computed by the carbon binding: not in the reported-statistics template, refused when typed in."""
    import openpyxl

    from pioneer.indicators.template import TemplateErrors, read_template, write_template

    p = tmp_path / "t.xlsx"
    n = write_template(p, "330500", 2023, tier="city")
    ws = openpyxl.load_workbook(p)["填报"]
    codes = {ws.cell(row=r, column=3).value for r in range(3, 3 + n)}
    assert not codes & set(carbon_indicators.BINDINGS)
    wb = openpyxl.load_workbook(p)
    ws = wb["填报"]
    row = 3 + n
    for col, v in enumerate(["330500", 2023, "co2_intensity", "", "t/10^4 yuan", 0.6, "统计公报"], start=1):
        ws.cell(row=row, column=col, value=v)
    wb.save(p)
    with pytest.raises(TemplateErrors) as e:
        read_template(p)
    assert {(x.row, x.column) for x in e.value.errors} == {(row, "indicator")}
