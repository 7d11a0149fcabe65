"""The energy-activity CO2 account (Ibis expressions of pioneer.standards.carbon.energy) computes the same rows and
totals on PySpark (local mode) as on DuckDB, CH4/N2O of combustion included."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest

from pioneer.standards.carbon import energy

pyspark = pytest.importorskip("pyspark")
pytestmark = pytest.mark.spark


def activity(seed: int = 17) -> pd.DataFrame:
    """Three provinces × two years × every 2011 fuel, electricity, heat and two industrial processes in several
    sectors, units mixed (seeded)."""
    rng = np.random.default_rng(seed)
    fuels = [("原煤", "万吨"), ("焦炭", "t"), ("原油", "万吨"), ("汽油", "t"), ("煤油", "t"), ("柴油", "GJ"),
             ("燃料油", "t"), ("液化石油气", "tce"), ("炼厂干气", "t"), ("天然气", "亿立方米"), ("电力", "亿千瓦时"),
             ("热力", "万百万千焦"), ("水泥熟料", "万吨"), ("石灰", "t")]  # fmt: skip  # heat default; processes
    rows = [
        {"division_code": d, "year": str(y), "sector": s, "fuel": f, "amount": f"{rng.gamma(2, 50):.3f}", "unit": u}
        for d in ("110000", "440000", "530000") for y in (2022, 2023)
        for s in ("工业", "交通运输", "居民生活") for f, u in fuels
    ]  # fmt: skip
    rows.append({"division_code": "530000", "year": "2023", "sector": "调出", "fuel": "电力", "amount": "12.5",
                 "unit": "亿千瓦时", "flow": "export"})  # fmt: skip
    return pd.DataFrame(rows).fillna("")


def test_account_identical_on_pyspark_and_duckdb(spark):
    local = energy.read_local_factors(
        pd.DataFrame(
            {"fuel": ["褐煤"], "unit": ["t"], "co2_factor": ["1.2"], "source": ["test (CO2 factor only)"]}
        )
    )
    act = pd.concat([activity(), pd.DataFrame([{"division_code": "440000", "year": "2023", "sector": "工业",
                                                "fuel": "褐煤", "amount": "3", "unit": "万吨", "flow": ""}])])  # fmt: skip
    a, f = energy.resolve_factors(
        energy.read_activity(act, file="x.csv"), grid="regional", local=local, file="x.csv"
    )
    a = a.rename(columns={"_row": "row"})
    results = {}
    for name, con in (("duckdb", ibis.duckdb.connect()), ("pyspark", ibis.pyspark.connect(spark))):
        ta = con.create_table(f"activity_{name}", a, overwrite=True)
        tf = con.create_table(f"factors_{name}", f, overwrite=True)
        rows = energy.emissions(ta, tf)
        by = ["division_code", "year", "sector"]
        results[name] = (
            con.execute(
                rows.select("row", "co2_t", "energy_gj", "scope", "ch4_t", "n2o_t", "nonco2_co2e_t", "co2e_t")
            )
            .sort_values("row")
            .reset_index(drop=True),
            con.execute(energy.totals(rows, by)).sort_values(by).reset_index(drop=True),
        )
    for d, s in zip(results["duckdb"], results["pyspark"], strict=True):
        pd.testing.assert_frame_equal(d, s[d.columns], check_dtype=False, rtol=1e-12)
    rows = results["duckdb"][0]
    assert rows["ch4_t"].notna().any() and rows["ch4_t"].isna().any()  # IPCC defaults where found, else none
    assert len(rows) == len(a) and rows["co2_t"].min() < 0  # the export row
    assert rows["co2_t"].iloc[-1] == pytest.approx(36000.0) and pd.isna(
        rows["energy_gj"].iloc[-1]
    )  # 3 万吨 × 1.2
