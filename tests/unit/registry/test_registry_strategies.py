"""Regional strategies as data (members per the cited planning documents)."""

from __future__ import annotations

from pioneer.registry.divisions import service as divisions
from pioneer.registry.strategies import service as strategies


def test_members(session):
    gba = strategies.members(session, "gba")
    assert len(gba) == 11 and {"810000", "820000"} <= set(gba)
    assert {divisions.division(session, c).kind for c in gba} == {"sar", "prefecture"}
    assert all(c.startswith("44") for c in gba if c not in {"810000", "820000"})
    assert len(strategies.members(session, "yreb")) == 11
    assert len(strategies.members(session, "yrb")) == 9
    assert strategies.members(session, "jjj") == ["110000", "120000", "130000"]
    assert strategies.members(session, "yrd") == ["310000", "320000", "330000", "340000"]


def test_members_are_in_force_2024(session):
    for s in strategies.list_strategies(session):
        for code in strategies.members(session, s.code):
            assert divisions.division(session, code, at=2024).end_year is None


def test_sources_and_tasks(session):
    listed = strategies.list_strategies(session)
    assert [s.seed_section for s in listed] == ["二(一)", "二(二)", "二(三)", "二(四)", "二(五)"]
    assert strategies.strategy(session, "gba").source_title == "粤港澳大湾区发展规划纲要"
    tasks = strategies.tasks(session, "jjj")
    assert [t.ordinal for t in tasks] == [1, 2, 3] and all(t.confidence == "from-memory-only" for t in tasks)
