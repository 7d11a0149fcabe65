"""Tests of pioneer.standards.water (GB 3838-2002, 2011 evaluation method, CWQI 2017, TLI 2001, 2020 rule)."""

from __future__ import annotations

import math
from pathlib import Path

import ibis
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pioneer.cli import app
from pioneer.errors import InputError
from pioneer.standards import water

DATA = Path(__file__).parents[2] / "data" / "water"

# GB 3838-2002 Table 1 (classes I..V), typed here from the standard independently of the package table.
GB3838_2002_TABLE1 = {
    "codmn": [2, 4, 6, 10, 15],
    "cod": [15, 15, 20, 30, 40],
    "bod5": [3, 3, 4, 6, 10],
    "nh3_n": [0.15, 0.5, 1.0, 1.5, 2.0],
    "tp": [0.02, 0.1, 0.2, 0.3, 0.4],
    "cu": [0.01, 1.0, 1.0, 1.0, 1.0],
    "zn": [0.05, 1.0, 1.0, 2.0, 2.0],
    "fluoride": [1.0, 1.0, 1.0, 1.5, 1.5],
    "se": [0.01, 0.01, 0.01, 0.02, 0.02],
    "as": [0.05, 0.05, 0.05, 0.1, 0.1],
    "hg": [0.00005, 0.00005, 0.0001, 0.001, 0.001],
    "cd": [0.001, 0.005, 0.005, 0.005, 0.01],
    "cr6": [0.01, 0.05, 0.05, 0.05, 0.1],
    "pb": [0.01, 0.01, 0.05, 0.05, 0.1],
    "cyanide": [0.005, 0.05, 0.2, 0.2, 0.2],
    "volatile_phenol": [0.002, 0.002, 0.005, 0.01, 0.1],
    "petroleum": [0.05, 0.05, 0.05, 0.5, 1.0],
    "las": [0.2, 0.2, 0.2, 0.3, 0.3],
    "sulfide": [0.05, 0.1, 0.2, 0.5, 1.0],
    "fecal_coliform": [200, 2000, 10000, 20000, 40000],
}
GB3838_2002_TABLE1_LAKE = dict(
    GB3838_2002_TABLE1, tp=[0.01, 0.025, 0.05, 0.1, 0.2], tn=[0.2, 0.5, 1.0, 1.5, 2.0]
)


def _boundary_cases(table: dict[str, list[float]]) -> list[tuple[str, float, int]]:
    """At each limit → best class having that limit; just below → that class or better; above → next."""
    cases = []
    for p, lims in table.items():
        for k, lim in enumerate(lims, start=1):
            best = lims.index(lim) + 1  # shared limits go to the best class
            last = len(lims) - lims[::-1].index(lim)  # worst class with the same limit
            cases.append((p, lim, best))
            below = lims[best - 2] if best > 1 else None
            cases.append(
                (p, lim * (1 - 1e-6), best if below is None or lim * (1 - 1e-6) > below else best - 1)
            )
            cases.append((p, lim * (1 + 1e-6), last + 1))
            del k
    return cases


@pytest.mark.parametrize(("parameter", "value", "expected"), _boundary_cases(GB3838_2002_TABLE1))
def test_river_limits_at_below_above(parameter: str, value: float, expected: int) -> None:
    assert water.water_quality_class(value, parameter, waterbody="river") == expected


@pytest.mark.parametrize(("parameter", "value", "expected"), _boundary_cases(GB3838_2002_TABLE1_LAKE))
@pytest.mark.parametrize("waterbody", ["lake", "reservoir"])
def test_lake_limits_at_below_above(parameter: str, value: float, expected: int, waterbody: str) -> None:
    assert water.water_quality_class(value, parameter, waterbody=waterbody) == expected


