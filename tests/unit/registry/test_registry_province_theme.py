"""一省域一特色: one province-tier zone per province, each with a theme, no two with the same theme (issue 16)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from pioneer.registry.errors import ZoneError
from pioneer.registry.permissions import Actor, Role
from pioneer.registry.zones import service as zones
from pioneer.registry.zones.models import Zone
from pioneer.registry.zones.schemas import ZoneCreate

OFFICE = Actor("office", Role.PROGRAMME_OFFICE)
T0 = dt.datetime(2025, 1, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def province_zone(session, code: str, division: str, theme: str):
    data = ZoneCreate(code=code, name_zh=code, tier="province", division_codes=[division], theme=theme,
                      as_of=dt.date(2025, 1, 1))  # fmt: skip
    return zones.create_zone(session, data, actor=OFFICE, at=T0)


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Zone))


def test_second_province_zone_in_the_same_province_is_refused(session):
    province_zone(session, "P-ZJ", "330000", "生态文明先行")
    with pytest.raises(ZoneError) as e:
        province_zone(session, "P-ZJ-2", "330000", "数字治理")
    assert "P-ZJ" in e.value.message_zh and "one per province" in e.value.message_en
    assert count(session) == 1


@pytest.mark.parametrize("theme", ["生态文明先行", " 生态文明先行 ", "生态文明　先行", "ECO", "eco"])
def test_same_theme_in_another_province_is_refused(session, theme):
    province_zone(session, "P-ZJ", "330000", "生态文明先行")
    province_zone(session, "P-FJ", "350000", "Eco")
    with pytest.raises(ZoneError) as e:
        province_zone(session, "P-JS", "320000", theme)
    assert "themes differ" in e.value.message_en and "特色" in e.value.message_zh
    assert count(session) == 2


def test_province_zone_needs_a_theme(session):
    with pytest.raises(ZoneError) as e:
        province_zone(session, "P-ZJ", "330000", "  ")
    assert "theme" in e.value.message_en and count(session) == 0


def test_withdrawn_zone_frees_province_and_theme(session):
    province_zone(session, "P-ZJ", "330000", "生态文明先行")
    zones.transition(session, "P-ZJ", "withdrawn", actor=Actor("zj", Role.PROVINCE, ("330000",)), at=T0,
                     reason="撤回 / withdrawn")  # fmt: skip
    province_zone(session, "P-ZJ-2", "330000", "生态文明先行")
    assert count(session) == 2


def test_city_zones_may_share_a_theme(session):
    for code, div in (("C-HZ", "330100"), ("C-NB", "330200")):
        zones.create_zone(session, ZoneCreate(code=code, name_zh=code, tier="city", division_codes=[div],
                                              theme="两山", as_of=dt.date(2025, 1, 1)), actor=OFFICE, at=T0)  # fmt: skip
    assert count(session) == 2
