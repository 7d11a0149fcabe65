"""Agreements as data (validated, versioned, audited, scope-checked) and yearly statements from the lake, for
the three shipped schemes. Every expected number is worked out in the comments.

GB 3838-2002 Table 1 (rivers, mg/L): COD I/II 15, III 20; NH3-N I 0.15, II 0.5, III 1.0, IV 1.5, V 2.0;
TP I 0.02, II 0.1, III 0.2."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pioneer.compensation import service, settlement
from pioneer.compensation.models import Agreement
from pioneer.compensation.template import example_text, parse_agreement
from pioneer.db import session_scope
from pioneer.registry.errors import ImportFailedError, PermissionDeniedError
from pioneer.registry.permissions import Actor, Role

OFFICE = Actor("office", Role.PROGRAMME_OFFICE)


class Audit(list):
    def __call__(self, *args):
        self.append(args)


def _yr(**changes):
    data = parse_agreement(example_text("yellow-river-henan-shandong-2021"))
    return data.model_copy(update=changes)


def _index_term():
    from pioneer.compensation.schemas import Term

    return Term(kind="index_change", label="水质变化补偿", items=["COD", "氨氮", "总磷"],
                reference={"COD": 20, "氨氮": 1.0, "总磷": 0.2}, amount_per_point=100, cap=4000)  # fmt: skip


def test_yellow_river_class_steps_and_index_change(world):
    eng, lake = world
    audit = Audit()
    with session_scope(eng) as s:
        service.create_agreement(s, _yr(), actor=OFFICE, record=audit)
    assert audit[0][:3] == ("create", "compensation_agreement", "YR-HEN-SHD-2021") and audit[0][4] is None
    with session_scope(eng) as s:
        st = settlement.statement(s, "YR-HEN-SHD-2021", 2021, lake=lake)
    # 2021 annual means COD 12 (I), NH3-N 0.25 (II), TP 0.09 (II) → section class II; target III → +1 step
    #   → +1 × 6000 = 6000 万元, paid by 山东 (downstream, 370000) to 河南 (upstream, 410000)
    (line,) = st["lines"]
    assert (
        line["details"]["water_class"] == "II" and line["details"]["steps"] == 1 and line["transfer"] == 6000
    )
    assert st["net"] == {**st["net"], "transfer": 6000.0, "payer": "370000", "payee": "410000"}
    assert st["sections"][0]["annual"] == {"cod": 12.0, "nh3_n": 0.25, "tp": 0.09}
    assert all(v["n_months"] == 12 and v["valid"] for v in st["sections"][0]["validity"])
    assert len(st["inputs"]["lake_imports"]) == 1
    # version 2 adds the index term (references entered by the user):
    #   2020 index 14/20 + 0.30/1.0 + 0.10/0.2 = 0.7 + 0.3 + 0.5 = 1.5; 2021 0.6 + 0.25 + 0.45 = 1.3
    #   change (1.3 − 1.5)/1.5 × 100 = −13.33 % → 13 whole points × 100 = +1300 → net 6000 + 1300 = 7300
    v2 = _yr(terms=[*_yr().terms, _index_term()])
    with session_scope(eng) as s:
        service.update_agreement(s, "YR-HEN-SHD-2021", v2, actor=OFFICE, record=audit, note="index term")
    assert audit[1][0] == "update" and audit[1][4]["version"] == 1 and audit[1][5]["version"] == 2
    with session_scope(eng) as s:
        st2 = settlement.statement(s, "YR-HEN-SHD-2021", 2021, lake=lake)
        st1 = settlement.statement(s, "YR-HEN-SHD-2021", 2021, version=1, lake=lake)
        assert [v.version for v in service.versions(s, "YR-HEN-SHD-2021")] == [1, 2]
    d = st2["lines"][1]["details"]
    assert (d["index_before"], d["index"]) == (pytest.approx(1.5), pytest.approx(1.3))
    assert d["change_points"] == pytest.approx(-13.3333, abs=1e-4) and st2["lines"][1]["transfer"] == 1300
    assert st2["net"]["transfer"] == 7300 and st2["agreement"]["version"] == 2
    assert (
        st1["net"]["transfer"] == 6000 and st1["agreement"]["version"] == 1
    )  # the old version still computes


def test_lushui_monthly_compliance(world):
    eng, lake = world
    with session_scope(eng) as s:
        service.create_agreement(s, parse_agreement(example_text("lushui-jiangxi-hunan-2019")), actor=OFFICE)
        st = settlement.statement(s, "LUSHUI-JX-HN-2019", 2020, lake=lake)
    # NH3-N by month → II II III IV III II — III III V II II; target III: 9 met, 2 missed (Apr, Oct), 1 no data
    #   → 9 × 100 − 2 × 100 = 700 万元 paid by 湖南 (430000) to 江西 (360000)
    d = st["lines"][0]["details"]
    assert d["monthly_classes"] == ["II", "II", "III", "IV", "III", "II", "—", "III", "III", "V", "II", "II"]
    assert (d["months_compliant"], d["months_not_compliant"], d["months_without_data"]) == (9, 2, 1)
    assert st["net"]["transfer"] == 700 and st["net"]["payer"] == "430000" and st["net"]["payee"] == "360000"


def test_xinan_p_index_once_the_user_enters_k0_and_baselines(world):
    eng, lake = world
    t = parse_agreement(example_text("xinan-anhui-zhejiang"))
    with session_scope(eng) as s, pytest.raises(ImportFailedError) as e:
        service.create_agreement(s, t, actor=OFFICE)
    cols = [x.column for x in e.value.errors]
    # k0 missing, and a baseline for each of the four weighted items
    assert cols.count("sections[1].baselines") == 4 and "terms[1].k0" in cols
    with session_scope(eng) as s:
        assert s.scalar(select(func.count()).select_from(Agreement)) == 0  # nothing written
    sec = t.sections[0].model_copy(update={"baselines": {"CODMn": 2.0, "NH3-N": 0.15, "TP": 0.04, "TN": 1.2}})
    filled = t.model_copy(update={"sections": [sec], "terms": [t.terms[0].model_copy(update={"k0": 0.85})]})
    with session_scope(eng) as s:
        service.create_agreement(s, filled, actor=OFFICE)
        st = settlement.statement(s, "XINAN-AH-ZJ", 2013, lake=lake)
    # annual means 1.8, 0.12, 0.03, 1.1 → P = 0.85 × (0.25×1.8/2 + 0.25×0.12/0.15 + 0.25×0.03/0.04 + 0.25×1.1/1.2)
    #   = 0.85 × 0.841667 = 0.715417 ≤ 1 → 浙江 (330000) pays 安徽 (340000) 10000 万元
    d = st["lines"][0]["details"]
    assert d["P"] == pytest.approx(0.7154167, abs=1e-7) and st["net"]["transfer"] == 10000
    assert st["net"]["payer"] == "330000" and "0.7154" in st["lines"][0]["explanation_zh"]


def test_bad_agreements_are_rejected_whole_and_located(world):
    eng, _ = world
    from pioneer.compensation.schemas import Section

    bad = _yr(
        sections=[
            Section(station="不存在", target_class="III"),
            Section(station="金鱼石", target_class="VII"),
        ]
    )
    with session_scope(eng) as s, pytest.raises(ImportFailedError) as e:
        service.create_agreement(s, bad, actor=OFFICE)
    msgs = [(x.column, x.message_en) for x in e.value.errors]
    assert any(c == "sections[1].station" and "unknown section" in m for c, m in msgs)
    # 金鱼石 lies between 江西 and 湖南, not 河南 → 山东; its target class VII does not exist
    assert any(c == "sections[2].station" and "outside the agreement's parties" in m for c, m in msgs)
    assert any(c == "sections[2].target_class" for c, _ in msgs)
    with session_scope(eng) as s:
        assert s.scalar(select(func.count()).select_from(Agreement)) == 0


def test_scope_both_parties_must_be_covered(world):
    eng, _ = world
    henan = Actor("henan", Role.PROVINCE, ("410000",))
    with session_scope(eng) as s, pytest.raises(PermissionDeniedError):
        service.create_agreement(s, _yr(), actor=henan)
    with session_scope(eng) as s:
        assert s.scalar(select(func.count()).select_from(Agreement)) == 0


def test_a_year_without_valid_data_or_outside_the_period(world):
    eng, lake = world
    with session_scope(eng) as s:
        service.create_agreement(s, _yr(), actor=OFFICE)
    with session_scope(eng) as s, pytest.raises(service.StatementError) as e:
        settlement.statement(s, "YR-HEN-SHD-2021", 2022, lake=lake)
    # 2022 has three months of each item; the agreement needs 12 → every item of the class is listed
    msgs = sorted(x.message_en for x in e.value.errors)
    assert len(msgs) == 3 and msgs[0] == (
        "section 刘庄, 2022, cod: 3 month(s) with data, fewer than the agreement's 12 (water class)"
    )
    with (
        session_scope(eng) as s,
        pytest.raises(service.StatementError, match="outside the agreement's period"),
    ):
        settlement.statement(s, "YR-HEN-SHD-2021", 2019, lake=lake)
    with session_scope(eng) as s, pytest.raises(service.AgreementNotFoundError):
        settlement.statement(s, "NOPE", 2021, lake=lake)


def test_monthly_scheme_needs_its_months(world):
    eng, lake = world
    data = parse_agreement(example_text("lushui-jiangxi-hunan-2019")).model_copy(update={"min_months": 12})
    with session_scope(eng) as s:
        service.create_agreement(s, data, actor=OFFICE)
    # 金鱼石 has NH3-N in 11 months of 2020 (none in July) → fewer than 12: refused, the section named
    with session_scope(eng) as s, pytest.raises(service.StatementError) as e:
        settlement.statement(s, "LUSHUI-JX-HN-2019", 2020, lake=lake)
    assert [x.message_en for x in e.value.errors] == [
        "section 金鱼石, 2020: 11 month(s) with data, fewer than the agreement's 12 (monthly classes)"
    ]


def test_bare_nd_rows_are_left_out_and_counted(world, tmp_path):
    import pandas as pd

    from pioneer.lake.ingest import ingest

    eng, lake = world
    # one extra 2021 sample of 刘庄 reported as a bare "ND" (no detection limit): it cannot enter the NH3-N mean
    extra = tmp_path / "nd.csv"
    pd.DataFrame([("刘庄", "2021-06-20", "氨氮", "ND", "mg/L")],
                 columns=["section", "time", "item", "value", "unit"]).to_csv(extra, index=False)  # fmt: skip
    assert ingest([extra], lake=lake, layout="water-long")[0].rows_rejected == 0
    with session_scope(eng) as s:
        service.create_agreement(s, _yr(), actor=OFFICE)
        st = settlement.statement(s, "YR-HEN-SHD-2021", 2021, lake=lake)
    assert st["inputs"]["exclusions"] == {"rows_nd_without_detection_limit": 1}
    assert st["sections"][0]["annual"]["nh3_n"] == 0.25 and st["net"]["transfer"] == 6000