def test_tn_has_no_river_class_and_lake_tp_differs() -> None:
    assert math.isnan(water.water_quality_class(0.1, "tn", waterbody="river"))
    assert water.water_quality_class(0.05, "总磷", waterbody="river") == 2
    assert water.water_quality_class(0.05, "总磷", waterbody="lake") == 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (7.5, 1),
        (7.49, 2),
        (6, 2),
        (5.99, 3),
        (5, 3),
        (4.99, 4),
        (3, 4),
        (2.99, 5),
        (2, 5),
        (1.99, 6),
        (12, 1),
    ],
)
def test_do_is_at_least(value: float, expected: int) -> None:
    assert water.water_quality_class(value, "溶解氧") == expected


@pytest.mark.parametrize(("value", "expected"), [(6, 1), (9, 1), (7.4, 1), (5.99, 6), (9.01, 6), (0, 6)])
def test_ph_range(value: float, expected: int) -> None:
    assert water.water_quality_class(value, "pH值") == expected


def test_vector_matches_scalar_loop_and_ibis() -> None:
    v = np.array([0.1, 0.15, 0.16, 0.5, 1.0, 1.2, 1.5, 2.0, 2.01, np.nan])
    scalar = [water.water_quality_class(x, "nh3_n") for x in v]
    vec = water.water_quality_class(v, "nh3_n")
    np.testing.assert_array_equal(vec[:-1], scalar[:-1])
    assert np.isnan(vec[-1])
    s = pd.Series(v, index=list("abcdefghij"))
    assert list(water.water_quality_class(s, "nh3_n").index) == list("abcdefghij")
    t = ibis.memtable({"v": v})
    got = t.select(c=water.water_quality_class(t.v, "nh3_n")).execute()["c"].to_numpy(dtype=float)
    np.testing.assert_array_equal(got, vec)


def test_class_label_and_status() -> None:
    assert list(water.class_label(np.array([1, 2, 3, 4, 5, 6]))) == ["I", "II", "III", "IV", "V", "劣V"]
    assert list(water.status_from_class(np.array([1, 2, 3, 4, 5, 6]))) == [
        "优", "优", "良好", "轻度污染", "中度污染", "重度污染",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "value", "bdl"),
    [("0.5", 0.5, False), ("ND", 0.01, True), ("未检出", 0.01, True), ("<0.004", 0.004, True),
     ("0.004L", 0.004, True), ("0.02 L", 0.02, True), (" 1.25 ", 1.25, False)],
)  # fmt: skip
def test_parse_reported_values(raw: str, value: float, bdl: bool) -> None:
    r = water.parse_reported_values(pd.Series([raw]), pd.Series(["0.01"]))
    assert r["value"].iloc[0] == pytest.approx(value)
    assert bool(r["below_detection"].iloc[0]) is bdl
    assert bool(r["ok"].iloc[0])


def test_parameter_aliases() -> None:
    for name, code in [("高锰酸盐指数", "codmn"), ("CODMn", "codmn"), ("氨氮", "nh3_n"), ("NH3-N", "nh3_n"),
                       ("总磷", "tp"), ("TP", "tp"), ("六价铬", "cr6"), ("粪大肠菌群", "fecal_coliform")]:  # fmt: skip
        assert water.parameter_code(name) == code
    with pytest.raises(KeyError, match=r"water_parameter_aliases\.csv"):
        water.parameter_code("unobtainium")


def _samples(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["section", "waterbody_type", "time", "parameter", "value", "unit"])


