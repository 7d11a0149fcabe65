"""Divisions on SQLite and PostgreSQL: counts against the source, history, hierarchy special cases."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from pioneer.registry.divisions import service as divisions
from pioneer.registry.errors import DivisionNotInForceError, UnknownDivisionError

# areacodes 2024.txt (CC0): the independent list of the codes in force in 2024 (tests/data/registry/README.md).
SOURCE_2024 = Path(__file__).parents[2] / "data" / "registry" / "areacodes_2024.txt"


def source_counts_2024() -> Counter:
    codes = [line.split()[0] for line in SOURCE_2024.read_text("utf-8").splitlines() if line.strip()]
    return Counter(
        "province" if c.endswith("0000") else "prefecture" if c.endswith("00") else "county" for c in codes
    )


def test_level_counts_2024_match_source(session):
    expected = source_counts_2024()
    assert expected == {"province": 34, "prefecture": 333, "county": 2846}  # as the source README states
    assert divisions.level_counts(session, 2024) == dict(expected)


def test_codes_in_force_2024_are_exactly_the_source_list(session):
    from sqlalchemy import select

    from pioneer.registry.divisions.models import Division

    ours = set(session.scalars(select(Division.code).where(divisions.in_force(2024))))
    theirs = {line.split()[0] for line in SOURCE_2024.read_text("utf-8").splitlines() if line.strip()}
    assert ours == theirs


def test_abolished_code_recodes_to_successor(session):
    # 110103 崇文区 abolished in 2010, merged into 110101 东城区.
    result = divisions.recode(session, "110103")
    assert [d.code for d in result.resolved] == ["110101"]
    assert result.resolved[0].name == "东城区"
    assert (result.steps[0].from_code, result.steps[0].to_code, result.steps[0].year) == (
        "110103",
        "110101",
        2010,
    )


def test_split_code_recodes_to_several_and_ignores_partial_transfers(session):
    # 130124 栾城县: part to 130108 in 2001 (partial transfer), abolished 2014 → 130111 栾城区.
    result = divisions.recode(session, "130124")
    assert [d.code for d in result.resolved] == ["130111"]
    # 130106 石家庄郊区 abolished 2001 → 130102;130103;130104;130105;130108, and 130103 桥东区 was itself
    # abolished in 2014 → 130102;130104.
    result = divisions.recode(session, "130106")
    assert [d.code for d in result.resolved] == ["130102", "130104", "130105", "130108"]
    assert ("130103", "130104", 2014) in {(s.from_code, s.to_code, s.year) for s in result.steps}


def test_recode_follows_chains(session):
    # 469003 儋州市 (省直辖, 2001–2015) became prefecture-level 460400 in 2015.
    result = divisions.recode(session, "469003")
    assert [d.code for d in result.resolved] == ["460400"]
    assert result.resolved[0].level == "prefecture"


def test_recode_to_an_earlier_target_year(session):
    # As listed in 2005, 110103 was still in force: nothing to follow.
    assert [d.code for d in divisions.recode(session, "110103", year=2005, target_year=2005).resolved] == [
        "110103"
    ]


def test_code_in_force_at_date(session):
    assert divisions.division(session, "110103", at=dt.date(2009, 12, 31)).name == "崇文区"
    with pytest.raises(DivisionNotInForceError) as err:
        divisions.division(session, "110103", at=dt.date(2015, 6, 1))
    assert "110101" in err.value.message_zh and "不在用" in err.value.message_zh
    assert "not in force in 2015" in err.value.message_en


def test_reused_code_has_incarnations(session):
    # 120110: 东郊区 until 1992, then 东丽区 under the same code.
    assert divisions.division(session, "120110", at=1990).name == "东郊区"
    assert divisions.division(session, "120110", at=2024).name == "东丽区"
    assert [d.code for d in divisions.recode(session, "120110", year=1990).resolved] == ["120110"]


def test_unknown_code(session):
    with pytest.raises(UnknownDivisionError) as err:
        divisions.division(session, "999999")
    assert "999999" in err.value.message_zh and "unknown division code" in err.value.message_en


def test_municipality_districts_hang_under_the_municipality(session):
    beijing = divisions.division(session, "110000")
    assert beijing.kind == "municipality"
    kids = divisions.children(session, "110000", year=2024)
    assert len(kids) == 16 and {k.kind for k in kids} == {"municipal_district"}
    assert [a.code for a in divisions.ancestors(session, "110105", year=2024)] == ["110000"]
    # Chongqing's counties are also directly under the municipality.
    assert divisions.division(session, "500230", at=2024).parent_code == "500000"


def test_province_administered_county(session):
    xiantao = divisions.division(session, "429004", at=2024)
    assert (xiantao.name, xiantao.kind, xiantao.parent_code) == ("仙桃市", "province_administered", "420000")
    assert [a.code for a in divisions.ancestors(session, "429004", year=2024)] == ["420000"]
    hubei = {d.code for d in divisions.subtree(session, "420000", year=2024)}
    assert {"429004", "429005", "429006", "429021", "420100", "420102"} <= hubei


def test_special_administrative_regions_and_taiwan(session):
    assert divisions.division(session, "810000").kind == "sar"
    assert divisions.division(session, "820000").kind == "sar"
    assert divisions.division(session, "710000").kind == "taiwan"
    assert divisions.children(session, "810000", year=2024) == []


def test_prefecture_without_counties(session):
    # 东莞市 has no county-level divisions; its parent is 广东省.
    dongguan = divisions.division(session, "441900")
    assert dongguan.parent_code == "440000" and divisions.children(session, "441900", year=2024) == []


def test_subtree_counts(session):
    beijing = divisions.subtree(session, "110000", year=2024)
    assert len(beijing) == 17
    guangzhou = divisions.subtree(session, "440100", year=2024)
    assert len(guangzhou) == 12 and guangzhou[0].code == "440100"


def test_find_by_name(session):
    found = divisions.find_divisions(session, "崇文", year=None)
    assert [d.code for d in found] == ["110103"]
    assert divisions.find_divisions(session, "崇文", year=2024) == []
    assert "429004" in {d.code for d in divisions.find_divisions(session, "仙桃", year=2024)}
    assert divisions.find_divisions(session, "%", year=2024) == []  # LIKE wildcards are escaped


def test_bulk_check(session):
    import pandas as pd

    frame = pd.DataFrame({"code": ["110101", "110103", "110103", "999999"], "year": [2024, 2005, 2015, 2024]})
    status = divisions.check_codes_in_force(session, frame, code="code", year="year")
    assert status.tolist() == ["ok", "ok", "not_in_force", "unknown"]
