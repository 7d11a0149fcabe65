"""The ecology registers' service writes the audit log itself (issue 12 item 3): a row saved and deleted without
a ``record`` argument is recorded with the actor, before and after."""

from __future__ import annotations

from sqlalchemy import select

from pioneer.db.audit import AuditEntry
from pioneer.ecology import service
from pioneer.registry.permissions import Actor, Role

BEIJING = Actor("bj", Role.PROVINCE, ("110000",), user_id=3, request_id="req-eco")
SOURCE = {"code": "BJ-WS-AU", "name": "审计水源地", "source_type": "reservoir", "tier": "city",
          "division_code": "110105", "served_divisions": "110105", "population_served": "1000",
          "section_code": "AU-01", "longitude": "116.9", "latitude": "40.5"}  # fmt: skip


def test_save_and_delete_audited_without_record(session):
    service.save_rows(session, "water_sources", [SOURCE], actor=BEIJING)
    service.save_rows(session, "water_sources", [{**SOURCE, "name": "审计水源地（改）"}], actor=BEIJING)
    service.delete(session, "water_sources", ("BJ-WS-AU",), actor=BEIJING)
    rows = session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "ecology.water_sources").order_by(AuditEntry.id)
    ).all()
    rows = [r for r in rows if "BJ-WS-AU" in r.object_key]
    assert [r.action for r in rows] == ["create", "update", "delete"]
    assert all((r.username, r.user_id, r.request_id) == ("bj", 3, "req-eco") for r in rows)
    assert rows[1].before["name"] == "审计水源地" and rows[1].after["name"] == "审计水源地（改）"
    assert rows[2].after is None and rows[0].division_code == "110105"