def test_read_samples_units_and_wide_layout() -> None:
    s = water.read_samples(_samples([("A", "river", "2025-06-01", "Hg", "0.08", "µg/L"),
                                     ("A", "river", "2025-06-01", "粪大肠菌群", "150", "MPN/100mL")]))  # fmt: skip
    assert s["value"].tolist() == pytest.approx([0.00008, 1500.0])
    wide = pd.DataFrame({"section": ["A"], "time": ["2025-06-01"], "氨氮": ["0.3"], "总磷": ["ND"]})
    with pytest.raises(InputError, match="detection limit"):
        water.read_samples(wide)
    wide["总磷"] = "0.01L"
    s = water.read_samples(wide)
    assert set(s["parameter"]) == {"nh3_n", "tp"}
    assert s.set_index("parameter").loc["tp", "below_detection"]


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        (("A", "river", "2025-06-01", "unobtainium", "1", "mg/L"), "parameter", "unknown parameter"),
        (("A", "river", "2025-06-01", "氨氮", "1", "kg/furlong"), "unit", "unknown unit"),
        (("A", "river", "2025-06-01", "氨氮", "-0.1", "mg/L"), "value", "negative"),
        (("A", "river", "2025-06-01", "pH", "15", ""), "value", "pH"),
        (("A", "river", "2025-13-45", "氨氮", "1", "mg/L"), "time", "time"),
        (("A", "river", "2025-06-01", "氨氮", "abc", "mg/L"), "value", "parsed"),
        (("A", "sea", "2025-06-01", "氨氮", "1", "mg/L"), "waterbody_type", "waterbody"),
    ],
)
def test_bad_input_is_located(row: tuple, column: str, fragment: str) -> None:
    good = ("B", "river", "2025-06-01", "氨氮", "0.5", "mg/L")
    with pytest.raises(InputError) as e:
        water.read_samples(_samples([good, row]), file="s.csv")
    assert (e.value.file, e.value.row, e.value.column) == ("s.csv", 3, column)
    assert fragment in e.value.message_en
    assert e.value.message_zh  # Chinese message present


def test_duplicate_with_different_values_is_an_error_identical_is_dropped() -> None:
    a = ("A", "river", "2025-06-01", "氨氮", "0.5", "mg/L")
    assert len(water.read_samples(_samples([a, a]))) == 1
    with pytest.raises(InputError) as e:
        water.read_samples(_samples([a, ("A", "river", "2025-06-01", "NH3-N", "0.6", "mg/L")]))
    assert e.value.row == 3 and "duplicate" in e.value.message_en


def _table(rows: list[tuple]) -> ibis.Table:
    return ibis.memtable(water.read_samples(_samples(rows)).drop(columns=["_row"]))


def test_sample_section_class_exceeding_items_and_main_pollutants() -> None:
    # hand computation: NH3-N 1.6 → V (multiple (1.6−1)/1 = 0.60); TP 0.25 → IV (0.25); CODMn 12 → V
    # ((12−6)/6 = 1.00); DO 2.5 → V (no multiple); fecal coliform 50000 → 劣V but not an evaluation item.
    with pytest.raises(InputError):  # ND without a detection limit cannot be evaluated
        water.read_samples(_samples([("A", "river", "2025-06-01", "化学需氧量", "ND", "mg/L")]))
    t = _table([("A", "river", "2025-06-01", p, v, u) for p, v, u in [
        ("氨氮", "1.6", "mg/L"), ("总磷", "0.25", "mg/L"), ("高锰酸盐指数", "12", "mg/L"), ("DO", "2.5", "mg/L"),
        ("粪大肠菌群", "50000", "个/L"), ("pH", "7.8", ""), ("化学需氧量", "<10", "mg/L")]])  # fmt: skip
    items, sections = water.sample_classes(t)
    s = sections.execute().iloc[0]
    assert s["class_label"] == "V" and s["status"] == "中度污染"
    assert s["exceeding_items"] == "高锰酸盐指数(1.00),氨氮(0.60),溶解氧,总磷（以P计）(0.25)"
    assert s["main_pollutants"] == "高锰酸盐指数(1.00),氨氮(0.60),溶解氧"
    i = items.execute().set_index("parameter")
    assert i.loc["fecal_coliform", "water_class"] == 6 and not i.loc["fecal_coliform", "eval_2011"]
    assert i.loc["cod", "water_class"] == 1  # classed by its detection limit 10 ≤ 15


