"""The registry's services write the audit log themselves (issue 12 item 3): a zone created, a lifecycle step and
a station import are recorded with the actor, without the caller passing anything."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from pioneer.db.audit import AuditEntry
from pioneer.errors import PioneerError
from pioneer.registry.permissions import Actor, Role
from pioneer.registry.stations import service as stations
from pioneer.registry.zones import service as zones
from pioneer.registry.zones.schemas import ZoneCreate

ANJI = Actor("anji", Role.ZONE, ("330523",), user_id=7, request_id="req-1")
ZHEJIANG = Actor("zj", Role.PROVINCE, ("330000",))
T0 = dt.datetime(2025, 1, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def entries(session, object_type, key):
    return session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == object_type, AuditEntry.object_key == key)
        .order_by(AuditEntry.id)
    ).all()


def test_zone_create_and_transition_audited(session):
    data = ZoneCreate(code="PZ-AUDIT", name_zh="审计测试先行区", tier="county", division_codes=["330523"],
                      theme="两山", as_of=dt.date(2025, 1, 1))  # fmt: skip
    zones.create_zone(session, data, actor=ANJI, at=T0)
    zones.transition(session, "PZ-AUDIT", "recommended", actor=ZHEJIANG, reason="符合条件", at=T0)
    made, step = entries(session, "zone", "PZ-AUDIT")
    assert (made.action, made.username, made.user_id, made.request_id) == ("create", "anji", 7, "req-1")
    assert made.before is None and made.after["state"] == "draft" and made.division_code == "330523"
    assert (step.action, step.username, step.note) == ("transition", "zj", "符合条件")
    assert step.before["state"] == "draft" and step.after["state"] == "recommended"


def test_refused_transition_writes_no_entry(session):
    data = ZoneCreate(code="PZ-AUDIT2", name_zh="审计测试二", tier="county", division_codes=["330523"],
                      theme="两山", as_of=dt.date(2025, 1, 1))  # fmt: skip
    zones.create_zone(session, data, actor=ANJI, at=T0)
    with pytest.raises(PioneerError):
        zones.transition(session, "PZ-AUDIT2", "approved", actor=ANJI, at=T0)
    assert [e.action for e in entries(session, "zone", "PZ-AUDIT2")] == ["create"]


def test_station_import_audited(session, tmp_path):
    path = tmp_path / "audit-stations.csv"
    path.write_text(
        "station_code,name,medium,division_code,longitude,latitude,datum,active_from,active_to,air_class,"
        "water_body,basin,cross_boundary,upstream_division_code,downstream_division_code,noise_zone_class\n"
        "AU01,审计空气站,air,330523,119.68,30.63,WGS84,2020-01-01,,provincial,,,,,,\n",
        encoding="utf-8",
    )
    stations.import_stations(session, path, actor=ZHEJIANG)
    (entry,) = entries(session, "station", "audit-stations.csv")
    assert entry.action == "import" and entry.username == "zj" and entry.after["codes"] == ["AU01"]
    assert entry.division_code == "330523"


def test_zone_description_edit_audited_and_scoped(session):
    """``zones.update_zone``: the zone's own administration edits its theme; audited with before/after and the
    actor's user and request id; another province, a viewer and a too-long theme change nothing."""
    from pioneer.errors import InputError, PermissionDeniedError

    data = ZoneCreate(code="PZ-AUDIT3", name_zh="审计测试三", tier="county", division_codes=["330523"],
                      theme="两山", as_of=dt.date(2025, 1, 1))  # fmt: skip
    zones.create_zone(session, data, actor=ANJI, at=T0)
    for who in (Actor("js", Role.PROVINCE, ("320000",)), Actor("v", Role.VIEWER, ("330000",))):
        with pytest.raises(PermissionDeniedError):
            zones.update_zone(session, "PZ-AUDIT3", actor=who, theme="改写")
    with pytest.raises(InputError) as err:
        zones.update_zone(session, "PZ-AUDIT3", actor=ANJI, theme="长" * 2001)
    assert err.value.column == "theme" and err.value.message_en
    assert zones.zone(session, "PZ-AUDIT3").theme == "两山"
    assert [e.action for e in entries(session, "zone", "PZ-AUDIT3")] == ["create"]
    zones.update_zone(session, "PZ-AUDIT3", actor=ANJI, theme=" 绿水青山 ", name_en="Anji", at=T0)
    _made, edit = entries(session, "zone", "PZ-AUDIT3")
    assert (edit.action, edit.username, edit.user_id, edit.request_id) == ("update", "anji", 7, "req-1")
    assert (edit.before["theme"], edit.after["theme"], edit.after["name_en"]) == ("两山", "绿水青山", "Anji")
    zones.update_zone(
        session, "PZ-AUDIT3", actor=ZHEJIANG, theme="两山理念"
    )  # the province covers the county
    assert zones.zone(session, "PZ-AUDIT3").theme == "两山理念"
