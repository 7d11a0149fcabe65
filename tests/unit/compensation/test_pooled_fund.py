"""The N-party pooled fund (赤水河 云贵川 2018–2020): contributions and allocation by ratio, deductions per
section borne and received by shares. Every number is worked out by hand in the comments."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from pioneer.cli import app
from pioneer.compensation import fund
from pioneer.registry.errors import ImportFailedError
from pioneer.standards.compensation import fund_shares, pooled_fund

YN, GZ, SC = "530000", "520000", "510000"


def test_contributions_and_allocation_by_ratio():
    # 2 亿元 = 20000 万元; 1:5:4 → 2000, 10000, 8000; 3:4:3 → 6000, 8000, 6000
    assert fund_shares(20000, {YN: 1, GZ: 5, SC: 4}) == {YN: 2000, GZ: 10000, SC: 8000}
    assert fund_shares(20000, {YN: 3, GZ: 4, SC: 3}) == {YN: 6000, GZ: 8000, SC: 6000}
    with pytest.raises(ValueError):
        fund_shares(1, {YN: 0})


def test_all_sections_met_reproduces_the_published_transfers():
    # 云南 6000 − 2000 = +4000; 贵州 8000 − 10000 = −2000; 四川 6000 − 8000 = −2000:
    # "贵州省和四川省各出资2000万元补偿上游的云南省" (新华社 2020-12-15)
    res = fund.settle(fund.parse_fund(fund.example_text("chishui-2018")))
    assert [res["parties"][p]["net"] for p in (YN, GZ, SC)] == [4000, -2000, -2000]
    assert res["unallocated"] == 0 and sum(v["net"] for v in res["parties"].values()) == 0


def test_partly_met_sections():
    # 清水铺 2 of 3 items met: 6000 × (1 − 2/3) = 2000 forfeited by 云南, 1000 each to 贵州 and 四川
    # 鲢鱼溪 not met: 4000 × 1 = 4000 forfeited by 贵州 to 四川
    # 茅台镇上游 half met: 8000 × 0.5 = 4000, 2000 borne each by 贵州 and 四川, kept in the fund
    # 云南 4000 − 2000 = 2000; 贵州 −2000 + 1000 − 4000 − 2000 = −7000; 四川 −2000 + 1000 + 4000 − 2000 = 1000
    res = fund.settle(fund.parse_fund(fund.example_text("chishui-2018")),
                      {"清水铺": 2 / 3, "鲢鱼溪": 0, "茅台镇上游新增断面": 0.5})  # fmt: skip
    nets = [res["parties"][p]["net"] for p in (YN, GZ, SC)]
    assert nets == pytest.approx([2000, -7000, 1000])
    assert res["unallocated"] == pytest.approx(4000)
    assert sum(nets) + res["unallocated"] == pytest.approx(0)  # the fund balances


def test_general_n_party_formula():
    # four parties, pool 100, equal contributions (25 each), allocation 4:3:2:1 → 40, 30, 20, 10
    # one rule: stake 20, compliance 0.25 → 15 forfeited by A, to C:D = 2:1 → 10 and 5
    r = pooled_fund(100, dict.fromkeys("ABCD", 1), {"A": 4, "B": 3, "C": 2, "D": 1},
                    [{"section": "s", "stake": 20, "compliance": 0.25, "bear": {"A": 1}, "to": {"C": 2, "D": 1}}])  # fmt: skip
    assert [r[p]["net"] for p in "ABCD"] == pytest.approx([0, 5, 5, -10])


def test_bad_terms_and_compliance_are_located(tmp_path):
    with pytest.raises(ImportFailedError) as e:
        fund.parse_fund("code: X\npool: -1\nparties: {'1': {contribution: 0, allocation: 1}}\nsections:\n"
                        "  - {section: a, stake: 1, bear: {'9': 1}}\n")  # fmt: skip
    cols = {x.column for x in e.value.errors}
    assert {"pool", "parties.1.contribution", "sections[1].bear"} <= cols
    terms = fund.parse_fund(fund.example_text("chishui-2018"))
    with pytest.raises(ImportFailedError) as e:
        fund.settle(terms, {"清水铺": 1.5, "nowhere": 1})
    assert {x.value for x in e.value.errors} == {"nowhere", "清水铺=1.5"}
    r = CliRunner().invoke(app, ["compensation", "fund", "--example", "chishui-2018", "--compliance", "x=1",
                                 "-o", str(tmp_path / "f.json")])  # fmt: skip
    assert (
        r.exit_code == 1 and "unknown section of the fund" in r.output and not (tmp_path / "f.json").exists()
    )
    r = CliRunner().invoke(app, ["compensation", "fund", "--example", "chishui-2018", "--compliance", "清水铺=0",
                                 "-o", str(tmp_path / "f.json")])  # fmt: skip
    assert r.exit_code == 0, r.output
    out = json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))
    assert out["parties"][YN]["net"] == -2000  # 6000 − 2000 − 6000


def test_fund_page(world):
    from fastapi.testclient import TestClient

    from pioneer.db import session_scope
    from pioneer.web import auth
    from pioneer.web.app import create_app

    eng, _ = world
    with session_scope(eng) as s:
        u = auth.create_user(s, "viewer", "a-long-password-1", role=auth.Role.VIEWER)
        h = {"Authorization": f"Bearer {auth.create_token(s, u, 'test')}"}
    c = TestClient(create_app(migrate=False), base_url="http://127.0.0.1")
    assert c.get("/compensation/funds/chishui-2018").status_code == 401
    r = c.get("/compensation/funds/chishui-2018?f1=0.6667&f2=0&f3=0.5", headers=h)
    assert r.status_code == 200 and 'data-key="parties"' in r.text
    # 清水铺 6000 × (1 − 0.6667) = 1999.8 forfeited by 云南 → 云南 net 4000 − 1999.8 = 2000.2
    assert "2000.2" in r.text and "1999.8" in r.text and "<script>" not in r.text
    bad = c.get("/compensation/funds/chishui-2018?f1=2&f2=x", headers=h)
    assert bad.status_code == 422 and "compliance must be a number" in c.get(
        "/compensation/funds/chishui-2018?f2=x&lang=en", headers=h).text  # fmt: skip
    assert "达标比例须在 0–1 之间" in c.get("/compensation/funds/chishui-2018?f1=2&lang=zh", headers=h).text
    assert "/compensation/funds/chishui-2018" in c.get("/compensation", headers=h).text


def test_compliance_from_the_lake(world, tmp_path):
    # class II limits (GB 3838-2002 Table 1): CODMn 4, NH3-N 0.5, TP 0.1 (rivers)
    #   清水铺 2019: CODMn 3 (II) NH3-N 0.4 (II) TP 0.15 (III) → 2 of 3 met → f = 2/3
    #   鲢鱼溪: all II → 1; 茅台镇上游: CODMn 5 (III), NH3-N 0.6 (III), TP 0.05 (II) → 1/3
    # deductions: 6000/3 = 2000 (云南 → 贵州, 四川 1000 each); 茅台 8000 × 2/3 = 5333.33 borne 2666.67 each
    # nets: 云南 4000 − 2000 = 2000; 贵州 −2000 + 1000 − 2666.67 = −3666.67; 四川 −2000 + 1000 − 2666.67
    from pioneer.db import session_scope
    from pioneer.lake.ingest import ingest
    from pioneer.registry.stations.models import Station

    eng, lake = world
    values = {
        "清水铺": ("3", "0.4", "0.15"),
        "鲢鱼溪": ("3", "0.4", "0.05"),
        "茅台镇上游": ("5", "0.6", "0.05"),
    }
    rows = [(s, f"2019-{m:02d}-08", item, v, "mg/L") for s, vs in values.items() for m in range(1, 13)
            for item, v in zip(("高锰酸盐指数", "氨氮", "总磷"), vs, strict=True)]  # fmt: skip
    f = tmp_path / "chishui.csv"
    pd.DataFrame(rows, columns=["section", "time", "item", "value", "unit"]).to_csv(f, index=False)
    with session_scope(eng) as s:
        for code, div, up, down in (("清水铺", "530600", "530600", "520500"), ("鲢鱼溪", "520300", "520300", "510500"),
                                    ("茅台镇上游", "520300", "520300", "520300")):  # fmt: skip
            s.add(Station(code=code, name=code, medium="water", division_code=div, longitude=105.0, latitude=28.0,
                          datum="CGCS2000", water_body="river", cross_boundary=True, upstream_division_code=up,
                          downstream_division_code=down, source="test"))  # fmt: skip
    terms = fund.parse_fund(fund.example_text("chishui-2018"))
    with session_scope(eng) as s:
        with pytest.raises(Exception) as e:  # no data yet: every section and item listed
            fund.compliance_from_lake(s, terms, 2019, lake=lake)
        assert "清水铺" in e.value.message_zh and "fewer than the required 12" in e.value.message_en
    assert ingest([f], lake=lake, layout="water-long")[0].rows_rejected == 0
    with session_scope(eng) as s:
        got = fund.compliance_from_lake(s, terms, 2019, lake=lake)
    assert got["compliance"] == pytest.approx({"清水铺": 2 / 3, "鲢鱼溪": 1.0, "茅台镇上游新增断面": 1 / 3})
    assert sorted(d["class"] for d in got["details"]["清水铺"]) == ["II", "II", "III"]
    res = fund.settle(terms, got["compliance"])
    assert [res["parties"][p]["net"] for p in (YN, GZ, SC)] == pytest.approx([2000, -11000 / 3, -11000 / 3])
    r = CliRunner().invoke(app, ["compensation", "fund", "--example", "chishui-2018", "--year", "2019"])
    assert r.exit_code == 0 and "清水铺: 0.6667" in r.output, r.output


def test_fund_page_year_without_registered_sections_is_refused_and_listed(world):
    from fastapi.testclient import TestClient

    from pioneer.db import session_scope
    from pioneer.web import auth
    from pioneer.web.app import create_app

    eng, _ = world
    with session_scope(eng) as s:
        u = auth.create_user(s, "viewer", "a-long-password-1", role=auth.Role.VIEWER)
        h = {"Authorization": f"Bearer {auth.create_token(s, u, 'test')}"}
    c = TestClient(create_app(migrate=False), base_url="http://127.0.0.1")
    r = c.get("/compensation/funds/chishui-2018?year=2019&lang=en", headers=h)
    assert r.status_code == 422 and "清水铺" in r.text and "is not a registered water station" in r.text
    assert c.get("/compensation/funds/chishui-2018?year=19x", headers=h).status_code == 422