def test_period_values_half_detection_limit_ph_and_rounding() -> None:
    rows = [
        ("A", "river", "2025-06-01", "氨氮", "0.25", "mg/L"),
        ("A", "river", "2025-06-15", "氨氮", "0.02L", "mg/L"),  # enters as 0.01 (2020 rule point 7)
        ("A", "river", "2025-07-01", "氨氮", "0.5", "mg/L"),
        ("A", "river", "2025-06-01", "pH", "6", ""),
        ("A", "river", "2025-06-15", "pH", "8", ""),
        ("A", "river", "2025-06-01", "总磷", "0.0625", "mg/L"),
        ("A", "river", "2025-06-15", "总磷", "0.0625", "mg/L"),
    ]
    t = _table(rows)
    m = water.period_values(t, period="2025-06").execute().set_index("parameter")["value"]
    assert m["nh3_n"] == pytest.approx(0.13)  # (0.25 + 0.01)/2 = 0.13
    # pH via H+: −log10((1e-6 + 1e-8)/2) = 6.2967… → 0 decimals → 6
    assert m["ph"] == 6
    assert m["tp"] == pytest.approx(0.062)  # 0.0625 → 3 decimals half-even → 0.062
    y = water.period_values(t, period="2025").execute().set_index("parameter")
    assert y.loc["nh3_n", "value"] == pytest.approx(
        0.32
    )  # mean of monthly means (0.13 + 0.5)/2 = 0.315 → 0.32
    assert y.loc["nh3_n", "n_months"] == 2
    with pytest.raises(ValueError, match="YYYY"):
        water.period_values(t, period="2025-13")


def test_round_half_even_is_decimal() -> None:
    got = water._round_half_even(
        np.array([0.125, 0.135, 2.675, 0.0625, 1.5, 2.5]), np.array([2, 2, 2, 3, 0, 0])
    )
    np.testing.assert_allclose(got, [0.12, 0.14, 2.68, 0.062, 2, 2])


def _sections(classes: list[int], division: str = "D") -> pd.DataFrame:
    """Period values chosen so each section gets exactly the given NH3-N class."""
    nh3 = {1: 0.1, 2: 0.4, 3: 0.9, 4: 1.4, 5: 1.9, 6: 3.0}
    return pd.DataFrame(
        {
            "section": [f"{division}{i}" for i in range(len(classes))],
            "waterbody_type": "river",
            "city": division,
            "parameter": "nh3_n",
            "value": [nh3[c] for c in classes],
        }  # fmt: skip
    )


@pytest.mark.parametrize(
    ("classes", "status"),
    [
        ([1] * 9 + [4], "优"),  # 90 % I–III
        ([2] * 8 + [6] * 2, "良好"),  # 80 %
        ([3] * 15 + [6] * 5, "良好"),  # exactly 75 %
        ([3] * 7 + [4] * 2 + [6], "轻度污染"),  # 70 %, 劣V 10 %
        ([3] * 7 + [6] * 3, "中度污染"),  # 劣V 30 %
        ([1] * 6 + [4] * 2 + [6] * 2, "中度污染"),  # 劣V exactly 20 %
        ([1] * 6 + [6] * 4, "重度污染"),  # 劣V exactly 40 %
        ([1, 1, 1, 1, 6], "良好"),  # 5 sections: share method (80 %)
    ],
)
def test_division_status_by_share(classes: list[int], status: str) -> None:
    v = ibis.memtable(_sections(classes))
    _, sec = water.section_results(v, keys=("city",))
    r = water.division_status(v, sec, by="city").execute().iloc[0]
    assert r["method"] == "share" and r["status"] == status
    assert r["n_sections"] == len(classes)
    assert r["good_share"] == pytest.approx(round(100 * sum(c <= 3 for c in classes) / len(classes), 1))


def test_division_with_fewer_than_five_sections_uses_mean_concentrations() -> None:
    # 4 sections: NH3-N 0.1, 0.4, 3.0, 0.9 → mean 1.1 → class IV 轻度污染 (share method would say 75 % 良好)
    v = ibis.memtable(_sections([1, 2, 6, 3]))
    _, sec = water.section_results(v, keys=("city",))
    r = water.division_status(v, sec, by="city").execute().iloc[0]
    assert (r["method"], r["class_label"], r["status"], r["good_share"]) == ("mean", "IV", "轻度污染", 75.0)
    r = water.division_status(v, sec, by="city", min_sections=4).execute().iloc[0]
    assert (r["method"], r["status"]) == ("share", "良好")


