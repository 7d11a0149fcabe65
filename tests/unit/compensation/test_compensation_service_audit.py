"""The compensation service writes the audit log itself (issue 12 item 3): an agreement created and versioned
without a ``record`` argument is recorded with the actor."""

from __future__ import annotations

from sqlalchemy import select

from pioneer.compensation import service
from pioneer.compensation.template import example_text, parse_agreement
from pioneer.db import session_scope
from pioneer.db.audit import AuditEntry
from pioneer.registry.permissions import Actor, Role

OFFICE = Actor("office", Role.PROGRAMME_OFFICE, user_id=1, request_id="req-comp")


def test_agreement_audited_without_record(world):
    eng, _ = world
    data = parse_agreement(example_text("yellow-river-henan-shandong-2021"))
    with session_scope(eng) as s:
        service.create_agreement(s, data, actor=OFFICE)
    with session_scope(eng) as s:
        service.update_agreement(s, data.code, data.model_copy(update={"name": data.name + "（修订）"}),
                                 actor=OFFICE, note="修订")  # fmt: skip
    with session_scope(eng) as s:
        rows = s.scalars(
            select(AuditEntry).where(AuditEntry.object_key == data.code).order_by(AuditEntry.id)
        ).all()
        assert [r.action for r in rows] == ["create", "update"]
        assert all((r.username, r.user_id, r.request_id) == ("office", 1, "req-comp") for r in rows)
        assert rows[0].after["version"] == 1 and rows[1].before["version"] == 1
