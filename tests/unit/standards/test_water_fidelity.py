"""Fidelity checks of the water rules against the texts (issue 16 item 6): pH classed from the unrounded
mean, cyanide and heavy metals first among the main pollutants, river main pollutants by the sections'
exceedance rate, lake total nitrogen classed in the assessment output."""

from __future__ import annotations

from pathlib import Path

import ibis
import pandas as pd
import pytest
from typer.testing import CliRunner

from pioneer.cli import app
from pioneer.standards import water

runner = CliRunner()


def _samples(rows: list[tuple]) -> ibis.Table:
    df = pd.DataFrame(rows, columns=["section", "waterbody_type", "time", "parameter", "value", "unit"])
    return ibis.memtable(water.read_samples(df).drop(columns=["_row"]))


@pytest.mark.parametrize(("ph", "label"), [(9.4, "劣V"), (5.5, "劣V"), (9.0, "I"), (6.0, "I"), (8.6, "I")])
def test_annual_ph_is_classed_from_the_mean_itself(ph: float, label: str) -> None:
    # GB 3838-2002 Table 1: 6 ≤ pH ≤ 9. Every monthly sample has the same pH, so the annual mean is that pH;
    # rounding it to the 2020 evaluation decimals (0) would give 9 or 6, i.e. class I for 9.4 and 5.5.
    rows = [("A", "river", f"2025-{m:02d}-05", "pH", str(ph), "") for m in range(1, 13)]
    rows += [("A", "river", f"2025-{m:02d}-05", "氨氮", "0.1", "mg/L") for m in range(1, 13)]
    pv = water.period_values(_samples(rows), period="2025")
    got = pv.execute().set_index("parameter")
    assert got.loc["ph", "value_exact"] == pytest.approx(ph)
    items, sec = water.section_results(pv)
    s = sec.execute().iloc[0]
    assert s["class_label"] == label
    i = items.execute().set_index("parameter")
    assert water.class_label(int(i.loc["ph", "water_class"])) == label


def test_division_mean_method_classes_ph_unrounded() -> None:
    # two sections (mean method): both pH 9.4 → mean 9.4 → 劣V, although the rounded mean is 9
    v = ibis.memtable(pd.DataFrame({
        "section": ["A", "B"], "waterbody_type": "river", "city": "D", "parameter": "ph",
        "value": [9.0, 9.0], "value_exact": [9.4, 9.4],
    }))  # fmt: skip
    _, sec = water.section_results(v, keys=("city",))
    assert set(sec.execute()["class_label"]) == {"劣V"}
    r = water.division_status(v, sec, by="city").execute().iloc[0]
    assert (r["method"], r["class_label"]) == ("mean", "劣V")


def test_cyanide_and_heavy_metals_come_first_among_main_pollutants() -> None:
    # CODMn 20 → 劣V (multiple 2.33), NH3-N 2.5 → 劣V (1.50), TP 0.5 → 劣V (1.50), cyanide 0.25 → 劣V (0.25),
    # Pb 0.06 → V (0.20). Without the rule the main pollutants would be CODMn, NH3-N, TP; with it cyanide and
    # lead lead the list (2011 method §2(4)1), then the worst remaining item.
    t = _samples([("A", "river", "2025-06-01", p, v, "mg/L") for p, v in [
        ("高锰酸盐指数", "20"), ("氨氮", "2.5"), ("总磷", "0.5"), ("氰化物", "0.25"), ("铅", "0.06")]])  # fmt: skip
    _, sec = water.sample_classes(t)
    s = sec.execute().iloc[0]
    assert s["main_pollutants"] == "氰化物(0.25),铅(0.20),高锰酸盐指数(2.33)"
    # the list of exceeding items keeps the class-then-multiple order
    assert s["exceeding_items"].split(",")[0] == "高锰酸盐指数(2.33)"
    assert set(water.PRIORITY_POLLUTANTS_2011) >= {"cyanide", "pb", "cr6", "hg", "cd", "as"}


def test_no_main_pollutants_when_nothing_exceeds_class_iii() -> None:
    t = _samples(
        [
            ("A", "river", "2025-06-01", "氰化物", "0.1", "mg/L"),
            ("A", "river", "2025-06-01", "氨氮", "0.9", "mg/L"),
        ]
    )
    s = water.sample_classes(t)[1].execute().iloc[0]
    assert s["class_label"] == "III" and s["main_pollutants"] == ""


def test_river_main_pollutants_by_section_exceedance_rate() -> None:
    # 10 sections. NH3-N worse than III at 4 (40 %), TP at 3 (30 %), CODMn at 1 (10 %), BOD5 at 2 (20 %):
    # main pollutants = the three highest rates (2011 method §2(4)2), not the worst single value.
    n = 10
    vals = {
        "nh3_n": [2.5] * 4 + [0.5] * 6,
        "tp": [0.3] * 3 + [0.1] * 7,
        "codmn": [0.0] * 9 + [40.0],
        "bod5": [5.0] * 2 + [3.0] * 8,
    }
    rows = [(f"S{i}", p, vals[p][i]) for p in vals for i in range(n)]
    v = ibis.memtable(pd.DataFrame(rows, columns=["section", "parameter", "value"]).assign(
        waterbody_type="river", city="D"))  # fmt: skip
    _, sec = water.section_results(v, keys=("city",))
    r = water.division_status(v, sec, by="city").execute().iloc[0]
    assert r["method"] == "share"
    assert r["main_pollutants"] == "氨氮(40.0%),总磷（以P计）(30.0%),五日生化需氧量(20.0%)"


def test_division_with_few_sections_names_no_division_main_pollutants() -> None:
    v = ibis.memtable(pd.DataFrame({"section": ["A", "B"], "parameter": "nh3_n", "value": [3.0, 3.0],
                                    "waterbody_type": "river", "city": "D"}))  # fmt: skip
    _, sec = water.section_results(v, keys=("city",))
    r = water.division_status(v, sec, by="city").execute().iloc[0]
    assert r["method"] == "mean" and pd.isna(r["main_pollutants"])


def test_lake_total_nitrogen_is_classed_in_the_assessment_output(tmp_path: Path) -> None:
    # lake TN 1.2 → class IV (GB 3838-2002 Table 1: 0.2/0.5/1.0/1.5/2.0), reported but not driving the class
    rows = [("湖心", "lake", f"2025-{m:02d}-05", p, v, "mg/L") for m in (6, 7) for p, v in
            [("总氮", "1.2"), ("总磷", "0.02"), ("氨氮", "0.1")]]  # fmt: skip
    rows += [
        ("河口", "river", "2025-06-05", "总氮", "5", "mg/L"),
        ("河口", "river", "2025-06-05", "氨氮", "0.1", "mg/L"),
    ]
    src = tmp_path / "s.csv"
    pd.DataFrame(rows, columns=["section", "waterbody_type", "time", "parameter", "value", "unit"]).to_csv(
        src, index=False
    )
    out = tmp_path / "o.csv"
    r = runner.invoke(app, ["water", "assess", str(src), "--period", "2025", "-o", str(out)])
    assert r.exit_code == 0, r.output
    s = pd.read_csv(out).set_index("section")
    assert s.loc["湖心", "tn_class"] == "IV" and s.loc["湖心", "class"] == "II"
    assert pd.isna(s.loc["河口", "tn_class"])  # rivers have no TN limits