def test_status_and_share_change() -> None:
    assert water.status_change("良好", "优") == "有所好转"
    assert water.status_change("优", "中度污染") == "明显变差"
    assert water.status_change("良好", "良好") == "无明显变化"
    # ΔG − ΔD: (80−60) − (5−10) = 25 → 明显好转; (70−65) − (10−5) = 0 → 无明显变化; −15 → 有所变差
    assert list(water.share_change([60, 65, 80], [10, 5, 5], [80, 70, 70], [5, 10, 10])) == [
        "明显好转", "无明显变化", "有所变差",
    ]  # fmt: skip


def test_cwqi_items_hand_computed() -> None:
    assert water.cwqi_item(7.5, "pH") == pytest.approx(0.25)
    assert water.cwqi_item(6.5, "pH") == pytest.approx(0.5)
    assert water.cwqi_item(4.0, "DO") == pytest.approx(1.25)
    assert water.cwqi_item(0.1, "TP", waterbody="river") == pytest.approx(0.5)
    assert water.cwqi_item(0.1, "TP", waterbody="lake") == pytest.approx(2.0)
    assert water.cwqi_item(30, "COD") == pytest.approx(1.5)


def test_cwqi_section_and_city_hand_computed() -> None:
    v = pd.DataFrame(
        [("R1", "river", "C", "ph", 8.0), ("R1", "river", "C", "do", 5.0), ("R1", "river", "C", "nh3_n", 0.5),
         ("R2", "river", "C", "ph", 8.0), ("R2", "river", "C", "do", 10.0), ("R2", "river", "C", "nh3_n", 1.5),
         ("L1", "lake", "C", "ph", 7.0), ("L1", "lake", "C", "tp", 0.1), ("L1", "lake", "C", "tn", 9.9)],
        columns=["section", "waterbody_type", "city", "parameter", "value"],
    )  # fmt: skip
    t = ibis.memtable(v)
    c = water.cwqi_sections(t).execute().set_index("section")
    assert c.loc["R1", "cwqi"] == pytest.approx(0.5 + 1.0 + 0.5)
    assert c.loc["R2", "cwqi"] == pytest.approx(0.5 + 0.5 + 1.5)
    assert c.loc["L1", "cwqi"] == pytest.approx(0 + 2.0)  # TN is not a CWQI item
    city = water.cwqi_by_division(t, by="city").execute().iloc[0]
    # river index from mean concentrations: pH 8 → 0.5; DO 7.5 → 5/7.5; NH3-N 1.0 → 1.0
    river = 0.5 + 5 / 7.5 + 1.0
    assert city["cwqi_river"] == pytest.approx(river)
    assert city["cwqi"] == pytest.approx((river * 2 + 2.0 * 1) / 3)


def _tli_by_hand(chla: float, tp: float, tn: float, sd: float, codmn: float) -> float:
    r2 = {"chla": 1.0, "tp": 0.84**2, "tn": 0.82**2, "sd": 0.83**2, "codmn": 0.83**2}
    parts = {
        "chla": 10 * (2.5 + 1.086 * math.log(chla)),
        "tp": 10 * (9.436 + 1.624 * math.log(tp)),
        "tn": 10 * (5.453 + 1.694 * math.log(tn)),
        "sd": 10 * (5.118 - 1.94 * math.log(sd)),
        "codmn": 10 * (0.109 + 2.661 * math.log(codmn)),
    }
    return sum(r2[k] * parts[k] for k in parts) / sum(r2.values())


def test_tli_hand_computed_and_weights() -> None:
    assert water.tli(chla=10, tp=0.05, tn=1.0, sd=1.0, codmn=4.0) == pytest.approx(
        _tli_by_hand(10, 0.05, 1, 1, 4)
    )
    # at chla = 1 mg/m³ (ln = 0) the chla component is 25; alone it is the index
    assert water.tli(chla=1.0) == pytest.approx(25.0)
    w = water.TLI_PARAMETERS["r_ij_squared"] / water.TLI_PARAMETERS["r_ij_squared"].sum()
    np.testing.assert_allclose(w.to_numpy(), [0.2663, 0.1879, 0.1790, 0.1834, 0.1834], atol=1e-4)
    t = ibis.memtable(
        {"c": [10.0, 2.0], "p": [0.05, 0.01], "n": [1.0, 0.3], "s": [1.0, 3.0], "m": [4.0, 2.0]}
    )
    got = t.select(x=water.tli(t.c, t.p, t.n, t.s, t.m)).execute()["x"]
    np.testing.assert_allclose(got, [_tli_by_hand(10, 0.05, 1, 1, 4), _tli_by_hand(2, 0.01, 0.3, 3, 2)])


@pytest.mark.parametrize(
    ("x", "state"),
    [(29.9, "贫营养"), (30, "中营养"), (50, "中营养"), (50.1, "轻度富营养"), (60, "轻度富营养"),
     (60.1, "中度富营养"), (70, "中度富营养"), (70.1, "重度富营养")],
)  # fmt: skip
def test_trophic_state_boundaries(x: float, state: str) -> None:
    assert water.trophic_state(x) == state


def test_drinking_source_compliance() -> None:
    v = pd.DataFrame(
        [("S1", "river", "C", "nh3_n", 0.9), ("S1", "river", "C", "fe", 0.2),
         ("S2", "river", "C", "nh3_n", 0.9), ("S2", "river", "C", "fe", 0.35),
         ("S3", "river", "C", "nh3_n", 1.1), ("S4", "lake", "C", "tp", 0.05)],
        columns=["section", "waterbody_type", "city", "parameter", "value"],
    )  # fmt: skip
    r = water.drinking_source_compliance(ibis.memtable(v), by="city").execute().iloc[0]
    assert (r["n_sources"], r["n_compliant"], r["compliance_rate"]) == (4, 2, 50.0)


# ---------------------------------------------------------------------------------------------- CLI
runner = CliRunner()


def test_cli_classify_and_assess(tmp_path: Path) -> None:
    out = tmp_path / "classes.csv"
    r = runner.invoke(app, ["water", "classify", str(DATA / "samples_long.csv"), "-o", str(out), "--items"])
    assert r.exit_code == 0, r.output
    df = pd.read_csv(out, dtype=str, keep_default_na=False)
    sec = df[df["parameter"] == ""].set_index(["section", "time"])
    assert sec.loc[("甲河入境", "2025-06-05 00:00"), "class"] == "劣V"
    assert sec.loc[("甲河入境", "2025-06-05 00:00"), "status"] == "重度污染"
    assert sec.loc[("乙湖中心", "2025-06-05 00:00"), "class"] == "III"
    assert (df["parameter"] != "").sum() > 0
    out2 = tmp_path / "assess.csv"
    r = runner.invoke(app, ["water", "assess", str(DATA / "samples_long.csv"), "--period", "2025", "--by", "city",
                            "-o", str(out2)])  # fmt: skip
    assert r.exit_code == 0, r.output
    a = pd.read_csv(out2)
    assert set(a.columns) >= {"city", "n_sections", "good_share", "worse_v_share", "status", "cwqi", "method"}
    out3 = tmp_path / "sections.csv"
    r = runner.invoke(app, ["water", "assess", str(DATA / "samples_long.csv"), "--period", "2025-06",
                            "-o", str(out3)])  # fmt: skip
    assert r.exit_code == 0, r.output
    s = pd.read_csv(out3).set_index("section")
    assert s.loc["乙湖中心", "trophic_state"] in {"中营养", "轻度富营养"}
    assert not math.isnan(s.loc["乙湖中心", "tli"])


def test_cli_bad_input_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("section,time,parameter,value,unit\nA,2025-06-01,氨氮,0.5,mg/L\nA,2025-06-01,总磷,0.1,furlong\n",
                   encoding="utf-8")  # fmt: skip
    out = tmp_path / "out.csv"
    r = runner.invoke(app, ["water", "classify", str(bad), "-o", str(out)])
    assert r.exit_code != 0
    assert "第 3 行" in r.output and "row 3" in r.output and "unit" in r.output
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]
    r = runner.invoke(app, ["water", "assess", str(bad), "--period", "2025-6", "-o", str(out)])
    assert r.exit_code != 0 and not out.exists()


def test_table_join_path_matches_per_parameter_function() -> None:
    """The Ibis join path used by the chains (item_classes) agrees with water_quality_class on every item."""
    rng = np.random.default_rng(7)
    rows = []
    for wb in ("river", "lake"):
        for p, lims in {**GB3838_2002_TABLE1_LAKE, "ph": [6, 9], "do": [7.5, 2]}.items():
            vals = np.concatenate([np.asarray(lims, float), rng.uniform(0, 2.2 * max(lims), 40)])
            rows += [(f"{wb}-{p}", wb, p, float(v)) for v in vals]
    df = pd.DataFrame(rows, columns=["section", "waterbody_type", "parameter", "value"]).reset_index()
    got = water.item_classes(ibis.memtable(df)).execute().sort_values("index")
    expected = [
        water.water_quality_class(v, p, waterbody=w)
        for v, p, w in zip(df["value"], df["parameter"], df["waterbody_type"], strict=True)
    ]
    np.testing.assert_array_equal(got["water_class"].to_numpy(dtype=float), np.asarray(expected, dtype=float))


def test_cli_assess_compare_periods(tmp_path: Path) -> None:
    out = tmp_path / "cmp.csv"
    args = ["water", "assess", str(DATA / "samples_long.csv"), "--period", "2025-07", "--compare", "2025-06"]
    r = runner.invoke(app, [*args, "-o", str(out)])
    assert r.exit_code == 0, r.output
    s = pd.read_csv(out).set_index("section")
    # 甲河入境: June 劣V (NH3-N 2.5) 重度污染 → July III (NH3-N 0.8, TP 0.15) 良好: three levels better
    assert (s.loc["甲河入境", "status_base"], s.loc["甲河入境", "status"]) == ("重度污染", "良好")
    assert s.loc["甲河入境", "change_by_status"] == "明显好转"
    r = runner.invoke(app, [*args, "--by", "city", "-o", str(out)])
    assert r.exit_code == 0, r.output
    c = pd.read_csv(out).iloc[0]
    assert c["change_by_shares"] == "明显好转" and c["cwqi_change_pct"] < 0


@pytest.mark.spark
def test_chains_run_on_pyspark_like_duckdb(spark) -> None:
    """The same expressions on the PySpark backend give the DuckDB results (classes, statuses, CWQI, TLI)."""
    df = water.read_samples(pd.read_csv(DATA / "samples_long.csv", dtype=str, keep_default_na=False))
    df = df.drop(columns=["_row"])

    def run(con: ibis.BaseBackend) -> list[pd.DataFrame]:
        t = con.create_table("samples", df, overwrite=True)
        pv = water.period_values(t, period="2025", keys=("city",))
        _, sec = water.section_results(pv, keys=("city",))
        exprs = [
            (water.sample_classes(t)[1], ["section", "time"]),
            (sec, ["section"]),
            (water.division_status(pv, sec, by="city"), ["city"]),
            (water.cwqi_by_division(pv, by="city"), ["city"]),
            (water.tli_sections(pv), ["section"]),
        ]
        return [con.to_pyarrow(e).to_pandas().sort_values(k).reset_index(drop=True) for e, k in exprs]

    for a, b in zip(run(ibis.pyspark.connect(spark)), run(ibis.duckdb.connect()), strict=True):
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
